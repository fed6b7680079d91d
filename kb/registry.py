"""The document registry: one record per document, stored in Chroma beside the vectors.

Keeping it in Chroma (a collection of its own) rather than in a local file means that in
server mode every app replica sees the same documents, and that the registry and the vectors
are backed up, moved and deleted together.

A record's ``version`` is the commit point of ingestion: search only returns chunks whose
version is the version of a stored record. Chunks of a new version are written first, then
the record is switched to it in one upsert, then the old chunks are deleted, so a search
never sees half a document or two versions of one, even when ingestion is killed.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple, TypeVar

from chromadb.api.models.Collection import Collection

from kb.errors import AmbiguousDocument, DocumentNotFound

T = TypeVar("T")

PLACEHOLDER_VECTOR = [0.0]
"""Chroma stores a vector with every entry; registry entries are looked up by id and metadata only."""

DOC_FIELDS = ("date", "doc_type", "status", "repealed_by", "identifier")
"""Descriptive fields copied onto every chunk so that search can filter and cite by them."""


class CommittedState(NamedTuple):
    """What search may see: the committed chunk versions, and a fingerprint of the registry."""

    versions: list[str]
    fingerprint: str
    chunks: int | None = None
    """How many chunks the committed versions hold (None for records written before this was kept)."""


@dataclass
class DocumentRecord:
    """Everything known about one stored document."""

    doc_id: str
    path: str
    source: str
    sha256: str
    version: str
    file_type: str
    title: str
    lang: str
    pages: int | None
    chunk_ids: list[str]
    ingested_at: str
    metadata: dict[str, str] = field(default_factory=dict)
    """Descriptive metadata: date, doc_type, status, repealed_by, identifier, and anything given with --meta."""
    aliases: list[str] = field(default_factory=list)
    """Other paths holding the same content, recorded instead of being embedded again."""

    @property
    def chunks(self) -> int:
        return len(self.chunk_ids)

    def summary(self) -> dict[str, Any]:
        """The `kb docs --json` shape (DESIGN.md), plus descriptive metadata and aliases."""
        return {
            "doc_id": self.doc_id,
            "source": self.source,
            "path": self.path,
            "title": self.title,
            "lang": self.lang,
            "pages": self.pages,
            "chunks": self.chunks,
            "sha256": self.sha256,
            "ingested_at": self.ingested_at,
            "file_type": self.file_type,
            "metadata": dict(self.metadata),
            "aliases": list(self.aliases),
        }

    def chunk_fields(self) -> dict[str, str]:
        """Document-level fields that every chunk of this document carries."""
        fields = {name: str(self.metadata[name]) for name in DOC_FIELDS if self.metadata.get(name) not in (None, "")}
        return {"title": self.title, "doc_lang": self.lang, **fields}


class Registry:
    """Document records (and aliases) in a Chroma collection of their own."""

    def __init__(self, collection: Collection):
        self._collection = collection
        self._local = threading.local()

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Within the block, the calling thread reads the committed state and the list of records
        once and reuses them (a nested block joins the outer one; a write clears them).

        Answering one question read the registry three or four times (the search's committed
        state, the documents the question may name, the lexical index the answerer weighs words
        with), 1.5 ms each at 27 documents, and a document committed between two reads could be
        seen by one and not the other. Other threads, and this one after the block, read afresh.
        """
        if getattr(self._local, "reads", None) is not None:
            yield
            return
        self._local.reads = {}
        try:
            yield
        finally:
            self._local.reads = None

    def _read(self, key: str, read: Callable[[], T]) -> T:
        """``read()``, or within a snapshot the value it gave the first time."""
        reads = getattr(self._local, "reads", None)
        if reads is None:
            return read()
        if key not in reads:
            reads[key] = read()
        return reads[key]

    def _written(self) -> None:
        """A write by this thread within a snapshot: what it wrote is read back, not the state before."""
        if getattr(self._local, "reads", None):
            self._local.reads = {}

    def get(self, doc_id: str) -> DocumentRecord | None:
        result = self._collection.get(ids=[doc_id], where={"kind": "document"}, include=["documents"])
        return _record_from_json(result["documents"][0]) if result["ids"] else None

    def all(self) -> list[DocumentRecord]:
        return list(self._read("all", self._all_records))

    def _all_records(self) -> list[DocumentRecord]:
        result = self._collection.get(where={"kind": "document"}, include=["documents"])
        records = [_record_from_json(text) for text in result["documents"]]
        return sorted(records, key=lambda record: record.source.lower())

    def committed_versions(self) -> list[str]:
        """Chunk versions search may return: one per document that finished ingesting."""
        return self.committed_state().versions

    def committed_state(self) -> "CommittedState":
        """The committed versions, and a fingerprint that also changes when metadata changes
        (a title edited with `kb set` keeps the version but changes what the lexical index holds)."""
        return self._read("committed state", self._committed_state)

    def _committed_state(self) -> "CommittedState":
        result = self._collection.get(where={"kind": "document"}, include=["metadatas"])
        metadatas = result["metadatas"]
        versions = [meta["version"] for meta in metadatas]
        revisions = sorted(f"{meta['version']}:{meta.get('revision', '')}" for meta in metadatas)
        counts = [meta.get("chunks") for meta in metadatas]
        chunks = None if None in counts else sum(counts)
        return CommittedState(versions, hashlib.sha256("\n".join(revisions).encode()).hexdigest(), chunks)

    def find_by_sha256(self, sha256: str) -> DocumentRecord | None:
        result = self._collection.get(
            where={"$and": [{"kind": "document"}, {"sha256": sha256}]}, include=["documents"]
        )
        return _record_from_json(result["documents"][0]) if result["ids"] else None

    def alias_target(self, alias_id: str) -> str | None:
        result = self._collection.get(ids=[alias_id], where={"kind": "alias"}, include=["metadatas"])
        return result["metadatas"][0]["alias_of"] if result["ids"] else None

    def aliases(self) -> list[dict[str, str]]:
        result = self._collection.get(where={"kind": "alias"}, include=["metadatas"])
        return [dict(meta, alias_id=alias_id) for alias_id, meta in zip(result["ids"], result["metadatas"])]

    def save(self, record: DocumentRecord) -> None:
        """Write a record: the commit point that makes its version's chunks searchable."""
        self._written()
        self._collection.upsert(
            ids=[record.doc_id],
            embeddings=[PLACEHOLDER_VECTOR],
            documents=[json.dumps(asdict(record), ensure_ascii=False)],
            metadatas=[
                {
                    "kind": "document",
                    "path": record.path,
                    "sha256": record.sha256,
                    "version": record.version,
                    "revision": uuid.uuid4().hex,
                    "chunks": len(record.chunk_ids),
                }
            ],
        )

    def save_alias(self, alias_id: str, path: str, target: DocumentRecord) -> None:
        self._written()
        self._collection.upsert(
            ids=[alias_id],
            embeddings=[PLACEHOLDER_VECTOR],
            documents=[path],
            metadatas=[{"kind": "alias", "path": path, "alias_of": target.doc_id, "sha256": target.sha256}],
        )

    def delete(self, ids: list[str]) -> None:
        if ids:
            self._written()
            self._collection.delete(ids=ids)

    def resolve(self, reference: str) -> DocumentRecord:
        """A document by doc_id, path or unambiguous source (file name): how commands accept a document."""
        from kb.ids import canonical_location, doc_id_for

        for candidate in (reference, doc_id_for(reference)):
            record = self.get(candidate)
            if record is not None:
                return record
            target = self.alias_target(candidate)
            if target is not None and (record := self.get(target)) is not None:
                return record
        records = self.all()
        location = canonical_location(reference)
        matches = [r for r in records if _refers_to(r, reference, location)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise DocumentNotFound(
                f"no document matches '{reference}' (give a doc_id, a path or a file name; see `kb docs`)"
            )
        listing = "; ".join(f"{r.doc_id} {r.path}" for r in matches)
        raise AmbiguousDocument(f"'{reference}' matches {len(matches)} documents: {listing}. Give a doc_id or a path.")


def _refers_to(record: DocumentRecord, reference: str, location: str) -> bool:
    """Does a path or file name name this document, or one of its aliases?"""
    paths = [record.path, *record.aliases]
    return location in paths or reference in {path.rsplit("/", 1)[-1] for path in paths}


def _record_from_json(text: str) -> DocumentRecord:
    return DocumentRecord(**json.loads(text))
