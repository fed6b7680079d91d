"""Feedback on answers: real SQLite files, several stores (replicas) on one database, the CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.feedback import MAX_COMMENT_CHARS, FeedbackStore
from kb.settings import Settings

KB = [sys.executable, "-m", "app.cli"]
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def answer_dict(text="IOM hadir di Indonesia sejak 1979 [1].", answered=True, citations=None) -> dict:
    """The `kb ask --json` shape (Answer.to_dict())."""
    if citations is None:
        citations = [
            {"n": 1, "doc_id": "d1", "source": "iom_indonesia.md", "path": "/x/iom_indonesia.md",
             "title": "IOM Indonesia", "page": None, "text": "long passage text", "chunk_id": "c1",
             "section": "Sejarah", "lang": "id", "highlights": [], "status": None, "note": None, "ocr": False},
            {"n": 2, "doc_id": "d2", "source": "uu_18_2017.pdf", "path": "/x/uu_18_2017.pdf",
             "title": "UU 18/2017", "page": 3, "text": "another passage", "chunk_id": "c2"},
        ]
    return {"answer": text, "answered": answered, "citations": citations, "language": "id",
            "confidence": 0.91, "question": "Sejak kapan IOM hadir di Indonesia?"}


@pytest.fixture
def store(tmp_path) -> FeedbackStore:
    return FeedbackStore.from_settings(Settings(home=tmp_path / "home"))


def test_a_rating_is_stored_with_question_answer_and_citations(store, tmp_path):
    new_id = store.record(question="  Sejak kapan IOM hadir di Indonesia?  ", answer=answer_dict(), rating=1,
                          comment=" Jelas, terima kasih ", language="id")
    assert (tmp_path / "home" / "feedback.sqlite3").is_file()
    [row] = store.list()
    assert row["id"] == new_id
    assert set(row) == {"id", "time", "question", "answer", "answered", "citations", "rating", "comment", "language"}
    assert row["question"] == "Sejak kapan IOM hadir di Indonesia?"
    assert row["answer"] == "IOM hadir di Indonesia sejak 1979 [1]."
    assert row["answered"] is True and row["rating"] == 1 and row["language"] == "id"
    assert row["comment"] == "Jelas, terima kasih"
    assert row["citations"] == [
        {"n": 1, "title": "IOM Indonesia", "source": "iom_indonesia.md", "page": None},
        {"n": 2, "title": "UU 18/2017", "source": "uu_18_2017.pdf", "page": 3},
    ]
    when = datetime.fromisoformat(row["time"])
    assert when.utcoffset() == timedelta(0)
    assert abs(datetime.now(timezone.utc) - when) < timedelta(minutes=1)


def test_newest_first_limit_and_a_refusal_is_stored_too(store):
    first = store.record(question="q1", answer=answer_dict(), rating=1)
    second = store.record(question="q2", answer=answer_dict("Dokumen tidak memuat jawabannya.", False, []), rating=-1)
    rows = store.list()
    assert [row["id"] for row in rows] == [second, first]
    assert rows[0]["answered"] is False and rows[0]["citations"] == [] and rows[0]["rating"] == -1
    assert rows[0]["language"] == "id", "the answer's language is kept when none is given"
    assert [row["id"] for row in store.list(limit=1)] == [second]


@pytest.mark.parametrize("rating", [0, 2, -2, 5, True, "1", None])
def test_only_plus_or_minus_one_is_a_rating(store, rating):
    with pytest.raises(ValueError):
        store.record(question="q", answer=answer_dict(), rating=rating)
    assert store.list() == []


def test_comment_is_trimmed_to_the_maximum_length(store):
    store.record(question="q", answer=answer_dict(), rating=-1, comment="x" * (MAX_COMMENT_CHARS + 500))
    assert len(store.list()[0]["comment"]) == MAX_COMMENT_CHARS


def test_export_is_csv_with_flattened_citations_and_no_formulas(store):
    store.record(question="=HYPERLINK(\"http://evil\")", answer=answer_dict(), rating=1, comment="@SUM(A1:A2)")
    store.record(question="-2+3", answer=answer_dict("+628123 call me", False, []), rating=-1, comment="biasa, ok")
    out = io.StringIO()
    assert store.export_csv(out) == 2
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    header, first, second = rows
    assert header[:3] == ["id", "time", "rating"] and "citations" in header and "comment" in header
    cell = dict(zip(header, first))
    assert cell["question"] == "'=HYPERLINK(\"http://evil\")"
    assert cell["comment"] == "'@SUM(A1:A2)"
    assert cell["citations"] == "1. IOM Indonesia (iom_indonesia.md); 2. UU 18/2017 (uu_18_2017.pdf, p. 3)"
    assert cell["rating"] == "1" and cell["answered"] == "yes"
    cell = dict(zip(header, second))
    assert cell["question"] == "'-2+3" and cell["answer"] == "'+628123 call me" and cell["comment"] == "biasa, ok"
    assert cell["answered"] == "no" and cell["citations"] == ""


def test_purge_deletes_only_feedback_older_than_the_retention(tmp_path):
    url = f"sqlite:///{tmp_path / 'fb.sqlite3'}"
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    FeedbackStore(url, clock=lambda: now - timedelta(days=120)).record(question="old", answer=answer_dict(), rating=1)
    FeedbackStore(url, clock=lambda: now - timedelta(days=40)).record(question="recent", answer=answer_dict(), rating=1)
    FeedbackStore(url).record(question="today", answer=answer_dict(), rating=-1)

    assert FeedbackStore(url, retention_days=0).purge() == 0, "0 days keeps feedback forever"
    store = FeedbackStore(url, retention_days=90)
    assert store.purge() == 1
    assert [row["question"] for row in store.list()] == ["today", "recent"]
    assert store.purge(older_than_days=30) == 1
    assert [row["question"] for row in store.list()] == ["today"]
    assert store.purge_all() == 1 and store.list() == []


def test_replicas_share_one_database_url(tmp_path):
    """Two app replicas (here: stores and processes) configured with one feedback_url see one table."""
    url = f"sqlite:///{tmp_path / 'shared' / 'feedback.db'}"
    (tmp_path / "shared").mkdir()
    replica_a = FeedbackStore.from_settings(Settings(home=tmp_path / "a", feedback_url=url))
    replica_b = FeedbackStore.from_settings(Settings(home=tmp_path / "b", feedback_url=url))
    replica_a.record(question="from a", answer=answer_dict(), rating=1)
    assert [row["question"] for row in replica_b.list()] == ["from a"]
    assert not (tmp_path / "a" / "feedback.sqlite3").exists()

    writer = (
        "import sys\n"
        "from app.feedback import FeedbackStore\n"
        "store = FeedbackStore(sys.argv[1])\n"
        "for i in range(25):\n"
        "    store.record(question=f'{sys.argv[2]} {i}', answer={'answer': 'a', 'answered': True, 'citations': []},"
        " rating=1)\n"
    )
    processes = [subprocess.Popen([sys.executable, "-c", writer, url, name], cwd=PROJECT_ROOT) for name in ("p", "q")]
    threads = [threading.Thread(target=lambda n=n: [replica_b.record(question=f"t{n} {i}", answer=answer_dict(),
                                                                     rating=-1) for i in range(25)]) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [process.wait(timeout=120) for process in processes] == [0, 0]
    assert replica_a.count() == 1 + 2 * 25 + 3 * 25
    assert len({row["id"] for row in replica_a.list(limit=1000)}) == 126


def run_kb(args, env, **kwargs):
    return subprocess.run([*KB, *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                          **kwargs)


def test_cli_lists_exports_and_purges_with_an_audit_line(tmp_path, kb_home):
    env = {**os.environ, "KB_HOME": str(kb_home)}
    store = FeedbackStore.from_settings(Settings(home=kb_home))
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    FeedbackStore(store.url, clock=lambda: now - timedelta(days=200)).record(question="lama", answer=answer_dict(),
                                                                            rating=1)
    store.record(question="=baru", answer=answer_dict(), rating=-1, comment="kurang")

    done = run_kb(["feedback", "list", "--json"], env)
    assert done.returncode == 0, done.stderr
    assert [row["question"] for row in json.loads(done.stdout)] == ["=baru", "lama"]

    done = run_kb(["feedback", "export"], env)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [row["question"] for row in rows] == ["lama", "'=baru"]
    target = tmp_path / "out.csv"
    done = run_kb(["feedback", "export", "--output", str(target)], env)
    assert done.returncode == 0 and len(list(csv.DictReader(target.open(encoding="utf-8")))) == 2

    done = run_kb(["feedback", "purge"], env)
    assert done.returncode == 0, done.stderr
    assert "removed 1" in done.stdout
    assert [row["question"] for row in store.list()] == ["=baru"]
    done = run_kb(["feedback", "purge", "--all"], env)
    assert "removed 1" in done.stdout and store.list() == []

    audit = [json.loads(line) for line in (kb_home / "audit.log").read_text(encoding="utf-8").splitlines()]
    actions = [entry["action"] for entry in audit]
    assert actions == ["feedback_export", "feedback_export", "feedback_purge", "feedback_purge"]
    assert audit[2]["removed"] == 1 and audit[3]["older_than_days"] == "all"
    import getpass

    assert {entry["user"] for entry in audit} == {getpass.getuser()}
