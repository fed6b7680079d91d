"""Whether OCR can run here, and if not, what a person must do about it.

OCR needs two programs from Debian packages (``tesseract`` from tesseract-ocr, ``pdftoppm``
from poppler-utils) and Tesseract's data for every configured language (tesseract-ocr-ind,
tesseract-ocr-eng); no Python package. A missing piece is not an error of the
file being ingested: the file fails with a reason that names the piece and the script
that installs it, as before OCR existed.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

INSTALL_HINT = "scripts/system-packages.sh"
_LIST_LANGUAGES_TIMEOUT_S = 20


def ocr_unavailable_reason(languages: list[str]) -> str | None:
    """None when OCR in ``languages`` can run; else one line on how to enable it."""
    wanted = " and ".join(languages) or "ind and eng"
    if shutil.which("tesseract") is None:
        return f"install tesseract-ocr with the {wanted} language data ({INSTALL_HINT})"
    if shutil.which("pdftoppm") is None:
        return f"install poppler-utils for pdftoppm ({INSTALL_HINT})"
    missing = [code for code in languages if code not in installed_languages()]
    if missing:
        packages = " ".join(f"tesseract-ocr-{code.replace('_', '-')}" for code in missing)
        return f"install Tesseract's language data for {', '.join(missing)} ({packages}; {INSTALL_HINT})"
    return None


@lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    """Tesseract's installed languages; asked once per process (it takes a program start)."""
    try:
        listing = subprocess.run(
            ["tesseract", "--list-langs"],
            capture_output=True,
            text=True,
            timeout=_LIST_LANGUAGES_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    lines = (listing.stdout + listing.stderr).splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("List of"))
