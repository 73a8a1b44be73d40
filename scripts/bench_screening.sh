#!/usr/bin/env bash
# Screening benchmark: the Rust engine against a Python rapidfuzz baseline on the same queries,
# in the same run, then a scale run on 1,000,000 generated names. Figures go to stdout and to
# bench-results/screening.txt (docs/benchmarks.md quotes them).
#
#   scripts/bench_screening.sh [SCALE_NAMES]     # default 1000000
#
# Needs python3 with venv, and the lists in ../shared/data/sanctions (or
# $SATYAPAN_SANCTIONS_DIR). rapidfuzz is installed from PyPI into bench-results/.venv.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${1:-1000000}"
OUT=bench-results
mkdir -p "$OUT/screening"
if [ ! -x "$OUT/.venv/bin/python" ]; then
    python3 -m venv "$OUT/.venv"
fi
"$OUT/.venv/bin/pip" install --quiet --disable-pip-version-check rapidfuzz
cargo build --release --quiet --example bench_screening
BIN="${CARGO_TARGET_DIR:-target}/release/examples/bench_screening"
{
    echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(uname -m)"
    echo "# rapidfuzz $("$OUT/.venv/bin/python" -c 'import rapidfuzz; print(rapidfuzz.__version__)'), $(rustc --version)"
    "$BIN" export "$OUT/screening"
    "$OUT/.venv/bin/python" scripts/bench_screening.py "$OUT/screening"
    "$BIN" run "$OUT/screening"
    "$BIN" scale "$SCALE"
} | tee "$OUT/screening.txt"
