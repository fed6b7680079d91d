"""Which sentences of a passage the default answerer may quote.

A quote must state something. Several kinds of line share the question's words, often all of its
names, and so score high against it, yet state nothing: a bibliography entry or a line holding a
link (it names a work), a title or heading (it names a subject), a line repeating the section
heading it sits under, a question (a FAQ page heads each answer with one), and a run of numbered
notes (a PDF's footnotes, a table of contents). They are left out
here, when choosing what to quote; ingestion still stores their vectors, so the sentence ids
stay the same and the sentence ranking of search still sees them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kb.answer_types import MONTH_WORDS
from kb.reference_entries import reference_entries, within_entries
from kb.search import SearchHit
from kb.sentences import PassageSentence

_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
"""A sentence holding a link is a reference entry or a pointer, not a statement: the Singapore
paper's bibliography line on Hong Kong's domestic helpers was quoted as the answer to a question
about their minimum wage."""
_SECTION_SEPARATOR = ">"


def quotable_sentences(
    hit: SearchHit, lines: list[str], sentences: list[PassageSentence]
) -> Iterator[tuple[int, PassageSentence]]:
    """``(position, sentence)`` for each of the hit's candidate ``sentences``
    (kb.sentences.located_sentences) that may be quoted; ``position`` is its index among them
    (kb.sentences.sentence_id), ``lines`` the passage's ``splitlines()``."""
    entries = reference_entries(hit.text)
    headings = section_headings(hit.section)
    for position, sentence in enumerate(sentences):
        text = sentence.text
        if _URL.search(text) or within_entries(text, entries) or asks(text) or numbered_run(text):
            continue
        if is_title_line(sentence, lines) or _heading_key(text) in headings:
            continue
        yield position, sentence


def section_headings(section: str | None) -> set[str]:
    """The headings of a chunk's section path ("Article 8 > Repatriation of victims of trafficking
    in persons"). A line of the chunk in the same words is its heading: it was quoted as if it said
    something ("Article 9: Prevention of trafficking in persons [3]")."""
    return {_heading_key(part) for part in (section or "").split(_SECTION_SEPARATOR) if part.strip()}


def asks(sentence: str) -> bool:
    """Whether the sentence is itself a question ("How can I register?", "Apa itu RAN GCM?").
    Leaving them out answered 294 of 400 public-set questions right instead of 291
    (benchmarks/answer_misses.py)."""
    return sentence.rstrip("\"”’)] ").endswith("?")


def numbered_run(sentence: str) -> bool:
    """Whether the sentence runs numbered notes together: two consecutive numbers, each opening a
    capitalised item ("85 Mid-Term Review of EU-IOM Joint Initiative ... 86 Mid-Term Review of
    ..."). PDF footnotes come out so, and tables of contents and numbered staff lists; they
    hold a report's names and scored high against questions naming the report. A day before a
    month ("14 September 1939 and 15 October 1946") and a single letter ("Tier 1 S Pass ... Tier 2
    S Pass") open no item. 10 of the corpus's 11,436 candidate sentences are such runs, none of
    them a statement."""
    numbers = [int(match.group(1)) for match in _ITEM_NUMBER.finditer(sentence)]
    return any(later == number + 1 for index, number in enumerate(numbers) for later in numbers[index + 1 :])


_ITEM_NUMBER = re.compile(r"(?<!\S)(\d{1,3})\s+(?!(?i:" + "|".join(MONTH_WORDS) + r")\b)(?=[A-Z][\w'’-]|[“\"(])")


def _heading_key(text: str) -> str:
    return " ".join(text.strip("#*_ \t").casefold().split())


def is_title_line(sentence: PassageSentence, lines: list[str]) -> bool:
    """Whether the sentence is a whole line that only names something: a title or heading in title
    case ("Philip Heinrich Christoph Hofman", "Bagian Kedua Pemerintah Daerah Provinsi"), short,
    with no closing punctuation and no "label: value" form.

    Holding every name of a question, such a line scored above the sentences that say something
    about it and was quoted as the answer."""
    text = sentence.text
    if " ".join(lines[sentence.line].split()) != text or text[-1] in _CLOSING or _LABELLED.match(text):
        return False
    words = text.split()
    if len(words) > _TITLE_MOST_WORDS:
        return False
    named = [word for word in words if word.casefold() not in _TITLE_SMALL_WORDS]
    capitalised = sum(1 for word in named if word[:1].isupper() or word[:1].isdigit() or word[:1] in "(“\"")
    return bool(named) and capitalised >= _TITLE_CAPITALISED_SHARE * len(named)


_CLOSING = ".!?;:,…"
_LABELLED = re.compile(r"[^:]{1,40}:\s+\S")
"""A "Budget: 37.741 USD" or "Title: Manage Borders ..." line states a value; it is no title."""
_TITLE_MOST_WORDS = 10
_TITLE_CAPITALISED_SHARE = 0.6
_TITLE_SMALL_WORDS = frozenset(
    "a an and the of for in on to at by with dan di ke dari untuk atas tentang dengan yang e. v. e.v.".split()
)
