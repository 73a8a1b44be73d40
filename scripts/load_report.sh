#!/usr/bin/env bash
# Load test: does report-json slow down as the database grows? In one run, against a release
# build: /healthz, then report-json on a completed 3-check case with that one case in the
# database, then the same read after seeding the database up to CASES cases (copies of that case,
# with their checks and evidence, written by `satyapan admin seed-cases`).
#
#   CASES=100000 scripts/load_report.sh                                  # SQLite in a temp dir
#   CASES=100000 DATABASE_URL=postgres://postgres@127.0.0.1/satyapan_load scripts/load_report.sh
#
# Needs wrk (apt-get install wrk). Traffic goes to 127.0.0.1 only; each wrk run is bounded by
# DURATION (default 10s) with CONNECTIONS (default 32) connections on THREADS (default 2) threads.
# The binary is built into $CARGO_TARGET_DIR (default target/); SKIP_BUILD=1 uses it as it is.
# A PostgreSQL database named in DATABASE_URL is dropped and created afresh.
set -euo pipefail
cd "$(dirname "$0")/.."
CASES=${CASES:-100000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
PORT=${PORT:-18099}
work=$(mktemp -d)
server=
cleanup() {
  if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

target=${CARGO_TARGET_DIR:-target}
[[ ${SKIP_BUILD:-} == 1 ]] || cargo build --release --quiet --bin satyapan
bin=$target/release/satyapan
url=${DATABASE_URL:-sqlite://$work/load.db}
if [[ $url == postgres* ]]; then
  base=${url%/*}; name=${url##*/}
  psql "$base/postgres" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
fi
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

org=$($bin admin --database-url "$url" org create --name Load --credits 100000)
org_id=$(json 'd["org_id"]' <<<"$org")
key=$(json 'd["api_key"]' <<<"$org")

SATYAPAN_REPORT_POLL_INTERVAL_SECS=0 SATYAPAN_LOG_FORMAT=json RUST_LOG=warn \
  $bin serve --database-url "$url" --listen "127.0.0.1:$PORT" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done

api="http://127.0.0.1:$PORT/api"
case_id=$(curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -d '{"checks":["identity_pan","aml_check","criminal_check"],"candidates":[{"name":"Vivek Patel","dob":"08-01-2001","pan":"ABCPE1234F","permanent_address":"12 MG Road, Pune 411001","sandbox_outcome":{"identity_pan":"clear","aml_check":"clear","criminal_check":"clear"}}]}' \
  "$api/recruiter/v2/bgv-submit/" | json 'd["data"]["cases_created"][0]["case_id"]')
report="$api/recruiter/v2/report-json/?case_id=$case_id"
for _ in $(seq 1 100); do
  status=$(curl -sf -H "Authorization: Bearer $key" "$report" | json 'd["data"]["status"]')
  [[ $status == completed ]] && break
  sleep 0.1
done
[[ $status == completed ]] || { echo "the case did not complete: $status" >&2; exit 1; }

measure() { # label url [auth]
  local out
  if [[ -n ${3:-} ]]; then
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $3" "$2")
  else
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$2")
  fi
  echo "== $1" >&2
  sed -n '1,20p' <<<"$out" >&2
  echo >&2
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  printf '%-34s %10s req/s  p50 %8s  p99 %8s  non-2xx %s\n' "$1" "$rps" "$p50" "$p99" "${non2xx:-0}"
  echo "$rps" >"$work/$4"
}

backend=${url%%:*}
summary=$(
  measure "/healthz" "http://127.0.0.1:$PORT/healthz" "" healthz
  measure "report-json, 1 case" "$report" "$key" one
  seeded=$($bin admin --database-url "$url" seed-cases --org "$org_id" --like "$case_id" --cases $((CASES - 1)))
  echo "seeded $((CASES - 1)) copies in $(json '"%.1f" % d["seconds"]' <<<"$seeded") s" >&2
  curl -sf -H "Authorization: Bearer $key" "$report" >/dev/null
  measure "report-json, $CASES cases" "$report" "$key" many
)
echo
echo "== summary ($backend, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) cores)"
echo "$summary"
python3 - "$work" <<'EOF'
import sys
d = sys.argv[1]
r = {n: float(open(f"{d}/{n}").read()) for n in ("healthz", "one", "many")}
print(f"report-json with the database grown: {r['many'] / r['one']:.2f} x the 1-case figure "
      f"(goal: within 10 %, >= 0.90)")
print(f"report-json beside /healthz: {r['many'] / r['healthz']:.2f} x /healthz (goal: >= 0.30)")
EOF
if [[ $url == sqlite* ]]; then echo "SQLite database: $(du -h "$work/load.db" | cut -f1)"; fi
echo "server RSS after the runs: $(ps -o rss= -p "$server") KiB"
