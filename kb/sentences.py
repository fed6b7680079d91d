"""Splitting text into sentences, shared by chunking (cut long paragraphs), answering (pick
the sentences that answer a question) and ingestion (which embeds those candidate sentences
once, so that answering looks their vectors up instead of embedding them per question).

A rule-based splitter: statute and report text is full of abbreviations ("No.", "Pasal 6 ayat
(1)"), initials and numbered lists whose full stops end nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"[.!?…][\"”’)\]]*(\s+)")
_TOKEN_BEFORE = re.compile(r"(\S+)$")
_LIST_NUMBER_DIGITS = 2
""""2." numbers a list item; "1979." ends a sentence."""
MIN_SENTENCE_WORDS = 4
MAX_SENTENCE_WORDS = 90
_ABBREVIATIONS = frozenset(
    "no nr dr mr mrs ms prof st art fig vol pp p para e.g i.e cf ir drs jl kab kec etc al jr sr".split()
)

def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``: cut after . ! ? before a capital, digit or opening bracket,
    except after abbreviations, initials and list numbers ("No.", "H.", "12.")."""
    sentences: list[str] = []
    cursor = 0
    for match in _SENTENCE_END.finditer(text):
        following = text[match.end():match.end() + 1]
        if not following or not (following.isupper() or following.isdigit() or following in "(“\"‘["):
            continue
        token = _TOKEN_BEFORE.search(text, cursor, match.start() + 1)
        word = token.group(1).rstrip(".!?…").lstrip("(\"“") if token else ""
        if len(word) <= 1 or (word.isdigit() and len(word) <= _LIST_NUMBER_DIGITS) or word.casefold() in _ABBREVIATIONS:
            continue
        sentences.append(text[cursor:match.start(1)])
        cursor = match.end()
    sentences.append(text[cursor:])
    return [sentence.strip() for sentence in sentences if sentence.strip()]


@dataclass(frozen=True)
class PassageSentence:
    """A candidate sentence and where it sits in its passage.

    The default answerer reads a sentence with what surrounds it (the list it is an item of, the
    article heading above it); knowing its line and offset spares searching the passage for it
    again, which also found the wrong place when the same words occur twice in one passage."""

    text: str
    """The sentence as it is quoted (whitespace collapsed, a heading in capitals cut off, a very
    long sentence shortened)."""
    line: int
    """The index of its line in ``passage.splitlines()``."""
    offset: int
    """Where it starts in the passage text."""


def located_sentences(text: str) -> list[PassageSentence]:
    """Sentences worth quoting, with their places: lines and sentences of readable length, not
    headings or menus.

    Ingestion stores the vector of each, under ``sentence_id(chunk_id, i)``; the default answerer
    splits a passage the same way and looks them up (so a change here only costs the lookups).
    """
    sentences = []
    line_start = 0
    for number, line in enumerate(text.splitlines(keepends=True)):
        cursor = 0
        for sentence in (piece for field in fields(line) for piece in split_sentences(field)):
            start = line.find(sentence, cursor)  # fields and split_sentences return slices of the line
            cursor = start + len(sentence)
            words = _without_heading(sentence.split())
            shortest = FIELD_MIN_WORDS if is_field(sentence) else MIN_SENTENCE_WORDS
            if shortest <= len(words) and not _shouting(" ".join(words)):
                shortened = " …" if len(words) > MAX_SENTENCE_WORDS else ""
                quoted = " ".join(words[:MAX_SENTENCE_WORDS]) + shortened
                sentences.append(PassageSentence(quoted, number, line_start + line.find(words[0], start)))
        line_start += len(line)
    return sentences


FIELD_MIN_WORDS = 3
"""A field ("Budget: 37.741 USD") is a sentence from three words: its label says what the value is."""
_FIELD_LABEL = re.compile(r"([A-Z][a-z]+((?:[ -][a-z]+){0,3})):[ \t]+(?=\S)")
"""A field's label: a capitalised word and up to three lower-case words, a colon, then the value."""
_WORD_BEFORE = re.compile(r"(\S+)\s+$")


def is_field(sentence: str) -> bool:
    """Whether the sentence is a field, "Label: value" (fields)."""
    return bool(_FIELD_LABEL.match(sentence))


def fields(line: str) -> list[str]:
    """The line cut before each field label, when it runs two or more fields together: a PDF's
    information box comes out as one line ("... Evaluators: PPMI Group, Vilnius, Lithuania Field
    visit dates: November 2022 - January 2023 Final report date: 19 April 2023"), with no full stop
    between fields. A label counts when it has lower-case words ("Field visit dates") or follows a
    word that is not capitalised ("evaluation Evaluators"), so that a name before a colon ("Dr.
    Wong Kwei Cheong: “It is ...") or a title's subtitle ("A Dynamic Singapore: Population White
    Paper") is no field; a line with only one such label ("A prime example is Indonesia: in
    2022-23 ...") is left whole."""
    starts = []
    for match in _FIELD_LABEL.finditer(line):
        before = _WORD_BEFORE.search(line, 0, match.start())
        at_line_start = not line[: match.start()].strip()
        if at_line_start or match.group(2) or (before and not before.group(1)[:1].isupper()):
            if at_line_start or line[match.start() - 1].isspace():
                starts.append(match.start())
    if len(starts) < 2:
        return [line]
    cuts = [0, *(start for start in starts if start > 0), len(line)]
    return [line[begin:end] for begin, end in zip(cuts, cuts[1:]) if line[begin:end].strip()]


def candidate_sentences(text: str) -> list[str]:
    """The texts of ``located_sentences``: what ingestion embeds and the answerer quotes."""
    return [sentence.text for sentence in located_sentences(text)]


def locate(text: str, sentence: str) -> PassageSentence:
    """The candidate sentence of ``text`` reading ``sentence`` (the first, if it occurs twice)."""
    for located in located_sentences(text):
        if located.text == sentence:
            return located
    raise ValueError(f"not a candidate sentence of the passage: {sentence!r}")


def sentence_entries(chunk_id: str, text: str, doc_id: str, version: str) -> list[tuple[str, str, dict]]:
    """``(id, sentence, metadata)`` of each candidate sentence of a chunk, as the sentences
    collection stores them: tagged with the chunk's document and version, so they are committed,
    replaced and removed with it (kb.store)."""
    return [
        (sentence_id(chunk_id, position), sentence,
         {"chunk_id": chunk_id, "doc_id": doc_id, "version": version, "position": position})
        for position, sentence in enumerate(candidate_sentences(text))
    ]


def sentence_id(chunk_id: str, position: int) -> str:
    """The id of a chunk's ``position``-th candidate sentence in the sentences collection."""
    return f"{chunk_id}{_SENTENCE_MARK}{position}"


def chunk_of_sentence(identifier: str) -> str:
    """The chunk id a sentence id was made from (sentence_id's inverse, position dropped)."""
    return identifier.rsplit(_SENTENCE_MARK, 1)[0]


_SENTENCE_MARK = ":s"


def _without_heading(words: list[str]) -> list[str]:
    """The words after a heading in capitals that runs into the sentence: "PENJELASAN ATAS
    UNDANG-UNDANG ... NOMOR 18 TAHUN 2017 TENTANG ... I. UMUM Undang-Undang Dasar ... menjamin ...".
    OCR'd statutes put no full stop after their headings; the title's words made such a sentence
    the best match of any question naming the statute, and the quote began with a page title.
    20 of the corpus's 11,406 candidate sentences have one."""
    run = 0
    while run < len(words) and _HEADING_WORD.fullmatch(words[run]):
        run += 1
    capitals = sum(1 for word in words[:run] if len(word) > 1 and word.isalpha())
    sentence_starts = run < len(words) and words[run][:1].isupper() and words[run][1:2].islower()
    is_heading = run >= _HEADING_MIN_WORDS and capitals >= _HEADING_MIN_CAPITALS
    if is_heading and sentence_starts and len(words) - run >= MIN_SENTENCE_WORDS:
        return words[run:]
    return words


_HEADING_WORD = re.compile(r"[A-Z0-9][A-Z0-9.,:/()’'\-]*")
_HEADING_MIN_WORDS = 4
_HEADING_MIN_CAPITALS = 3


def _shouting(text: str) -> bool:
    """Titles and headings in capitals ("UNDANG-UNDANG ... TENTANG ...") name a text; they answer nothing."""
    letters = [ch for ch in text if ch.isalpha()]
    return not letters or sum(ch.isupper() for ch in letters) > 0.6 * len(letters)
