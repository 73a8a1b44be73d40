#!/usr/bin/env bash
# Load test: report-json throughput and latency beside /healthz, against a running release build.
#
#   scripts/load_report.sh                       # SQLite in a temp dir
#   DATABASE_URL=postgres://postgres@127.0.0.1/bench_load scripts/load_report.sh
#
# Needs wrk (apt-get install wrk). Traffic goes to 127.0.0.1 only; each run is bounded by
# DURATION (default 10s) with CONNECTIONS (default 32) connections on THREADS (default 2) threads.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
PORT=${PORT:-18099}
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

cargo build --release --quiet
bin=target/release/satyapan
url=${DATABASE_URL:-sqlite://$work/load.db}
if [[ $url == postgres* ]]; then
  base=${url%/*}; name=${url##*/}
  psql "$base/postgres" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
fi

org=$($bin admin --database-url "$url" org create --name Load --credits 100000)
key=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])' <<<"$org")

SATYAPAN_REPORT_POLL_INTERVAL_SECS=0 SATYAPAN_LOG_FORMAT=json RUST_LOG=warn \
  $bin serve --database-url "$url" --listen "127.0.0.1:$PORT" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done

case_id=$(curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -d '{"checks":["identity_pan","aml_check","criminal_check"],"candidates":[{"name":"Vivek Patel","dob":"08-01-2001","pan":"ABCPE1234F","permanent_address":"12 MG Road, Pune 411001"}]}' \
  "http://127.0.0.1:$PORT/api/recruiter/v2/bgv-submit/" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["cases_created"][0]["case_id"])')
sleep 1

echo "== /healthz ($DURATION, $CONNECTIONS connections, $THREADS threads)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$PORT/healthz" | sed -n '1,20p'
echo
echo "== /api/recruiter/v2/report-json/ (a completed 3-check case)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $key" \
  "http://127.0.0.1:$PORT/api/recruiter/v2/report-json/?case_id=$case_id" | sed -n '1,20p'
echo
echo "idle RSS of the server after the runs: $(ps -o rss= -p "$server") KiB"
