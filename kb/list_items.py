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
from dataclasses import dataclass, field

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
"""Items shown after a quoted introducing clause; a longer list is cut with "…"."""
MOST_ITEM_CHARACTERS = 160
"""Characters shown of each item (an item can be a paragraph)."""


@dataclass(frozen=True)
class ListContext:
    introduction: str | None = None
    """The clause introducing the list the sentence is an item of."""
    items: list[str] = field(default_factory=list)
    """The items of the list the sentence introduces."""
    more_items: bool = False

    def scored_text(self, sentence: str) -> str:
        """The sentence with its introduction before it and its items after it."""
        return " ".join([*filter(None, [self.introduction, sentence]), *self.items])

    def quoted_text(self, sentence: str) -> str:
        """The sentence as the answer quotes it: "Pemerintah Desa bertugas: … a. menerima …"."""
        if self.introduction:
            return f"{self.introduction} … {sentence}"
        if self.items:
            shown = [_shortened(item) for item in self.items]
            return " ".join([sentence, *shown, *(["…"] if self.more_items else [])])
        return sentence


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
    items: list[str] = []
    more = False
    if _INTRODUCES.search(text) and line.endswith(text.rstrip()[-20:]):
        items, more = _items_below(lines, sentence.line)
    return ListContext(introduction, items, more) if introduction or items else NO_LIST


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


def _items_below(lines: Sequence[str], index: int) -> tuple[list[str], bool]:
    """The items under an introducing clause, up to the first line that is not one of them (text,
    or an item of another kind: the next paragraph "(2) ..." of the article)."""
    items: list[str] = []
    kind = None
    for line in lines[index + 1 :]:
        if not line.strip():
            continue
        kind = kind or _item_kind(line)
        if kind is None or _item_kind(line) != kind:
            break
        if len(items) == MOST_ITEMS:
            return items, True
        items.append(" ".join(line.split()))
    return items, False


def _last_clause(line: str) -> str:
    """The last sentence of a line: "Pasal 5 Setiap Pekerja ... harus memenuhi persyaratan:" gives
    the whole line; "... selesai. Pemerintah Desa bertugas:" gives "Pemerintah Desa bertugas:"."""
    sentences = split_sentences(" ".join(line.split()))
    return sentences[-1] if sentences else line.strip()
