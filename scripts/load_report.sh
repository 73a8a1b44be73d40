#!/usr/bin/env bash
# Load test: does report-json slow down as the database grows? Two release servers side by side:
# one over a database holding a single completed 3-check case, one over a database where that
# case has CASES - 1 copies beside it (with their checks and evidence, written by `satyapan admin
# seed-cases`). Rounds of wrk then alternate /healthz, report-json on the small database and
# report-json on the large one, so the figures compared ran under the same load on the machine;
# the medians of the rounds are compared.
#
#   CASES=100000 scripts/load_report.sh                                  # SQLite in a temp dir
#   CASES=100000 DATABASE_URL=postgres://postgres@127.0.0.1/satyapan_load scripts/load_report.sh
#
# Needs wrk (apt-get install wrk). Traffic goes to 127.0.0.1 only; each wrk run is bounded by
# DURATION (default 10s) with CONNECTIONS (default 32) connections on THREADS (default 2) threads;
# ROUNDS (default 3) rounds. The binary is built into $CARGO_TARGET_DIR (default target/);
# SKIP_BUILD=1 uses it as it is. On PostgreSQL, DATABASE_URL names a database prefix: <name>_one
# and <name>_many are dropped and created afresh (and dropped at the end). Server settings pass
# through SATYAPAN_* variables (SATYAPAN_REPORT_CACHE_ENTRIES=0: no in-memory report cache).
set -euo pipefail
cd "$(dirname "$0")/.."
CASES=${CASES:-100000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-18099}
work=$(mktemp -d)
servers=()
databases=()
cleanup() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  for db in "${databases[@]}"; do psql "${db%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${db##*/}" || true; done
  rm -rf "$work"
}
trap cleanup EXIT

target=${CARGO_TARGET_DIR:-target}
[[ ${SKIP_BUILD:-} == 1 ]] || cargo build --release --quiet --bin satyapan
bin=$target/release/satyapan
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

database() { # name → sets url
  if [[ -n ${DATABASE_URL:-} ]]; then
    url="${DATABASE_URL}_$1"
    psql "${url%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${url##*/}" -c "CREATE DATABASE ${url##*/}"
    databases+=("$url")
  else
    url="sqlite://$work/$1.db"
  fi
}

# Starts a server over a new database with one completed case; sets url, port, key, org_id, case_id.
start() { # name port
  database "$1"
  port=$2
  local org
  org=$($bin admin --database-url "$url" org create --name "Load $1" --credits 100000)
  org_id=$(json 'd["org_id"]' <<<"$org")
  key=$(json 'd["api_key"]' <<<"$org")
  SATYAPAN_REPORT_POLL_INTERVAL_SECS=0 SATYAPAN_LOG_FORMAT=json RUST_LOG=warn \
    SATYAPAN_FILES_DIR="$work/files-$1" \
    $bin serve --database-url "$url" --listen "127.0.0.1:$port" >"$work/$1.log" 2>&1 &
  servers+=($!)
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
  local api="http://127.0.0.1:$port/api" status=
  case_id=$(curl -sf -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d '{"checks":["identity_pan","aml_check","criminal_check"],"candidates":[{"name":"Vivek Patel","dob":"08-01-2001","pan":"ABCPE1234F","permanent_address":"12 MG Road, Pune 411001","sandbox_outcome":{"identity_pan":"clear","aml_check":"clear","criminal_check":"clear"}}]}' \
    "$api/recruiter/v2/bgv-submit/" | json 'd["data"]["cases_created"][0]["case_id"]')
  for _ in $(seq 1 100); do
    status=$(curl -sf -H "Authorization: Bearer $key" "$api/recruiter/v2/report-json/?case_id=$case_id" |
      json 'd["data"]["status"]')
    [[ $status == completed ]] && break
    sleep 0.1
  done
  [[ $status == completed ]] || { echo "the case did not complete: $status" >&2; exit 1; }
}

start one "$PORT"
one_url="http://127.0.0.1:$PORT/api/recruiter/v2/report-json/?case_id=$case_id"
one_key=$key
start many $((PORT + 1))
many_url="http://127.0.0.1:$((PORT + 1))/api/recruiter/v2/report-json/?case_id=$case_id"
many_key=$key
seeded=$($bin admin --database-url "$url" seed-cases --org "$org_id" --like "$case_id" --cases $((CASES - 1)))
echo "seeded $((CASES - 1)) copies in $(json '"%.1f" % d["seconds"]' <<<"$seeded") s"
curl -sf -H "Authorization: Bearer $many_key" "$many_url" >/dev/null

measure() { # label url auth file
  local out args=(-t"$THREADS" -c"$CONNECTIONS" --latency)
  [[ -n $3 ]] && args+=(-H "Authorization: Bearer $3")
  # A short unreported run first: connections opened, caches and pools warm.
  wrk "${args[@]}" -d2s "$2" >/dev/null
  out=$(wrk "${args[@]}" -d"$DURATION" "$2")
  {
    echo "== $1"
    sed -n '1,20p' <<<"$out"
  } >>"$work/wrk.txt"
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  printf '%-30s %10s req/s  p50 %8s  p99 %8s  non-2xx %s\n' "$1" "$rps" "$p50" "$p99" "${non2xx:-0}"
  echo "$rps" >>"$work/$4"
}

backend=${DATABASE_URL:-sqlite}
echo "== $CASES cases, ${backend%%:*}, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS rounds, $(nproc) cores"
for round in $(seq 1 "$ROUNDS"); do
  measure "round $round /healthz" "http://127.0.0.1:$PORT/healthz" "" healthz
  measure "round $round report-json 1" "$one_url" "$one_key" one
  measure "round $round report-json $CASES" "$many_url" "$many_key" many
done
python3 - "$work" "$CASES" <<'EOF'
import statistics, sys
d, cases = sys.argv[1], sys.argv[2]
m = {n: statistics.median(float(x) for x in open(f"{d}/{n}")) for n in ("healthz", "one", "many")}
print(f"medians: /healthz {m['healthz']:.0f} req/s, report-json with 1 case {m['one']:.0f} req/s, "
      f"with {cases} cases {m['many']:.0f} req/s")
print(f"report-json, {cases} cases / 1 case: {m['many'] / m['one']:.2f} (goal: within 10 %)")
print(f"report-json ({cases} cases) / /healthz: {m['many'] / m['healthz']:.2f} (goal: >= 0.30)")
EOF
if [[ -z ${DATABASE_URL:-} ]]; then echo "SQLite database with $CASES cases: $(du -h "$work/many.db" | cut -f1)"; fi
echo "server RSS after the runs: $(ps -o rss= -p "${servers[0]}") KiB (1 case), $(ps -o rss= -p "${servers[1]}") KiB ($CASES cases)"
if [[ -n ${VERBOSE:-} ]]; then cat "$work/wrk.txt"; fi
