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

source benches/dynamodb_local.sh
tmp=$(mktemp -d)
trap 'kill ${DYNAMODB_PID:-} 2>/dev/null || true; rm -rf "$tmp"' EXIT
start_dynamodb_local "$tmp/dynamodb.log"

log "$ORDERS orders on one day, $PRODUCTS products sold a day over a year"
"$out/examples/analytics_bench" "$DYNAMODB_ENDPOINT" "$ORDERS" "$PRODUCTS" "$READS"
