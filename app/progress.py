"""Showing ingestion progress on a terminal.

On a terminal: a Rich bar for the files and one for the chunk batches of the current file.
Elsewhere (CI logs, a pipe, a test reading stderr): one plain line per event, because
redrawn bars become unreadable noise in a log.
"""

from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ingest.ocr import OcrPageRead
from ingest.report import FileResult


class TerminalProgress:
    """Rich progress bars: files, and chunks of the file being embedded."""

    def __init__(self, console: Console):
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._files = None
        self._chunks = None
        self._ocr = None

    def __enter__(self) -> "TerminalProgress":
        self._progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.__exit__(*exc)

    def file_started(self, location: str, index: int, total: int) -> None:
        if self._files is None:
            self._files = self._progress.add_task("files", total=total)
        self._progress.update(self._files, description=f"files ({_short(location)})")

    def chunks_planned(self, location: str, total: int) -> None:
        if self._chunks is not None:
            self._progress.remove_task(self._chunks)
        self._chunks = self._progress.add_task("  chunks", total=total)

    def chunks_stored(self, location: str, count: int) -> None:
        if self._chunks is not None:
            self._progress.advance(self._chunks, count)

    def ocr_page_read(self, event: OcrPageRead) -> None:
        if self._ocr is None:
            self._ocr = self._progress.add_task("  OCR pages", total=event.total)
        self._progress.update(self._ocr, completed=event.done)

    def file_finished(self, result: FileResult) -> None:
        if self._ocr is not None:
            self._progress.remove_task(self._ocr)
            self._ocr = None
        if self._files is not None:
            self._progress.advance(self._files)
        if self._chunks is not None:
            self._progress.remove_task(self._chunks)
            self._chunks = None


class LineProgress:
    """One line per event on stderr, for logs and pipes."""

    def __init__(self) -> None:
        self._planned = 0
        self._stored = 0

    def __enter__(self) -> "LineProgress":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def file_started(self, location: str, index: int, total: int) -> None:
        print(f"[{index}/{total}] {location}", file=sys.stderr, flush=True)

    def chunks_planned(self, location: str, total: int) -> None:
        self._planned, self._stored = total, 0

    def chunks_stored(self, location: str, count: int) -> None:
        self._stored += count
        print(f"    chunks {self._stored}/{self._planned}", file=sys.stderr, flush=True)

    def ocr_page_read(self, event: OcrPageRead) -> None:
        outcome = f"failed ({event.failure})" if event.failure else f"read in {event.seconds:.1f} s"
        print(f"    OCR page {event.page} ({event.done}/{event.total}) {outcome}", file=sys.stderr, flush=True)

    def file_finished(self, result: FileResult) -> None:
        detail = f": {result.detail}" if result.detail else ""
        print(f"    {result.outcome}{detail}", file=sys.stderr, flush=True)


def progress_for(console: Console) -> TerminalProgress | LineProgress:
    return TerminalProgress(console) if console.is_terminal else LineProgress()


def _short(location: str, width: int = 48) -> str:
    name = location.rsplit("/", 1)[-1]
    return name if len(name) <= width else "…" + name[-(width - 1) :]
