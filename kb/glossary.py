"""Query expansion with a bilingual glossary of migration-governance terms.

BM25 matches words, so an Indonesian question ("hak suara negara anggota") finds nothing in an
English treaty ("voting right", "member state"). Adding the glossary's translation of each term
found in the question lets lexical search reach documents in the other language. Terms are
matched on Snowball stems, so "complaints" finds the entry "complaint" and "pekerjaan" the
entry "kerja". Dense search gets the question as asked: the multilingual embedder crosses
languages by itself. The default answerer also looks a question's names up here (term_translations),
so that "Konvensi Pengungsi" counts as found in a passage of the Refugee Convention.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import Stemmer

BUNDLED_GLOSSARY = Path(__file__).with_name("data") / "glossary.tsv"
_WORD = re.compile(r"[^\W_]+(?:[-/][^\W_]+)*")


@dataclass(frozen=True)
class GlossaryEntry:
    indonesian: str
    english: str
    indonesian_stems: tuple[str, ...]
    english_stems: tuple[str, ...]


Glossary = tuple[GlossaryEntry, ...]


@lru_cache(maxsize=2)
def _stemmer(algorithm: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(algorithm)


def _stems(text: str, algorithm: str) -> tuple[str, ...]:
    return tuple(_stemmer(algorithm).stemWords(_WORD.findall(text.lower())))


@lru_cache(maxsize=4)
def load_glossary(path: Path = BUNDLED_GLOSSARY) -> Glossary:
    """Entries from a TSV file of `indonesian<TAB>english` lines; lines starting with # are comments."""
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [part.strip().lower() for part in line.split("\t")]
        if len(parts) != 2 or not all(parts):
            raise ValueError(f"{path}:{number}: expected 'indonesian<TAB>english'")
        entries.append(GlossaryEntry(parts[0], parts[1], _stems(parts[0], "indonesian"), _stems(parts[1], "english")))
    return tuple(entries)


def expand_query(query: str, glossary: Glossary) -> str:
    """The query followed by the other-language side of every glossary term it contains."""
    indonesian = _stems(query, "indonesian")
    english = _stems(query, "english")
    additions: list[str] = []
    for entry in glossary:
        if _contains(indonesian, entry.indonesian_stems) and not _contains(english, entry.english_stems):
            additions.append(entry.english)
        elif _contains(english, entry.english_stems) and not _contains(indonesian, entry.indonesian_stems):
            additions.append(entry.indonesian)
    unique = list(dict.fromkeys(additions))
    return f"{query} {' '.join(unique)}" if unique else query


def _contains(words: tuple[str, ...], term: tuple[str, ...]) -> bool:
    return any(True for _ in _occurrences(words, term))


def _occurrences(words: tuple[str, ...], term: tuple[str, ...]) -> Iterator[int]:
    """Where the (non-empty) stem sequence ``term`` starts in ``words``."""
    size = len(term)
    if size:
        yield from (start for start in range(len(words) - size + 1) if words[start : start + size] == term)


def term_translations(text: str, glossary: Glossary) -> dict[str, list[str]]:
    """Each word of ``text`` that is part of a glossary term found in it, with the term's
    translations: "Menurut Konvensi Pengungsi 1951" gives {"konvensi": ["convention"],
    "pengungsi": ["refugee"]}. Terms are matched on stems, as in expand_query, with hyphenated
    words taken whole ("undang-undang") and in parts ("Asia-Pasifik" is the entry "asia pasifik")."""
    found: dict[str, list[str]] = {}
    lowered = text.lower()
    tokenizations = [lowered, lowered.replace("-", " ")] if "-" in lowered else [lowered]
    for words in (_WORD.findall(tokenized) for tokenized in tokenizations):
        stems = {algorithm: tuple(_stemmer(algorithm).stemWords(words)) for algorithm in ("indonesian", "english")}
        for entry in glossary:
            for term, algorithm, translation in (
                (entry.indonesian_stems, "indonesian", entry.english),
                (entry.english_stems, "english", entry.indonesian),
            ):
                for start in _occurrences(stems[algorithm], term):
                    for word in words[start : start + len(term)]:
                        if translation not in found.setdefault(word, []):
                            found[word].append(translation)
    return found
