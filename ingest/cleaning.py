"""Turn loader output into text that reads as sentences, for embedding and for quoting.

Loaders hand over text as the file stores it: PDF pages with running headers, page numbers
and words broken across lines; scraped pages with their menus; OCR'd statutes with stray
carets. Every rule here removes an artefact of how the text was *stored*, never wording of
the document itself, and each rule is limited to the file types where that artefact occurs.
Paragraph breaks (blank lines) are kept because chunking packs paragraphs.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, replace

from ingest.document import LoadedDocument

# --- characters ---------------------------------------------------------------------------

_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_SOFT_HYPHEN_AT_BREAK = re.compile(r"\u00ad[ \t]*\n[ \t]*")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff\u180e]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_UNICODE_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_LIGATURES = re.compile(r"[\ufb00-\ufb06]")

# --- whitespace ---------------------------------------------------------------------------

_SPACE_RUN = re.compile(r"[ \t]+")
_BLANK_LINE_RUN = re.compile(r"\n{3,}")
_LEADER_DOTS = re.compile(r"(?:[.·…] ?){4,}")
"""Dot leaders of tables of contents ("Findings ........ 42"): layout, and costly in tokens."""
_PAGE_MARKER = re.compile(r"(?<!\S)[-_] ?\d{1,3} ?[-_](?!\S)")
"""Inline page numbers such as ``- 7 -`` left in OCR'd statutes."""

# --- hyphenation --------------------------------------------------------------------------

_HYPHEN_AT_BREAK = re.compile(r"(\S*?)([^\W_]+)[-\u2010\u2011]\n(\w+)")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_REDUPLICATION_ROOT = 4

# --- wrapped lines ------------------------------------------------------------------------

_BLOCK_START = re.compile(
    r"""^(?:
        [•▪●◦■□➢►‣∙·*+\-–—]\s          # bullet
      | \(?\d{1,2}[.)]\s                # 1. / 1) / (1)
      | \(?[a-zA-Z][.)]\s               # a. / a) / (a)
      | \([ivxIVX]{1,5}\)\s             # (iv)
      | [#|>]                           # markdown heading, table row, quote
      | ```
    )""",
    re.VERBOSE,
)
_SENTENCE_END = re.compile(r"[.!?:][\"”’)]*$")
_SHORT_LINE_MIN_CHARS = 10
_TYPESET_WIDTH_PERCENTILE = 0.8
_COLUMN_WIDTH_PERCENTILE = 0.95
_FULL_LINE_SHARE = 0.7
"""A line at least this share of the typical line width was wrapped by the layout."""
_MIN_WRAP_WIDTH, _MAX_WRAP_WIDTH = 40, 120
"""Hard-wrapped text wraps at a prose column: lines mostly shorter are a list, longer are not wrapped."""

# --- running headers / footers ------------------------------------------------------------

_EDGE_LINES = 3
_RUNNING_SHARE = 0.5
_MIN_RUNNING_PAGES = 3
_NUMBER = re.compile(r"\d+")
_FRAGMENT_MAX_CHARS = 3
_PAGE_NUMBER_MAX_CHARS = 30
_PAGE_NUMBER_MAX_WORDS = 3

# --- navigation ---------------------------------------------------------------------------

_NAV_MAX_WORDS = 6
_NAV_MAX_CHARS = 60
_SENTENCE_PUNCTUATION_END = re.compile(r"[.!?:;,\"”’]$")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_PUNCTUATION_ONLY = re.compile(r"^[\W_]+$")
_BULLET_LINE = re.compile(r"^[-•*–]\s+\S")

# --- OCR ----------------------------------------------------------------------------------

_STRAY_CARET = re.compile(r"(?<!\[)\^(?=[^\W\d_]|\()")
"""``hak ^asasi``: OCR marks on statutes. ``[^note]`` Markdown footnotes are left alone."""

_GAZETTE_STAMP = re.compile(
    r"(?<!\w)(?:S|lj)(?:K|k|[lI1\[|]\(|[lI|]<)\s?(?:No|N0|Nq|Nlo|Irlo|I\{o|tto)\.?\s?[\dlIoO][\dlIoOntcrE'’,.:;)\s-]{2,10}?\s?A(?!\w)"
)
"""``SK No 102120 A``: the State Secretariat's stamp on each page of a scanned Indonesian regulation,
which OCR reads as ``Sl( No l02l3c) A``, ``S[( Nlo 102135 A`` or ``ljl( Nlo 102- 155 A`` and leaves inside the
sentence the page broke (34 in PP 59/2021). None occurs in the 3.7 million characters of the public evaluation sets."""

_SLASHED_PAIR = re.compile(r"([^\W\d_]+) ?/ ?([^\W\d_]+)")
_MISREAD_SLASHES = "lI1"
"""What OCR reads a slash as between two words: ``KabupatenlKota`` for ``Kabupaten/Kota``."""
_SLASH_CANDIDATE = re.compile(rf"\b[^\W_]*[{_MISREAD_SLASHES}][^\W_]*\b")
_SLASHED_PART_LETTERS = 3


def restore_misread_slashes(texts: Sequence[str]) -> list[str]:
    """Put back a slash OCR read as a letter between two words (``KabupatenlKota``,
    ``danlatau``), where the document itself writes the pair with its slash elsewhere
    (``kabupaten/kota``, ``dan/atau``): the glued form then holds neither word, and a question
    asking "kabupaten/kota" missed the article saying who runs the one-stop service (PP 59/2021,
    8 times). Without that evidence a word is left as it is: "ArrivalAid" is a name."""
    pairs = {(left.casefold(), right.casefold()) for text in texts for left, right in _SLASHED_PAIR.findall(text)}
    if not pairs:
        return list(texts)

    def restore(match: re.Match[str]) -> str:
        word = match.group()
        for position in range(_SLASHED_PART_LETTERS, len(word) - _SLASHED_PART_LETTERS):
            left, right = word[:position], word[position + 1 :]
            if word[position] in _MISREAD_SLASHES and (left.casefold(), right.casefold()) in pairs:
                return f"{left}/{right}"
        return word

    return [_SLASH_CANDIDATE.sub(restore, text) for text in texts]


_SPLIT_PAIR = re.compile(r"(?<![^\W\d_])(?=([^\W\d_]{2,}) ([^\W\d_]{2,})(?![^\W\d_]))")
"""Two words with one space between them (found overlapping: "biaya pene mpatan" gives both pairs)."""
JOINED_ATTESTATIONS = 2
"""Times the document must write the joined word whole before a split one is rejoined."""
RARE_PART_USES = 2
"""Uses elsewhere in the document that still leave a part no word of its own there ("pene")."""
_LETTERS = re.compile(r"[^\W\d_]+")
_WEB_ADDRESS = re.compile(r"\S*(?:www\.|://|@)\S*")
"""Web and mail addresses, whose glued words ("www.profamilia.de") attest no spelling of the text's words."""


def rejoin_split_words(texts: Sequence[str]) -> list[str]:
    """Close a space OCR or PDF extraction put inside a word ("biaya pene mpatan", "Indone sia",
    "13 Dec ember 1965", "migrant la bor force"), where the document writes the joined word whole
    at least JOINED_ATTESTATIONS times and neither part is a word it uses elsewhere (more than
    RARE_PART_USES times). Split, the word matches neither a question's "penempatan" nor the
    embedder's idea of it: the article saying a migrant worker cannot be charged placement costs
    (UU 18/2017 Pasal 30) read "tidak dapat dibebani biaya pene mpatan". Two words the document
    also uses apart stay apart: "di sana" beside "disana", "pro familia" beside "www.profamilia.de".
    In ../shared/corpus this closes 39 splits in 7 documents (25 in the World Bank report on
    Singapore), in the public sets' passages 4."""
    counts = Counter(word.casefold() for text in texts for word in _LETTERS.findall(_WEB_ADDRESS.sub(" ", text)))
    pairs = [(index, match) for index, text in enumerate(texts) for match in _SPLIT_PAIR.finditer(text)]
    pair_counts = Counter((match.group(1).casefold(), match.group(2).casefold()) for _, match in pairs)

    def is_split(left: str, right: str) -> bool:
        pair = (left.casefold(), right.casefold())
        used_apart = max(counts[part] for part in pair) - pair_counts[pair]
        return right[0].islower() and used_apart <= RARE_PART_USES and counts["".join(pair)] >= JOINED_ATTESTATIONS

    spaces: dict[int, set[int]] = {}
    for index, match in pairs:
        if is_split(match.group(1), match.group(2)):
            spaces.setdefault(index, set()).add(match.start() + len(match.group(1)))
    return [
        "".join(char for offset, char in enumerate(text) if offset not in spaces[index]) if index in spaces else text
        for index, text in enumerate(texts)
    ]


_NAVIGATION_TYPES = frozenset({"txt", "html"})
_WRAPPABLE_TYPES = frozenset({"md", "txt", "html", "docx"})


def clean_document(doc: LoadedDocument) -> LoadedDocument:
    """Return a copy of ``doc`` whose sections hold cleaned text; sections left empty are dropped.

    Rules that need the whole document (running headers, navigation labels, which spelling of
    a hyphenated word the document uses) look at all sections before any is rewritten.
    """
    texts = [_normalise_characters(section.text) for section in doc.sections]
    texts = [_strip_line_ends(text) for text in texts]
    if doc.file_type == "pdf":
        texts = remove_running_lines(texts, [section.page for section in doc.sections])
    if doc.file_type in _NAVIGATION_TYPES:
        texts = remove_navigation(texts)
    texts = [_GAZETTE_STAMP.sub(" ", _STRAY_CARET.sub("", text)) for text in texts]
    texts = restore_misread_slashes(rejoin_split_words(texts))
    texts = [_PAGE_MARKER.sub("", _LEADER_DOTS.sub(" ", text)) for text in texts]
    wrappings = _wrappings(doc.file_type, texts)
    vocabulary = _vocabulary(texts)
    texts = [join_hyphenated_words(text, vocabulary) for text in texts]
    texts = [join_wrapped_lines(text, wrapping) for text, wrapping in zip(texts, wrappings)]
    texts = [_collapse_whitespace(text) for text in texts]

    sections = [
        replace(section, text=text, heading=_clean_heading(section.heading))
        for section, text in zip(doc.sections, texts)
        if text
    ]
    return replace(doc, sections=sections, metadata=dict(doc.metadata))


# --- characters and whitespace ------------------------------------------------------------


def _normalise_characters(text: str) -> str:
    """Make equal-looking text compare equal, so later rules and search see one spelling."""
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS.sub("\n", text)
    text = _SOFT_HYPHEN_AT_BREAK.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    text = _UNICODE_SPACES.sub(" ", text)
    return _LIGATURES.sub(lambda match: unicodedata.normalize("NFKC", match.group()), text)


def _strip_line_ends(text: str) -> str:
    """Collapse spaces and strip each line: line-based rules compare lines, not layouts."""
    return "\n".join(_SPACE_RUN.sub(" ", line).strip() for line in text.split("\n"))


def _collapse_whitespace(text: str) -> str:
    text = _strip_line_ends(text)
    return _BLANK_LINE_RUN.sub("\n\n", text).strip()


def _clean_heading(heading: str | None) -> str | None:
    if heading is None:
        return None
    cleaned = _SPACE_RUN.sub(" ", _normalise_characters(heading).replace("\n", " ")).strip()
    return cleaned or None


# --- running headers and footers (PDF) ----------------------------------------------------


def remove_running_lines(
    pages: Sequence[str], page_numbers: Sequence[int | None] | None = None
) -> list[str]:
    """Drop page headers, footers and page numbers from PDF page texts.

    A line is running when it sits among the first or last lines of a page and either
    (a) the same line, compared with digits masked, sits there on at least half of the pages
    (and on at least three), or (b) it carries a number that rises with the physical page on at
    least three pages: that is a page number whatever text surrounds it, even where a report
    changes its footer style half-way. Tiny fragments that repeatedly sit next to such lines
    (pypdf splits "113 | Page" into "113 | P a" and "g e") belong to them.
    """
    page_lines = [text.split("\n") for text in pages]
    numbers = [
        number if number is not None else index + 1
        for index, number in enumerate(page_numbers or [None] * len(pages))
    ]
    edges = [_edge_line_indexes(lines) for lines in page_lines]
    running = _running_keys(page_lines, edges)
    offsets = _page_number_offsets(page_lines, edges, numbers)

    removed: list[set[int]] = []
    for lines, edge_indexes, number in zip(page_lines, edges, numbers):
        removed.append(
            {
                index
                for index in edge_indexes
                if _is_running_line(lines[index], number, running, offsets)
            }
        )
    _extend_to_adjacent_fragments(page_lines, edges, removed)
    return [
        "\n".join(line for index, line in enumerate(lines) if index not in gone)
        for lines, gone in zip(page_lines, removed)
    ]


def _edge_line_indexes(lines: Sequence[str]) -> list[int]:
    filled = [index for index, line in enumerate(lines) if line]
    return sorted(set(filled[:_EDGE_LINES] + filled[-_EDGE_LINES:]))


def _line_key(line: str) -> str:
    return _NUMBER.sub("#", line).casefold()


def _running_keys(page_lines: Sequence[Sequence[str]], edges: Sequence[list[int]]) -> set[str]:
    counts: Counter[str] = Counter()
    for lines, edge_indexes in zip(page_lines, edges):
        counts.update({_line_key(lines[index]) for index in edge_indexes})
    needed = max(_MIN_RUNNING_PAGES, math.ceil(_RUNNING_SHARE * len(page_lines)))
    # A bare number is only a page number if it follows the pages; chart values are not.
    return {key for key, count in counts.items() if count >= needed and _HAS_LETTER.search(key)}


def _page_number_offsets(
    page_lines: Sequence[Sequence[str]], edges: Sequence[list[int]], numbers: Sequence[int]
) -> dict[str, int]:
    """For each edge-line shape, the printed-minus-physical page offset it keeps on >= 3 pages."""
    offsets: Counter[tuple[str, int]] = Counter()
    for page_number, lines, edge_indexes in zip(numbers, page_lines, edges):
        seen = set()
        for index in edge_indexes:
            number = _NUMBER.search(lines[index])
            if number and _is_page_number_shaped(lines[index]):
                seen.add((_line_key(lines[index]), int(number.group()) - page_number))
        offsets.update(seen)
    best: dict[str, tuple[int, int]] = {}
    for (key, offset), count in offsets.items():
        if count >= _MIN_RUNNING_PAGES and count > best.get(key, (0, 0))[0]:
            best[key] = (count, offset)
    return {key: offset for key, (_, offset) in best.items()}


def _is_page_number_shaped(line: str) -> bool:
    """Short enough to be "12", "Page 12 of 40" or "12 | Page" rather than a numbered note."""
    words = [word for word in line.split() if _HAS_LETTER.search(word)]
    return len(line) <= _PAGE_NUMBER_MAX_CHARS and len(words) <= _PAGE_NUMBER_MAX_WORDS


def _is_running_line(line: str, page_number: int, running: set[str], offsets: dict[str, int]) -> bool:
    key = _line_key(line)
    if key in running:
        return True
    number = _NUMBER.search(line)
    return key in offsets and number is not None and int(number.group()) - page_number == offsets[key]


def _extend_to_adjacent_fragments(
    page_lines: Sequence[Sequence[str]], edges: Sequence[list[int]], removed: list[set[int]]
) -> None:
    neighbours: list[list[int]] = []
    counts: Counter[str] = Counter()
    for lines, edge_indexes, gone in zip(page_lines, edges, removed):
        fragments = [
            index
            for index in edge_indexes
            if index not in gone
            and len(lines[index].replace(" ", "")) <= _FRAGMENT_MAX_CHARS
            and (index - 1 in gone or index + 1 in gone)
        ]
        neighbours.append(fragments)
        counts.update({_line_key(lines[index]) for index in fragments})
    for lines, fragments, gone in zip(page_lines, neighbours, removed):
        gone.update(i for i in fragments if counts[_line_key(lines[i])] >= _MIN_RUNNING_PAGES)


# --- navigation (scraped pages) -----------------------------------------------------------


def remove_navigation(texts: Sequence[str]) -> list[str]:
    """Strip menu labels from scraped pages while keeping any content glued to them.

    A navigation label is a short line (a few words, no sentence punctuation) that occurs at
    least twice in the document, counting occurrences where it is glued to the text after it
    ("Siapa KamiOrganisasi ..." - the scraper dropped the space between a menu item and the
    paragraph that follows). Real headings occur once and are kept. A glued label is cut off
    and its content kept. Lines of bare punctuation go, and so do short bullet items running on
    directly from a navigation line (a sub-menu).
    """
    lines_per_text = [text.split("\n") for text in texts]
    all_lines = [line for lines in lines_per_text for line in lines]
    labels = _navigation_labels(all_lines)
    return ["\n".join(_strip_navigation_lines(lines, labels)) for lines in lines_per_text]


def _is_label_shaped(line: str) -> bool:
    return (
        0 < len(line) <= _NAV_MAX_CHARS
        and len(line.split()) <= _NAV_MAX_WORDS
        and _HAS_LETTER.search(line) is not None
        and not _SENTENCE_PUNCTUATION_END.search(line)
    )


def _navigation_labels(lines: Iterable[str]) -> set[str]:
    lines = list(lines)
    standalone = Counter(line.casefold() for line in lines if _is_label_shaped(line))
    glued = Counter(
        label
        for line in lines
        if (label := _glued_label(line, standalone)) is not None
    )
    return {label for label in standalone if standalone[label] + glued[label] >= 2}


def _glued_label(line: str, labels: Container[str]) -> str | None:
    """The label that starts ``line`` with the next word glued on (``KamiOrganisasi``), if any.

    Only the places where a letter runs into a capital are tried, so the cost is one look-up
    per such place rather than one comparison per known label.
    """
    for end in range(2, min(len(line) - 1, _NAV_MAX_CHARS + 1)):
        if line[end].isupper() and line[end - 1].isalpha():
            label = line[:end].casefold()
            if label in labels:
                return label
    return None


def _strip_navigation_lines(lines: Sequence[str], labels: set[str]) -> list[str]:
    kept: list[str] = []
    after_navigation = False
    for line in lines:
        label = _glued_label(line, labels)
        if label is not None:
            kept.append(line[len(label):])
            after_navigation = False
        elif line and (
            line.casefold() in labels
            or _PUNCTUATION_ONLY.match(line)
            or (after_navigation and _is_sub_menu_item(line))
        ):
            after_navigation = True
        else:
            kept.append(line)
            after_navigation = after_navigation and not line
    return kept


def _is_sub_menu_item(line: str) -> bool:
    return _BULLET_LINE.match(line) is not None and _is_label_shaped(line[1:].strip())


# --- hyphenation --------------------------------------------------------------------------


def _vocabulary(texts: Iterable[str]) -> set[str]:
    """Every word form the document uses (lower-cased), hyphenated compounds as one form.

    The halves of words broken at a line end are left out: they are what is being decided.
    """
    return {
        word.casefold()
        for text in texts
        for word in _WORD.findall(_HYPHEN_AT_BREAK.sub(" ", text))
    }


def join_hyphenated_words(text: str, vocabulary: set[str] | None = None) -> str:
    """Rejoin words split by a hyphen at a line break, keeping hyphens that belong there.

    The document itself is the dictionary: if it spells ``cross-cutting`` elsewhere the hyphen
    stays, if it spells ``migration`` the halves are glued. Without evidence, a hyphen stays
    before a capital (``Undang-Undang``) or a digit, and between two words the document uses
    on their own (``decision-making``); otherwise it was a syllable break (``pelin-dungan``).
    """
    words = vocabulary if vocabulary is not None else _vocabulary([text])

    def rejoin(match: re.Match[str]) -> str:
        prefix, left, right = match.group(1), match.group(2), match.group(3)
        hyphen = "-" if _keeps_hyphen(prefix, left, right, words) else ""
        return f"{prefix}{left}{hyphen}{right}"

    return _HYPHEN_AT_BREAK.sub(rejoin, text)


def _keeps_hyphen(prefix: str, left: str, right: str, words: set[str]) -> bool:
    if "/" in prefix or right[0].isupper() or right[0].isdigit() or left[-1].isdigit():
        return True
    if _is_reduplication(left, right):
        return True
    compound, joined = f"{left}-{right}".casefold(), f"{left}{right}".casefold()
    if compound in words:
        return True
    if joined in words:
        return False
    return left.casefold() in words and right.casefold() in words and len(right) >= 3


def _is_reduplication(left: str, right: str) -> bool:
    """Indonesian plurals repeat the root: ``anak-anak``, ``nilai-nilai``, ``sekurang-kurangnya``."""
    root = right[:_REDUPLICATION_ROOT].casefold()
    return len(right) >= len(root) >= 3 and root in left.casefold()


# --- wrapped lines ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Wrapping:
    """How a text's lines were wrapped: at about ``width`` characters, by a typesetter
    (proportional fonts: any nearly full line was wrapped) or at a fixed column (a line was
    wrapped only if the next word would not have fitted on it)."""

    width: int
    fixed_column: bool


def _wrappings(file_type: str, texts: Sequence[str]) -> list[_Wrapping | None]:
    """Per text, how its lines were wrapped, or None where they were not.

    PDF pages are measured one by one (a page of two columns wraps shorter). Other formats
    count as wrapped only when the document's typical line is short, as in hard-wrapped
    Markdown; statutes with one long line per clause are not.
    """
    all_lines = [line for text in texts for line in text.split("\n")]
    if file_type == "pdf":
        document_width = _typical_width(all_lines, _TYPESET_WIDTH_PERCENTILE)
        widths = [_typical_width(text.split("\n"), _TYPESET_WIDTH_PERCENTILE) or document_width for text in texts]
        return [_Wrapping(width, fixed_column=False) if width else None for width in widths]
    if file_type in _WRAPPABLE_TYPES:
        prose = [line for line in all_lines if not _BLOCK_START.match(line)]
        width = _typical_width(prose, _COLUMN_WIDTH_PERCENTILE)
        if width and _MIN_WRAP_WIDTH <= width <= _MAX_WRAP_WIDTH:
            return [_Wrapping(width, fixed_column=True)] * len(texts)
    return [None] * len(texts)


def _typical_width(lines: Iterable[str], percentile: float) -> int | None:
    """The length lines reach before the layout wraps them: a high percentile, as headings
    and paragraph ends are shorter and few lines are longer."""
    lengths = sorted(len(line) for line in lines if len(line) >= _SHORT_LINE_MIN_CHARS)
    if len(lengths) < 5:
        return None
    return lengths[int(percentile * (len(lengths) - 1))]


def _is_heading_after_sentence(previous: str, line: str, full: float) -> bool:
    """A short capitalised line with no final punctuation after a finished sentence: a heading."""
    return (
        _SENTENCE_END.search(previous) is not None
        and len(line) < full
        and line[0].isupper()
        and not _SENTENCE_PUNCTUATION_END.search(line)
    )


def join_wrapped_lines(text: str, wrapping: _Wrapping | None) -> str:
    """Join lines the layout wrapped, so sentences read whole.

    A line break is a wrap when the line before it is full (see ``_Wrapping``) and the next
    line does not start a block of its own (bullet, numbered item, Markdown syntax) or a
    heading. Short lines end paragraphs, headings, list items and table cells: they stay.
    """
    if wrapping is None:
        return text
    joined: list[str] = []
    previous = ""
    for line in text.split("\n"):
        if (
            line
            and _is_full(previous, line, wrapping)
            and not _BLOCK_START.match(line)
            and not previous.startswith(("#", "|", "```"))
            and not _is_heading_after_sentence(previous, line, _FULL_LINE_SHARE * wrapping.width)
        ):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
        previous = line
    return "\n".join(joined)


def _is_full(previous: str, line: str, wrapping: _Wrapping) -> bool:
    if not previous:
        return False
    if wrapping.fixed_column:
        return len(previous) + 1 + len(line.split(" ", 1)[0]) > wrapping.width
    return len(previous) >= _FULL_LINE_SHARE * wrapping.width
