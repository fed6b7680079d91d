"""The web app served by `kb serve`, driven over HTTP by a real gradio_client."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(tmp_path, kb_home):
    article = tmp_path / "berita.txt"
    article.write_text(
        "IOM Indonesia\n\nIOM telah hadir di Indonesia sejak 1979 dan mendukung pemerintah dalam tata kelola migrasi.\n\n"
        "<script>alert('xss')</script> Teks ini menguji bahwa skrip dalam dokumen tidak dijalankan.\n"
    )
    env = {**os.environ, "KB_HOME": str(kb_home)}
    subprocess.run([sys.executable, "-m", "app.cli", "ingest", str(article)], env=env, cwd=PROJECT_ROOT,
                   check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--port", str(port)], env=env,
                               cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
        assert process.poll() is None, process.stdout.read()
    else:
        process.kill()
        pytest.fail("kb serve did not answer within 90 s")
    yield url
    process.terminate()
    process.wait(timeout=30)


def test_search_endpoint_answers_with_sources(served):
    from gradio_client import Client

    client = Client(served, verbose=False, download_files=False)  # hits carry a "path" field: keep it as text
    hits = client.predict("Sejak kapan IOM hadir di Indonesia?", 3, api_name="/search")
    assert hits[0]["source"] == "berita.txt"
    assert "1979" in hits[0]["text"]
    assert {"doc_id", "path", "title", "page", "chunk_id", "score"} <= set(hits[0])


def test_page_renders_document_text_escaped():
    from app.web import render_hits
    from kb.search import SearchHit

    hit = SearchHit(doc_id="d", source="x.txt", path="/x.txt", title="<b>T</b>", page=None, chunk_id="c",
                    score=0.5, text="<script>alert('xss')</script> <img src=x onerror=alert(1)>")
    rendered = render_hits([hit])
    assert "<script>" not in rendered and "<img" not in rendered
    assert "&lt;script&gt;" in rendered and "&lt;b&gt;T&lt;/b&gt;" in rendered
