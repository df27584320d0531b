#!/usr/bin/env bash
# System packages the project needs, from Debian's archive. Idempotent: installs only what is missing.
# Called by .ci/run before the Python install; run it once by hand on a new machine (as root or with sudo).
# Keep it a simple list: one package per line in PACKAGES, with what needs it.
set -euo pipefail

PACKAGES=(
    tesseract-ocr       # --ocr auto|always: OCR for PDF pages with no text layer (driven by pytesseract)
    tesseract-ocr-eng   # its English model
    chromium            # the review page's browser test (driven by playwright; no downloaded browsers)
)

missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
