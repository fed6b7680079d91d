"""The `kb` command: ingest documents, list and manage them, search, and serve the web app.

This is the only module that wires the core (`kb`), ingestion (`ingest`) and the web app
together. Each sub-command imports what it needs when it runs, so `kb --help` and `kb docs`
start fast. JSON output (`--json`) follows the shapes in DESIGN.md, which other tools rely on.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kb.errors import KBError


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"kb: {message}", err=True)
    sys.exit(code)


def _print_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _batch_items(path: Path, field: str):
    """(id, text) of each line of a JSON-lines batch file; a malformed line stops with its number."""
    for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            yield item["id"], item[field]
        except (json.JSONDecodeError, KeyError, TypeError):
            _fail(f'{path}:{line_number}: expected a JSON object with "id" and "{field}"')


def _knowledge_base():
    from kb.api import KnowledgeBase

    return KnowledgeBase()


def _writable_knowledge_base():
    """The knowledge base, for a command that changes it: refused at once (before loading the
    model or reading files) while another process's `kb serve` owns the embedded store."""
    from kb.store import refuse_if_served

    knowledge_base = _knowledge_base()
    refuse_if_served(knowledge_base.settings)
    return knowledge_base


def _audit(settings, action: str, **details) -> None:
    """One audit line for a change made from the command line, in the name of the OS user."""
    from app.audit import AuditLog, os_user

    try:
        AuditLog.from_settings(settings).write(os_user(), action, via="cli", **details)
    except OSError as error:
        click.echo(f"kb: warning: could not write the audit log: {error}", err=True)


class KBGroup(click.Group):
    """Turns the core's user-facing errors into one line and exit status 2, not a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KBError as error:
            _fail(str(error))


@click.group(cls=KBGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
def main() -> None:
    """A multilingual (Bahasa Indonesia / English) knowledge base of migration-governance documents.

    Settings come from KB_* environment variables or a kb.toml file (see docs/configuration.md);
    KB_HOME names the folder holding the store (default ./.kb).
    """


@main.command()
@click.argument("locations", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON summary object instead of a table.")
@click.option("--meta", "meta", multiple=True, metavar="KEY=VALUE",
              help="Metadata for every document of this run, e.g. --meta status=repealed --meta 'repealed_by=UU 18/2017'. Repeatable.")
@click.option("--prune", is_flag=True, help="Also remove stored documents whose files under the given folders are gone.")
def ingest(locations: tuple[str, ...], as_json: bool, meta: tuple[str, ...], prune: bool) -> None:
    """Add or update documents: files, folders (recursively) and web pages (http/https URLs).

    Reads PDF, Markdown, plain text, HTML and DOCX. Unchanged files are skipped, changed files
    replace their old version, and the same content under a second name is stored once.
    A file beside a document named <document>.meta.json gives its metadata (title, date,
    doc_type, status, repealed_by, ...). Exit status 1 when any file failed; the others are
    still ingested.
    """
    from rich.console import Console

    from app.progress import progress_for
    from ingest.metadata import parse_meta_options
    from ingest.pipeline import Ingestor

    try:
        given = parse_meta_options(list(meta))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--meta") from None
    knowledge_base = _writable_knowledge_base()
    console = Console(stderr=True)
    with progress_for(console) as progress:
        report = Ingestor(knowledge_base.settings, knowledge_base.store, knowledge_base.embeddings, progress).ingest(
            list(locations), meta=given, prune=prune
        )
    summary = report.to_json()
    _audit(knowledge_base.settings, "ingest", locations=list(locations), meta=given, prune=prune,
           **{key: summary.get(key) for key in ("added", "updated", "unchanged", "chunks")},
           failed=len(summary.get("failed") or []), removed=summary.get("removed") or [])
    if as_json:
        _print_json(report.to_json())
    else:
        _print_ingest_table(report, console)
    if knowledge_base.store.passage_text_outdated():
        console.print("note: chunks stored before this version were embedded without their title and section; "
                      "`kb reindex` re-embeds them, which finds them better across languages")
    sys.exit(1 if report.failed else 0)


def _print_ingest_table(report, console) -> None:
    from rich.table import Table

    table = Table(title="kb ingest", show_lines=False)
    table.add_column("file")
    table.add_column("result")
    table.add_column("chunks", justify="right")
    table.add_column("detail")
    for result in report.results:
        table.add_row(Path(result.location).name or result.location, result.outcome, str(result.chunks or ""), result.detail)
    console.print(table)
    summary = report.to_json()
    console.print(
        f"added {summary['added']}, updated {summary['updated']}, unchanged {summary['unchanged']}, "
        f"duplicates {len(summary['duplicates'])}, skipped {len(summary['skipped'])}, "
        f"failed {len(summary['failed'])}, removed {len(summary['removed'])}; {summary['chunks']} chunks written"
    )


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def docs(as_json: bool) -> None:
    """List stored documents with language, pages, chunks, status and date."""
    records = _knowledge_base().documents()
    if as_json:
        _print_json([record.summary() for record in records])
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(records)} documents")
    table.add_column("source", no_wrap=True, overflow="ellipsis", max_width=36)
    table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=40)
    for column in ("lang", "pages", "chunks"):
        table.add_column(column, justify="right")
    table.add_column("status", no_wrap=True, overflow="ellipsis", max_width=26)
    table.add_column("ingested", no_wrap=True)
    table.add_column("doc_id", no_wrap=True)
    for record in records:
        status = record.metadata.get("status", "")
        if record.metadata.get("repealed_by"):
            status += f" by {record.metadata['repealed_by']}"
        table.add_row(record.source, record.title, record.lang, str(record.pages or ""), str(record.chunks), status,
                      record.ingested_at[:10], record.doc_id)
    Console().print(table)


@main.command()
@click.argument("documents", nargs=-1, required=True, metavar="DOC...")
@click.option("--json", "as_json", is_flag=True, help="Print the removed documents as JSON.")
def remove(documents: tuple[str, ...], as_json: bool) -> None:
    """Remove documents and all their chunks. DOC is a doc_id, a path, or an unambiguous file name."""
    from kb.documents import remove_document

    knowledge_base = _writable_knowledge_base()
    records = [knowledge_base.document(reference) for reference in documents]
    with knowledge_base.store.writing():
        for record in records:
            remove_document(knowledge_base.store, record)
    _audit(knowledge_base.settings, "remove", documents=[{"doc_id": r.doc_id, "source": r.source} for r in records])
    if as_json:
        _print_json({"removed": [{"doc_id": r.doc_id, "source": r.source, "path": r.path, "chunks": r.chunks} for r in records]})
    else:
        for record in records:
            click.echo(f"removed {record.source} ({record.doc_id}, {record.chunks} chunks)")


@main.command(name="set")
@click.argument("document", metavar="DOC")
@click.argument("fields", nargs=-1, required=True, metavar="KEY=VALUE...")
@click.option("--json", "as_json", is_flag=True, help="Print the updated document as JSON.")
def set_fields(document: str, fields: tuple[str, ...], as_json: bool) -> None:
    """Change a document's metadata (title, date, doc_type, status, repealed_by, ...) without re-embedding.

    Only a new title re-embeds the document's chunks, whose vectors carry it.

    An empty value removes a field: kb set DOC repealed_by=
    Example: kb set id_uu_39_2004.md status=repealed "repealed_by=UU 18/2017"
    """
    from ingest.metadata import parse_meta_options
    from kb.documents import set_metadata

    try:
        changes = parse_meta_options(list(fields))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="KEY=VALUE") from None
    knowledge_base = _writable_knowledge_base()
    record = knowledge_base.document(document)
    with knowledge_base.store.writing():
        record = set_metadata(knowledge_base.store, record, changes, knowledge_base.embeddings)
    _audit(knowledge_base.settings, "set", doc_id=record.doc_id, source=record.source, changes=changes)
    if as_json:
        _print_json(record.summary())
    else:
        click.echo(f"{record.source}: " + ", ".join(f"{key}={value}" for key, value in changes.items()))


@main.command()
def reindex() -> None:
    """Re-embed every stored chunk with the configured embedder (after changing KB_EMBEDDER or KB_EMBEDDING_MODEL).

    The old vectors stay in use until the new ones are complete.
    """
    from kb.reindex import reindex as run_reindex

    knowledge_base = _writable_knowledge_base()
    with knowledge_base.store.writing():
        total = run_reindex(
            knowledge_base.store,
            knowledge_base.embeddings,
            batch_size=knowledge_base.settings.embed_batch_size,
            on_progress=lambda done, all_: click.echo(f"  re-embedded {done}/{all_}", err=True),
        )
    _audit(knowledge_base.settings, "reindex", chunks=total, embedder=knowledge_base.embeddings.identity.describe())
    click.echo(f"re-embedded {total} chunks with {knowledge_base.embeddings.identity.describe()}")


@main.command()
@click.argument("query", required=False)
@click.option("-k", "k", type=int, default=None, help="How many hits (default: KB_SEARCH_K, 10).")
@click.option("--json", "as_json", is_flag=True, help="Print hits as JSON.")
@click.option("--batch", "batch", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='A JSON-lines file of {"id", "query"}; prints one {"id", "hits"} line each, in order.')
@click.option("--doc", "doc_refs", multiple=True, help="Only this document (doc_id, path or file name). Repeatable.")
@click.option("--lang", "languages", multiple=True, help="Only chunks in this language (id, en, ...). Repeatable.")
@click.option("--type", "file_types", multiple=True, help="Only this file type (pdf, md, txt, html, docx). Repeatable.")
@click.option("--retriever", type=click.Choice(["hybrid", "dense", "lexical"]), default=None,
              help="Override KB_RETRIEVER: hybrid (default) fuses dense and BM25 rankings.")
def search(query: str | None, k: int | None, as_json: bool, batch: Path | None,
           doc_refs: tuple[str, ...], languages: tuple[str, ...], file_types: tuple[str, ...],
           retriever: str | None) -> None:
    """Find the passages that best match QUERY, in Indonesian or English, whatever the document's language."""
    from kb.search import SearchFilters

    if (query is None) == (batch is None):
        raise click.UsageError("give either QUERY or --batch FILE")
    knowledge_base = _knowledge_base()
    filters = SearchFilters(
        doc_ids=[knowledge_base.document(reference).doc_id for reference in doc_refs],
        languages=list(languages),
        file_types=list(file_types),
    )
    if batch is not None:
        for item_id, text in _batch_items(batch, "query"):
            hits = knowledge_base.search(text, k, filters, retriever=retriever)
            click.echo(json.dumps({"id": item_id, "hits": [hit.to_dict() for hit in hits]}, ensure_ascii=False))
        return
    hits = knowledge_base.search(query, k, filters, retriever=retriever)
    if as_json:
        _print_json([hit.to_dict() for hit in hits])
        return
    if not hits:
        click.echo("no results (is the knowledge base empty? see `kb docs`)")
    for rank, hit in enumerate(hits, start=1):
        where = f"p. {hit.page}" if hit.page else (hit.section or "")
        click.secho(f"{rank}. {hit.source}  {where}  score {hit.score:.3f}", bold=True)
        click.echo("   " + " ".join(hit.text.split())[:300])


@main.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON (answer, answered, citations).")
@click.option("--batch", "batch", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='A JSON-lines file of {"id", "question"}; prints one answer object (with its "id") per line, in order.')
@click.option("--history", "earlier", multiple=True, metavar="QUESTION",
              help="An earlier question of the conversation (repeat, oldest first): QUESTION is then read as "
              "a follow-up, e.g. --history \"Di kota mana saja lokakarya GCM digelar?\" \"Kapan yang di Makassar?\".")
def ask(question: str | None, as_json: bool, batch: Path | None, earlier: tuple[str, ...]) -> None:
    """Answer QUESTION from the documents, citing each sentence [n]; says so when the documents do not hold the answer.

    The answer is in the question's language (Bahasa Indonesia or English); quoted evidence stays in
    the language of its document. A follow-up ("Kapan yang di Makassar?") given with --history is
    made standalone first; the JSON's "question" shows how.
    """
    if (question is None) == (batch is None):
        raise click.UsageError("give either QUESTION or --batch FILE")
    from app.safety import referral_notice, with_referral

    knowledge_base = _knowledge_base()
    if batch is not None:
        for item_id, text in _batch_items(batch, "question"):
            payload = with_referral(knowledge_base.ask(text).to_dict(), text, knowledge_base.settings)
            click.echo(json.dumps({"id": item_id, **payload}, ensure_ascii=False))
        return
    history = [{"role": "user", "content": text} for text in earlier]
    answer = knowledge_base.ask(question, history)
    if as_json:
        _print_json(with_referral(answer.to_dict(), question, knowledge_base.settings))
        return
    click.echo(answer.answer)
    for citation in answer.citations:
        where = f", p. {citation.page}" if citation.page else (f", {citation.section}" if citation.section else "")
        click.echo(f"  [{citation.n}] {citation.title} ({citation.source}{where})")
    referral = referral_notice(question, answer.language, knowledge_base.settings)
    if referral:
        click.echo("\n" + referral)


@main.command(name="eval")
@click.argument("question_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="QA.jsonl")
@click.option("--level", type=click.Choice(["document", "passage", "both"]), default="both", show_default=True,
              help="Judge a hit relevant when it comes from the gold document, or when it also holds the evidence span.")
@click.option("--retriever", type=click.Choice(["hybrid", "dense", "lexical"]), default=None,
              help="Override KB_RETRIEVER for this evaluation.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
def evaluate_questions(question_file: Path, level: str, retriever: str | None, as_json: bool) -> None:
    """Measure retrieval on a question set: Recall@1/5/10, MRR@10, nDCG@10, overall and by language.

    QA.jsonl holds {"id", "question", "source", "evidence", "answers"} lines (optionally "lang" and
    "kind"); "source" is the gold document's file name, null for questions the documents cannot answer.
    """
    from kb.evaluation import evaluate, load_questions

    try:
        questions = load_questions(question_file)
    except ValueError as error:
        _fail(str(error))
    knowledge_base = _knowledge_base()
    levels = ["document", "passage"] if level == "both" else [level]
    cache: dict[str, list] = {}

    def search(text: str):
        if text not in cache:
            cache[text] = knowledge_base.search(text, 10, retriever=retriever)
        return cache[text]

    reports = [evaluate(questions, search, level=name) for name in levels]
    if as_json:
        _print_json(reports)
        return
    _print_eval_tables(reports, unanswerable=sum(1 for q in questions if not q.source))


def _print_eval_tables(reports, unanswerable: int) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for report in reports:
        table = Table(title=f"retrieval, relevance at {report['level']} level")
        for column in ("group", "questions", "R@1", "R@5", "R@10", "MRR@10", "nDCG@10"):
            table.add_column(column, justify="left" if column == "group" else "right")
        rows = [("overall", report["overall"])]
        for grouping in ("by_lang", "by_kind"):
            rows += [(f"{grouping[3:]}={name}", values) for name, values in report[grouping].items()]
        for name, values in rows:
            table.add_row(name, str(values["questions"]), *(f"{values[key]:.3f}" for key in
                          ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10")))
        console.print(table)
    console.print(f"{unanswerable} unanswerable questions are not part of these figures.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 for all).")
@click.option("--port", default=7860, show_default=True, type=int, help="Port to listen on.")
def serve(host: str, port: int) -> None:
    """Start the web app (public chat; staff console when credentials are configured).

    On an embedded store (no KB_CHROMA_URL) the server owns the store while it runs: changes
    from other processes (kb ingest, remove, set, reindex) are refused; use the staff console.
    """
    from app.auth import staff_users
    from app.serve_lock import hold_serve_lock

    knowledge_base = _knowledge_base()
    staff_users(knowledge_base.settings)  # a plain password in the settings stops the server here
    with hold_serve_lock(knowledge_base.settings):
        from app.web import serve as run_server

        run_server(knowledge_base, host=host, port=port)


@main.group()
def feedback() -> None:
    """Readers' ratings of answers: export them for review, list them, delete old ones.

    Kept in KB_FEEDBACK_URL (a database several app replicas share) or KB_HOME/feedback.sqlite3.
    """


def _feedback_store():
    from app.feedback import FeedbackStore
    from kb.settings import Settings

    settings = Settings()
    return settings, FeedbackStore.from_settings(settings)


@feedback.command(name="export")
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write the CSV to this file instead of standard output.")
def feedback_export(output: Path | None) -> None:
    """Write all feedback as CSV (question, answer, citations, rating, comment), oldest first.

    Cells that a spreadsheet would run as a formula are prefixed with an apostrophe.
    """
    settings, store = _feedback_store()
    if output is None:
        rows = store.export_csv(sys.stdout)
    else:
        with output.open("w", encoding="utf-8", newline="") as handle:
            rows = store.export_csv(handle)
        click.echo(f"wrote {rows} feedback rows to {output}", err=True)
    _audit(settings, "feedback_export", rows=rows, output=str(output) if output else "stdout")


@feedback.command(name="purge")
@click.option("--older-than-days", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Delete feedback older than this many days (default: KB_FEEDBACK_RETENTION_DAYS).")
@click.option("--all", "everything", is_flag=True, help="Delete every feedback row.")
def feedback_purge(older_than_days: float | None, everything: bool) -> None:
    """Delete old feedback (readers' questions are personal data); prints how many rows went."""
    if everything and older_than_days is not None:
        raise click.UsageError("give either --all or --older-than-days, not both")
    settings, store = _feedback_store()
    if everything:
        removed = store.purge_all()
    elif older_than_days is None and settings.feedback_retention_days == 0:
        click.echo("KB_FEEDBACK_RETENTION_DAYS is 0 (keep forever): nothing removed; use --older-than-days or --all")
        return
    else:
        removed = store.purge(older_than_days)
    days = "all" if everything else (older_than_days or settings.feedback_retention_days)
    _audit(settings, "feedback_purge", removed=removed, older_than_days=days)
    click.echo(f"removed {removed} feedback rows")


@feedback.command(name="list")
@click.option("--limit", type=click.IntRange(min=1), default=500, show_default=True, help="Newest rows shown at most.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def feedback_list(limit: int, as_json: bool) -> None:
    """Show feedback, newest first."""
    _, store = _feedback_store()
    rows = store.list(limit)
    if as_json:
        _print_json(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} feedback rows")
    for column in ("id", "time", "rating", "question", "comment"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(str(row["id"]), row["time"], f"{row['rating']:+d}", row["question"], row["comment"])
    Console().print(table)


@main.group()
def staff() -> None:
    """Staff console accounts."""


@staff.command(name="hash-password")
@click.option("--user", default="admin", show_default=True, help="The user name to print in the configuration lines.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
def staff_hash_password(user: str, password_stdin: bool) -> None:
    """Make the password hash of a staff account (the password itself is never stored).

    Prompts twice with hidden input, then prints the hash (first line) and how to configure it,
    as an environment variable or in kb.toml. Several accounts: one JSON object / table with a
    line for each.
    """
    from app.auth import hash_password

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    try:
        encoded = hash_password(password)
    except ValueError as error:
        _fail(str(error))
    click.echo(encoded)
    click.echo("\n# as an environment variable:")
    click.echo(f"export KB_STAFF_USERS='{json.dumps({user: encoded})}'")
    click.echo("\n# or in kb.toml:")
    click.echo(f"[staff_users]\n{json.dumps(user)} = {json.dumps(encoded)}")


if __name__ == "__main__":
    main()
