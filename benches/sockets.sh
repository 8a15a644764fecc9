#!/usr/bin/env bash
# The WebSocket API of the local runner (local/examples/socket_bench.rs), over an in-memory
# DynamoDB Local: send → receive latency with 50 conversations at once, then the runner's memory
# per open connection.
#
#   bash benches/sockets.sh                         # both
#   PACE_MS=0 bash benches/sockets.sh latency       # every round as soon as the answer came
#   CONNECTIONS=250,500,1000 bash benches/sockets.sh memory
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT=${1:-both}
ROUNDS=${ROUNDS:-20}
CONVERSATIONS=${CONVERSATIONS:-50}
PACE_MS=${PACE_MS:-2000}
CONNECTIONS=${CONNECTIONS:-500,1000,2000}
ROUNDS_OF_MOST=${ROUNDS_OF_MOST:-3}

nice -n 10 cargo build --profile bench -p souk-local --example socket_bench >&2
bench="${CARGO_TARGET_DIR:-target}"/release/examples/socket_bench
source benches/dynamodb_local.sh
start_dynamodb_local /dev/null
trap 'kill $DYNAMODB_PID 2>/dev/null || true' EXIT
if [ "$WHAT" != memory ]; then
  "$bench" latency "$DYNAMODB_ENDPOINT" --rounds "$ROUNDS" --vendors "$CONVERSATIONS" \
    --conversations "$CONVERSATIONS" --pace-ms "$PACE_MS"
fi
if [ "$WHAT" != latency ]; then
  "$bench" memory "$DYNAMODB_ENDPOINT" --connections "$CONNECTIONS" --rounds "$ROUNDS_OF_MOST"
fi
