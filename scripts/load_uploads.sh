#!/usr/bin/env bash
# Memory under an upload burst: BURST (default 16) concurrent `POST /uploads`, each of FILES
# (default 10) files of MB (default 10) MiB, against one server; prints the server's resident
# memory before, its peak during (VmHWM) and after the burst (VmRSS, 5 s later), and how many
# answers were 201.
#
#   scripts/load_uploads.sh                                                  # SQLite in a temp dir
#   DATABASE_URL=postgres://postgres@127.0.0.1/satyapan_uploads scripts/load_uploads.sh
#
# PROFILE=release (default) or debug picks the binary under $CARGO_TARGET_DIR (default target/);
# SKIP_BUILD=1 uses it as it is. Traffic goes to 127.0.0.1 only. On PostgreSQL the database named
# is dropped and created afresh (and dropped at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
BURST=${BURST:-16}
FILES=${FILES:-10}
MB=${MB:-10}
PORT=${PORT:-18097}
PROFILE=${PROFILE:-release}
work=$(mktemp -d)
server=
cleanup() {
  [[ -n $server ]] && { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
  [[ -n ${DATABASE_URL:-} ]] && psql "${DATABASE_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${DATABASE_URL##*/}" || true
  rm -rf "$work"
}
trap cleanup EXIT

target=${CARGO_TARGET_DIR:-target}
if [[ ${SKIP_BUILD:-} != 1 ]]; then
  if [[ $PROFILE == release ]]; then cargo build --release --quiet --bin satyapan; else cargo build --quiet --bin satyapan; fi
fi
bin=$target/$PROFILE/satyapan
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

if [[ -n ${DATABASE_URL:-} ]]; then
  psql "${DATABASE_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${DATABASE_URL##*/}" -c "CREATE DATABASE ${DATABASE_URL##*/}"
  url=$DATABASE_URL
else
  url="sqlite://$work/uploads.db"
fi
org=$($bin admin --database-url "$url" org create --name "Upload load" --credits 1000)
key=$(json 'd["api_key"]' <<<"$org")
SATYAPAN_LOG_FORMAT=json RUST_LOG=warn SATYAPAN_FILES_DIR="$work/files" \
  SATYAPAN_UPLOAD_MAX_FILE_BYTES=$(( (MB + 1) * 1024 * 1024 )) \
  ${SERVER_ENV:-} $bin serve --database-url "$url" --listen "127.0.0.1:$PORT" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

# One file of MB MiB that is a JPEG by its first bytes.
python3 - "$work/file.jpg" "$MB" <<'PY'
import os, sys
with open(sys.argv[1], "wb") as f:
    f.write(b"\xff\xd8\xff\xfe\x00\x10satyapan load\xff\xd9")
    f.write(os.urandom(int(sys.argv[2]) * 1024 * 1024))
PY
form=(-F file_category=VERIFICATION_INPUT_FILE)
for _ in $(seq 1 "$FILES"); do form+=(-F "files[]=@$work/file.jpg;type=image/jpeg"); done

rss() { awk -v k="$1" '$1 == k":" {print int($2 / 1024) " MiB"}' "/proc/$server/status"; }
echo "before: $(rss VmRSS)"
for i in $(seq 1 "$BURST"); do
  curl -s -o /dev/null -w '%{http_code}\n' -H "X-API-Key: $key" "${form[@]}" \
    "http://127.0.0.1:$PORT/uploads" >"$work/status-$i" &
done
wait $(jobs -p | grep -v "^$server$") 2>/dev/null || true
ok=$(cat "$work"/status-* | grep -c '^201$' || true)
echo "answers 201: $ok of $BURST"
echo "peak during: $(rss VmHWM)"
sleep 5
echo "after (5 s): $(rss VmRSS)"
