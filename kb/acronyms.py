"""Acronyms a document spells out, so that a passage using only the short form still says what it stands for.

A report defines "foreign domestic workers (FDWs)" once and then writes "FDWs" on every page. A
question asks about "pekerja rumah tangga" or "domestic workers": the glossary takes it to
"domestic worker", but the passage giving the age requirement says only "FDWs are required to
meet age, nationality, and education requirements", so neither lexical search nor the
answerer's check that a passage holds the question's names finds it there. Reading each
document's definitions ("Words Of The Name (ACR)", with the acronym's capitals the initials of
the words before it) lets a passage be searched and read with the words its acronyms stand for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_DEFINED = re.compile(r"\(\s*([A-Z][A-Za-z0-9&-]{1,9}?)s?\s*\)")
"""An acronym in brackets, plural "s" aside: "(FDWs)", "(BP2MI)", "(ToR)"."""
_WORD = re.compile(r"[^\W_][\w'’-]*")
_JOINERS = frozenset({"of", "for", "and", "the", "to", "on", "in", "dan", "untuk", "di", "atas", "dari", "bagi"})
"""Short words a name holds that its acronym leaves out ("Accountability to Affected Populations")."""
_LOOK_BACK = 200
"""Characters before the bracket searched for the words the acronym stands for."""
SHORTEST = 2
"""Capitals an acronym needs to count: one capital ("(A)") marks a list item."""
_USED = re.compile(r"\b[A-Z][A-Za-z0-9&-]{1,9}\b")


def acronym_definitions(text: str) -> dict[str, str]:
    """``{acronym: the words it stands for}`` for each acronym ``text`` spells out before its
    bracket: "foreign domestic workers (FDWs)" gives {"FDW": "foreign domestic workers"}."""
    found: dict[str, str] = {}
    for match in _DEFINED.finditer(text):
        acronym = match.group(1)
        initials = [letter.lower() for letter in acronym if letter.isupper()]
        if len(initials) < SHORTEST or acronym in found:
            continue
        words = _words_before(text[max(0, match.start() - _LOOK_BACK) : match.start()], len(initials))
        if words and [word[0].lower() for word in words if word.lower() not in _JOINERS] == initials:
            found[acronym] = " ".join(words)
    return found


def _words_before(text: str, wanted: int) -> list[str]:
    """The last words of ``text`` holding ``wanted`` words other than joiners, joiners between them kept."""
    taken: list[str] = []
    content = 0
    for word in reversed(_WORD.findall(text)):
        taken.append(word)
        if word.lower() not in _JOINERS:
            content += 1
            if content == wanted:
                return list(reversed(taken))
    return []


def document_definitions(texts: Iterable[str]) -> dict[str, str]:
    """The definitions of all of a document's passages, the first of each acronym kept."""
    found: dict[str, str] = {}
    for text in texts:
        for acronym, words in acronym_definitions(text).items():
            found.setdefault(acronym, words)
    return found


def spelled_out(text: str, definitions: Mapping[str, str]) -> list[str]:
    """What the acronyms ``text`` uses stand for, by its document's ``definitions``, for those
    whose words ``text`` does not already hold."""
    if not definitions:
        return []
    lowered = text.lower()
    words = []
    for used in dict.fromkeys(_USED.findall(text)):
        acronym = used[:-1] if used.endswith("s") and used[:-1] in definitions else used
        meaning = definitions.get(acronym)
        if meaning and meaning.lower() not in lowered:
            words.append(meaning)
    return words
