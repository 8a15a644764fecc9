#!/usr/bin/env bash
# Contract fuzzing: schemathesis (PyPI) runs every check of openapi.yaml against a local
# marketplace, anonymously and as each role in turn, with a bounded number of examples per
# operation. Usage: tests/contract/run.sh [examples per operation, default 10]
set -euo pipefail
cd "$(dirname "$0")"
examples="${1:-10}"
venv=../../.souk/contract
[ -x "$venv/bin/schemathesis" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet 'schemathesis==4.32.5'; }
export SOUK_ADMIN_EMAIL=admin@souk.local SOUK_ADMIN_PASSWORD='Souk-Admin-2026!'
data=$(mktemp -d)
cargo run --quiet -p souk-local -- --addr 127.0.0.1:3901 --data-dir "$data" > "$data/runner.log" 2>&1 &
runner=$!
trap 'kill $runner 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 120); do curl -fs http://127.0.0.1:3901/api/health > /dev/null && break; sleep 1; done
eval "$(python3 accounts.py http://127.0.0.1:3901)"
status=0
run() { LOGIN_EMAIL="$1" LOGIN_PASSWORD="$2" "$venv/bin/schemathesis" run ../../openapi.yaml \
  -u http://127.0.0.1:3901 --checks all -n "$examples" --generation-deterministic || status=1; }
run "" ""
run "$CUSTOMER_EMAIL" "$CUSTOMER_PASSWORD"
run "$VENDOR_EMAIL" "$VENDOR_PASSWORD"
run "$SOUK_ADMIN_EMAIL" "$SOUK_ADMIN_PASSWORD"
exit $status
