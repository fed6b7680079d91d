"""What kind of fact a question asks for, and whether a sentence holds one.

"Kapan ...?", "How many ...?", "Pasal berapa ...?" ask for a date, a count or a provision; a
sentence on the right topic without one does not answer them, however close its meaning. The
default answerer gives a sentence holding the asked-for kind a small bonus when choosing what
to quote. Questions of other kinds (who, what, why, yes/no) get no bonus: their answers have no
surface form to recognise.

The kinds are as narrow as their surface forms allow. "How many participants ...?" wants a
count, and a sentence whose only numbers are dates ("Makassar (12/6)") or years ("Agenda 2030")
holds none; "What budget ...?" wants an amount of money: a currency, or an amount relative to
another ("dua kali lipat", double; "150% of the wage"; but not "39% of reports"). A question of
a narrow kind that fits no broader one ("berapa lama", "how much notice") asks for a plain number.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

_NUMBER_WORDS = (
    "satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas belas puluh ratus ribu juta miliar "
    "setengah separuh one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
    "million billion half dozen"
)
_NUMBER_WORD = r"\b(?:" + "|".join(_NUMBER_WORDS.split()) + r")\b"
_MONTH_NAMES = (
    "januari februari maret april mei juni juli agustus september oktober november desember "
    "january february march june july august october december"
).split()
"""Months in Indonesian and English ("may" is left out: the English word is too common)."""
MONTH_WORDS = (*_MONTH_NAMES, "may", *"jan feb mar apr jun jul aug agu sep sept oct okt nov dec des".split())
"""Every word that can name a month, "may" and abbreviations included: where a month is expected
(after a day's number) or where a name must not be one."""
_MONTHS = "|".join(_MONTH_NAMES)
_YEAR = r"\b(?:1[89]\d\d|20\d\d)\b"

_MONEY_NOUNS = (
    r"(?:budget|anggaran|kurs|nilai tukar|exchange rate|salary|salaries|wages?|gaji|upah|fees?|biaya|ongkos|prices?"
    r"|harga|iuran|levy|cost|costs|denda|fine)\b"
)
_ASKS = (
    (
        "person",
        r"\bsiapa(?:kah)?\s+nama\b|\bnama\b.{0,40}\bsiapa(?:kah)?\b|\bwhat(?:'s| is| was) the name of\b"
        r"|\bwho (?:is|was) the (?:current |present |new |first )?(?:head|director|chief|minister|president|chair"
        r"|chairman|chairperson|secretary|commissioner|ambassador|founder)\b"
        r"|\bsiapa(?:kah)?\s+(?:kepala|menteri|direktur|ketua|presiden|pendiri|penemu)\b",
    ),
    (
        "provision",
        r"\b(?:(?:pasal|article|objective|tujuan|ayat|bab)\s+(?:[A-Z]{2,6}\s+)?(?:berapa|mana|nomor berapa|ke\s*berapa)"
        r"|(?:which|what) (?:[A-Z]{2,6} )?(?:article|objective|provision|chapter|section|paragraph)s?)\b",
    ),
    (
        "time",
        r"\b(?:kapan|sejak kapan|tahun berapa|tanggal berapa|bulan apa|when|since when|what year|which year"
        r"|(?:on|in|from) what (?:date|year|month)|what date)\b",
    ),
    (
        "money",
        r"\b(?:berapa|how much)\b.{0,60}\b" + _MONEY_NOUNS + r"|\b" + _MONEY_NOUNS + r"\b.{0,60}\bberapa\b"
        r"|\bwhat (?:is|was|are|were) the (?:[\w-]+ ){0,3}" + _MONEY_NOUNS + r"|\bwhat " + _MONEY_NOUNS
        + r"|\bhow much (?:money|does|do|did|is|was|are|were)\b.{0,40}\b(?:cost|pay|paid|charge|earn|spend)",
    ),
    (
        "percent",
        r"\b(?:berapa persen|persentase|what percentage|what share|what proportion"
        r"|what (?:is|was) the (?:[\w-]+ ){0,3}rate|tingkat\b.{0,60}\bberapa)\b",
    ),
    (
        "age",
        r"\b(?:(?:umur|usia)\s+(?:berapa|minimal|minimum|maksimal|maksimum|paling rendah)|berapa\s+(?:umur|usia)"
        r"|syarat\s+(?:umur|usia)|how old|(?:what|which|minimum|maximum|the) age\b(?! of)"
        r"|age (?:limit|range|requirement))",
    ),
    (
        "quantity",
        r"\bberapa banyak\b",
    ),
    (
        "count",
        r"\b(?:how many|berapa (?:jumlah|orang|kali|buah|negara|peserta)|ada berapa|jumlah\b.{0,60}\bberapa"
        r"|berapa\s+\w+\s+(?:yang|utama))\b",
    ),
    (
        "number",
        r"\b(?:berapa|how (?:much|long|often|far|quickly|soon)|what (?:share|proportion|number|amount)"
        r"|(?:maximum|minimum) (?:number|amount|period))\b",
    ),
)
_ASK_PATTERNS = tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _ASKS)

_PROVISION_WORDS = frozenset({"pasal", "article", "ayat", "huruf", "bab", "objective", "tujuan", "chapter", "section"})
_REFERENCE_WORDS = frozenset(
    {"nomor", "agenda", "figure", "fig", "table", "annex", "appendix", "page", "gambar", "tabel", "lampiran", "halaman"}
)
"""Words numbering a statute, a figure, a table or a page: "Nomor 18", "Figure 2", "Tabel 3"."""
_PLACE_NUMBER = (
    r"\b(?:" + "|".join(sorted(_PROVISION_WORDS | _REFERENCE_WORDS)) + r"|no\.?)\s+\(?\d+\)?"
    r"|(?<!\S)\(\d{1,2}\)(?!\S)"
)
"""Numbers that say where something is, not how many or how much: a provision ("Pasal 48", "ayat
(1)", "Objective 22"), a statute, agenda, figure, table or page number ("Nomor 18", "Agenda 2030",
"Figure 2"), a paragraph mark "(2)"."""
_PLACE_NUMBERS = re.compile(_PLACE_NUMBER, re.IGNORECASE)
_NOT_A_COUNT = re.compile(
    _PLACE_NUMBER + "|" + _YEAR + r"|\b(?:tahun|year)\s+\d+|\b\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b"
    r"|\b\d{1,2}\s+(?:may|" + _MONTHS + r")\b|\b(?:may|" + _MONTHS + r")\s+\d{1,2}\b"
    r"|\b[^\W\d_]+\d[\w]*|\d+(?:st|nd|rd|th)\b|(?:(?<=[^\W\d_])|(?<=[)\]”\"’.,;:]))\d{1,2}(?=\s|$)",
    re.IGNORECASE,
)
"""Digits that are not a count: place numbers (_PLACE_NUMBER), years, dates (23/5, 12 Juni),
digits inside a name (BP2MI, A/RES/73/195), ordinals and footnote marks ("(AAP),1 following")."""
_SHARE = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:%|persen\b|per ?cent\b)", re.IGNORECASE)
_FRACTIONS = (
    r"\b(?:half|setengah|separuh|sepertiga|seperempat|a third|a quarter)\b"
)

_HOLDS = {
    "number": re.compile(r"\d|" + _NUMBER_WORD, re.IGNORECASE),
    "time": re.compile(_YEAR + r"|\b(?:" + _MONTHS + r")\b", re.IGNORECASE),
    "provision": re.compile(r"\b(pasal|article|objective|tujuan)\s+\d+", re.IGNORECASE),
    "money": re.compile(
        r"(?:\$|€|£|¥|\bRp\.?\s?\d|\b(?:USD|EUR|SGD|IDR|HKD|NTD|KRW|MYR|rupiah|dollars?|dolar|euros?|yen|ringgit|baht"
        r"|riyals?|pesos?|yuan|rupees?)\b|\d\s*(?:won|pounds?|francs?)\b"
        r"|\bkali lipat\b|\b(?:\d+(?:[.,]\d+)?|" + _NUMBER_WORD + r")\s+(?:kali|times)\b"
        r"|(?:\d\s*%|\b(?:persen|per ?cent))\s+(?:dari|of)\s+(?:the\s+|their\s+)?(?:\w+\s+)?" + _MONEY_NOUNS
        + r"|\d\s*(?:juta|miliar|milyar|ribu|million|billion|thousand)\b"
        r"|\b(?:gratis|cuma-cuma|tanpa biaya|free|no cost)\b)",
        re.IGNORECASE,
    ),
    "percent": re.compile(r"\d\s*%|\b(?:persen|per ?cent|percentage points?)\b|" + _FRACTIONS, re.IGNORECASE),
    "age": re.compile(
        r"(?:\d+|" + _NUMBER_WORD + r")(?:\s*\([^)]{0,30}\))?\s*(?:tahun|years?|bulan|months?)"
        r"|\b(?:berusia|berumur|aged?|ages?(?: of)?|umur|usia)\s+(?:between\s+|antara\s+|dari\s+|of\s+)?"
        r"(?:\d|" + _NUMBER_WORD + r")",
        re.IGNORECASE,
    ),
}
_SPEAKS_OF_MONEY = re.compile(
    r"\b(?:" + _MONEY_NOUNS + r"|pay|paid|pays|payment|dibayar|membayar|bayar|pembayaran|earn\w*|spend\w*|spent"
    r"|income|pendapatan|penghasilan|gratis|cuma-cuma|free|tarif|rates?|value|funds?|funding|dana)",
    re.IGNORECASE,
)
"""Words of paying, prices, costs, wages and funds. An amount answers a question about money only in
a sentence that speaks of money: "a monthly consumer surplus of US$130 to US$200" is no salary
(it answered "What is the minimum monthly salary ... in Hong Kong?", which the documents do not hold)."""
_DIGITS = re.compile(r"\d[\d.,]*")
_COUNT_WORD = re.compile(
    r"(?<!salah )\bsatu\b(?! atap)|\bone\b(?! (?:of|another))"
    r"|\b(?:" + "|".join(sorted(set(_NUMBER_WORDS.split()) - {"satu", "one"}))
    + r"|ke(?:dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh)"
    r"|puluhan|ratusan|ribuan|jutaan|dozens|hundreds|thousands|millions)\b",
    re.IGNORECASE,
)
"""Counts written in words, "keempat" (all four) and "puluhan" (dozens) among them, but not "one
of", "salah satu" or "satu atap" (one roof)."""
_FRACTION = re.compile(_FRACTIONS, re.IGNORECASE)


def asked_kind(question: str) -> str | None:
    """The kind of fact the question asks for (``person``, ``provision``, ``time``, ``money``,
    ``percent``, ``age``, ``quantity``, ``count`` or ``number``), or None when it asks for none with
    a surface form. "Berapa banyak" is a quantity: it asks how many and how much alike, and
    "lebih dari setengah" (more than half) or "71%" answer it; "how many" wants a count."""
    question = _QUESTION_PARTICLE.sub(r"\1", question)
    for kind, pattern in _ASK_PATTERNS:
        if pattern.search(question):
            return kind
    return None


_QUESTION_PARTICLE = re.compile(
    r"\b(apa|siapa|berapa|kapan|mana|dimana|darimana|bagaimana|mengapa|kenapa)kah\b", re.IGNORECASE
)
"""The "-kah" a question word takes ("Berapakah luas ...?", "Kapankah ...?"): the same question as
"berapa" or "kapan". 54 of the 565 TyDi QA Indonesian questions ask so."""


def holds_kind(kind: str | None, text: str, question: str = "", is_common: Callable[[str], bool] | None = None) -> bool:
    """Whether ``text`` holds a fact of ``kind``. A name counts only when ``question`` lacks it and
    ``is_common`` (a word's test against the collection) does not find it an everyday word."""
    if kind is None:
        return False
    if kind == "count":
        return _holds_count(_SHARE.sub(" ", text))
    if kind == "quantity":
        return bool(_SHARE.search(text) or _FRACTION.search(text)) or _holds_count(text)
    if kind == "person":
        return _holds_name(text, question, is_common or (lambda word: False))
    if kind == "number":
        text = _PLACE_NUMBERS.sub(" ", text)
    if kind == "money" and not _SPEAKS_OF_MONEY.search(text):
        return False
    if kind == "provision":
        return _holds_asked_provision(text, question)
    return bool(_HOLDS[kind].search(text))


_PROVISION_FAMILIES = (
    frozenset({"pasal", "article", "ayat"}),
    frozenset({"objective", "tujuan"}),
    frozenset({"bab", "chapter"}),
)
"""The words of one kind of provision in either language: a statute's articles, the GCM's objectives, chapters."""


def _holds_asked_provision(text: str, question: str) -> bool:
    """Whether ``text`` holds a numbered provision of the kind ``question`` asks for, when it names
    one: "Tujuan GCM nomor berapa ...?" asks for an objective, and a statute's "Pasal 29" beside
    the same words is no answer to it (a question naming no kind takes any)."""
    asked = _asked_provision_family(question)
    return any(
        not asked or _provision_family([match.group(1).lower()]) & asked for match in _HOLDS["provision"].finditer(text)
    )


@lru_cache(maxsize=64)
def _asked_provision_family(question: str) -> frozenset[str]:
    """The provision words of ``question``'s kind (_provision_family), read once per question
    rather than once for each of the hundred or so sentences scored against it."""
    return _provision_family(re.findall(r"[^\W\d_]+", question.lower()))


def _provision_family(words: list[str]) -> frozenset[str]:
    """Every word of the provision families ``words`` belong to."""
    return frozenset(word for family in _PROVISION_FAMILIES if family & set(words) for word in family)


_LABEL = re.compile(
    r"^\s*(?:(?:pasal|article|objective|tujuan)\s+\d+\s*:?\s*)?(?:\(\d+\)\s*|\d+\.\s*|[a-z]\.\s+)?", re.IGNORECASE
)
"""A provision label and item number opening a quoted sentence ("Pasal 47 (1) ", "b. ")."""
_WORD_WITH_NEXT = re.compile(r"([^\W\d_][\w'’-]*)(?=(\s*[,:]?\s*)([^\W\d_]*))")
_INTRODUCING = frozenset({"adalah", "ialah", "merupakan", "is", "was", "has", "had", "serves", "served", "menjabat"})


def _holds_name(text: str, question: str, is_common: Callable[[str], bool]) -> bool:
    """A capitalised word the question does not hold and that is no acronym, provision word or
    everyday word: "... adalah Benny Rhamdani." holds one; "... dilakukan oleh Kepala BP2MI."
    asked about the head of BP2MI does not, nor does "Dinas Daerah Provinsi" (statutes capitalise
    the bodies they name, words the collection uses everywhere). The sentence's first word (after
    a "Pasal 47 (1)" label) counts only when a name evidently starts there: another capitalised
    word, a comma or "adalah"/"is" follows."""
    asked = {word.lower() for word in re.findall(r"[^\W\d_]+", question)}
    body = text[_LABEL.match(text).end():]
    for position, match in enumerate(_WORD_WITH_NEXT.finditer(body)):
        word, gap, following = match.group(1), match.group(2), match.group(3)
        if not word[0].isupper() or word.isupper() or any(ch.isdigit() for ch in word):
            continue
        if word.lower() in asked or word.lower() in _PROVISION_WORDS or is_common(word):
            continue
        name_follows = following[:1].isupper() and not following.isupper()
        if position == 0 and not ("," in gap or name_follows or following.lower() in _INTRODUCING):
            continue
        return True
    return False


def _holds_count(text: str) -> bool:
    """A number word, or digits that are not a year, a date, a provision number or part of a name."""
    if _COUNT_WORD.search(text):
        return True
    remaining = _NOT_A_COUNT.sub(" ", text)
    return bool(_DIGITS.search(remaining))


_COUNT_TOKEN = re.compile(r"\d[\d.,]*|" + _COUNT_WORD.pattern, re.IGNORECASE)
_NEAR_WORDS = 3
_LETTERS = re.compile(r"[^\W\d_]+")


def counted_words(text: str) -> list[str]:
    """The words standing next to the counts of ``text`` (up to three either side), which say what
    is counted: "respondents" in "the 214 survey respondents", "penduduk" in "jumlah penduduk
    sebanyak 12.345 jiwa". Percentages, years, dates and place numbers are no counts (_holds_count)."""
    remaining = _NOT_A_COUNT.sub(" ", _SHARE.sub(" ", text))
    words: list[str] = []
    for match in _COUNT_TOKEN.finditer(remaining):
        words += _LETTERS.findall(remaining[: match.start()])[-_NEAR_WORDS:]
        words += _LETTERS.findall(remaining[match.end() :])[:_NEAR_WORDS]
    return words
