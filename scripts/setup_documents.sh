#!/usr/bin/env bash
# Installs what the document services (KTP OCR, face match, fraud signals) need on a Debian
# machine, skipping whatever is already there (idempotent, quiet when nothing is missing):
#   - Debian packages: Tesseract with the Indonesian model, the headers and libclang that the
#     `tesseract` crate's bindgen needs, dlib with OpenBLAS/LAPACK, the DejaVu fonts the tests
#     render cards with, and libdlib19.1 whose sample faces the tests use;
#   - the dlib face models from the PyPI package face_recognition_models==0.3.0 (CC0), extracted
#     into the models directory: $SATYAPAN_MODELS_DIR, else models/ under the project root
#     (git-ignored). Nothing is downloaded at run time.
# Called by scripts/setup.sh; safe to run by hand.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
models_dir=${SATYAPAN_MODELS_DIR:-$root/models}

packages=(tesseract-ocr tesseract-ocr-ind libtesseract-dev libleptonica-dev libclang-dev clang
  pkg-config libdlib-dev libopenblas-dev liblapack-dev libblas-dev fonts-dejavu-core libdlib19.1)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup_documents: missing Debian packages: ${missing[*]} (run as root or install them)" >&2
    exit 1
  fi
  echo "setup_documents: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

models=(dlib_face_recognition_resnet_model_v1.dat shape_predictor_5_face_landmarks.dat)
need_models=0
for m in "${models[@]}"; do
  [[ -s "$models_dir/$m" ]] || need_models=1
done
if ((need_models)); then
  echo "setup_documents: extracting the face models into $models_dir" >&2
  mkdir -p "$models_dir"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download -q --no-deps --no-binary :all: -d "$tmp" face_recognition_models==0.3.0 \
    || python3 -m pip download -q --no-deps -d "$tmp" face_recognition_models==0.3.0
  archive=$(ls "$tmp"/face_recognition_models-0.3.0.* | head -n1)
  python3 - "$archive" "$models_dir" "${models[@]}" <<'PY'
import sys, tarfile, zipfile, os, shutil
archive, dest, wanted = sys.argv[1], sys.argv[2], sys.argv[3:]
found = set()
if archive.endswith(".zip") or archive.endswith(".whl"):
    with zipfile.ZipFile(archive) as z:
        for name in z.namelist():
            base = os.path.basename(name)
            if base in wanted:
                with z.open(name) as src, open(os.path.join(dest, base + ".part"), "wb") as out:
                    shutil.copyfileobj(src, out)
                found.add(base)
else:
    with tarfile.open(archive) as t:
        for m in t.getmembers():
            base = os.path.basename(m.name)
            if m.isfile() and base in wanted:
                with t.extractfile(m) as src, open(os.path.join(dest, base + ".part"), "wb") as out:
                    shutil.copyfileobj(src, out)
                found.add(base)
missing = set(wanted) - found
if missing:
    sys.exit(f"setup_documents: {archive} lacks {sorted(missing)}")
for base in found:
    os.replace(os.path.join(dest, base + ".part"), os.path.join(dest, base))
PY
fi
