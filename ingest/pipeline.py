"""The ingestion pipeline: find, hash, load, clean, chunk, embed, store.

Each file is handled on its own: a broken file becomes one line in the report and the run
goes on. A document becomes searchable only when its registry record is written, after all
its chunks and their sentence vectors (see ``kb.registry``), so a run killed halfway leaves
nothing half visible, and the next run cleans up and completes it.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

import numpy as np

from ingest.chunking import chunk_document
from ingest.cleaning import clean_document
from ingest.discovery import Discovered, discover
from ingest.document import ChunkDraft, LoadedDocument
from ingest.errors import IngestError, UnsupportedFileType
from ingest.loaders import SUPPORTED_SUFFIXES, load_file, load_url
from ingest.loaders.titles import first_heading_like_line
from ingest.metadata import combine, detect_metadata, read_sidecar
from ingest.ocr import OcrOptions, OcrPageRead, using_ocr_options
from ingest.report import FileResult, IngestReport
from ingest.title_language import title_for_readers
from kb.documents import (
    apply_repeals,
    collect_garbage,
    file_copy_dir,
    missing_aliases_under,
    missing_under,
    remove_document,
    set_metadata,
)
from kb.embeddings import KBEmbeddings
from kb.ids import (
    canonical_location,
    chunk_id_for,
    doc_id_for,
    is_url,
    sha256_of_bytes,
    sha256_of_file,
    source_name,
    version_of,
)
from kb.language import detect_language, dominant_language
from kb.passage_text import embedding_text
from kb.registry import DocumentRecord
from kb.sentences import sentence_entries
from kb.settings import Settings
from kb.store import KnowledgeStore

MEGABYTE = 1024 * 1024
SENTENCE_BATCH = 256
"""Candidate sentences embedded per call at ingestion (about as many tokens as 32 chunks)."""


class IngestProgress(Protocol):
    """What the pipeline tells whoever shows progress (a terminal bar, the web console, a test)."""

    def file_started(self, location: str, index: int, total: int) -> None: ...

    def chunks_planned(self, location: str, total: int) -> None: ...

    def chunks_stored(self, location: str, count: int) -> None: ...

    def file_finished(self, result: FileResult) -> None: ...

    def ocr_page_read(self, event: OcrPageRead) -> None: ...


class SilentProgress:
    def file_started(self, location: str, index: int, total: int) -> None:
        pass

    def chunks_planned(self, location: str, total: int) -> None:
        pass

    def chunks_stored(self, location: str, count: int) -> None:
        pass

    def file_finished(self, result: FileResult) -> None:
        pass

    def ocr_page_read(self, event: OcrPageRead) -> None:
        pass


class Ingestor:
    """Ingests files, folders and URLs into one knowledge store."""

    def __init__(
        self,
        settings: Settings,
        store: KnowledgeStore,
        embeddings: KBEmbeddings,
        progress: IngestProgress | None = None,
    ):
        self.settings = settings
        self.store = store
        self.embeddings = embeddings
        self.progress = progress or SilentProgress()

    def ingest(self, locations: list[str], *, meta: dict[str, str] | None = None, prune: bool = False) -> IngestReport:
        """Ingest every location; with ``prune``, also remove documents whose files under them are gone."""
        report = IngestReport()
        ocr = OcrOptions.from_settings(self.settings, on_page=self._ocr_page_read)
        with self.store.writing(), using_ocr_options(ocr):
            self.store.ensure_embedder(self.embeddings.identity)
            collect_garbage(self.store)
            discovered = discover(locations)
            for index, item in enumerate(discovered, start=1):
                self.progress.file_started(item.location, index, len(discovered))
                result = self._ingest_one(item, meta or {})
                report.add(result)
                self.progress.file_finished(result)
            if prune:
                for root in locations:
                    if not is_url(root):
                        for result in self._prune(root):
                            report.add(result)
            apply_repeals(self.store)
        return report

    # -- one file --------------------------------------------------------------------------

    def _ingest_one(self, item: Discovered, meta: dict[str, str]) -> FileResult:
        location = item.location
        if item.skip_reason:
            return FileResult(location, "skipped", detail=item.skip_reason)
        try:
            if is_url(location):
                return self._ingest_url(location, meta)
            return self._ingest_file(Path(location), meta)
        except UnsupportedFileType as error:
            return FileResult(location, "skipped", detail=error.reason)
        except IngestError as error:
            return FileResult(location, "failed", detail=error.reason)
        except OSError as error:
            return FileResult(location, "failed", detail=error.strerror or str(error))

    def _ingest_file(self, path: Path, meta: dict[str, str]) -> FileResult:
        location = str(path)
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
            return FileResult(location, "skipped", detail=f"unsupported file type '{path.suffix or path.name}' (supported: {supported})")
        canonical = canonical_location(path)
        doc_id = doc_id_for(canonical)
        sha256 = sha256_of_file(path)
        sidecar = read_sidecar(path)
        existing = self.store.registry.get(doc_id)
        if existing and existing.sha256 == sha256:
            self._refresh_given_metadata(existing, {**sidecar, **meta})
            return FileResult(location, "unchanged", doc_id=doc_id)
        if existing is None:
            original = self.store.registry.find_by_sha256(sha256)
            if original is not None and original.doc_id != doc_id and _still_exists(original.path):
                self._record_alias(doc_id, canonical, original)
                return FileResult(location, "duplicate", detail=original.path, doc_id=original.doc_id)
        document = self._read(location, lambda: load_file(path, max_bytes=int(self.settings.max_file_mb * MEGABYTE)))
        return self._store(document, sha256, existing, sidecar, meta, copy_from=path)

    def _ingest_url(self, url: str, meta: dict[str, str]) -> FileResult:
        document = self._read(
            url,
            lambda: load_url(url, timeout=self.settings.url_timeout_s, max_bytes=int(self.settings.url_max_mb * MEGABYTE)),
        )
        sha256 = sha256_of_bytes(document.full_text().encode("utf-8"))
        existing = self.store.registry.get(doc_id_for(url))
        if existing and existing.sha256 == sha256:
            self._refresh_given_metadata(existing, meta)
            return FileResult(url, "unchanged", doc_id=existing.doc_id)
        return self._store(document, sha256, existing, {}, meta, copy_from=None)

    def _ocr_page_read(self, event: OcrPageRead) -> None:
        self.progress.ocr_page_read(event)

    @staticmethod
    def _read(location: str, load) -> LoadedDocument:
        """Run a loader; a library failing on a malformed file is that file's failure, not the run's."""
        try:
            return load()
        except (IngestError, OSError):
            raise
        except Exception as error:  # noqa: BLE001 - third-party parsers raise anything on bad input
            raise IngestError(location, f"could not read the file ({type(error).__name__}: {error})") from error

    def _store(
        self,
        loaded: LoadedDocument,
        sha256: str,
        existing: DocumentRecord | None,
        sidecar: dict[str, str],
        meta: dict[str, str],
        copy_from: Path | None,
    ) -> FileResult:
        location = loaded.path
        document = clean_document(loaded)
        drafts = chunk_document(
            document,
            count_tokens=self.embeddings.count_tokens,
            max_tokens=min(self.settings.chunk_tokens, self.embeddings.max_tokens),
            overlap_tokens=self.settings.chunk_overlap_tokens,
        )
        if not drafts:
            raise IngestError(location, "no text left after cleaning")
        languages = tuple(self.settings.languages)
        chunk_languages = [detect_language(draft.text, languages) for draft in drafts]
        metadata = combine({**detect_metadata(document), **_ocr_report(loaded)}, sidecar, meta)
        doc_lang = metadata.pop("lang", None) or dominant_language(chunk_languages, [len(d.text) for d in drafts])
        title = (
            metadata.pop("title", None)
            or title_for_readers(_title_after_cleaning(loaded, document), loaded.title_candidates, languages)
            or readable_name(document.source)
        )
        doc_id = doc_id_for(location)
        version = version_of(sha256)
        record = DocumentRecord(
            doc_id=doc_id,
            path=location,
            source=document.source or source_name(location),
            sha256=sha256,
            version=version,
            file_type=document.file_type,
            title=title,
            lang=doc_lang,
            pages=document.pages,
            chunk_ids=[chunk_id_for(doc_id, version, draft.position) for draft in drafts],
            ingested_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            metadata=metadata,
            aliases=existing.aliases if existing else [],
        )
        # Chunks of a run killed before its commit are invisible; clear them before writing.
        self.store.delete_chunks_of(doc_id, except_version=existing.version if existing else None)
        self._write_chunks(record, drafts, chunk_languages)
        if copy_from is not None and self.settings.keep_file_copies:
            self._keep_copy(record, copy_from)
        self.store.registry.save(record)  # the commit point
        self.store.delete_chunks_of(doc_id, except_version=version)
        return FileResult(location, "updated" if existing else "added", chunks=len(drafts), doc_id=doc_id)

    def _write_chunks(self, record: DocumentRecord, drafts: list[ChunkDraft], languages: list[str]) -> None:
        self.progress.chunks_planned(record.path, len(drafts))
        shared = {
            "doc_id": record.doc_id,
            "version": record.version,
            "source": record.source,
            "path": record.path,
            "file_type": record.file_type,
            **record.chunk_fields(),
        }
        batch_size = self.settings.embed_batch_size
        sentences = SentenceWriter(self.store, self.embeddings, record.doc_id, record.version)
        for start in range(0, len(drafts), batch_size):
            batch = drafts[start : start + batch_size]
            texts = [draft.text for draft in batch]
            metadatas = [
                _chunk_metadata(shared, draft, language)
                for draft, language in zip(batch, languages[start : start + batch_size])
            ]
            vectors = self.embeddings.embed_passages(
                [embedding_text(text, metadata) for text, metadata in zip(texts, metadatas)]
            )
            chunk_ids = record.chunk_ids[start : start + batch_size]
            self.store.add_chunks(chunk_ids, texts, vectors, metadatas)
            sentences.add(chunk_ids, texts)
            self.progress.chunks_stored(record.path, len(batch))
        sentences.flush()

    def _keep_copy(self, record: DocumentRecord, source: Path) -> None:
        folder = file_copy_dir(self.settings, record.doc_id)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        shutil.copy2(source, folder / record.source)

    def _record_alias(self, alias_id: str, path: str, original: DocumentRecord) -> None:
        self.store.registry.save_alias(alias_id, path, original)
        if path not in original.aliases:
            original.aliases.append(path)
            self.store.registry.save(original)

    def _refresh_given_metadata(self, record: DocumentRecord, given: dict[str, str]) -> None:
        """Apply sidecar or --meta values that changed since the last run, without re-embedding the text
        (a new title re-embeds the chunks, whose vectors carry it: kb.passage_text)."""
        changes = {key: value for key, value in given.items() if _current_value(record, key) != value}
        if changes:
            set_metadata(self.store, record, changes, self.embeddings)

    # -- pruning ---------------------------------------------------------------------------

    def _prune(self, root: str) -> list[FileResult]:
        results = []
        for record in missing_under(self.store, root):
            remove_document(self.store, record)
            results.append(FileResult(record.path, "removed", doc_id=record.doc_id))
        stale_aliases = missing_aliases_under(self.store, root)
        if stale_aliases:
            self.store.registry.delete(stale_aliases)
            for record in self.store.registry.all():
                kept = [alias for alias in record.aliases if _still_exists(alias)]
                if kept != record.aliases:
                    record.aliases = kept
                    self.store.registry.save(record)
        return results


class SentenceWriter:
    """Stores the vectors of the chunks' candidate sentences (what the default answerer scores),
    so that answering looks them up instead of embedding them for every question.

    Written with the chunks, before the registry record, and tagged with the same doc_id and
    version, so they are committed, replaced, removed and collected together with their chunks.
    A sentence repeated in a document (the overlap between neighbouring chunks) is embedded once.
    Sentences are embedded ``SENTENCE_BATCH`` at a time whatever the chunk batch: each call to the
    embedder has a fixed cost, which a loaded machine makes large.
    """

    def __init__(self, store: KnowledgeStore, embeddings: KBEmbeddings, doc_id: str, version: str):
        self.store = store
        self.embeddings = embeddings
        self.doc_id = doc_id
        self.version = version
        self._vectors: dict[str, np.ndarray] = {}
        self._pending: list[tuple[str, str, dict]] = []
        self._unembedded: dict[str, None] = {}

    def add(self, chunk_ids: list[str], texts: list[str]) -> None:
        """Queue the sentences of these chunks; written once ``SENTENCE_BATCH`` need embedding."""
        for chunk_id, text in zip(chunk_ids, texts):
            for entry in sentence_entries(chunk_id, text, self.doc_id, self.version):
                self._pending.append(entry)
                if entry[1] not in self._vectors:
                    self._unembedded[entry[1]] = None
        if len(self._unembedded) >= SENTENCE_BATCH:
            self.flush()

    def flush(self) -> None:
        """Embed and write every queued sentence (before the document's record is committed)."""
        if self._unembedded:
            texts = list(self._unembedded)
            self._vectors.update(zip(texts, self.embeddings.embed_passages(texts)))
            self._unembedded.clear()
        if self._pending:
            ids, sentences, metadatas = map(list, zip(*self._pending))
            self.store.add_sentences(ids, sentences, np.stack([self._vectors[text] for text in sentences]), metadatas)
            self._pending.clear()


def _chunk_metadata(shared: dict[str, str], draft: ChunkDraft, language: str) -> dict:
    metadata: dict = {**shared, "position": draft.position, "lang": language}
    if draft.page is not None:
        metadata["page"] = draft.page
    if draft.page_label:
        metadata["page_label"] = draft.page_label
    if draft.heading:
        metadata["section"] = draft.heading
    if draft.ocr:
        metadata["ocr"] = True
    return metadata


def _ocr_report(loaded: LoadedDocument) -> dict[str, str]:
    """What the PDF loader says about OCR (pages read, failed, skipped), kept on the record."""
    return {key: value for key, value in loaded.metadata.items() if key.startswith("ocr_") or key == "unreadable_pages"}


def readable_name(source: str) -> str:
    """A file name as a title of last resort: "un_protocol-2000.md" -> "un protocol 2000"."""
    stem = source.rsplit(".", 1)[0] if "." in source else source
    return " ".join(stem.replace("_", " ").replace("-", " ").split()) or source


def _title_after_cleaning(loaded: LoadedDocument, cleaned: LoadedDocument) -> str | None:
    """A plain-text file's title is its first heading-like line; if cleaning removed that line
    (a navigation label of a scraped page), the title comes from the cleaned text instead."""
    if loaded.file_type != "txt" or (loaded.title and loaded.title in cleaned.full_text()):
        return loaded.title
    return first_heading_like_line(cleaned.full_text()) or loaded.title


def _current_value(record: DocumentRecord, key: str) -> str | None:
    return record.title if key == "title" else record.metadata.get(key)


def _still_exists(location: str) -> bool:
    return is_url(location) or Path(location).exists()
