#!/usr/bin/env bash
# What the upload check costs for a 12-megapixel phone photo: shared::media::render (decode, turn
# upright, 320/800/1,600-pixel JPEG renditions) run RUNS times, and verify_image once, by
# benches/src/bin/render_photo.rs. The photo is made in memory; nothing is written or read.
# See BENCHMARKS.md.
#
#   bash benches/media.sh             # 10 renders
#   RUNS=30 bash benches/media.sh
#
# Built with the release profile, the one Lambda functions are built with (fat LTO,
# opt-level "s"), and run on one core, as a function with one vCPU runs. Builds go to
# CARGO_TARGET_DIR when it is set.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-10}
log() { printf '== %s\n' "$*" >&2; }

log "building render_photo (release profile)"
nice -n 10 cargo build --release -p souk-benches --features media --bin render_photo >&2
binary=${CARGO_TARGET_DIR:-target}/release/render_photo

log "$(nproc) cores; render_photo pinned to core 0"
taskset -c 0 "$binary" --runs "$RUNS"
