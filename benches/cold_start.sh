#!/usr/bin/env bash
# Cold start of a function binary under a minimal Lambda Runtime API (benches/src/bin/runtime_api.rs),
# interleaved with the smallest `lambda_runtime` function (benches/src/bin/lambda_hello.rs), both
# built as `sam build` builds a function for Lambda (cargo-lambda, release profile, x86_64); then
# the stripped sizes of a set of function binaries.
# See BENCHMARKS.md. Loopback only.
#
#   bash benches/cold_start.sh               # build, measure, print markdown tables
#   bash benches/cold_start.sh --check       # the same, and exit 1 when a limit is exceeded
#   bash benches/cold_start.sh --build-only  # only the release builds (CI runs them beside the tests)
#
# Settings (environment): RUNS (20), TIMED (get-product: the function started and timed; its first
# response reads DynamoDB, answered by the emulator), SIZED (functions whose binary size is
# reported; ALL for every function, which takes one fat-LTO link each), BUILD (1; 0 reuses the
# binaries already built), CARGO_TARGET_DIR (target).
# Limits of --check, by default the budgets: init <= MAX_INIT_RATIO (1.5) x hello, peak RSS <=
# MAX_RSS_RATIO (2) x hello, every stripped binary <= MAX_BYTES (6000000), or the limit that
# SIZE_LIMITS gives it ("name=bytes name=bytes"; CI sets the figures reached so far, so that the
# check catches a regression while the budgets are not met: see BENCHMARKS.md).
set -euo pipefail

cd "$(dirname "$0")/.."

check=0
build_only=0
for arg in "$@"; do
  case $arg in
    --check) check=1 ;;
    --build-only) build_only=1 ;;
    *) echo "unknown argument $arg (--check or --build-only)" >&2; exit 2 ;;
  esac
done

RUNS=${RUNS:-20}
TIMED=${TIMED:-get-product}
SIZED=${SIZED:-get-product register-user on-order-created seed-catalog}
BUILD=${BUILD:-1}
MAX_INIT_RATIO=${MAX_INIT_RATIO:-1.5}
MAX_RSS_RATIO=${MAX_RSS_RATIO:-2}
MAX_BYTES=${MAX_BYTES:-6000000}
SIZE_LIMITS=${SIZE_LIMITS:-}
target=${CARGO_TARGET_DIR:-target}
# What `sam build` deploys: cargo-lambda's build of each binary, renamed `bootstrap`.
binary() { echo "$target/lambda/$1/bootstrap"; }
lambda_build() { nice -n 10 cargo lambda build --release --target x86_64-unknown-linux-gnu "$@"; }

if [ "$SIZED" = ALL ]; then
  SIZED=$(cd functions && ls -d -- */ | tr -d /)
fi
# shellcheck disable=SC2086 # word splitting of the function list is wanted
read -r -a sized <<<"$(echo $TIMED $SIZED | tr ' ' '\n' | awk '!seen[$0]++' | tr '\n' ' ')"

log() { echo "==> $*" >&2; }

if [ "$BUILD" = 1 ]; then
  command -v cargo-lambda >/dev/null || {
    echo "cargo-lambda is needed (python3 -m pip install cargo-lambda ziglang)" >&2
    exit 2
  }
  # Each function alone, as the deployment builds it: built together, cargo would unify the
  # features of `shared` and give every function the SSM and SNS clients only some of them use.
  log "building ${sized[*]} (release profile, one at a time)"
  start=$SECONDS
  for f in "${sized[@]}"; do
    lambda_build -p "$f"
  done
  log "building runtime-api and the hello-worlds (release profile)"
  lambda_build -p souk-benches --bin runtime-api --bin lambda-hello --bin lambda-hello-one-thread
  log "built in $((SECONDS - start)) s"
fi
[ "$build_only" = 1 ] && exit 0

log "timing $TIMED against lambda-hello (and lambda-hello-one-thread), $RUNS interleaved runs"
budget_args=()
if [ "$check" = 1 ]; then
  budget_args=(--baseline lambda-hello --max-init-ratio "$MAX_INIT_RATIO" --max-rss-ratio "$MAX_RSS_RATIO")
fi
status=0
echo "$RUNS interleaved runs; release profile; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
echo
# The function's environment is its template.yaml one (get-product: PRODUCTS_TABLE;
# on-upload-received: UPLOADS_TABLE, its S3 client built but not called, as the emulator's
# database knows no upload) plus DynamoDB at the emulator (DYNAMODB_ENDPOINT: as in AWS, but with
# the emulators' region and credentials instead of Lambda's variables); a function ignores the
# others' variables and the hello-worlds all of them. The budgets' baseline is lambda-hello, the
# hello-world as written everywhere (`#[tokio::main]`); lambda-hello-one-thread is the same on the
# one-thread runtime the functions use, shown beside it so that what the runtime choice itself
# saves can be told apart.
"$(binary runtime-api)" --runs "$RUNS" --event "events/$TIMED.json" "${budget_args[@]}" \
  --env PRODUCTS_TABLE=souk-products \
  --env UPLOADS_TABLE=souk-uploads \
  --env 'DYNAMODB_ENDPOINT=http://{api}' \
  "$TIMED=$(binary "$TIMED")" "lambda-hello=$(binary lambda-hello)" \
  "lambda-hello-one-thread=$(binary lambda-hello-one-thread)" || status=1

echo
echo "| binary | stripped size (bytes) | MB | limit |"
echo "| --- | ---: | ---: | --- |"
for f in "${sized[@]}" lambda-hello; do
  bytes=$(stat -c %s "$(binary "$f")")
  limit=$MAX_BYTES
  for pair in $SIZE_LIMITS; do
    [ "${pair%%=*}" = "$f" ] && limit=${pair#*=}
  done
  verdict="<= $limit"
  if [ "$f" != lambda-hello ] && [ "$bytes" -gt "$limit" ]; then
    verdict="OVER $limit"
    [ "$check" = 1 ] && status=1
  fi
  [ "$f" = lambda-hello ] && verdict="-"
  printf '| %s | %s | %.2f | %s |\n' "$f" "$bytes" "$(awk "BEGIN { print $bytes / 1000000 }")" "$verdict"
done

if [ "$check" = 1 ] && [ "$status" != 0 ]; then
  echo "cold-start limit exceeded" >&2
fi
exit "$status"
