#!/usr/bin/env bash
# Records the DynamoDB answers that the warm-handler bench (benches/warm/) plays back:
#
#   bash benches/record_warm.sh
#
# Builds the catalog loader and the recorder (local/examples/record_warm), which starts an in-memory
# DynamoDB Local on loopback, loads 2,000 products, runs each scenario once through the local
# runner and writes benches/fixtures/warm/<scenario>.json. Run it again when a function's DynamoDB
# calls change; the bench fails on a call it has no answer to.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${CARGO_TARGET_DIR:-target}
nice -n 10 cargo build --profile bench -p souk-local --example load_catalog --example record_warm >&2
# The bench profile builds into `release/`.
"$target/release/examples/record_warm" "$target/release/examples/load_catalog" benches/fixtures/warm
