"""What kind of fact a question asks for, and whether a sentence holds one.

"Kapan ...?", "How many ...?", "Pasal berapa ...?" ask for a date, a number or a provision; a
sentence on the right topic without one does not answer them, however close its meaning. The
default answerer gives a sentence holding the asked-for kind a small bonus when choosing what
to quote. Questions of other kinds (who, what, why, yes/no) get no bonus: their answers have no
surface form to recognise.
"""

from __future__ import annotations

import re

_ASKS = (
    (
        "provision",
        re.compile(
            r"\b(?:(?:pasal|article|objective|tujuan|ayat|bab)\s+(?:berapa|mana|nomor berapa|ke\s*berapa)"
            r"|(?:which|what) (?:article|objective|provision|chapter|section|paragraph)s?)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "time",
        re.compile(
            r"\b(?:kapan|sejak kapan|tahun berapa|tanggal berapa|bulan apa|when|since when|what year|which year"
            r"|(?:on|in|from) what (?:date|year|month)|what date)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "number",
        re.compile(
            r"\b(?:berapa|how (?:many|much|long|old|often|far)|what (?:percentage|share|proportion|number|amount)"
            r"|(?:maximum|minimum) (?:number|age|amount|period)|umur minimal|usia minimal)\b",
            re.IGNORECASE,
        ),
    ),
)

_NUMBER_WORDS = (
    "satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas belas puluh ratus ribu juta miliar "
    "setengah separuh one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty "
    "hundred thousand million billion half dozen"
)
_HOLDS = {
    "number": re.compile(r"\d|\b(?:" + "|".join(_NUMBER_WORDS.split()) + r")\b", re.IGNORECASE),
    "time": re.compile(
        r"\b(?:1[89]\d\d|20\d\d|januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november"
        r"|desember|january|february|march|june|july|august|october|december)\b",
        re.IGNORECASE,
    ),
    "provision": re.compile(r"\b(?:pasal|article|objective|tujuan)\s+\d+", re.IGNORECASE),
}


def asked_kind(question: str) -> str | None:
    """``provision``, ``time`` or ``number`` when the question asks for one, else None."""
    for kind, pattern in _ASKS:
        if pattern.search(question):
            return kind
    return None


def holds_kind(kind: str | None, text: str) -> bool:
    """Whether ``text`` holds a fact of ``kind`` (a number, a date, a provision number)."""
    return kind is not None and bool(_HOLDS[kind].search(text))
