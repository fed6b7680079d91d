"""A list item means what the clause introducing it says, and that clause means what its items say.

Statutes and conventions state many rules as a clause ending in a colon or a dash, followed by
items: "Pemerintah Desa bertugas: a. menerima dan memberikan informasi permintaan pekerjaan ...;
b. melakukan verifikasi data ...". Quoted alone, an item does not say whose duty it is, and the
clause "This Convention does not apply to—" says nothing. The default answerer therefore scores
an item together with its introducing clause, and an introducing clause together with its items,
and shows them together when it quotes either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from kb.sentences import PassageSentence, split_sentences

_ITEM = re.compile(
    r"^\s*(?:(?P<letter>\(?[a-z][.)])|(?P<bracketed>\(\d{1,2}\))|(?P<number>\d{1,2}[.)])|(?P<bullet>[-•▪●◦*–]))\s*\S",
    re.IGNORECASE,
)
"""A line that opens a list item: "a.", "(b)", "c)", "1.", "(2)", a bullet. Items of one list share
the kind of their mark; another kind is a list above or below it ("(1) ... hak: a. ...; b. ...")."""
_INTRODUCES = re.compile(r"(?:[:—–]|\s-|\bmeliputi|\bterdiri atas|\bsebagai berikut|\bincluding|\bfollowing)\s*$", re.I)
"""The end of a clause that introduces a list."""
MOST_ITEMS = 8
"""Items read with an introducing clause and shown after it; a longer list shows the items that
best answer the question (the answerer's choice, ``ListContext.showing``), each gap marked "…"."""
MOST_LISTED = 40
"""Items of one list kept to choose from."""
MOST_ITEM_CHARACTERS = 160
"""Characters shown of each item (an item can be a paragraph)."""


@dataclass(frozen=True)
class ListContext:
    introduction: str | None = None
    """The clause introducing the list the sentence is an item of."""
    items: list[str] = field(default_factory=list)
    """The items of the list the sentence introduces (up to MOST_LISTED)."""
    item_lines: tuple[int, ...] = ()
    """The line of each item in the passage's ``splitlines()``."""
    more_items: bool = False
    """The list goes on past MOST_LISTED items."""
    shown: tuple[int, ...] | None = None
    """Which items the quote shows (indices into ``items``); None shows the first MOST_ITEMS."""

    def scored_text(self, sentence: str) -> str:
        """The sentence with its introduction before it and its first items after it."""
        return " ".join([*filter(None, [self.introduction, sentence]), *self.items[:MOST_ITEMS]])

    def quoted_text(self, sentence: str) -> str:
        """The sentence as the answer quotes it: "Pemerintah Desa bertugas: … a. menerima …"."""
        if self.introduction:
            return f"{self.introduction} … {sentence}"
        if not self.items:
            return sentence
        shown = self.shown if self.shown is not None else tuple(range(min(len(self.items), MOST_ITEMS)))
        parts = [sentence]
        for previous, index in zip((-1, *shown), shown):
            parts += [*(["…"] if index > previous + 1 else []), _shortened(self.items[index])]
        if shown[-1] < len(self.items) - 1 or self.more_items:
            parts.append("…")
        return " ".join(parts)

    def showing(self, item_scores: list[float]) -> "ListContext":
        """This list showing its MOST_ITEMS best-scored items, in their order (a shorter list, all)."""
        if len(self.items) <= MOST_ITEMS:
            return self
        best = sorted(range(len(self.items)), key=lambda index: (-item_scores[index], index))[:MOST_ITEMS]
        return replace(self, shown=tuple(sorted(best)))


NO_LIST = ListContext()


def _shortened(item: str) -> str:
    return item if len(item) <= MOST_ITEM_CHARACTERS else item[:MOST_ITEM_CHARACTERS].rstrip() + " …"


def list_context(lines: Sequence[str], sentence: PassageSentence) -> ListContext:
    """Where ``sentence`` sits in a list, if anywhere; ``lines`` are its passage's ``splitlines()``
    (split once per passage by the caller, not once per sentence)."""
    line = lines[sentence.line].strip()
    text = sentence.text
    introduction = None
    kind = _item_kind(text)
    if kind and line.startswith(text[:20].strip()):
        introduction = _introduction_above(lines, sentence.line, kind)
    item_lines: list[int] = []
    more = False
    if _INTRODUCES.search(text) and line.endswith(text.rstrip()[-20:]):
        item_lines, more = _items_below(lines, sentence.line)
    if not (introduction or item_lines):
        return NO_LIST
    items = [" ".join(lines[number].split()) for number in item_lines]
    return ListContext(introduction, items, tuple(item_lines), more)


def _item_kind(line: str) -> str | None:
    match = _ITEM.match(line)
    return match.lastgroup if match else None


def _introduction_above(lines: Sequence[str], index: int, kind: str) -> str | None:
    """The clause ending the nearest line above the list's items: "Pemerintah Desa bertugas:", or
    an item of an outer list that introduces this one ("(1) Setiap Calon Pekerja Migran memiliki hak:")."""
    for line in reversed(lines[:index]):
        if not line.strip():
            continue
        clause = _last_clause(line)
        if _INTRODUCES.search(clause):
            return clause
        if _item_kind(line) != kind:
            return None
    return None


def _items_below(lines: Sequence[str], index: int) -> tuple[list[int], bool]:
    """The lines of the items under an introducing clause, up to the first line that is not one of
    them (text, or an item of another kind: the next paragraph "(2) ..." of the article)."""
    items: list[int] = []
    kind = None
    for number in range(index + 1, len(lines)):
        line = lines[number]
        if not line.strip():
            continue
        kind = kind or _item_kind(line)
        if kind is None or _item_kind(line) != kind:
            break
        if len(items) == MOST_LISTED:
            return items, True
        items.append(number)
    return items, False


def _last_clause(line: str) -> str:
    """The last sentence of a line: "Pasal 5 Setiap Pekerja ... harus memenuhi persyaratan:" gives
    the whole line; "... selesai. Pemerintah Desa bertugas:" gives "Pemerintah Desa bertugas:"."""
    sentences = split_sentences(" ".join(line.split()))
    return sentences[-1] if sentences else line.strip()
