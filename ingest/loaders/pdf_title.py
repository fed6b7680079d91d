"""A PDF's title as its cover shows it: the text set in the largest type on the first page.

Reports rarely carry a title in their metadata, and the first line of the first page is often
a banner or a running head ("EVALUATION BRIEF", "IOM CENTRAL EVALUATION"), so the first
heading-like line named two evaluation briefs of our corpus alike "EVALUATION BRIEF", and a
question about the brief on accountability to affected populations found nothing to match in
its title (it now finds the passage at rank 5; kb.passage_text embeds the title). The cover's
title is the text printed largest. When that largest text is itself a short label (a banner
of one to three words in capitals), the title is what follows it in type larger than the body:
"EVALUATION BRIEF: EVALUATION OF IOM ACCOUNTABILITY TO AFFECTED POPULATIONS". A page whose
largest type is hardly larger than the rest of its text (a summary page) has no cover title.

pypdf reports each text run with its font size and matrices but not the spaces between runs,
so the runs only say which text is large; the words are then taken from the page's extracted
lines, which hold the spacing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.loaders.titles import collapse_whitespace, meaningful_title

TITLE_SIZE_RATIO = 1.2
"""The largest type must be at least this much larger than the body text to be a title."""
SAME_SIZE_TOLERANCE = 0.1
"""Runs within this share of the largest size belong to the title (a subtitle set a size smaller)."""
LABEL_MAX_WORDS = 3
MAX_COVER_TITLE_CHARS = 200
_SPACE = re.compile(r"\s+")


@dataclass
class _Run:
    size: float
    text: str


def cover_title(page, page_text: str) -> str | None:
    """The title printed largest on ``page`` (a pypdf page), in the words of ``page_text``."""
    runs = _sized_runs(page)
    if not runs:
        return None
    largest = max(run.size for run in runs)
    title_size = largest * (1 - SAME_SIZE_TOLERANCE)
    rest = [run for run in runs if run.size < title_size]
    if not rest:
        return None
    body_size = _body_size(rest)
    if largest < body_size * TITLE_SIZE_RATIO:
        return None
    blocks = _blocks(runs, lambda run: run.size >= title_size)
    title = _lines_matching(page_text, blocks[0]) if blocks else None
    if title and _is_label(title):
        following = _blocks(runs, lambda run: body_size < run.size < title_size)
        after = [block for block in following if block.start > blocks[0].start]
        subtitle = _lines_matching(page_text, after[0]) if after else None
        if subtitle:
            title = f"{title}: {subtitle}"
    if not title or len(title) > MAX_COVER_TITLE_CHARS:
        return None
    return meaningful_title(title)


def _sized_runs(page) -> list[_Run]:
    runs: list[_Run] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text and text.strip() and font_size:
            scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0]) or 1.0
            runs.append(_Run(round(float(font_size) * scale, 1), text))

    try:
        page.extract_text(visitor_text=visit)
    except Exception:  # a damaged content stream: no cover title, the page text is read elsewhere
        return []
    return runs


def _is_label(text: str) -> bool:
    """A banner such as "EVALUATION BRIEF": a few words, all in capitals."""
    return len(text.split()) <= LABEL_MAX_WORDS and text.isupper()


def _body_size(runs: list[_Run]) -> float:
    """The size most of the letters outside the largest type are set in (on a cover, most letters
    may be the title's own)."""
    letters: Counter[float] = Counter()
    for run in runs:
        letters[run.size] += sum(ch.isalpha() for ch in run.text)
    return letters.most_common(1)[0][0]


@dataclass
class _Block:
    start: int
    text: str


def _blocks(runs: list[_Run], wanted) -> list[_Block]:
    """Consecutive wanted runs joined, in page order (their text without spaces, to match lines)."""
    blocks: list[_Block] = []
    current: list[str] = []
    start = 0
    for index, run in enumerate(runs):
        if wanted(run):
            if not current:
                start = index
            current.append(run.text)
        elif current:
            blocks.append(_Block(start, "".join(current)))
            current = []
    if current:
        blocks.append(_Block(start, "".join(current)))
    return [block for block in blocks if any(ch.isalpha() for ch in block.text)]


def _lines_matching(page_text: str, block: _Block) -> str | None:
    """The consecutive lines of ``page_text`` that spell out the block, joined with spaces."""
    target = _squash(block.text)
    lines = [line for line in page_text.splitlines() if line.strip()]
    for first in range(len(lines)):
        if not target.startswith(_squash(lines[first])[:20]):
            continue
        taken, spelled = [], ""
        for line in lines[first:]:
            candidate = spelled + _squash(line)
            if not target.startswith(candidate) and not candidate.startswith(target):
                break
            taken.append(line)
            spelled = candidate
            if len(spelled) >= len(target):
                break
        if len(spelled) >= 0.8 * len(target):
            return collapse_whitespace(" ".join(taken))
    return None


def _squash(text: str) -> str:
    return _SPACE.sub("", text).lower()
