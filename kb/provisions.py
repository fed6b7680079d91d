"""Which article, objective or chapter a quoted sentence belongs to.

Staff quote law by its provision ("Pasal 6 UU 18/2017", "Objective 13 of the GCM"), and many
questions ask for exactly that ("Pasal berapa ...?", "Which article ...?"). The provision is seldom
inside the sentence that states the rule: it is the heading above it, in the chunk text or in
the chunk's section path. The default answerer puts it in front of each quoted sentence, so the
answer says where the rule is, and counts its words when choosing sentences.
"""

from __future__ import annotations

import re

from kb.search import SearchHit
from kb.sentences import PassageSentence

_PROVISION = re.compile(
    r"\b(?:Pasal|Article|Artikel|Objective|Tujuan|Rule|Regulation|Chapter|Bab|BAB|Section|Bagian)\s+"
    r"(?:\d+[A-Za-z]?(?:-\d+)?|[IVXLC]+)\b"
)
_HEADING_LINE = re.compile(r"^[#\s*_]*(" + _PROVISION.pattern + r")", re.MULTILINE)
_OPENS_WITH_PROVISION = re.compile(r"[#\s*_(]*" + _PROVISION.pattern)
_SECTION_SEPARATOR = ">"


def provision_of(hit: SearchHit, sentence: PassageSentence) -> str | None:
    """The provision heading the sentence sits under, or None when it has none (or names it itself).

    The nearest heading line above the sentence in the chunk wins; else the innermost provision
    of the chunk's section path ("Objective 2 > Associated actions" gives "Objective 2").
    """
    if _OPENS_WITH_PROVISION.match(sentence.text):
        return None  # "Pasal 2 Pada saat ...": the sentence carries its own heading
    label = _heading_above(hit.text, sentence.offset) or _innermost_in_section(hit.section)
    if label is None or label.casefold() in sentence.text.casefold():
        return None
    return label


def _heading_above(text: str, offset: int) -> str | None:
    headings = [match.group(1) for match in _HEADING_LINE.finditer(text, 0, offset + 1)]
    return " ".join(headings[-1].split()) if headings else None


def _innermost_in_section(section: str | None) -> str | None:
    for part in reversed((section or "").split(_SECTION_SEPARATOR)):
        match = _PROVISION.search(part)
        if match:
            return " ".join(match.group(0).split())
    return None
