#!/usr/bin/env bash
# Document intelligence on real photographs kept outside the repository (they show real people):
#
#   scripts/eval_documents.sh DIR [--split dev|heldout] [--only ocr|faces] [--verbose]
#
# DIR holds ktp/labels.json (with the card images it names) and faces/*pairs.csv (with the
# photographs they name); see examples/eval_documents.rs for the formats. Prints the NIK exact
# rate, each field's exact rate, the faces' FAR/FRR per threshold and the time per item.
set -euo pipefail
if [ $# -lt 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 DIR [--split dev|heldout] [--only ocr|faces] [--verbose]" >&2
    exit 2
fi
cd "$(dirname "$0")/.."
# One thread each for Tesseract (OpenMP) and dlib (OpenBLAS), as the server runs them.
export OMP_THREAD_LIMIT="${OMP_THREAD_LIMIT:-1}" OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
exec cargo run --quiet --release --example eval_documents -- "$@"
