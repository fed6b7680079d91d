"""What kind of fact a question asks for, and whether a sentence holds one.

"Kapan ...?", "How many ...?", "Pasal berapa ...?" ask for a date, a count or a provision; a
sentence on the right topic without one does not answer them, however close its meaning. The
default answerer gives a sentence holding the asked-for kind a small bonus when choosing what
to quote. Questions of other kinds (who, what, why, yes/no) get no bonus: their answers have no
surface form to recognise.

The kinds are as narrow as their surface forms allow. "How many participants ...?" wants a
count, and a sentence whose only numbers are dates ("Makassar (12/6)") or years ("Agenda 2030")
holds none; "What budget ...?" wants an amount of money: a currency, or an amount relative to
another ("dua kali lipat", double; "150% of the wage"). A question of a narrow kind that fits
no broader one ("berapa lama", "how much notice") asks for a plain number.
"""

from __future__ import annotations

import re

_NUMBER_WORDS = (
    "satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas belas puluh ratus ribu juta miliar "
    "setengah separuh one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
    "million billion half dozen"
)
_NUMBER_WORD = r"\b(?:" + "|".join(_NUMBER_WORDS.split()) + r")\b"
_MONTHS = (
    "januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember"
    "|january|february|march|june|july|august|october|december"
)
_YEAR = r"\b(?:1[89]\d\d|20\d\d)\b"
_UNITS_OF_TIME = r"(?:detik|menit|jam|hari|minggu|pekan|bulan|tahun|seconds?|minutes?|hours?|days?|weeks?|months?|years?)"

_ASKS = (
    (
        "provision",
        r"\b(?:(?:pasal|article|objective|tujuan|ayat|bab)\s+(?:berapa|mana|nomor berapa|ke\s*berapa)"
        r"|(?:which|what) (?:[A-Z]{2,6} )?(?:article|objective|provision|chapter|section|paragraph)s?)\b",
    ),
    (
        "time",
        r"\b(?:kapan|sejak kapan|tahun berapa|tanggal berapa|bulan apa|when|since when|what year|which year"
        r"|(?:on|in|from) what (?:date|year|month)|what date)\b",
    ),
    (
        "money",
        r"\b(?:budget|anggaran|kurs|nilai tukar|exchange rate|salary|salaries|wage|wages|gaji|upah|fee|fees|biaya|price|harga|iuran|levy"
        r"|how much (?:money|does|do|did|is|was|are|were) .{0,40}\b(?:cost|pay|paid|charge))\b",
    ),
    ("percent", r"\b(?:persen|persentase|percentage|per cent|percent|rate|tingkat\b.{0,60}\bberapa)\b"),
    ("age", r"\b(?:umur|usia|how old|(?:minimum|maximum|minimal|maksimal|maksimum|age) age|aged?)\b"),
    (
        "count",
        r"\b(?:how many|berapa (?:banyak|jumlah|orang|kali|buah|negara|peserta)|ada berapa|jumlah\b.{0,60}\bberapa"
        r"|berapa\s+\w+\s+(?:yang|utama))\b",
    ),
    (
        "number",
        r"\b(?:berapa|how (?:much|long|often|far|quickly|soon)|what (?:share|proportion|number|amount)"
        r"|(?:maximum|minimum) (?:number|amount|period))\b",
    ),
)
_ASK_PATTERNS = tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _ASKS)

_NOT_A_COUNT = re.compile(
    _YEAR + r"|\b\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b|\b\d{1,2}\s+(?:may|" + _MONTHS + r")\b|\b(?:may|" + _MONTHS + r")\s+\d{1,2}\b"
    r"|\b(?:pasal|article|objective|tujuan|ayat|nomor|no\.?|agenda|tahun|year)\s+\d+"
    r"|\b[^\W\d_]+\d[\w]*|\d+(?:st|nd|rd|th)\b|\b\d+(?=\s*(?:%|persen|per ?cent))",
    re.IGNORECASE,
)
"""Digits that are not a count: years, dates (23/5, 12 Juni), provision and statute numbers, digits inside
a name (BP2MI, A/RES/73/195), ordinals and percentages."""

_HOLDS = {
    "number": re.compile(r"\d|" + _NUMBER_WORD, re.IGNORECASE),
    "time": re.compile(_YEAR + r"|\b(?:" + _MONTHS + r")\b", re.IGNORECASE),
    "provision": re.compile(r"\b(?:pasal|article|objective|tujuan)\s+\d+", re.IGNORECASE),
    "money": re.compile(
        r"(?:\$|€|£|¥|\bRp\.?\s?\d|\b(?:USD|EUR|SGD|IDR|HKD|NTD|KRW|MYR|rupiah|dollars?|dolar|euros?|yen|ringgit|baht"
        r"|riyals?|pesos?|yuan|rupees?)\b|\d\s*(?:won|pounds?|francs?)\b"
        r"|\bkali lipat\b|\b(?:\d+(?:[.,]\d+)?|" + _NUMBER_WORD + r")\s+(?:kali|times)\b|\d\s*%|\b(?:persen|per ?cent)\b)",
        re.IGNORECASE,
    ),
    "percent": re.compile(r"\d\s*%|\b(?:persen|per ?cent|percentage points?)\b", re.IGNORECASE),
    "age": re.compile(
        r"(?:\d+|" + _NUMBER_WORD + r")(?:\s*\([^)]{0,30}\))?\s*(?:tahun|years?)|\b(?:berusia|berumur|aged?)\s+\d",
        re.IGNORECASE,
    ),
}
_DIGITS = re.compile(r"\d[\d.,]*")
_COUNT_WORD = re.compile(
    r"\b(?:" + "|".join(set(_NUMBER_WORDS.split()) - {"satu", "one", "setengah", "separuh", "half"}) + r")\b", re.IGNORECASE
)
"""Number words a count is written in; "one" and "satu" are left out, being mostly "one of" and
"satu atap" (one roof) rather than counts."""


def asked_kind(question: str) -> str | None:
    """The kind of fact the question asks for (``provision``, ``time``, ``money``, ``percent``,
    ``age``, ``count`` or ``number``), or None when it asks for none with a surface form."""
    for kind, pattern in _ASK_PATTERNS:
        if pattern.search(question):
            return kind
    return None


def holds_kind(kind: str | None, text: str) -> bool:
    """Whether ``text`` holds a fact of ``kind``."""
    if kind is None:
        return False
    if kind == "count":
        return _holds_count(text)
    return bool(_HOLDS[kind].search(text))


def _holds_count(text: str) -> bool:
    """A number word, or digits that are not a year, a date, a provision number or part of a name."""
    if _COUNT_WORD.search(text):
        return True
    remaining = _NOT_A_COUNT.sub(" ", text)
    return bool(_DIGITS.search(remaining))
