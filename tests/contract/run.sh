#!/usr/bin/env bash
# Contract fuzzing: schemathesis (PyPI) runs every check of openapi.yaml against a local
# marketplace, anonymously and as each role in turn, with a bounded number of examples per
# operation. Fails when any role finds a failure.
# Usage: tests/contract/run.sh [examples per operation, default 10]
# SOUK_LOCAL names an already built runner binary; otherwise it is built first.
set -euo pipefail
cd "$(dirname "$0")/../.."
examples="${1:-10}"
venv=.souk/contract
[ -x "$venv/bin/schemathesis" ] || {
  python3 -m venv "$venv" && "$venv/bin/pip" install --quiet --disable-pip-version-check 'schemathesis==4.32.5'
}
export SOUK_ADMIN_EMAIL=admin@souk.local SOUK_ADMIN_PASSWORD='Souk-Admin-2026!'
# A fresh marketplace each run; DynamoDB Local is installed once per checkout, in .souk.
data=$(mktemp -d)
pid=
trap 'if [ -n "$pid" ]; then kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; fi; rm -rf "$data"' EXIT
runner="${SOUK_LOCAL:-}"
if [ -z "$runner" ]; then
  cargo build --quiet -p souk-local
  runner="${CARGO_TARGET_DIR:-target}/debug/souk-local"
fi
# DynamoDB Local and moto (the runner's S3) are installed once per checkout, in .souk.
mkdir -p .souk/dynamodb-local .souk/python
ln -s "$PWD/.souk/dynamodb-local" "$data/dynamodb-local"
ln -s "$PWD/.souk/python" "$data/python"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
api="http://127.0.0.1:$port"
# Up to three starts: on a loaded machine creating the tables can time out.
for attempt in 1 2 3; do
  "$runner" --addr "127.0.0.1:$port" --data-dir "$data" > "$data/runner.log" 2>&1 &
  pid=$!
  for _ in $(seq 300); do
    curl -fs "$api/api/health" > /dev/null && break 2
    kill -0 $pid 2>/dev/null || break
    sleep 1
  done
  cat "$data/runner.log"
  kill $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  pid=
  [ $attempt -lt 3 ] || exit 1
done
eval "$(python3 tests/contract/accounts.py "$api")"
failed=()
run() { # role, and the refresh token of its session (none: anonymous)
  local auth=()
  [ -z "${2:-}" ] || auth=(-H "Authorization: Bearer $(python3 tests/contract/accounts.py "$api" "$2")")
  echo "== contract: $1"
  "$venv/bin/schemathesis" --no-color --config-file tests/contract/schemathesis.toml run openapi.yaml -u "$api" \
    "${auth[@]}" --checks all -n "$examples" --generation-deterministic || failed+=("$1")
}
run anonymous
run customer "$CUSTOMER_SESSION"
run vendor "$VENDOR_SESSION"
run admin "$ADMIN_SESSION"
if [ ${#failed[@]} -gt 0 ]; then
  echo "contract: failures as ${failed[*]} (${SECONDS}s); what the runner logged above INFO:"
  grep -v '"level":"INFO"' "$data/runner.log" | tail -n 40
  exit 1
fi
echo "contract: no failures as anonymous, customer, vendor or admin (${SECONDS}s)"
