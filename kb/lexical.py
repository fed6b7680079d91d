"""Lexical (BM25) retrieval over the committed chunks, to be fused with dense search.

Dense embeddings find paraphrases but blur exact terms: an article number ("Pasal 6"), a
statute number ("18/2017"), a programme or place name. BM25 finds those. Each chunk is
tokenized with the stemmer of its own language; a question may be asked in Indonesian about
an English document or the other way round, so by default a query is tokenized with every
stemmer and the union of the tokens is searched. Against detecting the question's language, the
union was within 0.3 points of Recall@1 on monolingual question sets, and 14 to 34 points ahead
when a templated Indonesian question named an English document or the other way round.

The index lives in memory and is rebuilt from Chroma whenever the set of committed versions
changes, so app replicas sharing one Chroma server all search the same chunks.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

import bm25s
import numpy as np
import Stemmer

from kb.acronyms import document_definitions, spelled_out
from kb.language import detect_language

if TYPE_CHECKING:
    from kb.search import SearchFilters
    from kb.store import KnowledgeStore, StoredChunk

STEMMER_ALGORITHMS = {"id": "indonesian", "en": "english"}
"""Snowball stemmers by chunk language; other languages (nl, und, ...) are indexed unstemmed."""

QUERY_LANGUAGES = tuple(STEMMER_ALGORITHMS)
"""Languages a question may be written in, whatever the language of the chunk that answers it."""

UNSTEMMED = "und"
"""The language code that selects no stemmer and no stopwords: surface forms only."""

STOPWORDS: dict[str, frozenset[str]] = {
    "id": frozenset(
        """
        yang dan di ke dari untuk dengan pada ini itu dalam atau adalah oleh sebagai akan juga
        telah sudah bahwa tersebut ada karena serta bagi maka para pun lah kah nya se tsb
        apa apakah siapa siapakah kapan kapankah mana manakah dimana bagaimana bagaimanakah
        berapa berapakah mengapa kenapa
        """.split()
    ),
    "en": frozenset(
        """
        a an the of and or to in on at by for with from as into about than then
        is are was were be been being am do does did has have had it its this that these those
        there their they he she his her i we you what which who whom whose when where why how
        """.split()
    ),
}
"""Small lists of function and question words, the tokens that only add noise to BM25 scores."""

WORD_PATTERN = re.compile(r"[^\W_]+")
"""A run of letters and digits."""

COMPOUND_PATTERN = re.compile(r"[^\W_]+(?:[/.,\-][^\W_]+)*")
"""Words joined by / . , - without spaces ("18/2017", "undang-undang", "10.000"), or one word."""

DIGIT_PATTERN = re.compile(r"\d")

BM25_K1 = 1.5
BM25_B = 0.75
BM25_METHOD = "lucene"
"""bm25s defaults, the settings the reference figures of the evaluation sets were measured with."""


class QueryLanguages(str, Enum):
    """How a question is tokenized, since its language may differ from the chunk's."""

    ALL = "all"
    """With every stemmer, plus surface forms for unstemmed chunks; the tokens' union is searched."""
    DETECTED = "detected"
    """With the stemmer of the detected language only (all stemmers when too short to detect)."""


DEFAULT_QUERY_LANGUAGES = QueryLanguages.ALL
DEFAULT_DROP_STOPWORDS = True


# -- tokenization -------------------------------------------------------------------------

_thread_stemmers = threading.local()


def _stemmer(lang: str) -> Stemmer.Stemmer | None:
    """This thread's stemmer for ``lang``: PyStemmer objects keep state and must not be shared."""
    algorithm = STEMMER_ALGORITHMS.get(lang)
    if algorithm is None:
        return None
    stemmers: dict[str, Stemmer.Stemmer] = _thread_stemmers.__dict__.setdefault("by_language", {})
    if lang not in stemmers:
        stemmers[lang] = Stemmer.Stemmer(algorithm)
    return stemmers[lang]


def _analyse(text: str, lang: str, stopwords: frozenset[str]) -> list[str]:
    lowered = text.lower()
    compounds = COMPOUND_PATTERN.findall(lowered)
    words = [word for word in _word_forms(lowered, compounds) if word not in stopwords]
    return _stem(words, lang) + _number_pairs(compounds, lang, stopwords)


def _word_forms(lowered: str, compounds: list[str]) -> list[str]:
    """Every word, plus each joined number ("18/2017") whole: users cite statutes and articles
    by number, and the whole number is the exact match where its parts are common."""
    # A compound of letters and digits only is a single word, already among the words.
    joined_numbers = [c for c in compounds if not c.isalnum() and DIGIT_PATTERN.search(c)]
    return WORD_PATTERN.findall(lowered) + joined_numbers


def _number_pairs(compounds: list[str], lang: str, stopwords: frozenset[str]) -> list[str]:
    """"pasal 6", "tahun 2017", "article 33": a number with the word before it, as one token.

    A bare "6" occurs in most chunks of a statute (ayat (6), huruf, dates); the pair singles
    out the article itself. The space keeps pairs apart from any word token.
    """
    heads, numbers = [], []
    for previous, current in zip(compounds, compounds[1:]):
        # isalpha is a fast first test: most words hold no digit and the loop runs per word.
        if previous.isalpha() and not current.isalpha() and previous not in stopwords:
            if DIGIT_PATTERN.search(current):
                heads.append(previous)
                numbers.append(current)
    return [f"{head} {number}" for head, number in zip(_stem(heads, lang), numbers)]


def _stem(words: list[str], lang: str) -> list[str]:
    stemmer = _stemmer(lang)
    return stemmer.stemWords(words) if stemmer else words


def tokenize(text: str, lang: str, *, drop_stopwords: bool = DEFAULT_DROP_STOPWORDS) -> list[str]:
    """BM25 tokens of ``text`` written in ``lang``: words less stopwords, stemmed where Snowball has
    a stemmer for the language (Indonesian and English), surface forms otherwise, then the
    word-number pairs."""
    stopwords = STOPWORDS.get(lang, frozenset()) if drop_stopwords else frozenset()
    return _analyse(text, lang, stopwords)


def query_tokens(
    query: str,
    query_languages: QueryLanguages = DEFAULT_QUERY_LANGUAGES,
    *,
    drop_stopwords: bool = DEFAULT_DROP_STOPWORDS,
) -> list[str]:
    """The distinct tokens to search for ``query``, in first-seen order.

    Distinct, because a word that two stemmers reduce alike must not count twice. With
    ``ALL``, the stopwords of every language are dropped (a question word in either language is
    noise) and the surface forms are added for chunks indexed without a stemmer.
    """
    languages = _query_languages(query, query_languages)
    stopwords: frozenset[str] = frozenset()
    if drop_stopwords:
        stopwords = frozenset().union(*(STOPWORDS[lang] for lang in languages))
    if query_languages is QueryLanguages.ALL:
        languages = (*languages, UNSTEMMED)
    tokens = [token for lang in languages for token in _analyse(query, lang, stopwords)]
    return list(dict.fromkeys(tokens))


def _query_languages(query: str, query_languages: QueryLanguages) -> tuple[str, ...]:
    if query_languages is QueryLanguages.DETECTED:
        detected = detect_language(query, QUERY_LANGUAGES)
        if detected in STEMMER_ALGORITHMS:
            return (detected,)
    return QUERY_LANGUAGES


# -- the index ----------------------------------------------------------------------------

FILTER_FIELDS = {"doc_ids": "doc_id", "languages": "lang", "file_types": "file_type"}
"""SearchFilters attribute -> the chunk metadata key it restricts."""


@dataclass(frozen=True)
class LexicalChunk:
    """What the lexical index needs of a chunk (a kb.store.StoredChunk has the same shape)."""

    chunk_id: str
    text: str
    metadata: dict[str, Any]


HEADING_REPEAT = 2
"""Title and section are indexed this many times, a field weight in the manner of BM25F: twice
raised Recall@1 by 0.9-1.6 points on the TyDi QA sets, three times added nothing more."""


def indexed_text(text: str, metadata: dict[str, Any], meanings: Sequence[str] = ()) -> str:
    """Title and section go in front of the text, weighted: users name documents and articles
    ("Pasal 6 UU 18/2017") that a chunk's body seldom repeats. What the chunk's acronyms stand
    for in its document (``meanings``, kb.acronyms) goes after it."""
    heading = [str(metadata[key]) for key in ("title", "section") if metadata.get(key)]
    return "\n".join([*heading * HEADING_REPEAT, text, *meanings])


class LexicalIndex:
    """BM25 over a fixed set of chunks, with the filters of dense search."""

    def __init__(
        self,
        chunks: Iterable[StoredChunk | LexicalChunk],
        *,
        query_languages: QueryLanguages = DEFAULT_QUERY_LANGUAGES,
        drop_stopwords: bool = DEFAULT_DROP_STOPWORDS,
    ):
        # Sorted by id so that replicas reading the same chunks in another order build the same
        # index and break ties alike.
        ordered = sorted(chunks, key=lambda chunk: chunk.chunk_id)
        self.query_languages = query_languages
        self.drop_stopwords = drop_stopwords
        self.chunk_ids: list[str] = [chunk.chunk_id for chunk in ordered]
        self.chunk_languages: dict[str, str] = {
            chunk.chunk_id: str(chunk.metadata.get("lang") or UNSTEMMED) for chunk in ordered
        }
        """Each chunk's language. Hybrid search splits its one dense query by language with it:
        asking Chroma for the candidates' metadata took 12 of the query's 13 ms (300 of 10,337 chunks)."""
        self._definitions = _definitions_by_document(ordered)
        self._positions_by_field = _positions_by_field(ordered)
        self._bm25 = self._build_bm25(ordered) if ordered else None

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def _build_bm25(self, chunks: list[StoredChunk | LexicalChunk]) -> bm25s.BM25:
        corpus_tokens = [
            tokenize(
                indexed_text(chunk.text, chunk.metadata, self._meanings(chunk)),
                chunk.metadata.get("lang") or UNSTEMMED,
                drop_stopwords=self.drop_stopwords,
            )
            for chunk in chunks
        ]
        bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B, method=BM25_METHOD)
        bm25.index(corpus_tokens, create_empty_token=False, show_progress=False)
        return bm25

    def acronym_meanings(self, text: str, doc_id: str | None) -> list[str]:
        """What the acronyms of ``text``, a passage of document ``doc_id``, stand for there
        (kb.acronyms.spelled_out), where the passage does not spell them out itself."""
        return spelled_out(text, self._definitions.get(str(doc_id), {}))

    def _meanings(self, chunk: StoredChunk | LexicalChunk) -> list[str]:
        return self.acronym_meanings(chunk.text, chunk.metadata.get("doc_id"))

    def search(self, query: str, k: int, filters: SearchFilters | None = None) -> list[tuple[str, float]]:
        """Up to k (chunk_id, BM25 score) pairs, best first; only chunks sharing a token with the
        query and matching ``filters``, so the list may be shorter than k."""
        if self._bm25 is None or k <= 0:
            return []
        token_ids = self._token_ids(query)
        if not token_ids:
            return []
        mask = self._filter_mask(filters)
        if mask is not None and not mask.any():
            return []
        scores = self._bm25.get_scores_from_ids(token_ids, weight_mask=mask)
        return [(self.chunk_ids[position], float(scores[position])) for position in _best_positions(scores, k)]

    def inverse_document_frequency(self, token: str) -> float:
        """How rare a token is among the chunks (BM25's idf); an unknown token is as rare as can be."""
        if self._bm25 is None:
            return 0.0
        count = len(self.chunk_ids)
        frequency = self.document_frequency(token)
        return float(np.log(1 + (count - frequency + 0.5) / (frequency + 0.5)))

    def document_frequency(self, token: str) -> int:
        """How many chunks hold the token."""
        if self._bm25 is None:
            return 0
        token_id = self._bm25.vocab_dict.get(token)
        pointers = self._bm25.scores["indptr"]
        return 0 if token_id is None else int(pointers[token_id + 1] - pointers[token_id])

    def _token_ids(self, query: str) -> list[int]:
        vocabulary = self._bm25.vocab_dict
        tokens = query_tokens(query, self.query_languages, drop_stopwords=self.drop_stopwords)
        return [vocabulary[token] for token in tokens if token in vocabulary]

    def _filter_mask(self, filters: SearchFilters | None) -> np.ndarray | None:
        """1.0 for chunks the filters allow, 0.0 elsewhere, given to bm25s as its weight_mask so
        that filtering happens before the top k is cut (filtering a top k afterwards loses hits)."""
        if filters is None:
            return None
        mask: np.ndarray | None = None
        for attribute, key in FILTER_FIELDS.items():
            allowed = getattr(filters, attribute)
            if not allowed:
                continue
            field_mask = np.zeros(len(self.chunk_ids), dtype=np.float32)
            for value in allowed:
                field_mask[self._positions_by_field[key].get(value, _NO_POSITIONS)] = 1.0
            mask = field_mask if mask is None else mask * field_mask
        return mask


_NO_POSITIONS = np.empty(0, dtype=np.int64)


def _definitions_by_document(chunks: list[StoredChunk | LexicalChunk]) -> dict[str, dict[str, str]]:
    """Each document's acronym definitions (kb.acronyms), read from its chunks in order."""
    texts: dict[str, list[str]] = {}
    for chunk in sorted(chunks, key=lambda chunk: chunk.metadata.get("position") or 0):
        texts.setdefault(str(chunk.metadata.get("doc_id")), []).append(chunk.text)
    return {doc_id: document_definitions(document_texts) for doc_id, document_texts in texts.items()}


def _positions_by_field(chunks: list[StoredChunk | LexicalChunk]) -> dict[str, dict[str, np.ndarray]]:
    """For each filterable metadata key, the index positions holding each value: a filter mask
    is then a few array assignments instead of a pass over every chunk's metadata."""
    grouped: dict[str, dict[str, list[int]]] = {key: {} for key in FILTER_FIELDS.values()}
    for position, chunk in enumerate(chunks):
        for key, values in grouped.items():
            value = chunk.metadata.get(key)
            if value is not None:
                values.setdefault(str(value), []).append(position)
    return {
        key: {value: np.asarray(positions, dtype=np.int64) for value, positions in values.items()}
        for key, values in grouped.items()
    }


def _best_positions(scores: np.ndarray, k: int) -> list[int]:
    """Positions of the k highest positive scores, best first, ties broken by position."""
    candidates = np.flatnonzero(scores > 0)
    if len(candidates) > k:
        candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order].tolist()


# -- one index per set of committed versions ----------------------------------------------


def versions_fingerprint(versions: Iterable[str]) -> str:
    """Equal for equal sets of versions whatever their order; versions are content hashes, so
    an ingestion, an update or a removal always changes it."""
    return hashlib.sha256("\n".join(sorted(set(versions))).encode()).hexdigest()


def committed_chunks(store: KnowledgeStore, versions: list[str]) -> list[StoredChunk]:
    """Every chunk of the given versions, read from Chroma (none without versions: Chroma
    rejects an empty $in)."""
    if not versions:
        return []
    return list(store.iter_chunks({"version": {"$in": list(versions)}}))


class LexicalIndexCache:
    """The lexical index of one KnowledgeStore, rebuilt when its committed versions change.

    Each app replica keeps its own cache and builds from what Chroma holds, so replicas
    sharing a Chroma server return the same lexical results without sharing memory. Safe to
    use from several threads: at most one rebuild runs, and the others wait for its result.
    """

    def __init__(
        self,
        *,
        query_languages: QueryLanguages = DEFAULT_QUERY_LANGUAGES,
        drop_stopwords: bool = DEFAULT_DROP_STOPWORDS,
    ):
        self._index_options = {"query_languages": query_languages, "drop_stopwords": drop_stopwords}
        self._lock = threading.Lock()
        self._current: tuple[str, LexicalIndex] | None = None

    def get(self, store: KnowledgeStore, versions: list[str], registry_fingerprint: str = "") -> LexicalIndex:
        """The index over exactly the chunks of ``versions`` (the registry's committed versions).

        ``registry_fingerprint`` (``Registry.committed_state().fingerprint``) also changes when a
        document's metadata changes without a new version, e.g. a title edited with `kb set`.
        """
        fingerprint = versions_fingerprint(versions) + registry_fingerprint
        current = self._current
        if current is not None and current[0] == fingerprint:
            return current[1]
        with self._lock:
            current = self._current
            if current is not None and current[0] == fingerprint:
                return current[1]
            index = LexicalIndex(committed_chunks(store, versions), **self._index_options)
            self._current = (fingerprint, index)
            return index
