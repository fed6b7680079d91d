#!/bin/sh
# Debian packages the knowledge base needs outside Python: Tesseract with its Indonesian and
# English data (OCR of scanned PDFs), poppler (pdftoppm renders PDF pages for OCR), the
# DejaVu fonts the tests render scanned pages with, and Chromium, the browser the web-app tests
# drive through Playwright (never a browser Playwright would download).
#
# Installs whatever is missing when run as root on a machine with apt-get; otherwise it says
# so and exits 0, and the OCR and browser tests skip. Quick when everything is already there.
set -eu

PACKAGES="tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng poppler-utils fonts-dejavu-core chromium"

missing=""
for package in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done

if [ -z "$missing" ]; then
    echo "system packages: all present ($PACKAGES)"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "system packages: apt-get not found; install by hand:$missing (OCR and the browser tests stay off until then)"
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "system packages: not root; run 'sudo apt-get install$missing' (OCR and the browser tests stay off until then)"
    exit 0
fi

echo "system packages: installing$missing"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1; then
    # The package lists may be absent or stale on a fresh machine: refresh them once and retry.
    apt-get update -qq >/dev/null 2>&1 || true
    if ! apt-get install -y -qq --no-install-recommends $missing >/dev/null; then
        echo "system packages: apt-get could not install$missing (OCR and the browser tests stay off until then)"
        exit 0
    fi
fi
echo "system packages: installed$missing"
