"""Cut cleaned documents into chunks that fit the embedder and keep their place in the document.

A chunk never mixes text from under two headings, so its ``heading`` tells the reader where
it comes from and a citation can name it. Indonesian statutes carry their structure in the
text rather than in Markdown ("BAB III ... Pasal 8 ..."), often run together on one line by
OCR, so they are split at their chapters and articles, found with rules that tell an
article's own heading apart from a cross-reference to it. Within one heading, paragraphs are
packed up to the token limit; only a paragraph too long for one chunk is cut, at the largest
unit that fits (statute clause, line, sentence, and as a last resort words).

Token counts come from the embedder's own tokenizer (``count_tokens``). Each piece of text is
counted once and chunk sizes are estimated by summing; every finished chunk is then counted
for real, so the limit holds even where the estimate is off.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from ingest.document import ChunkDraft, LoadedDocument
from kb.sentences import is_field, split_sentences

TokenCounter = Callable[[str], int]

HEADING_SEPARATOR = " > "
TAIL_SHARE = 5
"""A last chunk under ``max_tokens / TAIL_SHARE`` is merged into the one before when it fits."""
_SAFETY_SHARE = 50
"""Pack to ``max_tokens - max_tokens / _SAFETY_SHARE`` so the final count rarely disagrees."""

# --- statutes -----------------------------------------------------------------------------

_ARTICLE = re.compile(
    r"\bPasal[ \t]+\^?(?P<number>(?:\d(?: \d(?!\w))?|[lI](?=\d))[\dlIO]*[A-Z]?|[IVX]{1,4})(?!\w)"
)
"""``Pasal 8``; OCR spellings ``Pasal l0``, ``Pasal 2 1``; ``Pasal 5A``; ``Pasal II`` (amendments)."""
_NOT_AN_ARTICLE_START = re.compile(
    r"[ \t]*(?:[,;.\])]|ayat\b|huruf\b|angka\b|dan\b|atau\b|sampai\b|s\.d\b|jo\b"
    r"|Undang-Undang(?! ini)|UUD\b|[a-z])"
)
"""What follows a *reference* to an article: ``Pasal 7 huruf a``, ``Pasal 20, Pasal 21``."""
_ARTICLE_BODY_START = re.compile(
    r"[ \t]*(?:\([\dlI]{1,2}\)[ \t]+[A-Z]|Cukup\b|Ayat\b|Huruf\b|Angka\b|Yang dimaksud\b)"
)
"""What only an article's own text starts with: a numbered clause or an explanation."""
_CHAPTER = re.compile(
    r"\bBAB[ \t]+(?P<number>[IVXL]+)\b"
    r"(?P<title>(?:\s+(?!Pasal\b|Bagian\b|Paragraf\b|BAB\b|PENJELASAN\b)[A-Z][A-Z0-9/,&'’().-]*(?!\w))*)"
)
_CHAPTER_TITLE_MAX_WORDS = 15
_SUBDIVISION = re.compile(r"\b(?:Bagian[ \t]+(?:Kesatu|Pertama|Ke[a-z]+)|Paragraf[ \t]+\d+)\b")
"""``Bagian Kedua`` / ``Paragraf 3``: headings inside a chapter that open the next article."""
_EXPLANATION = re.compile(r"\bPENJELASAN[ \t]+ATAS\b")
"""Where the official explanation of a statute starts."""
_EXPLAINED_ARTICLES = re.compile(r"\b(?:II\.\s*)?PASAL[ \t]+DEMI[ \t]+PASAL\b")
"""The explanation's article-by-article part; OCR sometimes lost the "PENJELASAN" before it."""
EXPLANATION_HEADING = "PENJELASAN"
_PRECEDING_TOKEN = re.compile(r"(\S*)[ \t]*$")
_LINE_END = re.compile(r"[ \t]*(?:\n|$)")
_MIN_STATUTE_ARTICLES = 2

# --- cutting text -------------------------------------------------------------------------

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_LINE_BREAK = re.compile(r"\n")
_CLAUSE_START = re.compile(r"(?:(?<=\n)|(?<=[.;:]))[ \t]*(?=\(\d{1,2}\)[ \t])")
"""Before a numbered clause ``(2)`` (an *ayat*) that opens a line or follows a full stop."""
_TERMINAL_PUNCTUATION = re.compile(r"[.!?:;,][\"”’)\]]*$")
_HEADING_LIKE_MAX_WORDS = 12


# ======================================================================== public entry point


def chunk_document(
    doc: LoadedDocument,
    *,
    count_tokens: TokenCounter,
    max_tokens: int,
    overlap_tokens: int = 0,
) -> list[ChunkDraft]:
    """Split ``doc`` (already cleaned) into chunks of at most ``max_tokens`` tokens.

    ``count_tokens`` must be the embedder's own count (prefix and special tokens included):
    the limit is checked with it on every chunk. With ``overlap_tokens`` each chunk after the
    first of a segment repeats the last sentences (up to that many tokens) of the one before.
    Statute chunks are headed ``<chapter> > Pasal <n>``; consecutive articles of one chapter
    that fit together share a chunk headed ``<chapter> > Pasal <first>-<last>``.
    """
    budget = _TokenBudget(count_tokens, max_tokens)
    statute = is_statute(doc)
    segments = _segments(doc, statute)
    packed: list[_PackedSegment] = []
    for segment in segments:
        units = _units(segment, budget, statute)
        if units:
            chunks = _pack(units, budget, overlap_tokens)
            packed.append(_PackedSegment(segment, chunks))
    drafts = _merge_short_articles(packed, budget) if statute else _drafts(packed)
    drafts = [fitted for draft in drafts for fitted in _enforce_limit(draft, budget)]
    return [
        ChunkDraft(
            text=draft.text,
            position=position,
            page=draft.page,
            page_label=draft.page_label,
            heading=draft.heading,
            ocr=draft.ocr,
        )
        for position, draft in enumerate(drafts)
    ]


def is_statute(doc: LoadedDocument) -> bool:
    """Indonesian legislation: the text opens at least two articles of its own."""
    found = 0
    for section in doc.sections:
        found += sum(1 for match in _ARTICLE.finditer(section.text) if _opens_article(section.text, match))
        if found >= _MIN_STATUTE_ARTICLES:
            return True
    return False


# ======================================================================== token accounting


class _TokenBudget:
    """Counts tokens once per piece and estimates the size of a chunk made of pieces.

    The tokenizer adds a fixed overhead (prefix and special tokens) to every count; it is
    measured once so that a piece's *cost* is its own tokens and a chunk's size is about
    ``overhead + sum(costs)``.
    """

    def __init__(self, count_tokens: TokenCounter, max_tokens: int):
        one, two = count_tokens("a"), count_tokens("a a")
        self.count = count_tokens
        self.max_tokens = max_tokens
        self.overhead = max(0, 2 * one - two)
        self.separator_cost = max(0, two - 2 * one + self.overhead)
        self.limit = max_tokens - max(1, max_tokens // _SAFETY_SHARE)
        if self.limit - self.overhead < 8:
            raise ValueError(f"max_tokens={max_tokens} leaves no room for text")

    def cost(self, text: str) -> int:
        return max(0, self.count(text) - self.overhead)

    def estimate(self, costs: Sequence[int]) -> int:
        return self.overhead + sum(costs) + self.separator_cost * max(0, len(costs) - 1)

    def fits(self, costs: Sequence[int]) -> bool:
        return self.estimate(costs) <= self.limit

    def fits_exactly(self, text: str) -> bool:
        return self.count(text) <= self.max_tokens


# ======================================================================== segments


@dataclass(frozen=True)
class _Part:
    """Text from one place of the document (a PDF page, a section)."""

    text: str
    page: int | None = None
    page_label: str | None = None
    ocr: bool = False


@dataclass
class _Segment:
    """Text under one heading: chunks never cross segments (but see ``article``)."""

    parts: list[_Part]
    heading: str | None
    chapter: str | None = None
    """For statute articles: the chapter (or outer heading) the article sits in."""
    article: str | None = None
    """For statute articles: the article number. Whole articles of one chapter may share a chunk."""


@dataclass(frozen=True)
class _Group:
    """Consecutive parts under one heading, before statute structure is looked at."""

    heading: str | None
    parts: list[_Part]


def _segments(doc: LoadedDocument, statute: bool) -> list[_Segment]:
    groups = _groups(doc)
    if not statute:
        return [_Segment(group.parts, group.heading) for group in groups]
    splitter = _StatuteSplitter()
    return [segment for group in groups for segment in splitter.split(group)]


def _groups(doc: LoadedDocument) -> list[_Group]:
    """PDF pages under one heading form one flow (paragraphs run on across pages); any other
    section is a group of its own: loaders cut Markdown, HTML and DOCX at their headings."""
    groups: list[_Group] = []
    for section in doc.sections:
        part = _Part(section.text, section.page, section.page_label, section.ocr)
        continues_flow = doc.file_type == "pdf" and groups and groups[-1].heading == section.heading
        if continues_flow:
            groups[-1].parts.append(part)
        else:
            groups.append(_Group(section.heading, [part]))
    return groups


# ---------------------------------------------------------------------------- statutes


def _opens_article(text: str, match: re.Match[str]) -> bool:
    """Whether ``Pasal <n>`` at ``match`` is an article's own heading, not a reference to it.

    A reference follows a lower-case word or a comma ("dimaksud dalam Pasal 7", "Pasal 20,
    Pasal 21") and is followed by "ayat", "huruf", a comma... An article heading stands at a
    line start, after a finished sentence or a capitalised heading ("Bagian Ketiga Hak dan
    Kewajiban Pasal 6"), and is followed by its text: a capital, a clause "(1)", or nothing.
    """
    line_start = text.rfind("\n", 0, match.start()) + 1
    previous = _PRECEDING_TOKEN.search(text, line_start, match.start()).group(1)
    after = text[match.end():match.end() + 40]
    if previous.endswith((",", "[", "(", "/")):
        return False
    if _continues_sentence(previous):
        return _ARTICLE_BODY_START.match(after) is not None
    if _LINE_END.match(after):
        return True
    return _NOT_AN_ARTICLE_START.match(after) is None


def _article_number(raw: str) -> str:
    """Undo OCR confusions in digits: ``l0`` -> ``10``, ``2 1`` -> ``21``; Roman stays."""
    if not any(character.isdigit() for character in raw):
        return raw
    return raw.replace(" ", "").replace("l", "1").replace("I", "1").replace("O", "0")


@dataclass(frozen=True)
class _Marker:
    position: int
    kind: str
    """"article", "chapter", "subdivision", "explanation" or "explained articles"."""
    label: str = ""


def _statute_markers(text: str) -> list[_Marker]:
    markers = [
        _Marker(m.start(), "article", _article_number(m.group("number")))
        for m in _ARTICLE.finditer(text)
        if _opens_article(text, m)
    ]
    markers += [
        _Marker(m.start(), "chapter", _chapter_label(m))
        for m in _CHAPTER.finditer(text)
        if not _follows_lowercase_word(text, m.start())
    ]
    markers += [
        _Marker(m.start(), "subdivision")
        for m in _SUBDIVISION.finditer(text)
        if not _follows_lowercase_word(text, m.start())
    ]
    markers += [_Marker(m.start(), "explanation") for m in _EXPLANATION.finditer(text)]
    markers += [_Marker(m.start(), "explained articles") for m in _EXPLAINED_ARTICLES.finditer(text)]
    return sorted(markers, key=lambda marker: marker.position)


def _chapter_label(match: re.Match[str]) -> str:
    title = " ".join(match.group("title").split()[:_CHAPTER_TITLE_MAX_WORDS])
    return f"BAB {match.group('number')} {title}".strip()


def _follows_lowercase_word(text: str, position: int) -> bool:
    line_start = text.rfind("\n", 0, position) + 1
    return _continues_sentence(_PRECEDING_TOKEN.search(text, line_start, position).group(1))


def _continues_sentence(previous_token: str) -> bool:
    """A lower-case word not closing a sentence: what follows is part of its sentence."""
    return previous_token[:1].islower() and not _TERMINAL_PUNCTUATION.search(previous_token)


class _StatuteSplitter:
    """Cuts statute text into one segment per article, remembering the chapter across parts.

    Chapter and subdivision headings ("BAB III ...", "Bagian Kedua ...") open the segment of
    the article that follows them, so an article's chunk starts with its own headings and not
    with the end of the article before. The explanation ("PENJELASAN ATAS ...") repeats the
    article numbers, so it becomes a chapter of its own; its "II. PASAL DEMI PASAL" heads the
    first explained article.
    """

    def __init__(self) -> None:
        self.chapter: str | None = None
        self.article: str | None = None

    def split(self, group: _Group) -> list[_Segment]:
        segments = [self._open(group.heading, article=self.article)]
        for part in group.parts:
            self._split_part(part, group.heading, segments)
        return [segment for segment in segments if any(p.text.strip() for p in segment.parts)]

    def _open(self, outer_heading: str | None, article: str | None) -> _Segment:
        self.article = article
        chapter = self.chapter or outer_heading
        if article is None:
            return _Segment([], chapter)
        heading = HEADING_SEPARATOR.join(filter(None, [chapter, f"Pasal {article}"]))
        return _Segment([], heading, chapter=chapter, article=article)

    def _split_part(self, part: _Part, outer_heading: str | None, segments: list[_Segment]) -> None:
        cursor = 0
        heading_run_start: int | None = None
        for marker in _statute_markers(part.text):
            if marker.kind == "chapter":
                self.chapter = marker.label
            elif marker.kind == "explained articles":
                self.chapter = EXPLANATION_HEADING
            elif marker.kind == "explanation" and self.chapter != EXPLANATION_HEADING:
                self.chapter = EXPLANATION_HEADING
                self._cut(part, cursor, marker.position, segments)
                segments.append(self._open(outer_heading, article=None))
                cursor, heading_run_start = marker.position, None
                continue
            if marker.kind != "article":
                heading_run_start = heading_run_start if heading_run_start is not None else marker.position
                continue
            start = heading_run_start if heading_run_start is not None else marker.position
            self._cut(part, cursor, start, segments)
            segments.append(self._open(outer_heading, article=marker.label))
            cursor, heading_run_start = start, None
        self._cut(part, cursor, len(part.text), segments)

    @staticmethod
    def _cut(part: _Part, start: int, end: int, segments: list[_Segment]) -> None:
        text = part.text[start:end].strip()
        if text:
            segments[-1].parts.append(replace(part, text=text))


# ======================================================================== units


@dataclass(frozen=True)
class _Unit:
    """A piece of text small enough for one chunk, with what joins it to the piece before."""

    text: str
    separator: str
    cost: int
    page: int | None
    page_label: str | None
    overlap: bool = False
    """Repeated from the previous chunk (``overlap_tokens``)."""
    opens_split: bool = False
    """First piece of a paragraph, clause or line too long for one chunk."""
    ocr: bool = False


def _units(segment: _Segment, budget: _TokenBudget, statute: bool) -> list[_Unit]:
    splitters = _STATUTE_SPLITTERS if statute else _PROSE_SPLITTERS
    units: list[_Unit] = []
    previous_text = ""
    for part in segment.parts:
        separator = _part_separator(previous_text, part.text)
        measured = _measure(part.text.strip(), splitters, budget)
        for index, piece in enumerate(_fitting_pieces(measured, budget)):
            units.append(
                _Unit(
                    text=piece.text,
                    separator=separator if index == 0 else piece.separator,
                    cost=piece.cost,
                    page=part.page,
                    page_label=part.page_label,
                    opens_split=piece.opens_split,
                    ocr=part.ocr,
                )
            )
        previous_text = part.text
    return units


def _part_separator(previous: str, following: str) -> str:
    """A sentence cut by a page break continues with a space; anything else is a new paragraph."""
    if previous and not _TERMINAL_PUNCTUATION.search(previous) and following[:1].islower():
        return " "
    return "\n\n"


Splitter = Callable[[str], list[tuple[str, str]]]


@dataclass(frozen=True)
class _Measured:
    """Text with its token cost, and the structural pieces it was measured from (if any)."""

    text: str
    cost: int
    children: tuple[tuple[_Measured, str], ...] = ()
    """``(piece, separator before it)``; empty for text counted directly."""


def _measure(text: str, splitters: Sequence[Splitter], budget: _TokenBudget) -> _Measured:
    """Cut ``text`` down every structural level and count only the smallest pieces: a larger
    piece costs the sum of its parts, so each character goes through the tokenizer once."""
    for level, splitter in enumerate(splitters):
        pieces = splitter(text)
        if len(pieces) > 1:
            children = tuple(
                (_measure(piece, splitters[level + 1:], budget), separator)
                for piece, separator in pieces
            )
            cost = sum(child.cost for child, _ in children)
            return _Measured(text, cost + budget.separator_cost * (len(children) - 1), children)
    return _Measured(text, budget.cost(text))


@dataclass(frozen=True)
class _Piece:
    text: str
    separator: str
    cost: int
    opens_split: bool = False


def _fitting_pieces(measured: _Measured, budget: _TokenBudget) -> Iterator[_Piece]:
    """Pieces of ``measured`` that each fit a chunk, cut only as finely as needed: a paragraph
    that fits stays whole, a line too long goes by sentences. The first piece of anything that
    had to be cut is marked, so packing can start it in a fresh chunk."""
    if not measured.text:
        return
    if budget.fits([measured.cost]):
        yield _Piece(measured.text, "\n\n", measured.cost)
        return
    if measured.children:
        pieces = (
            replace(piece, separator=separator) if index == 0 else piece
            for child, separator in measured.children
            for index, piece in enumerate(_fitting_pieces(child, budget))
        )
    else:
        pieces = _fitting_sentences(measured.text, budget)
    for index, piece in enumerate(pieces):
        yield replace(piece, opens_split=True) if index == 0 else piece


def _fitting_sentences(text: str, budget: _TokenBudget) -> Iterator[_Piece]:
    for sentence in split_sentences(text):
        cost = budget.cost(sentence)
        if budget.fits([cost]):
            yield _Piece(sentence, " ", cost)
        else:
            yield from _split_words(sentence, budget)


def _split_on(pattern: re.Pattern[str], separator: str) -> Splitter:
    def split(text: str) -> list[tuple[str, str]]:
        pieces: list[tuple[str, str]] = []
        cursor = 0
        for match in pattern.finditer(text):
            if match.start() > cursor:
                pieces.append((text[cursor:match.start()], separator))
            cursor = max(cursor, match.end())
        pieces.append((text[cursor:], separator))
        return [(piece.strip(), sep) for piece, sep in pieces if piece.strip()]

    return split


def _split_into_sentences(text: str) -> list[tuple[str, str]]:
    return [(sentence, " ") for sentence in split_sentences(text)]


def _split_words(text: str, budget: _TokenBudget) -> Iterator[_Piece]:
    """Last resort for a sentence longer than a chunk: runs of words that fit."""
    for piece in _fitting_runs(text, lambda run: budget.fits([budget.cost(run)])):
        yield _Piece(piece, " ", budget.cost(piece))


def _fitting_runs(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Cut ``text`` into the longest runs of words for which ``fits`` holds (a word too long
    on its own, such as a pasted URL, into runs of characters). Found by bisection, so each
    cut costs a handful of counts."""
    runs: list[str] = []
    words = text.split()
    while words:
        size = _longest_fitting_prefix(words, " ", fits)
        if size == 0:
            characters = list(words.pop(0))
            while characters:
                size = max(1, _longest_fitting_prefix(characters, "", fits))
                runs.append("".join(characters[:size]))
                characters = characters[size:]
            continue
        runs.append(" ".join(words[:size]))
        words = words[size:]
    return runs


def _longest_fitting_prefix(items: Sequence[str], joiner: str, fits: Callable[[str], bool]) -> int:
    low, high = 0, len(items)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(joiner.join(items[:middle])):
            low = middle
        else:
            high = middle - 1
    return low


def _split_lines_keeping_fields(text: str) -> list[tuple[str, str]]:
    """Lines, except that the fields of an information box stay together: a line "Budget: 37.741
    USD" after "Geographical coverage: Global" or "Project information:" is not cut from it. A
    brief's box had been cut between its fields, its budget starting the next chunk."""
    lines = [line for line, _ in _split_on(_LINE_BREAK, "\n")(text)]
    runs: list[str] = []
    for line in lines:
        if runs and is_field(line) and (is_field(runs[-1].rsplit("\n", 1)[-1]) or runs[-1].endswith(":")):
            runs[-1] = f"{runs[-1]}\n{line}"
        else:
            runs.append(line)
    return [(run, "\n") for run in runs]


_PROSE_SPLITTERS: tuple[Splitter, ...] = (
    _split_on(_PARAGRAPH_BREAK, "\n\n"),
    _split_lines_keeping_fields,
)
_STATUTE_SPLITTERS: tuple[Splitter, ...] = (
    _split_on(_PARAGRAPH_BREAK, "\n\n"),
    _split_on(_CLAUSE_START, "\n"),
    _split_lines_keeping_fields,
)


# ======================================================================== packing


def _pack(units: Sequence[_Unit], budget: _TokenBudget, overlap_tokens: int) -> list[list[_Unit]]:
    """Greedily fill chunks with whole units, in order.

    Chunk boundaries prefer structure: a paragraph or clause too long for one chunk starts a
    fresh chunk when the current one is already half full, rather than being spread over
    two. Conversely a unit is cut further (into lines or sentences) where keeping it whole
    would close a chunk under a fifth of the limit: a scrap of a chunk retrieves worse than
    a paragraph continued in the next chunk.
    """
    chunks: list[list[_Unit]] = []
    current: list[_Unit] = []
    pending = deque(units)
    while pending:
        unit = pending.popleft()
        starts_long_block = unit.opens_split and _is_half_full(current, budget)
        if current and (starts_long_block or not budget.fits(_costs([*current, unit]))):
            finer = _finer_units(unit, budget) if _is_small(current, budget) else []
            if len(finer) > 1:
                pending.extendleft(reversed(finer))
                continue
            closed, carried = _without_trailing_heading(current)
            if carried and not budget.fits(_costs([*carried, unit])):
                closed, carried = current, []
            chunks.append(closed)
            current = _overlap_seed(closed, [*carried, unit], budget, overlap_tokens) + carried
        current.append(unit)
    if current:
        chunks.append(current)
    return _balance_tail(chunks, budget, overlap_tokens)


def _is_half_full(units: Sequence[_Unit], budget: _TokenBudget) -> bool:
    return bool(units) and budget.estimate(_costs(_own(units))) >= budget.limit / 2


def _costs(units: Sequence[_Unit]) -> list[int]:
    return [unit.cost for unit in units]


def _own(units: Sequence[_Unit]) -> list[_Unit]:
    return [unit for unit in units if not unit.overlap]


def _is_small(units: Sequence[_Unit], budget: _TokenBudget) -> bool:
    return budget.estimate(_costs(_own(units))) < budget.max_tokens / TAIL_SHARE


def _finer_units(unit: _Unit, budget: _TokenBudget) -> list[_Unit]:
    """``unit`` cut at its next structural level: paragraphs, else lines, else sentences."""
    for splitter in (*_PROSE_SPLITTERS, _split_into_sentences):
        pieces = splitter(unit.text)
        if len(pieces) > 1:
            return [
                replace(unit, text=text, separator=unit.separator if i == 0 else sep, cost=budget.cost(text))
                for i, (text, sep) in enumerate(pieces)
            ]
    return [unit]


def _without_trailing_heading(chunk: list[_Unit]) -> tuple[list[_Unit], list[_Unit]]:
    """Move a heading-like last line to the next chunk, where its text is."""
    own = [unit for unit in chunk if not unit.overlap]
    if len(own) >= 2 and _looks_like_heading(chunk[-1].text):
        return chunk[:-1], [chunk[-1]]
    return chunk, []


def _looks_like_heading(text: str) -> bool:
    return (
        "\n" not in text
        and len(text.split()) <= _HEADING_LIKE_MAX_WORDS
        and (text[:1].isupper() or text[:1].isdigit())
        and not _TERMINAL_PUNCTUATION.search(text)
    )


def _overlap_seed(
    previous: Sequence[_Unit], following: Sequence[_Unit], budget: _TokenBudget, overlap_tokens: int
) -> list[_Unit]:
    """The last sentences of ``previous`` (at most ``overlap_tokens``) that still leave room
    for ``following``."""
    if overlap_tokens <= 0 or not previous:
        return []
    room = budget.limit - budget.estimate([u.cost for u in following]) - budget.separator_cost
    allowance = min(overlap_tokens, room)
    seed: list[_Unit] = []
    spent = 0
    for unit in reversed([u for u in previous if not u.overlap] or list(previous)):
        for sentence in reversed(split_sentences(unit.text)):
            cost = budget.cost(sentence)
            if spent + cost + budget.separator_cost > allowance:
                return seed
            seed.insert(0, _Unit(sentence, " ", cost, unit.page, unit.page_label, overlap=True, ocr=unit.ocr))
            spent += cost + budget.separator_cost
    return seed


def _balance_tail(
    chunks: list[list[_Unit]], budget: _TokenBudget, overlap_tokens: int
) -> list[list[_Unit]]:
    """Do not end a segment on a scrap: merge a last chunk under a fifth of the limit into the
    one before when both fit, else move text from the end of that chunk into the last one."""
    if len(chunks) < 2 or not _is_small(chunks[-1], budget):
        return chunks
    previous, tail = list(chunks[-2]), _own(chunks[-1])
    if budget.fits(_costs(previous + tail)):
        return chunks[:-2] + [previous + tail]
    while _is_small(tail, budget) and previous and not previous[-1].overlap:
        if len(_own(previous)) >= 2 and budget.fits(_costs([previous[-1], *tail])):
            tail = [previous.pop(), *tail]
            continue
        finer = _finer_units(previous[-1], budget)
        if len(finer) < 2:
            break
        previous = previous[:-1] + finer
    seed = _overlap_seed(previous, tail, budget, overlap_tokens)
    return chunks[:-2] + [previous, seed + tail]


# ======================================================================== drafts


@dataclass
class _Draft:
    units: list[_Unit]
    heading: str | None
    chapter: str | None = None
    first_article: str | None = None
    last_article: str | None = None
    starts_article: bool = False
    """Begins where its article begins (the first chunk of an article's segment)."""
    ends_article: bool = False
    """Ends where its article ends (the last chunk of an article's segment)."""

    @property
    def text(self) -> str:
        pieces = [self.units[0].text]
        for unit in self.units[1:]:
            pieces.append(unit.separator)
            pieces.append(unit.text)
        return "".join(pieces)

    @property
    def page(self) -> int | None:
        return self.units[0].page

    @property
    def page_label(self) -> str | None:
        return self.units[0].page_label

    @property
    def ocr(self) -> bool:
        return any(unit.ocr for unit in self.units)


@dataclass
class _PackedSegment:
    segment: _Segment
    chunks: list[list[_Unit]] = field(default_factory=list)


def _drafts(packed: Sequence[_PackedSegment]) -> list[_Draft]:
    drafts: list[_Draft] = []
    for item in packed:
        article = item.segment.article
        for index, chunk in enumerate(item.chunks):
            drafts.append(
                _Draft(
                    units=chunk,
                    heading=item.segment.heading,
                    chapter=item.segment.chapter,
                    first_article=article,
                    last_article=article,
                    starts_article=article is not None and index == 0,
                    ends_article=article is not None and index == len(item.chunks) - 1,
                )
            )
    return drafts


def _merge_short_articles(packed: Sequence[_PackedSegment], budget: _TokenBudget) -> list[_Draft]:
    """Let consecutive articles of one chapter share a chunk where one article ends and the
    next begins, while they fit together; the heading then names the range, e.g.
    ``BAB V ... > Pasal 16-18``. Chunks still never cut an article anywhere but at a clause,
    line or sentence, and never join two chapters."""
    merged: list[_Draft] = []
    for draft in _drafts(packed):
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.ends_article
            and draft.starts_article
            and previous.chapter == draft.chapter
            and budget.fits([u.cost for u in previous.units] + [u.cost for u in draft.units])
        ):
            first_unit = replace(draft.units[0], separator="\n\n")
            previous.units = previous.units + [first_unit, *draft.units[1:]]
            previous.last_article = draft.last_article
            previous.ends_article = draft.ends_article
            previous.heading = _article_range_heading(previous)
        else:
            merged.append(draft)
    return merged


def _article_range_heading(draft: _Draft) -> str:
    articles = draft.first_article
    if draft.last_article and draft.last_article != draft.first_article:
        articles = f"{draft.first_article}-{draft.last_article}"
    return HEADING_SEPARATOR.join(filter(None, [draft.chapter, f"Pasal {articles}"]))


def _enforce_limit(draft: _Draft, budget: _TokenBudget) -> list[_Draft]:
    """Count the finished chunk for real; if the estimate was wrong, cut it until it fits."""
    if budget.fits_exactly(draft.text):
        return [draft]
    if len(draft.units) == 1:
        unit = draft.units[0]
        pieces = _fitting_runs(unit.text, budget.fits_exactly)
        return [
            replace(draft, units=[replace(unit, text=piece, separator=" ")]) for piece in pieces
        ]
    middle = _cost_midpoint(draft.units)
    halves = [replace(draft, units=draft.units[:middle]), replace(draft, units=draft.units[middle:])]
    return [fitted for half in halves for fitted in _enforce_limit(half, budget)]


def _cost_midpoint(units: Sequence[_Unit]) -> int:
    total, running = sum(u.cost for u in units), 0
    for index, unit in enumerate(units):
        running += unit.cost
        if running * 2 >= total:
            return max(1, min(index + 1, len(units) - 1))
    return len(units) // 2
