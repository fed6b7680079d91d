"""Reading PDF pages with Tesseract: each page rendered by poppler, then recognised.

Pages are independent, so they are read in parallel, ``workers`` at a time. The work itself
runs in separate processes (``pdftoppm``, then ``tesseract``); the threads that start them
only wait, so nothing is pickled and no copy is forked of a process that may hold an
embedding model and an open store. Each Tesseract gets ``OMP_THREAD_LIMIT=1``: left to its
default it starts a thread per core, and two pages read at once on 2 cores then took 3.6
times as long (95.5 s against 26.2 s for 8 pages).

Every page has its own time limit, covering both steps; a page over it, or one either
program fails on, is reported and the other pages go on.
"""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from ingest.ocr.options import OcrOptions, OcrPageRead

logger = logging.getLogger(__name__)

_ERROR_TAIL_CHARS = 160


@dataclass(frozen=True)
class PageReading:
    page: int
    text: str = ""
    failure: str | None = None
    """Why no text could be read (time limit, program error); None when the page was read."""


class _PageFailed(Exception):
    pass


@dataclass(frozen=True)
class _Deadline:
    at: float
    """On the ``time.monotonic`` clock."""
    limit_s: float

    def remaining(self) -> float:
        return self.at - time.monotonic()


def read_pages(pdf: bytes, pages: list[int], options: OcrOptions, *, path: str) -> dict[int, PageReading]:
    """OCR text of ``pages`` (1-based) of the PDF ``pdf``; ``path`` names it in progress and logs."""
    if not pages:
        return {}
    readings: dict[int, PageReading] = {}
    with tempfile.TemporaryDirectory(prefix="kb-ocr-") as folder:
        workdir = Path(folder)
        source = workdir / "document.pdf"
        source.write_bytes(pdf)
        with ThreadPoolExecutor(max_workers=max(1, min(options.workers, len(pages)))) as pool:
            futures = [pool.submit(_read_page, source, page, options, workdir) for page in pages]
            try:
                for done, future in enumerate(as_completed(futures), start=1):
                    reading, seconds = future.result()
                    readings[reading.page] = reading
                    _report(OcrPageRead(path, reading.page, done, len(pages), seconds, reading.failure), options)
            except BaseException:
                # Interrupted (Ctrl-C, a failing progress display): do not start the pages still queued.
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    return readings


def _read_page(source: Path, page: int, options: OcrOptions, workdir: Path) -> tuple[PageReading, float]:
    started = time.monotonic()
    deadline = _Deadline(started + options.page_timeout_s, options.page_timeout_s)
    image = workdir / f"page-{page}"
    try:
        rendered = _render(source, page, options.dpi, image, deadline)
        text = _recognise(rendered, options.languages, deadline)
        reading = PageReading(page, text=text)
    except _PageFailed as failure:
        reading = PageReading(page, failure=str(failure))
    finally:
        for leftover in workdir.glob(f"page-{page}.*"):
            leftover.unlink(missing_ok=True)
    return reading, time.monotonic() - started


def _render(source: Path, page: int, dpi: int, image_stem: Path, deadline: _Deadline) -> Path:
    """The page as a grayscale PGM: uncompressed, so neither program spends time on (de)coding."""
    command = ["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page), "-singlefile"]
    _run([*command, str(source), str(image_stem)], "pdftoppm", deadline, dict(os.environ))
    image = image_stem.with_suffix(".pgm")
    if not image.exists():
        raise _PageFailed("pdftoppm produced no image")
    return image


def _recognise(image: Path, languages: str, deadline: _Deadline) -> str:
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    return _run(["tesseract", str(image), "stdout", "-l", languages], "tesseract", deadline, environment)


def _run(command: list[str], program: str, deadline: _Deadline, environment: dict[str, str]) -> str:
    remaining = deadline.remaining()
    if remaining <= 0:
        raise _PageFailed(f"timed out: over the {deadline.limit_s:g} s limit per page before {program} ran")
    try:
        finished = subprocess.run(
            command, capture_output=True, env=environment, timeout=remaining, check=False
        )
    except subprocess.TimeoutExpired:
        raise _PageFailed(f"timed out: over the {deadline.limit_s:g} s limit per page (in {program})") from None
    except OSError as error:
        raise _PageFailed(f"{program} could not start ({error.strerror or error})") from None
    if finished.returncode != 0:
        message = " ".join(finished.stderr.decode("utf-8", "replace").split())[-_ERROR_TAIL_CHARS:]
        raise _PageFailed(f"{program} failed (exit {finished.returncode}): {message or 'no message'}")
    return finished.stdout.decode("utf-8", "replace")


def _report(event: OcrPageRead, options: OcrOptions) -> None:
    outcome = f"failed: {event.failure}" if event.failure else "read"
    log = logger.warning if event.failure else logger.info
    log("OCR %s page %d (%d/%d) %s in %.1f s", event.path, event.page, event.done, event.total, outcome, event.seconds)
    if options.on_page is not None:
        options.on_page(event)
