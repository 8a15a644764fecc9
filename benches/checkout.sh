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
source benches/dynamodb_local.sh
start_dynamodb_local /dev/null
trap 'kill $DYNAMODB_PID 2>/dev/null || true' EXIT
"${CARGO_TARGET_DIR:-target}"/release/examples/checkout_bench "$DYNAMODB_ENDPOINT" "$REQUESTS"
