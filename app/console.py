"""The staff console: upload and remove documents, change their metadata, inspect retrieval,
review feedback.

It is mounted as its own Gradio app behind sign-in (app.web), so none of its endpoints answers
a request without the session cookie of a signed-in staff user. Each handler checks the user
again all the same (``require_staff``): a handler that somehow ran without one must refuse
rather than act anonymously, since every change is written to the audit log under the user's
name. Labels are in both languages at once: staff are few and read both.

Ingestion runs in this process, in a worker thread, while the public chat keeps answering; its
progress (files, chunk batches, OCR pages) is shown as it happens.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import gradio as gr

from app import render
from app.services import WebServices
from ingest.metadata import parse_meta_options
from ingest.pipeline import Ingestor
from ingest.report import FileResult
from kb.documents import remove_document, set_metadata

UPLOAD_TYPES = {
    ".pdf": b"%PDF-",
    ".docx": b"PK\x03\x04",
    ".md": None,
    ".markdown": None,
    ".txt": None,
    ".text": None,
    ".html": None,
    ".htm": None,
}
"""What staff may upload, with the bytes a file of that type starts with (None: text, which must
hold no NUL byte). A renamed executable or archive is refused before it reaches a parser."""
CONSOLE_EMBED_BATCH = 8
"""Chunks embedded per call when the console ingests. The embedder runs one call at a time, so a
question arriving mid-ingestion waits for the batch being embedded: small batches keep that wait
short (about a second) at little cost to ingestion speed."""
_SAFE_NAME = re.compile(r"[^\w.()\- ]+")
log = logging.getLogger(__name__)


def require_staff(request: gr.Request | None) -> str:
    """The signed-in staff user, or an error: no staff action runs anonymously."""
    user = getattr(request, "username", None) if request is not None else None
    if not user:
        raise gr.Error("Silakan masuk terlebih dahulu. / Please sign in first.")
    return str(user)


def safe_file_name(name: str) -> str:
    """An upload's own name reduced to a plain file name (it becomes the document's `source`)."""
    base = Path(name.replace("\\", "/")).name
    base = _SAFE_NAME.sub("_", base).strip(" .")
    return base[:150] or "document"


def check_upload(path: Path, max_mb: float) -> str | None:
    """Why an uploaded file is refused (type, size, content), or None when it may be ingested."""
    suffix = path.suffix.lower()
    if suffix not in UPLOAD_TYPES:
        return f"type {suffix or '(none)'} is not accepted (accepted: {', '.join(sorted(UPLOAD_TYPES))})"
    size = path.stat().st_size
    if size == 0:
        return "the file is empty"
    if size > max_mb * 1024 * 1024:
        return f"the file is {size / 1024 / 1024:.1f} MB, more than the {max_mb:g} MB allowed"
    with path.open("rb") as handle:
        head = handle.read(8192)
    magic = UPLOAD_TYPES[suffix]
    if magic is not None and not head.startswith(magic):
        return f"the content is not a {suffix[1:].upper()} file"
    if magic is None and b"\x00" in head:
        return "the content is binary, not text"
    return None


class ConsoleProgress:
    """The ingestion progress protocol (ingest.pipeline.IngestProgress), kept for the page to poll:
    the pipeline runs in a worker thread and the page reads its state twice a second."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.lines: list[str] = []
        self.index = 0
        self.total = 0
        self.planned = 0
        self.stored = 0
        self.ocr: tuple[int, int] | None = None
        self.name = ""

    def file_started(self, location: str, index: int, total: int) -> None:
        with self._lock:
            self.index, self.total, self.planned, self.stored, self.ocr = index, total, 0, 0, None
            self.name = Path(location).name or location
            self.lines.append(f"[{index}/{total}] {self.name}")

    def chunks_planned(self, location: str, total: int) -> None:
        with self._lock:
            self.planned, self.stored = total, 0

    def chunks_stored(self, location: str, count: int) -> None:
        with self._lock:
            self.stored += count

    def ocr_page_read(self, event) -> None:
        with self._lock:
            self.ocr = (event.done, event.total)

    def file_finished(self, result: FileResult) -> None:
        with self._lock:
            detail = f": {result.detail}" if result.detail else ""
            chunks = f", {result.chunks} chunks" if result.chunks else ""
            self.lines.append(f"    {result.outcome}{chunks}{detail}")

    def fraction(self) -> float:
        with self._lock:
            if not self.total:
                return 0.0
            within = self.stored / self.planned if self.planned else 0.0
            return min(1.0, (self.index - 1 + within) / self.total)

    def status(self) -> str:
        with self._lock:
            if not self.total:
                return "starting / memulai"
            parts = [f"file {self.index}/{self.total} ({self.name})"]
            if self.ocr:
                parts.append(f"OCR page {self.ocr[0]}/{self.ocr[1]}")
            if self.planned:
                parts.append(f"chunks {self.stored}/{self.planned}")
            return ", ".join(parts)

    def log(self) -> str:
        with self._lock:
            return "\n".join(self.lines)


def _document_choices(knowledge_base) -> list[tuple[str, str]]:
    return [(f"{record.source} — {record.title} ({record.doc_id})", record.doc_id)
            for record in sorted(knowledge_base.documents(), key=lambda r: r.source.lower())]


def documents_table(knowledge_base) -> str:
    records = sorted(knowledge_base.documents(), key=lambda r: r.source.lower())
    rows = []
    for record in records:
        status = record.metadata.get("status", "")
        if record.metadata.get("repealed_by"):
            status += f" ({record.metadata['repealed_by']})"
        rows.append((record.source, record.title, record.lang, record.pages or "", record.chunks, status,
                     record.metadata.get("date", ""), record.ingested_at[:16].replace("T", " "), record.doc_id))
    return (f"<p>{len(records)} dokumen / documents</p>"
            + render.html_table(["source", "title", "lang", "pages", "chunks", "status", "date",
                                 "ingested (UTC)", "doc_id"], rows, empty="no documents / belum ada dokumen"))


def feedback_table(services: WebServices, limit: int = 200) -> str:
    rows = []
    items = services.feedback.list(limit=limit)
    for item in items:
        cited = "; ".join(f"[{c.get('n')}] {c.get('title') or c.get('source')}" + (f" p. {c['page']}" if c.get("page") else "")
                          for c in item.get("citations") or [])
        rows.append((item["time"].replace("T", " ")[:19], "+1" if item["rating"] > 0 else "-1", item.get("language", ""),
                     item["question"], render._shorten(item["answer"], 300), cited, item.get("comment", "")))
    good = sum(1 for item in items if item["rating"] > 0)
    summary = f"<p>{len(items)} terakhir / latest: +1: {good}, -1: {len(items) - good}</p>"
    return summary + render.html_table(["time (UTC)", "rating", "lang", "question", "answer", "sources", "comment"],
                                       rows, empty="no feedback yet / belum ada masukan")


def audit_table(services: WebServices, limit: int = 200) -> str:
    entries = services.audit.read(limit)
    rows = []
    for entry in entries:
        entry = dict(entry)
        when = str(entry.pop("time", ""))
        user = entry.pop("user", "")
        action = entry.pop("action", "")
        details = entry.pop("details", None)
        if isinstance(details, dict):
            entry.update(details)
        rows.append((when, user, action, "; ".join(f"{key}={value}" for key, value in entry.items())))
    return render.html_table(["time", "user", "action", "details"], rows, empty="no staff actions yet / belum ada")


def build_console(services: WebServices) -> gr.Blocks:
    knowledge_base = services.knowledge_base
    settings = knowledge_base.settings
    uploads_dir = Path(settings.home) / "uploads"
    ingest_lock = threading.Lock()

    def refresh_documents(request: gr.Request):
        require_staff(request)
        choices = _document_choices(knowledge_base)
        return documents_table(knowledge_base), gr.update(choices=choices, value=None), gr.update(choices=choices, value=None)

    def upload(files: list[str] | None, request: gr.Request, progress=gr.Progress()):
        """Checks, keeps and ingests the uploaded files, reporting progress as the pipeline goes."""
        user = require_staff(request)
        lines: list[str] = []
        checked: list[tuple[Path, str]] = []
        for item in files or []:
            path = Path(item if isinstance(item, str) else getattr(item, "name", str(item)))
            name = safe_file_name(path.name)
            reason = check_upload(path, settings.max_file_mb)
            if reason:
                lines.append(f"refused {name}: {reason}")
            else:
                checked.append((path, name))
        if not checked:
            lines = lines or ["nothing to ingest / tidak ada yang diproses"]
            services.audit.write(user, "upload_refused", files=[Path(str(f)).name for f in files or []], reasons=lines)
            yield "\n".join(lines), gr.skip(), gr.skip(), gr.skip()
            return
        if not ingest_lock.acquire(blocking=False):
            yield "\n".join([*lines, "another ingestion is running; try again when it ends / "
                             "proses lain sedang berjalan; coba lagi nanti"]), gr.skip(), gr.skip(), gr.skip()
            return
        tracker = ConsoleProgress()
        outcome: dict = {}
        refused = list(lines)
        try:
            uploads_dir.mkdir(parents=True, exist_ok=True)
            accepted = []
            for path, name in checked:
                shutil.copyfile(path, uploads_dir / name)
                accepted.append(uploads_dir / name)
        except BaseException:
            ingest_lock.release()
            raise

        def run() -> None:
            """Ingests, audits and frees the lock in the worker, so all three happen even when the
            page that started the upload is closed halfway."""
            try:
                try:
                    ingest_settings = settings.model_copy(
                        update={"embed_batch_size": min(settings.embed_batch_size, CONSOLE_EMBED_BATCH)})
                    outcome["report"] = Ingestor(ingest_settings, knowledge_base.store, knowledge_base.embeddings,
                                                 tracker).ingest([str(path) for path in accepted])
                except BaseException as error:  # noqa: BLE001 - shown to the staff user, who can act on it
                    log.exception("ingestion from the staff console failed")
                    outcome["error"] = f"{type(error).__name__}: {error}"
                report = outcome.get("report")
                services.audit.write(user, "upload", files=[path.name for path in accepted], refused=refused,
                                     result=report.to_json() if report else {"error": outcome.get("error")})
            finally:
                ingest_lock.release()

        started = time.monotonic()
        worker = threading.Thread(target=run, name="console-ingest", daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(0.5)
            progress(tracker.fraction(), desc=tracker.status())
            yield ("\n".join([*lines, tracker.log(), f"… {tracker.status()} ({time.monotonic() - started:.0f} s)"]),
                   gr.skip(), gr.skip(), gr.skip())
        report = outcome.get("report")
        if report:
            summary = report.to_json()
            lines.append(tracker.log())
            lines.append(f"added {summary['added']}, updated {summary['updated']}, unchanged {summary['unchanged']}, "
                         f"duplicates {len(summary['duplicates'])}, skipped {len(summary['skipped'])}, "
                         f"failed {len(summary['failed'])}; {summary['chunks']} chunks written "
                         f"in {time.monotonic() - started:.1f} s")
        else:
            lines.append(f"ingestion failed / gagal: {outcome.get('error') or 'stopped unexpectedly (see the server log)'}")
        choices = _document_choices(knowledge_base)
        yield ("\n".join(line for line in lines if line), documents_table(knowledge_base),
               gr.update(choices=choices, value=None), gr.update(choices=choices, value=None))

    def remove(doc_id: str | None, request: gr.Request):
        user = require_staff(request)
        if not doc_id:
            raise gr.Error("Pilih dokumen. / Choose a document.")
        record = knowledge_base.document(doc_id)
        with knowledge_base.store.writing():
            remove_document(knowledge_base.store, record)
        upload_copy = uploads_dir / record.source
        if upload_copy.is_file() and Path(record.path) == upload_copy.resolve():
            upload_copy.unlink(missing_ok=True)
        services.audit.write(user, "remove", doc_id=record.doc_id, source=record.source, path=record.path,
                             chunks=record.chunks)
        choices = _document_choices(knowledge_base)
        return (f"removed / dihapus: {record.source} ({record.chunks} chunks)", documents_table(knowledge_base),
                gr.update(choices=choices, value=None), gr.update(choices=choices, value=None))

    def show_metadata(doc_id: str | None, request: gr.Request):
        require_staff(request)
        if not doc_id:
            return {}
        record = knowledge_base.document(doc_id)
        return {"title": record.title, **record.metadata}

    def save_metadata(doc_id: str | None, changes_text: str, request: gr.Request):
        user = require_staff(request)
        if not doc_id:
            raise gr.Error("Pilih dokumen. / Choose a document.")
        try:
            changes = parse_meta_options([line.strip() for line in (changes_text or "").splitlines() if line.strip()])
        except ValueError as error:
            raise gr.Error(str(error)) from None
        if not changes:
            raise gr.Error("Tulis key=value, satu per baris. / Write key=value, one per line.")
        record = knowledge_base.document(doc_id)
        before = {key: (record.title if key == "title" else record.metadata.get(key)) for key in changes}
        with knowledge_base.store.writing():
            record = set_metadata(knowledge_base.store, record, changes, knowledge_base.embeddings)
        services.audit.write(user, "set_metadata", doc_id=record.doc_id, source=record.source, changes=changes,
                             before=before)
        return {"title": record.title, **record.metadata}, documents_table(knowledge_base), ""

    def retrieval(question: str, k: float, retriever: str, request: gr.Request):
        require_staff(request)
        question = " ".join((question or "").split())[:500]
        if not question:
            return ""
        hits = knowledge_base.search(question, int(k), retriever=retriever)
        return render.hits_table(hits)

    def show_feedback(request: gr.Request):
        require_staff(request)
        return feedback_table(services)

    def export_feedback(request: gr.Request):
        user = require_staff(request)
        folder = Path(tempfile.mkdtemp(prefix="kb-feedback-"))
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        target = folder / f"feedback-{stamp}.csv"
        with target.open("w", encoding="utf-8", newline="") as handle:
            rows = services.feedback.export_csv(handle)
        services.audit.write(user, "export_feedback", rows=rows)
        return gr.update(value=str(target), visible=True), f"{rows} rows / baris"

    def purge_feedback(days: float, request: gr.Request):
        user = require_staff(request)
        removed = services.feedback.purge(older_than_days=float(days))
        services.audit.write(user, "purge_feedback", older_than_days=float(days), removed=removed)
        return feedback_table(services), f"{removed} removed / dihapus"

    def show_audit(request: gr.Request):
        require_staff(request)
        return audit_table(services)

    def on_load(request: gr.Request):
        user = require_staff(request)
        choices = _document_choices(knowledge_base)
        return (f"Masuk sebagai / Signed in as **{render.escape_markdown(user)}** · [Keluar / Sign out](logout)",
                documents_table(knowledge_base), gr.update(choices=choices), gr.update(choices=choices))

    with gr.Blocks(title="Konsol staf / Staff console", analytics_enabled=False) as console:
        gr.Markdown("## Konsol staf / Staff console")
        who = gr.Markdown()
        with gr.Tabs():
            with gr.Tab("Dokumen / Documents"):
                files = gr.File(label="Unggah dokumen / Upload documents (PDF, DOCX, Markdown, text, HTML; "
                                      f"≤ {settings.max_file_mb:g} MB)",
                                file_count="multiple", file_types=sorted(UPLOAD_TYPES), type="filepath",
                                elem_id="kb-upload")
                ingest_button = gr.Button("Unggah dan proses / Upload and ingest", variant="primary")
                ingest_log = gr.Textbox(label="Proses / Progress", lines=6, max_lines=20, interactive=False,
                                        elem_id="kb-ingest-log")
                refresh = gr.Button("Muat ulang daftar / Refresh list", size="sm")
                documents = gr.HTML(elem_id="kb-documents", js_on_load=None)
                with gr.Accordion("Hapus dokumen / Remove a document", open=False):
                    remove_choice = gr.Dropdown(label="Dokumen / Document", choices=[], interactive=True)
                    remove_button = gr.Button("Hapus / Remove", variant="stop")
                    remove_status = gr.Markdown()
                with gr.Accordion("Ubah metadata / Change metadata", open=False):
                    meta_choice = gr.Dropdown(label="Dokumen / Document", choices=[], interactive=True)
                    current_meta = gr.JSON(label="Metadata sekarang / Current metadata")
                    meta_changes = gr.Textbox(label="Perubahan / Changes: key=value, satu per baris / one per line "
                                                    "(status=repealed, repealed_by=UU 18/2017, title=..., date=...; "
                                                    "kosong menghapus / empty removes)", lines=3)
                    meta_button = gr.Button("Simpan / Save", variant="primary")
            with gr.Tab("Pencarian / Retrieval"):
                query = gr.Textbox(label="Pertanyaan / Question")
                with gr.Row():
                    k = gr.Slider(1, 30, value=10, step=1, label="k")
                    retriever = gr.Radio(["hybrid", "dense", "lexical"], value="hybrid", label="Retriever")
                search_button = gr.Button("Cari / Search", variant="primary")
                hits = gr.HTML(elem_id="kb-hits", js_on_load=None)
            with gr.Tab("Masukan / Feedback"):
                with gr.Row():
                    feedback_refresh = gr.Button("Muat ulang / Refresh", size="sm")
                    export_button = gr.Button("Ekspor CSV / Export CSV", size="sm")
                export_file = gr.File(label="CSV", visible=False, interactive=False)
                export_status = gr.Markdown()
                with gr.Accordion("Hapus masukan lama / Purge old feedback", open=False):
                    purge_days = gr.Number(value=settings.feedback_retention_days, minimum=0,
                                           label="Lebih tua dari (hari) / Older than (days)")
                    purge_button = gr.Button("Hapus / Purge", variant="stop")
                feedback = gr.HTML(elem_id="kb-feedback", js_on_load=None)
            with gr.Tab("Log audit / Audit log"):
                audit_refresh = gr.Button("Muat ulang / Refresh", size="sm")
                audit = gr.HTML(elem_id="kb-audit", js_on_load=None)

        console.load(on_load, outputs=[who, documents, remove_choice, meta_choice], api_visibility="private")
        refresh.click(refresh_documents, outputs=[documents, remove_choice, meta_choice], api_name="documents")
        ingest_button.click(upload, inputs=[files], outputs=[ingest_log, documents, remove_choice, meta_choice],
                            api_name="upload", concurrency_limit=1)
        remove_button.click(remove, inputs=[remove_choice], outputs=[remove_status, documents, remove_choice, meta_choice],
                            api_name="remove")
        meta_choice.change(show_metadata, inputs=[meta_choice], outputs=[current_meta], api_visibility="private")
        meta_button.click(save_metadata, inputs=[meta_choice, meta_changes], outputs=[current_meta, documents, meta_changes],
                          api_name="set_metadata")
        search_button.click(retrieval, inputs=[query, k, retriever], outputs=[hits], api_name="retrieval")
        query.submit(retrieval, inputs=[query, k, retriever], outputs=[hits], api_visibility="private")
        feedback_refresh.click(show_feedback, outputs=[feedback], api_name="feedback")
        export_button.click(export_feedback, outputs=[export_file, export_status], api_name="export_feedback")
        purge_button.click(purge_feedback, inputs=[purge_days], outputs=[feedback, export_status], api_name="purge_feedback")
        audit_refresh.click(show_audit, outputs=[audit], api_name="audit")
    return console
