#!/usr/bin/env bash
# The file-store tests on S3: starts an S3-compatible server on loopback (moto, from PyPI,
# installed if missing) and runs the tests that write and read evidence, PDFs, uploads and
# outputs (and a large upload, sent in parts) with SATYAPAN_TEST_S3_ENDPOINT set, so the file store is a bucket instead of a
# directory. Any arguments go to cargo test (e.g. --locked). Works on either database backend.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! command -v moto_server >/dev/null 2>&1; then
  echo "test_s3: installing moto[server]" >&2
  python3 -m pip install -q 'moto[server]'
fi
port=${S3_PORT:-18555}
moto_server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
moto=$!
trap 'kill "$moto" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
export OMP_THREAD_LIMIT="${OMP_THREAD_LIMIT:-1}"
SATYAPAN_TEST_S3_ENDPOINT="http://127.0.0.1:$port" cargo test "$@" --test api -- files:: pdf:: hardening::large_uploads
