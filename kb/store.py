"""The Chroma store: the chunks, their sentence vectors, the registry, and which embedder built them.

Embedded (a persistent folder under ``KB_HOME``) by default; a Chroma server when
``KB_CHROMA_URL`` is set, which is how several app replicas share one knowledge base.
Chroma's default embedding function would download a model at first use, which fails
offline, so collections are always opened with ``embedding_function=None`` and we pass
vectors ourselves.
"""

from __future__ import annotations

import fcntl
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlparse

import numpy as np

from kb.embeddings import EmbedderIdentity
from kb.errors import EmbedderMismatch, KBError, StoreBusy
from kb.passage_text import PASSAGE_TEXT_FORMAT
from kb.registry import Registry
from kb.settings import Settings

CHROMA_GET_PAGE = 2000
"""Chunks read per request when paging through a collection (server requests have a size limit)."""
CHUNKS_CONFIGURATION = {"hnsw": {"space": "cosine", "ef_search": 1000}}
"""How widely the chunk index is searched. Chroma's default (ef_search 100) returned another
nearest chunk than exact search for 1 question in 100 on a public set, and a different one from
one process to the next (its graph is rebuilt in another order). Hybrid search's one deep dense
query asks for 300 chunks; at ef_search 400 it held on average 99.1% of the exact top 300 for our
58 questions (2,327 corpus chunks; 97.8% at 10,337 chunks), and in a fresh ingestion of the
corpus it missed the UDHR's Article 14, exact rank 76, so that the asylum question lost its
answer. At 1000: 99.9% (99.5% at 10,337 chunks), Article 14 found, for 0.3 to 0.7 ms more per
query at 10,337 chunks (about 2 ms)."""

SENTENCES_CONFIGURATION = {"hnsw": {"space": "ip", "ef_search": 1000}}
"""Sentence vectors are looked up by chunk (the answerer) and searched (hybrid search's sentence
ranking). In "cosine" space Chroma would normalise them again on the way in, changing their last
bits, and answers must not depend on whether a sentence's vector was stored or computed at
question time; the vectors are normalised, so inner product is the cosine.

The sentence ranking asks for 200 sentences, which at the default breadth (ef_search 100, so
200 in effect) gave exactly the top 10 chunks of an exhaustive search for 50 of our 58 questions
(11,417 sentences); at 1000, for 53, and the other 5 differ only in the order of tied sentences
(one sentence in two overlapping chunks). One crossed-language passage moved from rank 6 to 5.
A query for 200 of 72,575 sentences took the same time either way (5.2 ms median)."""


def ensure_search_breadth(collection, configuration: dict[str, Any]) -> None:
    """Raise an existing collection's ef_search to ``configuration``'s: Chroma applies a
    configuration only when it creates a collection, and a store made before a wider search
    was chosen would keep the narrow one."""
    wanted = configuration["hnsw"].get("ef_search")
    current = ((collection.configuration or {}).get("hnsw") or {}).get("ef_search")
    if wanted is not None and current is not None and current < wanted:
        collection.modify(configuration={"hnsw": {"ef_search": wanted}})


def collection_metadata(identity: EmbedderIdentity, *, chunks: bool) -> dict[str, Any]:
    """What a collection records about its vectors: the embedder, and for chunks the passage-text format."""
    metadata: dict[str, Any] = {"embedder": identity.name, "embedder_dim": identity.dim}
    if chunks:
        metadata["passage_text"] = PASSAGE_TEXT_FORMAT
    return metadata


def make_client(settings: Settings):
    """A Chroma client for the configured mode, with telemetry off (this machine has no internet)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if not url.hostname:
            raise KBError(f"KB_CHROMA_URL '{settings.chroma_url}' is not a URL like http://127.0.0.1:8000")
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    chroma_dir = settings.home / "chroma"
    chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(chroma_dir), settings=chroma_settings)


@dataclass
class StoredChunk:
    chunk_id: str
    text: str
    metadata: dict[str, Any]


class KnowledgeStore:
    """Chunks with their vectors, and the registry of documents they belong to."""

    def __init__(self, settings: Settings, client=None):
        self.settings = settings
        self.client = client or make_client(settings)
        self.chunks_name = f"{settings.collection}_chunks"
        self.sentences_name = f"{settings.collection}_sentences"
        self._finish_interrupted_reindex()
        self.chunks = self.client.get_or_create_collection(
            self.chunks_name, embedding_function=None, configuration=CHUNKS_CONFIGURATION
        )
        self.sentences = self.client.get_or_create_collection(
            self.sentences_name, embedding_function=None, configuration=SENTENCES_CONFIGURATION
        )
        ensure_search_breadth(self.chunks, CHUNKS_CONFIGURATION)
        ensure_search_breadth(self.sentences, SENTENCES_CONFIGURATION)
        self.registry = Registry(
            self.client.get_or_create_collection(f"{settings.collection}_registry", embedding_function=None)
        )

    def _finish_interrupted_reindex(self) -> None:
        """A reindex deletes an old collection only once its new one is complete, then renames
        the new one; if it was stopped between the two steps, finish the rename now."""
        names = {collection.name for collection in self.client.list_collections()}
        for name in (self.chunks_name, self.sentences_name):
            staging = f"{name}_reindex"
            if staging in names and name not in names:
                self.client.get_collection(staging, embedding_function=None).modify(name=name)

    # -- which embedder built the store -------------------------------------------------

    def recorded_embedder(self, collection=None) -> EmbedderIdentity | None:
        """The embedder that built the chunks (or ``collection``: the sentences have their own record)."""
        metadata = (self.chunks if collection is None else collection).metadata or {}
        if "embedder" not in metadata:
            return None
        return EmbedderIdentity(name=str(metadata["embedder"]), dim=int(metadata["embedder_dim"]))

    def check_embedder(self, identity: EmbedderIdentity) -> None:
        """Refuse to search or write vectors of another model than the one that built the store
        (its chunks, and the sentence vectors stored for the default answerer)."""
        for collection in (self.chunks, self.sentences):
            recorded = self.recorded_embedder(collection)
            if recorded is None or recorded == identity or collection.count() == 0:
                continue
            raise EmbedderMismatch(
                f"the knowledge base was built with the embedder {recorded.describe()}, but the configured "
                f"embedder is {identity.describe()}. Run `kb reindex` to re-embed every document with the "
                f"configured embedder, or set KB_EMBEDDER/KB_EMBEDDING_MODEL back to the one that built it."
            )

    def ensure_embedder(self, identity: EmbedderIdentity) -> None:
        """Before writing: check the embedder, and let an empty store adopt the configured one."""
        self.check_embedder(identity)
        for collection in (self.chunks, self.sentences):
            if self.recorded_embedder(collection) != identity:
                collection.modify(metadata=collection_metadata(identity, chunks=collection is self.chunks))
        if self.chunks.count() == 0 and self.passage_text_format() != PASSAGE_TEXT_FORMAT:
            self.chunks.modify(metadata=collection_metadata(identity, chunks=True))

    def passage_text_format(self) -> str | None:
        """How the stored chunk vectors were made (kb.passage_text); None for stores embedded from
        the chunk text alone, before headers were added. `kb reindex` brings them up to date."""
        value = (self.chunks.metadata or {}).get("passage_text")
        return str(value) if value else None

    def passage_text_outdated(self) -> bool:
        """True when stored chunks were embedded another way than new ones will be."""
        return self.chunks.count() > 0 and self.passage_text_format() != PASSAGE_TEXT_FORMAT

    # -- chunks --------------------------------------------------------------------------

    def add_chunks(self, ids: list[str], texts: list[str], vectors, metadatas: list[dict[str, Any]]) -> None:
        self.chunks.upsert(ids=ids, embeddings=vectors, documents=texts, metadatas=metadatas)

    def delete_chunks_of(self, doc_id: str, *, except_version: str | None = None) -> None:
        """Delete a document's chunks and their stored sentences (all, or those of other versions)."""
        where: dict[str, Any] = {"doc_id": doc_id}
        if except_version is not None:
            where = {"$and": [{"doc_id": doc_id}, {"version": {"$ne": except_version}}]}
        self.chunks.delete(where=where)
        self.sentences.delete(where=where)

    def update_chunk_metadata(self, ids: list[str], fields: dict[str, str], removed: list[str]) -> None:
        """Change document-level fields on chunks without embedding them again.

        Chroma merges metadata on update; a key set to None is deleted.
        """
        change: dict[str, Any] = {**{key: None for key in removed}, **fields}
        for start in range(0, len(ids), CHROMA_GET_PAGE):
            page = ids[start : start + CHROMA_GET_PAGE]
            self.chunks.update(ids=page, metadatas=[dict(change) for _ in page])

    def iter_chunks(self, where: dict[str, Any] | None = None) -> Iterator[StoredChunk]:
        offset = 0
        while True:
            page = self.chunks.get(where=where, include=["documents", "metadatas"], limit=CHROMA_GET_PAGE, offset=offset)
            for chunk_id, text, metadata in zip(page["ids"], page["documents"], page["metadatas"]):
                yield StoredChunk(chunk_id, text, metadata)
            if len(page["ids"]) < CHROMA_GET_PAGE:
                return
            offset += CHROMA_GET_PAGE

    def count_chunks(self) -> int:
        return self.chunks.count()

    def ids_where(self, collection, where: dict[str, Any] | None) -> list[str]:
        """Ids of the entries of ``collection`` matching ``where`` (all when None), page by page."""
        ids: list[str] = []
        while True:
            page = collection.get(where=where, include=[], limit=CHROMA_GET_PAGE, offset=len(ids))
            ids += page["ids"]
            if len(page["ids"]) < CHROMA_GET_PAGE:
                return ids

    # -- sentence vectors ------------------------------------------------------------------
    # The default answerer scores each candidate sentence of the passages it reads
    # (kb.sentences.candidate_sentences) by its embedding. Ingestion embeds them once and stores
    # them here, one entry per sentence: id ``<chunk_id>:s<i>``, the sentence as document, and
    # chunk_id, doc_id, version, position as metadata, so that removal, replacement and garbage
    # collection treat them exactly like the chunks they come from. Hybrid search also searches
    # them (kb.sentence_search), ranking each chunk by its closest sentence.

    def add_sentences(self, ids: list[str], texts: list[str], vectors, metadatas: list[dict[str, Any]]) -> None:
        for start in range(0, len(ids), CHROMA_GET_PAGE):
            end = start + CHROMA_GET_PAGE
            self.sentences.upsert(
                ids=ids[start:end], embeddings=vectors[start:end], documents=texts[start:end], metadatas=metadatas[start:end]
            )

    def sentence_vectors(self, chunk_ids: list[str], identity: EmbedderIdentity) -> dict[str, tuple[str, np.ndarray]]:
        """The stored sentences of these chunks, by sentence id: (text, vector). Empty when the
        sentences were embedded by another model than ``identity`` (the caller embeds instead)."""
        if not chunk_ids or self.recorded_embedder(self.sentences) not in (None, identity):
            return {}
        result = self.sentences.get(
            where={"chunk_id": {"$in": list(chunk_ids)}}, include=["embeddings", "documents"]
        )
        if not result["ids"]:
            return {}
        vectors = np.asarray(result["embeddings"], dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != identity.dim:
            return {}
        return {sentence_id: (text, vector) for sentence_id, text, vector in zip(result["ids"], result["documents"], vectors)}

    # -- writing safely ------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the write lock of an embedded store for the duration of a change.

        Embedded Chroma is not safe for two processes writing at once; a second writer is
        refused with a message rather than allowed to corrupt the store. While `kb serve` runs
        on the store it is the only process allowed to write (see ``refuse_if_served``); its
        own threads (staff uploads) take turns. A Chroma server serialises writes itself, so
        server mode takes no lock.
        """
        if self.settings.chroma_url:
            yield
            return
        home = Path(self.settings.home)
        home.mkdir(parents=True, exist_ok=True)
        key = str(home.resolve())
        held = _writing_here.__dict__.setdefault("homes", set())
        if key in held:  # a change within a change of this thread (e.g. an upload wrapping an ingest)
            yield
            return
        with _thread_lock(key), _outside_the_server(self.settings), _write_lock(self.settings):
            held.add(key)
            try:
                yield
            finally:
                held.discard(key)


SERVE_LOCK_FILE = "serve.lock"
"""Held exclusively by `kb serve` for its lifetime, shared by each writer of another process."""
WRITE_LOCK_FILE = "write.lock"
"""Held exclusively for the duration of one change."""

_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()
_writing_here = threading.local()
"""The stores this thread is changing, so that a nested ``writing()`` neither waits for itself nor is refused."""


def _thread_lock(key: str) -> threading.Lock:
    """One lock per store and process: a file lock does not keep this process's threads apart
    (each would open the lock file anew and be refused by its own process)."""
    with _thread_locks_guard:
        return _thread_locks.setdefault(key, threading.Lock())


def served_message(settings: Settings, holder: str) -> str:
    return (
        f"the knowledge base in {settings.home} is in use by `kb serve` (pid {holder}), which owns the embedded "
        "store while it runs, so this change was refused and nothing was changed. Upload, remove or edit documents "
        "in the web app's staff console, or stop the server first; to change documents from the command line while "
        "the app runs, keep the knowledge base on a Chroma server instead (server mode, KB_CHROMA_URL)."
    )


@contextmanager
def _outside_the_server(settings: Settings) -> Iterator[None]:
    """Refuse a change while another process serves the store; hold the serve lock shared
    meanwhile, so that `kb serve` cannot start in the middle of the change."""
    lock_path = Path(settings.home) / SERVE_LOCK_FILE
    with lock_path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            shared = True
        except BlockingIOError:
            shared = False
        if not shared:
            holder = lock_holder(lock_path)
            if holder != str(os.getpid()):
                raise StoreBusy(served_message(settings, holder))
        try:
            yield
        finally:
            if shared:
                fcntl.flock(handle, fcntl.LOCK_UN)


def refuse_if_served(settings: Settings) -> None:
    """Fail early, before any work, when a change would be refused because `kb serve` owns the store."""
    if settings.chroma_url or not (Path(settings.home) / SERVE_LOCK_FILE).exists():
        return
    with _outside_the_server(settings):
        pass


@contextmanager
def _write_lock(settings: Settings) -> Iterator[None]:
    lock_path = Path(settings.home) / WRITE_LOCK_FILE
    with lock_path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreBusy(
                f"another process (pid {lock_holder(lock_path)}) is writing to the knowledge base in "
                f"{settings.home}; wait for it to finish, or run a Chroma server (KB_CHROMA_URL) so "
                "that several processes can write."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def lock_holder(lock_path: Path) -> str:
    """The process id a lock file's holder wrote into it."""
    try:
        return lock_path.read_text().strip() or "unknown"
    except OSError:
        return "unknown"
