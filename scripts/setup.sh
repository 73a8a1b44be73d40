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

# The document services (KTP OCR, face match, fraud signals; the default `documents` feature):
# Tesseract with its Indonesian model, dlib, their headers, the test fonts and sample faces, and
# the face models extracted into models/. SATYAPAN_DOCUMENTS=0 skips them (for a build with
# --no-default-features).
if [[ "${SATYAPAN_DOCUMENTS:-1}" != 0 ]]; then
  bash "$(dirname "${BASH_SOURCE[0]}")/setup_documents.sh"
fi
