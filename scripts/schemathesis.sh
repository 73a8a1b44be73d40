#!/usr/bin/env bash
# Contract test: schemathesis generates requests from /openapi.json (the examples, the coverage
# phase's boundary and invalid values, then random ones) against a server this script starts on
# a free port over a fresh database, and checks each answer against the document. Exits non-zero
# on any failure.
#
#   scripts/schemathesis.sh                                        # SQLite in a temp dir
#   scripts/schemathesis.sh postgres://postgres@127.0.0.1/postgres  # PostgreSQL (or set
#                                                                  # SATYAPAN_TEST_DATABASE_URL)
#
# On PostgreSQL a database satyapan_st_<pid> is created beside the one named and dropped at the
# end. MAX_EXAMPLES (default 100) bounds the cases per operation and phase, SEED (default 1) makes
# a run repeatable, PROFILE=release builds the release binary (default debug), SKIP_BUILD=1 uses
# the binary already in $CARGO_TARGET_DIR. schemathesis is installed from PyPI into a virtualenv
# under ${SATYAPAN_TOOLS_DIR:-~/.cache/satyapan} once.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=4.32.5
MAX_EXAMPLES=${MAX_EXAMPLES:-100}
SEED=${SEED:-1}
PROFILE=${PROFILE:-debug}
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection

# CPython 3.11 can fail inside hypothesis with "AST constructor recursion depth mismatch" (a
# CPython bug, not ours): a newer interpreter is preferred when there is one (PYTHON to choose).
python=${PYTHON:-}
if [[ -z $python ]]; then
  for candidate in python3.13 python3.12 \
    "$(pyenv root 2>/dev/null)"/versions/3.13*/bin/python3 \
    "$(pyenv root 2>/dev/null)"/versions/3.12*/bin/python3 python3; do
    if "$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      python=$candidate
      break
    fi
  done
fi
python=${python:-python3}
tools=${SATYAPAN_TOOLS_DIR:-$HOME/.cache/satyapan}
venv=$tools/schemathesis-$VERSION-py$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$VERSION"; then
  mkdir -p "$tools"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION"
fi

target=${CARGO_TARGET_DIR:-target}
if [[ ${SKIP_BUILD:-} != 1 ]]; then
  if [[ $PROFILE == release ]]; then
    cargo build --release --locked --quiet --bin satyapan
  else
    cargo build --locked --quiet --bin satyapan
  fi
fi
bin=$target/$PROFILE/satyapan

work=$(mktemp -d)
server=
pg_db=
cleanup() {
  if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [[ -n $pg_db ]]; then psql "${pg_db%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${pg_db##*/}" >/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

database=${1:-${SATYAPAN_TEST_DATABASE_URL:-}}
if [[ $database == postgres* ]]; then
  pg_db="${database%/*}/satyapan_st_$$"
  psql "${database%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${pg_db##*/}" -c "CREATE DATABASE ${pg_db##*/}" >/dev/null
  url=$pg_db
  backend=PostgreSQL
else
  url="sqlite://$work/schemathesis.db"
  backend=SQLite
fi
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# One sandbox organisation with credits to spare, and a user whose e-mail and password are the
# login example's, so the documented example signs in.
org=$("$bin" admin --database-url "$url" org create --name "Schemathesis" --credits 10000000)
org_id=$(json '["org_id"]' <<<"$org")
key=$(json '["api_key"]' <<<"$org")
"$bin" admin --database-url "$url" user create --org "$org_id" --email analyst@example.com \
  --password 'correct horse battery staple' >/dev/null

# A screening list loaded, as on any installation that screens: with none, a search is refused
# with a 503 (nothing can be screened), which the fuzzer would count as a server error.
list=../shared/data/sanctions/us_csl_sample.csv
if [[ -f $list ]]; then
  "$bin" lists import --database-url "$url" --format csl "$list" >/dev/null
else
  echo "warning: $list not found: screening searches will answer 503" >&2
fi

# The admin token is the API key, so one Authorization header serves every operation. Outbound
# HTTP goes to a proxy that refuses it: webhook URLs the fuzzer sets are never called.
SATYAPAN_ADMIN_TOKEN=$key HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 \
  ALL_PROXY=http://127.0.0.1:9 NO_PROXY= RUST_LOG=${RUST_LOG:-warn} \
  "$bin" serve --database-url "$url" --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/server.log" >&2; exit 1; }

echo "schemathesis $VERSION on $backend, $MAX_EXAMPLES examples per operation, seed $SEED"
started=$(date +%s)
status=0
# From the temporary directory: schemathesis keeps its cache and reports in the working directory.
(cd "$work" && "$venv/bin/schemathesis" run "http://127.0.0.1:$port/openapi.json" \
  --header "Authorization: Bearer $key" --header "X-API-Key: $key" \
  --checks "$CHECKS" \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples "$MAX_EXAMPLES" --seed "$SEED" \
  --generation-database none \
  --request-timeout 30 \
  --workers 2 \
  --no-color) || status=$?
echo "schemathesis exit $status, $(( $(date +%s) - started )) s on $backend"
if [[ $status != 0 ]]; then
  echo "--- server log (last 40 lines)" >&2
  tail -40 "$work/server.log" >&2
fi
exit "$status"
