#!/usr/bin/env bash
# The test command: set-up (idempotent), then `cargo test` with any arguments given. On
# PostgreSQL: SATYAPAN_TEST_DATABASE_URL=postgres://postgres@127.0.0.1/<db> scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Tesseract's OpenMP threads and OpenBLAS's only contend on a small machine (docs/documents.md);
# the `satyapan` binary sets these itself, the test binary cannot.
export OMP_THREAD_LIMIT="${OMP_THREAD_LIMIT:-1}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
exec cargo test "$@"
