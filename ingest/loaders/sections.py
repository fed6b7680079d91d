"""Turn a stream of headings and body text into heading-path ``Section``s.

Markdown, HTML and DOCX all describe structure the same way (a heading of some level, then
body text), so one builder gives them identical heading semantics: a heading closes every
open heading of the same or a deeper level, and a section's ``heading`` is the path of the
headings still open, joined with " > ", so a citation can say "Objective 7 > Associated
actions" rather than just "Associated actions".
"""

from __future__ import annotations

import re

from ingest.document import Section

HEADING_PATH_SEPARATOR = " > "

_BLANK_LINE_RUN = re.compile(r"\n{3,}")


def normalize_block(text: str) -> str:
    """Trim trailing spaces and squeeze blank-line runs so sections compare and chunk cleanly."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return _BLANK_LINE_RUN.sub("\n\n", "\n".join(lines)).strip()


class SectionBuilder:
    """Collects headings and text in document order and emits ``Section``s.

    A heading with no body of its own (``# Objective 1`` directly followed by
    ``## Title: ...``) would become a section holding nothing but its name, which is useless
    to search. Such a heading is instead carried into the first section nested under it, so
    its words stay searchable next to the content they introduce. A body-less heading that
    nothing is nested under is still emitted on its own: dropping it would lose text.
    """

    def __init__(self) -> None:
        self._open_headings: list[tuple[int, str]] = []
        self._lines: list[str] = []
        self._has_body = False
        self._pending_path: list[tuple[int, str]] | None = None
        self._pending_lines: list[str] = []
        self._sections: list[Section] = []

    def start_heading(self, level: int, title: str) -> None:
        """Close the current section and open one under ``title`` at ``level`` (1 = top)."""
        self._close_current()
        while self._open_headings and self._open_headings[-1][0] >= level:
            self._open_headings.pop()
        self._open_headings.append((level, title))
        self._lines = [title]
        self._has_body = False
        if self._pending_path is not None:
            nested_under_pending = (
                len(self._open_headings) > len(self._pending_path)
                and self._open_headings[: len(self._pending_path)] == self._pending_path
            )
            if nested_under_pending:
                self._lines = self._pending_lines + self._lines
            else:
                self._emit(self._pending_lines, self._pending_path)
            self._pending_path = None
            self._pending_lines = []

    def add_text(self, text: str) -> None:
        """Append body text (one line or a block) to the current section or the preamble."""
        self._lines.append(text)
        if text.strip():
            self._has_body = True

    def finish(self) -> list[Section]:
        """Return all sections, in document order."""
        self._close_current()
        if self._pending_path is not None:
            self._emit(self._pending_lines, self._pending_path)
            self._pending_path = None
        return self._sections

    def _close_current(self) -> None:
        if not self._open_headings:
            self._emit(self._lines, [])
        elif self._has_body:
            self._emit(self._lines, self._open_headings)
        else:
            self._pending_path = list(self._open_headings)
            self._pending_lines = list(self._lines)
        self._lines = []
        self._has_body = False

    def _emit(self, lines: list[str], path: list[tuple[int, str]]) -> None:
        text = normalize_block("\n".join(lines))
        if not text:
            return
        heading = HEADING_PATH_SEPARATOR.join(title for _, title in path) or None
        self._sections.append(Section(text=text, heading=heading))
