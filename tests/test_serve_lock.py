"""The single-writer rule of an embedded store: while `kb serve` runs, it alone writes.

Real processes hold and probe real lock files in the knowledge base's folder.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.serve_lock import hold_serve_lock
from ingest.pipeline import Ingestor
from kb.api import KnowledgeBase
from kb.errors import StoreBusy
from kb.settings import Settings
from kb.store import refuse_if_served

KB = [sys.executable, "-m", "app.cli"]
PROJECT_ROOT = Path(__file__).resolve().parents[1]

HOLDER = """
import sys
from kb.settings import Settings
from app.serve_lock import hold_serve_lock
with hold_serve_lock(Settings()):
    print("ready", flush=True)
    sys.stdin.read()
"""
"""Holds the serve lock as `kb serve` does, until its standard input is closed."""


@pytest.fixture
def env(kb_home):
    return {**os.environ, "KB_HOME": str(kb_home), "KB_EMBED_BATCH_SIZE": "8"}


def run_kb(args, env):
    return subprocess.run([*KB, *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)


class Holder:
    def __init__(self, env):
        self.process = subprocess.Popen([sys.executable, "-c", HOLDER], env=env, cwd=PROJECT_ROOT, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.ready = self.process.stdout.readline().strip() == "ready"

    def stop(self) -> int:
        self.process.stdin.close()
        return self.process.wait(timeout=60)


@pytest.fixture
def holder(env):
    holders = []

    def start():
        holders.append(Holder(env))
        return holders[-1]

    yield start
    for item in holders:
        if item.process.poll() is None:
            item.stop()


def documents(env) -> list[dict]:
    done = run_kb(["docs", "--json"], env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_changes_from_another_process_are_refused_while_the_store_is_served(tmp_path, env, kb_home, holder):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "hak.md").write_text("# Hak\n\nSetiap pekerja migran berhak atas salinan perjanjian kerja.\n")
    late = tmp_path / "late.txt"
    late.write_text("Migrant workers may change employers after the first contract year.\n")
    done = run_kb(["ingest", str(folder)], env)
    assert done.returncode == 0, done.stderr
    before = documents(env)
    audited = (kb_home / "audit.log").read_text(encoding="utf-8")

    server = holder()
    assert server.ready, server.process.stderr.read()
    for args in (["ingest", str(late)], ["remove", "hak.md"], ["set", "hak.md", "status=repealed"], ["reindex"]):
        done = run_kb(args, env)
        assert done.returncode != 0, args
        assert "KB_CHROMA_URL" in done.stderr and "staff console" in done.stderr, done.stderr
        assert "kb serve" in done.stderr and "Traceback" not in done.stderr
    assert documents(env) == before, "nothing stored may change"
    assert (kb_home / "audit.log").read_text(encoding="utf-8") == audited, "refused, so nothing to audit"

    assert server.stop() == 0
    done = run_kb(["ingest", str(late)], env)
    assert done.returncode == 0, done.stderr
    done = run_kb(["set", "late.txt", "status=superseded"], env)
    assert done.returncode == 0, done.stderr
    done = run_kb(["remove", "hak.md"], env)
    assert done.returncode == 0, done.stderr
    assert [d["source"] for d in documents(env)] == ["late.txt"]

    audit = [json.loads(line) for line in (kb_home / "audit.log").read_text(encoding="utf-8").splitlines()]
    assert [entry["action"] for entry in audit] == ["ingest", "ingest", "set", "remove"]
    assert {entry["user"] for entry in audit} == {getpass.getuser()}
    assert audit[1]["added"] == 1 and audit[1]["locations"] == [str(late)]
    assert audit[2]["changes"] == {"status": "superseded"} and audit[3]["documents"][0]["source"] == "hak.md"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_second_server_on_the_same_store_is_refused(env, holder):
    server = holder()
    assert server.ready, server.process.stderr.read()
    done = run_kb(["serve", "--port", str(free_port())], env)
    assert done.returncode == 2
    assert "another `kb serve`" in done.stderr and "KB_CHROMA_URL" in done.stderr
    assert str(server.process.pid) in done.stderr
    second = holder()
    assert not second.ready and second.process.wait(timeout=60) != 0


def test_the_serving_process_writes_itself_one_thread_at_a_time(tmp_path, settings):
    """Staff uploads run in the server's worker threads: allowed, and taking turns."""
    files = []
    for n in range(3):
        path = tmp_path / f"doc{n}.md"
        path.write_text(f"# Dokumen {n}\n\nPekerja migran nomor {n} berhak atas perlindungan sosial.\n")
        files.append(path)
    knowledge_base = KnowledgeBase(settings)
    with hold_serve_lock(settings) as lock:
        assert lock.held
        refuse_if_served(settings)  # the server itself is not refused
        errors = []

        def upload(path):
            try:
                Ingestor(settings, knowledge_base.store, knowledge_base.embeddings).ingest([str(path)])
            except Exception as error:  # noqa: BLE001 - collected and asserted below
                errors.append(error)

        with knowledge_base.store.writing():  # one change under way: the next upload waits its turn
            waiting = threading.Thread(target=upload, args=(files[0],))
            waiting.start()
            waiting.join(timeout=1.5)
            assert waiting.is_alive() and errors == [], "the second writer must wait, not fail"
        waiting.join(timeout=120)
        threads = [threading.Thread(target=upload, args=(path,)) for path in files[1:]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert sorted(record.source for record in knowledge_base.documents()) == ["doc0.md", "doc1.md", "doc2.md"]
    assert not lock.held


def test_the_server_does_not_start_in_the_middle_of_a_change(settings, env):
    knowledge_base = KnowledgeBase(settings)
    start = [sys.executable, "-c", HOLDER]
    with knowledge_base.store.writing():
        done = subprocess.run(start, env=env, cwd=PROJECT_ROOT, input="", capture_output=True, text=True, timeout=60)
        assert done.returncode != 0 and "is changing the knowledge base" in done.stderr
    done = subprocess.run(start, env=env, cwd=PROJECT_ROOT, input="", capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ready", done.stderr


def test_taking_the_lock_twice_in_one_process_counts(settings, env):
    first = hold_serve_lock(settings)
    second = hold_serve_lock(settings)
    assert first is second
    first.release()
    other = subprocess.run([sys.executable, "-c", HOLDER], env=env, cwd=PROJECT_ROOT, input="", capture_output=True,
                           text=True, timeout=60)
    assert other.returncode != 0, "still held after one of two releases"
    second.release()
    other = subprocess.run([sys.executable, "-c", HOLDER], env=env, cwd=PROJECT_ROOT, input="", capture_output=True,
                           text=True, timeout=60)
    assert other.returncode == 0, other.stderr


def test_server_mode_takes_no_lock(tmp_path):
    settings = Settings(home=tmp_path / "home", chroma_url="http://127.0.0.1:8000")
    with hold_serve_lock(settings), hold_serve_lock(settings):
        refuse_if_served(settings)
    assert not (tmp_path / "home" / "serve.lock").exists()


def test_refused_commands_fail_before_loading_anything(tmp_path, env, holder):
    """No store folder, no model: the refusal comes first and creates nothing."""
    server = holder()
    assert server.ready
    before = sorted(p.name for p in Path(env["KB_HOME"]).iterdir())
    (tmp_path / "a.md").write_text("# A\n\nteks\n")
    done = run_kb(["ingest", str(tmp_path / "a.md")], env)
    assert done.returncode == 2 and "KB_CHROMA_URL" in done.stderr
    assert sorted(p.name for p in Path(env["KB_HOME"]).iterdir()) == before
    with pytest.raises(StoreBusy, match="KB_CHROMA_URL"):
        refuse_if_served(Settings(home=Path(env["KB_HOME"])))


@pytest.mark.timeout(180)
def test_a_change_within_a_change_of_the_same_thread_goes_through(tmp_path, settings):
    """A staff upload may wrap an ingestion (which takes the lock itself) in its own change."""
    path = tmp_path / "nested.md"
    path.write_text("# Bersarang\n\nPekerja migran berhak atas informasi yang benar.\n")
    knowledge_base = KnowledgeBase(settings)
    with hold_serve_lock(settings), knowledge_base.store.writing():
        report = Ingestor(settings, knowledge_base.store, knowledge_base.embeddings).ingest([str(path)])
    assert report.to_json()["added"] == 1
