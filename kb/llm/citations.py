"""Checking a generated answer's citation markers against the sources it was given.

A model may cite a source that does not exist ("[9]" with three sources) or cite nothing. A
marker pointing at no source is removed; the sources actually cited are renumbered 1, 2, ... in
the order the answer first cites them, so the answer's numbers match its list of citations the
way the default answer's do. The rewriting works on a stream as it arrives, so what the reader
sees while the answer is written already carries the final numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MARKER = re.compile(r"\[\s*(?:(?:source|sumber)\s*)?(\d+(?:\s*[,;]\s*(?:(?:source|sumber)\s*)?\d+)*)\s*\]", re.IGNORECASE)
"""``[1]``, ``[1, 2]``, ``[source 3]``. Any bracketed number counts, so that no ``[n]`` left in an
answer can point at nothing (a bracketed year in a generated answer is lost, a small price)."""
_NUMBER = re.compile(r"\d+")
HOLD_LIMIT = 32
"""Characters held back after a ``[`` while waiting to see whether it opens a marker."""


@dataclass
class CheckedAnswer:
    """A generated answer after its markers were checked."""

    text: str
    cited: list[int] = field(default_factory=list)
    """The original source numbers cited, in the order of their new numbers (new n = index + 1)."""
    removed: int = 0
    """How many cited numbers pointed at no source."""


class MarkerRewriter:
    """Rewrites the markers of a text that arrives in pieces; ``feed`` each piece, then ``finish``."""

    def __init__(self, source_count: int):
        self.source_count = source_count
        self.renumbered: dict[int, int] = {}
        self.removed = 0
        self._pending = ""

    def feed(self, piece: str) -> str:
        """The part of the text so far that is settled, with its markers rewritten."""
        self._pending += piece
        settled: list[str] = []
        while self._pending:
            start = self._pending.find("[")
            if start < 0:
                settled.append(self._pending)
                self._pending = ""
                break
            settled.append(self._pending[:start])
            rest = self._pending[start:]
            match = MARKER.match(rest)
            if match:
                settled.append(self._rewrite(match.group(1)))
                self._pending = rest[match.end() :]
                continue
            if "]" not in rest and "\n" not in rest and len(rest) < HOLD_LIMIT:
                self._pending = rest
                break
            settled.append("[")
            self._pending = rest[1:]
        return "".join(settled)

    def finish(self) -> str:
        """Whatever was held back at the end of the text, as it was."""
        rest, self._pending = self._pending, ""
        return rest

    @property
    def cited(self) -> list[int]:
        return sorted(self.renumbered, key=self.renumbered.__getitem__)

    def result(self, rewritten: str) -> CheckedAnswer:
        """The checked answer, given everything ``feed`` and ``finish`` returned, joined."""
        return CheckedAnswer(tidy(rewritten), self.cited, self.removed)

    def _rewrite(self, numbers: str) -> str:
        markers = []
        for number in (int(text) for text in _NUMBER.findall(numbers)):
            if not 1 <= number <= self.source_count:
                self.removed += 1
                continue
            new_number = self.renumbered.setdefault(number, len(self.renumbered) + 1)
            marker = f"[{new_number}]"
            if marker not in markers:
                markers.append(marker)
        return "".join(markers)


def check_citations(text: str, source_count: int) -> CheckedAnswer:
    """``text`` with markers pointing at no source removed and the others renumbered."""
    rewriter = MarkerRewriter(source_count)
    return rewriter.result(rewriter.feed(text) + rewriter.finish())


def tidy(text: str) -> str:
    """Spaces left where a marker was removed ("claim [9]." becomes "claim ."), closed up."""
    text = re.sub(r"[ \t]+([.,;:!?])", r"\1", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    return text.strip()


def markers_in(text: str) -> set[int]:
    """The numbers of every marker in ``text``."""
    return {int(number) for match in MARKER.finditer(text) for number in _NUMBER.findall(match.group(1))}
