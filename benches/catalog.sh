#!/usr/bin/env bash
# Listing and search latency with a large catalog in DynamoDB Local, through the local runner.
#
#   bash benches/catalog.sh            # 100,000 products
#   COUNT=20000 bash benches/catalog.sh
#
# Starts an in-memory DynamoDB Local, loads COUNT products with their listing and search entries
# into tables created without streams (local/examples/load_catalog.rs), prints the entries one page
# reads for each query and one facet count for each search, starts the runner over those tables
# (HTTP only, triggers off), then measures each query with oha (REQUESTS requests over CONNECTIONS
# connections, loopback only) and prints p50/p95. A search repeated is served its facets as
# counted on its first request (a hit); each search is then measured again with every request a
# search of its own (a miss: `priceMin` is the request's number, in piasters, below every price,
# so every match stays), next to its listing asked the same way, by a small Python client. Each
# search's p95 is then divided by the p95 of the listing with the same filters, from the same
# run. Everything is stopped on exit. Builds go to CARGO_TARGET_DIR when it is set.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${COUNT:-100000}
REQUESTS=${REQUESTS:-400}
CONNECTIONS=${CONNECTIONS:-4}
ADDR=127.0.0.1:3920
log() { printf '== %s\n' "$*" >&2; }

log "building the runner and the loader (bench profile: release optimisation without fat LTO)"
nice -n 10 cargo build --profile bench -p souk-local --bin souk-local --example load_catalog >&2
out=${CARGO_TARGET_DIR:-target}/release
command -v oha >/dev/null || PATH="$HOME/.cargo/bin:$PATH"
command -v oha >/dev/null || nice -n 10 cargo install oha --locked >&2

source benches/dynamodb_local.sh
tmp=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

start_dynamodb_local "$tmp/dynamodb.log"
pids+=("$DYNAMODB_PID")
endpoint=$DYNAMODB_ENDPOINT
log "loading $COUNT products"
"$out/examples/load_catalog" "$endpoint" "" "$COUNT" | tee "$tmp/reads.md"

"$out/souk-local" --dynamodb-endpoint "$endpoint" --data-dir "$tmp" --addr "$ADDR" --no-triggers >"$tmp/runner.log" 2>&1 &
pids+=($!)
ready=
for _ in $(seq 1 120); do curl -sf "http://$ADDR/api/health" >/dev/null && { ready=1; break; }; sleep 0.5; done
if [ -z "$ready" ]; then echo "the runner did not start:" >&2; cat "$tmp/runner.log" >&2; exit 1; fi

declare -A p95
measure() { # label, method, path, body
  local label=$1 method=$2 path=$3 body=${4:-}
  local args=(-n "$REQUESTS" -c "$CONNECTIONS" --no-tui --output-format json -m "$method")
  [ -n "$body" ] && args+=(-d "$body" -H 'content-type: application/json')
  oha "${args[@]}" "http://$ADDR$path" >"$tmp/oha.json"
  python3 - "$label" "$tmp/oha.json" <<'PY' | tee "$tmp/row"
import json, sys
label, path = sys.argv[1], sys.argv[2]
r = json.load(open(path))
p = r["latencyPercentiles"]; s = r["summary"]
codes = r.get("statusCodeDistribution", {})
print(f"| {label} | {p['p50']*1000:.1f} | {p['p95']*1000:.1f} | {s['requestsPerSec']:.0f} | {codes} |")
PY
  p95[$label]=$(cut -d'|' -f4 "$tmp/row" | tr -d ' ')
}

# Every request of its own: `priceMin` is the request's number. Prints a row like measure's.
cat >"$tmp/distinct.py" <<'PY'
import http.client, json, sys, threading, time
label, method, path, body, requests, connections, addr = sys.argv[1:8]
requests, connections = int(requests), int(connections)
host, port = addr.split(":")
latencies, codes, lock, next_number = [], {}, threading.Lock(), iter(range(requests))
def worker():
    conn = http.client.HTTPConnection(host, int(port))
    while True:
        with lock:
            number = next(next_number, None)
        if number is None:
            return
        if method == "POST":
            payload = json.dumps(dict(json.loads(body), priceMin=number))
            args = (path, payload, {"content-type": "application/json"})
        else:
            args = (f"{path}{'&' if '?' in path else '?'}priceMin={number}",)
        started = time.perf_counter()
        conn.request(method, *args)
        response = conn.getresponse(); response.read()
        elapsed = time.perf_counter() - started
        with lock:
            latencies.append(elapsed); codes[str(response.status)] = codes.get(str(response.status), 0) + 1
began = time.perf_counter()
threads = [threading.Thread(target=worker) for _ in range(connections)]
for t in threads: t.start()
for t in threads: t.join()
total = time.perf_counter() - began
latencies.sort()
at = lambda q: latencies[max(0, int(round(q * len(latencies))) - 1)] * 1000
print(f"| {label} | {at(0.50):.1f} | {at(0.95):.1f} | {len(latencies) / total:.0f} | {codes} |")
PY
distinct() { # label, method, path, body
  python3 "$tmp/distinct.py" "$1" "$2" "$3" "${4:-}" "$REQUESTS" "$CONNECTIONS" "$ADDR" | tee "$tmp/row"
  p95[$1]=$(cut -d'|' -f4 "$tmp/row" | tr -d ' ')
}
ratio() { # search label, listing label
  python3 -c 'import sys; s, l = map(float, sys.argv[3:5]); print(f"| {sys.argv[1]} | {sys.argv[2]} | {s:.1f} / {l:.1f} | {s / l:.2f} |")' \
    "$1" "$2" "${p95[$1]}" "${p95[$2]}"
}

echo
echo "| query | p50 ms | p95 ms | req/s | status codes |"
echo "| --- | ---: | ---: | ---: | --- |"
measure "listing: newest, no filter" GET "/api/products"
measure "listing: category + governorate, price_asc" GET "/api/products?category=cars&governorate=giza&sort=price_asc"
measure "listing: make + model, year_desc" GET "/api/products?make=toyota&model=corolla&sort=year_desc"
measure "listing: make + year range + price range + condition" GET "/api/products?make=hyundai&yearMin=2015&yearMax=2020&priceMax=150000000&condition=used"
measure "listing: sparse: governorate + condition new" GET "/api/products?governorate=luxor&condition=new"
measure "listing: governorate, price_asc" GET "/api/products?governorate=cairo&sort=price_asc"
measure "search: Arabic word" POST "/api/search" '{"q":"تويوتا"}'
measure "search: make prefix + model" POST "/api/search" '{"q":"toyo corolla"}'
measure "search: word + filters, price_asc" POST "/api/search" '{"q":"كيا","governorate":"cairo","sort":"price_asc"}'
echo
echo "Every request a query of its own (priceMin = the request's number): for a search, a facet miss."
echo
echo "| query | p50 ms | p95 ms | req/s | status codes |"
echo "| --- | ---: | ---: | ---: | --- |"
distinct "listing, distinct: newest, no filter" GET "/api/products"
distinct "search miss: Arabic word" POST "/api/search" '{"q":"تويوتا"}'
distinct "search miss: make prefix + model" POST "/api/search" '{"q":"toyo corolla"}'
distinct "listing, distinct: governorate, price_asc" GET "/api/products?governorate=cairo&sort=price_asc"
distinct "search miss: word + filters, price_asc" POST "/api/search" '{"q":"كيا","governorate":"cairo","sort":"price_asc"}'
echo
echo "| search | listing with the same filters | p95 ms, search / listing | ratio |"
echo "| --- | --- | ---: | ---: |"
ratio "search: Arabic word" "listing: newest, no filter"
ratio "search: make prefix + model" "listing: newest, no filter"
ratio "search: word + filters, price_asc" "listing: governorate, price_asc"
ratio "search miss: Arabic word" "listing, distinct: newest, no filter"
ratio "search miss: make prefix + model" "listing, distinct: newest, no filter"
ratio "search miss: word + filters, price_asc" "listing, distinct: governorate, price_asc"
