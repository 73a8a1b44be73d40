#!/usr/bin/env bash
# Installs what the platform and its tests need on a fresh Debian machine, skipping whatever is
# already there (idempotent, quiet when nothing is missing). Called by scripts/test.sh and by the
# README's start command; safe to run by hand.
set -euo pipefail

missing=()
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
# Noto Sans (body) and Noto Sans Devanagari for PDF reports; without them the PDF falls back to
# DejaVu and Devanagari names lose their glyphs.
fc-list 2>/dev/null | grep -q "NotoSansDevanagari" || missing+=(fonts-noto-core fontconfig)
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing Debian packages: ${missing[*]} (run as root or install them)" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# python-stdnum: the identifier parsers are tested for agreement with it.
if ! python3 -c 'import stdnum' 2>/dev/null; then
  echo "setup: installing python-stdnum" >&2
  python3 -m pip install -q python-stdnum
fi

# The document services: Tesseract + ind, dlib, fonts, sample faces, the face models (models/).
# The document services' C libraries and face models, for builds with `--features documents`.
if [[ "${SATYAPAN_DOCUMENTS:-0}" == 1 ]]; then
  bash "$(dirname "${BASH_SOURCE[0]}")/setup_documents.sh"
fi
