"""Operations on stored documents shared by the command line and the web app: list, remove,
change metadata, and keep statute status in step with repeal clauses.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from kb.embeddings import KBEmbeddings
from kb.ids import is_url
from kb.passage_text import embedding_text
from kb.registry import DOC_FIELDS, DocumentRecord
from kb.settings import Settings
from kb.store import KnowledgeStore

STATUS_FIELDS = ("status", "repealed_by")


def file_copy_dir(settings: Settings, doc_id: str) -> Path:
    """Where the copy of a document's file is kept (for source links)."""
    return settings.resolved_files_dir / doc_id


def remove_document(store: KnowledgeStore, record: DocumentRecord) -> None:
    """Delete a document, all its chunks (and their stored sentences), its aliases and its file copy.

    The registry record goes first: from that moment its chunks are no longer searchable, so
    a removal interrupted halfway leaves only invisible chunks, which the next ingestion
    collects.
    """
    alias_ids = [alias["alias_id"] for alias in store.registry.aliases() if alias["alias_of"] == record.doc_id]
    store.registry.delete([record.doc_id, *alias_ids])
    store.delete_chunks_of(record.doc_id)
    shutil.rmtree(file_copy_dir(store.settings, record.doc_id), ignore_errors=True)


def collect_garbage(store: KnowledgeStore) -> int:
    """Delete chunks, and stored sentences, no registry record points at (left by an interrupted
    run); returns how many chunks."""
    versions = store.registry.committed_versions()
    where = {"version": {"$nin": versions}} if versions else None
    orphans = 0
    for collection in (store.chunks, store.sentences):
        orphan_ids = store.ids_where(collection, where)
        for start in range(0, len(orphan_ids), 1000):
            collection.delete(ids=orphan_ids[start : start + 1000])
        if collection is store.chunks:
            orphans = len(orphan_ids)
    return orphans


def set_metadata(
    store: KnowledgeStore, record: DocumentRecord, fields: dict[str, str], embeddings: KBEmbeddings | None = None
) -> DocumentRecord:
    """Change descriptive metadata (and the title) without embedding the document's text again.

    An empty value removes a field. Fields set here count as given by a person, so detection
    (e.g. a later repeal clause) will not override them. A chunk's vector is made with its
    document's title in front (kb.passage_text), so a new title re-embeds the chunks when
    ``embeddings`` is given (their sentences, which carry no title, stay as they are).
    """
    metadata = dict(record.metadata)
    given = set(filter(None, metadata.get("given_fields", "").split(",")))
    for key, value in fields.items():
        if key == "title":
            record.title = value or record.source
        elif value:
            metadata[key] = value
        else:
            metadata.pop(key, None)
        given.add(key)
    metadata["given_fields"] = ",".join(sorted(given))
    record.metadata = metadata
    store.registry.save(record)
    removed = [name for name in DOC_FIELDS if name not in metadata]
    store.update_chunk_metadata(record.chunk_ids, record.chunk_fields(), removed)
    if embeddings is not None and "title" in fields:
        reembed_chunks(store, embeddings, record.chunk_ids)
    return record


def reembed_chunks(store: KnowledgeStore, embeddings: KBEmbeddings, chunk_ids: list[str], batch_size: int = 32) -> None:
    """Embed these chunks again from their stored text and metadata (kb.passage_text)."""
    for start in range(0, len(chunk_ids), batch_size):
        page = store.chunks.get(ids=chunk_ids[start : start + batch_size], include=["documents", "metadatas"])
        vectors = embeddings.embed_passages(
            [embedding_text(text, metadata) for text, metadata in zip(page["documents"], page["metadatas"])]
        )
        store.chunks.update(ids=page["ids"], embeddings=vectors)


def apply_repeals(store: KnowledgeStore) -> list[tuple[DocumentRecord, str]]:
    """Mark statutes repealed by another stored statute's repeal clause.

    Runs after every ingestion, so the order in which the two statutes arrive does not
    matter. A status a person gave (sidecar, --meta, `kb set`) is left alone.
    """
    records = store.registry.all()
    by_identifier = {r.metadata["identifier"]: r for r in records if r.metadata.get("identifier")}
    changed = []
    for repealer in records:
        for identifier in filter(None, (item.strip() for item in repealer.metadata.get("repeals", "").split(","))):
            target = by_identifier.get(identifier)
            if target is None or target.doc_id == repealer.doc_id:
                continue
            given = target.metadata.get("given_fields", "").split(",")
            if "status" in given or target.metadata.get("status") == "repealed":
                continue
            by = repealer.metadata.get("identifier", repealer.title)
            target.metadata.update(status="repealed", repealed_by=by)
            store.registry.save(target)
            store.update_chunk_metadata(target.chunk_ids, target.chunk_fields(), [])
            changed.append((target, by))
    return changed


def missing_under(store: KnowledgeStore, root: str) -> list[DocumentRecord]:
    """Documents stored from files under ``root`` whose files are gone (for `kb ingest --prune`)."""
    prefix = str(Path(root).expanduser().resolve())
    return [
        record
        for record in store.registry.all()
        if not is_url(record.path)
        and (record.path == prefix or record.path.startswith(prefix.rstrip("/") + "/"))
        and not Path(record.path).exists()
    ]


def missing_aliases_under(store: KnowledgeStore, root: str) -> list[str]:
    prefix = str(Path(root).expanduser().resolve()).rstrip("/") + "/"
    return [
        alias["alias_id"]
        for alias in store.registry.aliases()
        if alias["path"].startswith(prefix) and not Path(alias["path"]).exists()
    ]
