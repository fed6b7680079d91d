"""Removing a reasoning model's ``<think>...</think>`` block from the answer as it streams.

Reasoning models (Qwen3, DeepSeek-R1 distillations) served without a reasoning parser write
their deliberation into the answer itself. It is not for the reader, and it often mentions
source numbers it does not use, which would pass the citation check.
"""

from __future__ import annotations

OPEN_TAG = "<think>"
CLOSE_TAG = "</think>"


class ThinkingFilter:
    """Drops text between ``<think>`` and ``</think>``; ``feed`` each piece, then ``finish``."""

    def __init__(self) -> None:
        self._pending = ""
        self._inside = False

    def feed(self, piece: str) -> str:
        """The settled text outside thinking blocks; a possible partial tag is held back."""
        self._pending += piece
        kept: list[str] = []
        while self._pending:
            tag = CLOSE_TAG if self._inside else OPEN_TAG
            index = self._pending.find(tag)
            if index >= 0:
                if not self._inside:
                    kept.append(self._pending[:index])
                self._pending = self._pending[index + len(tag) :]
                self._inside = not self._inside
                continue
            held = _partial_tag_length(self._pending, tag)
            if not self._inside:
                kept.append(self._pending[: len(self._pending) - held])
            self._pending = self._pending[len(self._pending) - held :]
            break
        return "".join(kept)

    def finish(self) -> str:
        """What was held back, unless it is inside an unclosed thinking block."""
        rest = "" if self._inside else self._pending
        self._pending = ""
        return rest


def _partial_tag_length(text: str, tag: str) -> int:
    """Length of the longest end of ``text`` that could be the start of ``tag``."""
    for length in range(min(len(tag) - 1, len(text)), 0, -1):
        if tag.startswith(text[-length:]):
            return length
    return 0
