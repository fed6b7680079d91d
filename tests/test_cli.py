"""The `kb` command as users and other tools drive it: real processes, real files, JSON shapes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from factories import encrypt_pdf, make_image_only_pdf, make_text_pdf

KB = [sys.executable, "-m", "app.cli"]
PROJECT_ROOT = Path(__file__).resolve().parents[1]

GOOD_MD = "# Hak pekerja migran\n\nSetiap pekerja migran berhak mendapatkan salinan perjanjian kerja sebelum berangkat.\n"
GOOD_TXT = "Migrant workers may change employers after the first contract year without paying a release fee.\n"


def run_kb(args, env, *, check_json=True, timeout=300):
    completed = subprocess.run(
        [*KB, *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout
    )
    payload = json.loads(completed.stdout) if check_json and completed.stdout.strip() else None
    return completed, payload


@pytest.fixture
def env(kb_home):
    return {**os.environ, "KB_HOME": str(kb_home), "KB_EMBED_BATCH_SIZE": "8"}


def test_json_shapes_of_ingest_docs_search_and_remove(tmp_path, env):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "hak.md").write_text(GOOD_MD)
    (folder / "release.txt").write_text(GOOD_TXT)

    done, report = run_kb(["ingest", str(folder), "--json"], env)
    assert done.returncode == 0, done.stderr
    assert set(report) >= {"added", "updated", "unchanged", "skipped", "failed", "chunks"}
    assert report["added"] == 2 and report["failed"] == [] and report["chunks"] >= 2

    done, documents = run_kb(["docs", "--json"], env)
    assert {"doc_id", "source", "path", "title", "lang", "pages", "chunks", "sha256", "ingested_at"} <= set(documents[0])
    assert sorted(d["source"] for d in documents) == ["hak.md", "release.txt"]

    done, hits = run_kb(["search", "Can I change my employer?", "-k", "2", "--json"], env)
    assert done.returncode == 0, done.stderr
    assert {"doc_id", "source", "path", "title", "page", "chunk_id", "score", "text"} <= set(hits[0])
    assert hits[0]["source"] == "release.txt" and hits[0]["score"] >= hits[1]["score"]

    batch = tmp_path / "queries.jsonl"
    batch.write_text(json.dumps({"id": "q1", "query": "salinan perjanjian kerja"}) + "\n"
                     + json.dumps({"id": "q2", "query": "release fee"}) + "\n")
    done, _ = run_kb(["search", "--batch", str(batch), "-k", "1", "--json"], env, check_json=False)
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["q1", "q2"]
    assert [line["hits"][0]["source"] for line in lines] == ["hak.md", "release.txt"]

    done, _ = run_kb(["search", "release fee", "--doc", "hak.md", "--json"], env, check_json=False)
    assert {hit["source"] for hit in json.loads(done.stdout)} == {"hak.md"}

    done, removed = run_kb(["remove", "hak.md", "--json"], env)
    assert done.returncode == 0 and removed["removed"][0]["source"] == "hak.md"
    done, documents = run_kb(["docs", "--json"], env)
    assert [d["source"] for d in documents] == ["release.txt"]

    done, _ = run_kb(["remove", "nothing-like-this.pdf"], env, check_json=False)
    assert done.returncode == 2 and "no document matches" in done.stderr


def test_bad_files_fail_one_by_one_and_good_files_are_ingested(tmp_path, env):
    keep = tmp_path / "keep.md"
    keep.write_text("# Stored before\n\nThis document was stored before the bad batch arrived and must survive it.\n")
    assert run_kb(["ingest", str(keep), "--json"], env)[0].returncode == 0

    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "good.md").write_text(GOOD_MD)
    make_text_pdf(folder / "good.pdf", ["Pekerja migran berhak atas jaminan sosial selama bekerja di luar negeri."])
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(3000))
    encrypt_pdf(make_text_pdf(tmp_path / "plain.pdf", ["secret text"]), folder / "locked.pdf", user_password="s3cret")
    make_image_only_pdf(folder / "scanned.pdf")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbage.txt").write_bytes(os.urandom(4096))
    (folder / "table.xyz").write_text("a,b,c")
    (folder / "huge.txt").write_text("kata " * 300_000)  # 1.5 MB, over the limit set below
    (folder / "undecodable.txt").write_bytes(b"\x81\x8d\x8f\x90\x9d" * 200)
    (folder / "loop").symlink_to(folder, target_is_directory=True)

    done, report = run_kb(["ingest", str(folder), "--json"], {**env, "KB_MAX_FILE_MB": "1"})
    assert done.returncode == 1, done.stderr
    assert report["added"] == 2
    failed = {Path(item["path"]).name: item["error"] for item in report["failed"]}
    skipped = {Path(item["path"]).name: item["reason"] for item in report["skipped"]}
    assert set(failed) == {"corrupt.pdf", "locked.pdf", "scanned.pdf", "empty.txt", "garbage.txt", "huge.txt", "undecodable.txt"}
    assert set(skipped) == {"table.xyz", "loop"}
    assert "password" in failed["locked.pdf"]
    assert "OCR" in failed["scanned.pdf"]
    assert "empty" in failed["empty.txt"]
    assert "limit" in failed["huge.txt"]
    assert "unsupported" in skipped["table.xyz"] and "loop" in skipped["loop"]
    assert all(reason.strip() and "\n" not in reason for reason in [*failed.values(), *skipped.values()])

    done, documents = run_kb(["docs", "--json"], env)
    assert sorted(d["source"] for d in documents) == ["good.md", "good.pdf", "keep.md"]

    done, _ = run_kb(["ingest", str(folder)], {**env, "KB_MAX_FILE_MB": "1"}, check_json=False)
    assert done.returncode == 1
    for name in ("corrupt.pdf", "locked.pdf", "scanned.pdf", "table.xyz"):
        assert name in done.stdout + done.stderr


def test_pdf_with_empty_user_password_is_decrypted(tmp_path, env):
    source = make_text_pdf(tmp_path / "open.pdf", ["Dokumen ini terenkripsi tanpa kata sandi pengguna."])
    encrypted = encrypt_pdf(source, tmp_path / "encrypted_open.pdf", user_password="")
    done, report = run_kb(["ingest", str(encrypted), "--json"], env)
    assert done.returncode == 0 and report["added"] == 1, report


def test_ingestion_killed_halfway_leaves_nothing_visible_and_next_run_completes(tmp_path, env):
    long_doc = tmp_path / "long_report.md"
    paragraphs = [
        f"Paragraph {n}: the regional office trained {n + 3} village officials on safe migration and the "
        f"complaint mechanism for migrant workers in district number {n}." for n in range(160)
    ]
    long_doc.write_text("# Long report\n\n" + "\n\n".join(paragraphs))
    kill_env = {**env, "KB_EMBED_BATCH_SIZE": "2", "KB_CHUNK_TOKENS": "48"}
    process = subprocess.Popen([*KB, "ingest", str(long_doc)], env=kill_env, cwd=PROJECT_ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stored_before_kill = 0
    deadline = time.monotonic() + 240
    for line in process.stderr:
        if line.strip().startswith("chunks"):
            stored_before_kill, planned = map(int, line.split()[1].split("/"))
            if stored_before_kill >= 6:
                break
        assert time.monotonic() < deadline
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert 0 < stored_before_kill < planned

    done, documents = run_kb(["docs", "--json"], kill_env)
    assert documents == []
    done, hits = run_kb(["search", "village officials complaint mechanism", "--json"], kill_env)
    assert hits == []

    done, report = run_kb(["ingest", str(long_doc), "--json"], kill_env)
    assert done.returncode == 0 and report["added"] == 1
    assert report["chunks"] == planned
    done, documents = run_kb(["docs", "--json"], kill_env)
    assert documents[0]["chunks"] == planned
    from chromadb import PersistentClient

    client = PersistentClient(path=str(Path(env["KB_HOME"]) / "chroma"))
    assert client.get_collection("kb_chunks").count() == planned
    chunk_ids = set(client.get_collection("kb_chunks").get()["ids"])
    sentences = client.get_collection("kb_sentences").get()["metadatas"]
    assert sentences and {meta["chunk_id"] for meta in sentences} <= chunk_ids, "no sentence of the killed run is left"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_ingest_a_web_page_served_on_localhost(tmp_path, env):
    site = tmp_path / "site"
    site.mkdir()
    (site / "berita.html").write_text(
        "<html><head><title>Lokakarya GCM di Makassar</title></head><body>"
        "<nav><a href='/'>Beranda</a> <a href='/tentang'>Tentang</a></nav>"
        "<main><h1>Lokakarya GCM di Makassar</h1><p>Lokakarya tentang Global Compact for Migration diadakan di "
        "Makassar pada 12 Juni untuk pejabat pemerintah daerah dan asosiasi migran.</p></main>"
        "<footer>Hak cipta</footer></body></html>"
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/berita.html"
    try:
        done, report = run_kb(["ingest", url, "--json"], env)
        assert done.returncode == 0 and report["added"] == 1, done.stderr
        done, again = run_kb(["ingest", url, "--json"], env)
        assert again["unchanged"] == 1
        done, missing = run_kb(["ingest", url.replace("berita", "hilang"), "--json"], env)
        assert done.returncode == 1 and "404" in missing["failed"][0]["error"]
    finally:
        server.shutdown()
    done, documents = run_kb(["docs", "--json"], env)
    assert documents[0]["path"] == url and documents[0]["source"] == "berita.html"
    assert documents[0]["title"] == "Lokakarya GCM di Makassar"
    done, hits = run_kb(["search", "Kapan lokakarya di Makassar?", "--json"], env)
    assert hits[0]["path"] == url
    assert "Beranda" not in hits[0]["text"] and "Hak cipta" not in hits[0]["text"]


def test_help_texts_explain_each_command(env):
    for command in ("ingest", "docs", "remove", "set", "reindex", "search", "serve"):
        done, _ = run_kb([command, "--help"], env, check_json=False)
        assert done.returncode == 0
        assert len(done.stdout.split()) > 25, command
