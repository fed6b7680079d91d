"""A question that names a provision of a document gets that provision's passage first; one
that names only a document gets that document's best passage first.

"Apa yang diatur Pasal 4 UU 21/2007?" or "What does Article 14 of the Universal Declaration of
Human Rights say?" names the passage it wants. Ranking by meaning cannot find it: every article
of a statute reads alike, and other articles cite "Pasal 4" in their text (UU 21/2007's Pasal 7
raises the penalties of "Pasal 2 ayat (2), Pasal 3, Pasal 4, ..."), so the article itself ranked
12th. The lookup reads the named document's passages and takes those where the provision's
heading starts a line: the article itself, then its elucidation (PENJELASAN) where the statute
has one.

A document is named by its statute identifier ("UU 21/2007", "Undang-Undang Nomor 21 Tahun
2007", "Law No. 21 of 2007", "PP 59/2021"; the identifier ingestion records), by its whole
title, or else by an acronym found in the titles or file names of only a few documents ("GCM").
A provision number without a document ("Pasal 4") is left to ranking: most statutes have a
Pasal 4.

A question naming a statute without an article ("What is the minimum age ... under Law No. 18 of
2017?") is asked of that statute: ranked over the whole collection, an English report on
Singapore's domestic workers outranked the statute's own requirement (berusia minimal 18 tahun).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from kb.registry import DocumentRecord
from kb.search import SearchFilters, SearchHit, hits_by_id
from kb.store import KnowledgeStore

_STATUTE_KINDS = (
    ("Perppu", r"Perppu|Peraturan Pemerintah Pengganti Undang-Undang"),
    ("PP", r"PP|Peraturan Pemerintah|Government Regulation"),
    ("Perpres", r"Perpres|Peraturan Presiden|Presidential Regulation"),
    ("UU", r"UU|Undang-Undang|Law"),
)
_NUMBER_AND_YEAR = (
    r"\s*(?:(?:Nomor|Nomer|No\.?|Number)\s*)?(\d{1,4})\s*(?:/|\s+Tahun\s+|\s+of\s+(?:the\s+year\s+)?)\s*((?:19|20)\d\d)\b"
)
_STATUTE_REFERENCES = tuple(
    (short, re.compile(rf"\b(?:{names})(?:\s+Republik Indonesia)?{_NUMBER_AND_YEAR}", re.IGNORECASE))
    for short, names in _STATUTE_KINDS
)
_PROVISION = re.compile(r"\b(Pasal|Article|Art\.|Objective|Tujuan)\s+(\d{1,3})\b", re.IGNORECASE)
_HEADING_WORDS = {
    "pasal": ("Pasal", "Article"),
    "article": ("Article", "Pasal"),
    "art.": ("Article", "Pasal"),
    "objective": ("Objective", "Tujuan"),
    "tujuan": ("Tujuan", "Objective"),
}
PINNED_RETRIEVER = "provision"
"""How a pinned hit's ``retrievers`` names the lookup."""
NAMED_DOCUMENT_RETRIEVER = "named document"
"""How ``retrievers`` names a passage pinned because the question names its document."""
NAMED_DOCUMENT_PASSAGES = 1
"""Passages of each named document put first: its best one, so that the ranking keeps the rest of
the list (a question about a repealed law's successor names the repealed law). Pinning one or two
answered the same on our question set (36 of 50, one more than none). Each named document gets
its own: "GCM" names the objectives and an article on GCM workshops, and the one best passage of
the two was the Indonesian article's."""
MOST_PINNED = 3
"""The article, its elucidation, and one more passage where the article runs on (or a document
named twice); the ranking keeps the rest of the list."""
_SHORTEST_TITLE_WORDS = 3
"""A title of fewer words ("Keimigrasian") is too likely to be said in passing."""


def named_provision(question: str) -> tuple[tuple[str, ...], int] | None:
    """The heading words a named provision may have in either language, and its number:
    "Pasal 4" gives (("Pasal", "Article"), 4)."""
    match = _PROVISION.search(question)
    if not match:
        return None
    return _HEADING_WORDS[match.group(1).lower()], int(match.group(2))


def statute_identifiers(question: str) -> list[str]:
    """The statute identifiers the question names, in the form ingestion records ("UU 21/2007")."""
    found = []
    for short, pattern in _STATUTE_REFERENCES:
        for match in pattern.finditer(question):
            identifier = f"{short} {int(match.group(1))}/{match.group(2)}"
            if identifier not in found:
                found.append(identifier)
    return found


def statute_kinds_dropped(question: str) -> str:
    """The question with each statute reference written as its number and year ("what age under
    Law No. 18 of 2017?" reads "what age under 18/2017?"): the kind of statute is no name a passage
    must hold, for the statute itself says "Undang-Undang" where an English question says "Law"."""
    for _, pattern in _STATUTE_REFERENCES:
        question = pattern.sub(lambda match: f"{match.group(1)}/{match.group(2)}", question)
    return question


def named_documents(question: str, records: Iterable[DocumentRecord]) -> list[DocumentRecord]:
    """The documents the question names by statute identifier or whole title, else by an acronym
    of their title or file name (acronym_named)."""
    records = list(records)
    identifiers = set(statute_identifiers(question))
    lowered = " ".join(question.lower().split())
    named = []
    for record in records:
        title = " ".join((record.title or "").lower().split())
        if record.metadata.get("identifier") in identifiers or (
            len(title.split()) >= _SHORTEST_TITLE_WORDS and title in lowered
        ):
            named.append(record)
    return named or acronym_named(question, records)


MOST_NAMED_BY_ACRONYM = 3
"""Documents an acronym may name. One in more titles or file names is the collection's subject,
not a document's name: "IOM" is in 10 of ../shared/corpus's 27. Naming up to 2, 3 or 5 answered
our set alike; up to 1 left out "GCM" (the objectives and the IOM article on GCM workshops)."""
_QUESTION_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]*[A-Z](?:-[A-Z][A-Z0-9]*)*\b")
"""A word of capitals (digits inside): "GCM", "EU-IOM", "BP2MI"."""
_STATUTE_KIND_WORDS = frozenset(short.lower() for short, _ in _STATUTE_KINDS)
_TITLE_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def acronym_named(question: str, records: list[DocumentRecord]) -> list[DocumentRecord]:
    """The documents whose title or file name holds an acronym of the question, for each acronym
    found in at most MOST_NAMED_BY_ACRONYM of them.

    "Tujuan GCM nomor berapa yang membahas supaya hak jaminan sosial pekerja migran bisa dibawa
    pindah antarnegara?" ranked UU 18/2017's article on social security first and the GCM
    objectives 14th: the Indonesian words match the statute, and only "GCM" points to
    gcm_23_objectives_and_actions.md. A statute's kind ("UU", "PP") names no one statute."""
    acronyms = {word.lower() for word in _QUESTION_ACRONYM.findall(question)} - _STATUTE_KIND_WORDS
    named: list[DocumentRecord] = []
    for acronym in sorted(acronyms):
        naming = [record for record in records if acronym in _title_words(record)]
        if len(naming) <= MOST_NAMED_BY_ACRONYM:
            named += [record for record in naming if record not in named]
    return named


def _title_words(record: DocumentRecord) -> set[str]:
    return set(_TITLE_WORD.findall(f"{record.title or ''} {record.source.replace('_', ' ')}".lower()))


def named_document_scope(documents: list[DocumentRecord], filters: SearchFilters | None) -> SearchFilters | None:
    """The search's filters narrowed to the named ``documents`` (named_documents), or None when
    the filters let none of them through."""
    allowed = set(filters.doc_ids) if filters and filters.doc_ids else None
    doc_ids = [record.doc_id for record in documents if allowed is None or record.doc_id in allowed]
    if not doc_ids:
        return None
    return replace(filters, doc_ids=doc_ids) if filters else SearchFilters(doc_ids=doc_ids)


def heading_pattern(words: tuple[str, ...], number: int) -> re.Pattern[str]:
    """A line that opens with the provision's heading: "Pasal 4", "PASAL 4", "Article 4.",
    "# Objective 4", "Pasal 82 (1) Pemerintah Desa ...", "Pasal 4 Setiap orang ..." (a capital
    follows; "Pasal 4 dan Pasal 5 ..." opens a sentence citing it)."""
    names = "|".join(re.escape(form) for word in words for form in (word, word.upper()))
    return re.compile(rf"^[#\s*]*(?:{names})\s+{number}(?![\d/])(?:\s*[.:(]|[ \t]*$|\s+[A-Z])", re.MULTILINE)


def provision_passages(
    question: str, documents: list[DocumentRecord], store: KnowledgeStore, filters: SearchFilters | None = None
) -> list[SearchHit]:
    """The passages of the provision the question names in the named ``documents``
    (named_documents), in document order, or [] when it names none (or they do not have it)."""
    provision = named_provision(question)
    if provision is None or not documents:
        return []
    heading = heading_pattern(*provision)
    found = []
    for document in documents:
        hits = hits_by_id(store, document.chunk_ids).values()
        matching = [hit for hit in hits if heading.search(hit.text) and _allowed(filters, hit, document.file_type)]
        found += sorted(matching, key=lambda hit: hit.position if hit.position is not None else 0)
    return found[:MOST_PINNED]


def _allowed(filters: SearchFilters | None, hit: SearchHit, file_type: str) -> bool:
    """Whether the search's filters let the hit through (its chunk language, not the document's)."""
    return filters is None or filters.allows({"doc_id": hit.doc_id, "lang": hit.lang, "file_type": file_type})


def pin_first(
    pinned: list[SearchHit], ranked: list[SearchHit], k: int, retriever: str = PINNED_RETRIEVER
) -> list[SearchHit]:
    """``pinned`` ahead of the ranking (without repeating them), ``k`` in all, marked as found by
    ``retriever``. A pinned hit takes the best score of the ranking, so that scores still fall
    down the list."""
    top = ranked[0].score if ranked else 1.0
    ids = {hit.chunk_id for hit in pinned}
    for rank, hit in enumerate(pinned, start=1):
        hit.score = top
        hit.retrievers = {**hit.retrievers, retriever: {"rank": rank, "score": 1.0}}
    return (pinned + [hit for hit in ranked if hit.chunk_id not in ids])[:k]
