"""Server mode: a real `chroma run` server on localhost holds chunks, vectors and the registry."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ingest.pipeline import Ingestor
from kb.api import KnowledgeBase
from kb.documents import remove_document
from kb.settings import Settings

pytestmark = pytest.mark.server

CHROMA = Path(sys.executable).parent / "chroma"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    if not CHROMA.exists():
        pytest.skip(f"the chroma command is not installed beside {sys.executable}")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    log = (data / "server.log").open("w")
    process = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail(f"chroma server did not start: {(data / 'server.log').read_text()[-2000:]}")
    yield url
    process.terminate()
    process.wait(timeout=30)


def replica(tmp_path, name: str, url: str, collection: str) -> KnowledgeBase:
    """An app replica: its own local folder, the shared server."""
    return KnowledgeBase(Settings(home=tmp_path / name, chroma_url=url, collection=collection, embed_batch_size=16))


def test_two_replicas_share_documents_and_results(tmp_path, chroma_url):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "hotline.md").write_text(
        "# Hotline\n\nPekerja migran yang mengalami kekerasan dapat melapor ke layanan pengaduan 24 jam.\n"
    )
    (folder / "visa.txt").write_text("A work visa for Malaysia requires a medical check and a signed contract.\n")
    first = replica(tmp_path, "replica-a", chroma_url, "shared1")
    report = Ingestor(first.settings, first.store, first.embeddings).ingest([str(folder)]).to_json()
    assert report["added"] == 2

    second = replica(tmp_path, "replica-b", chroma_url, "shared1")
    assert [r.source for r in second.documents()] == ["hotline.md", "visa.txt"]
    chunk_ids = [chunk_id for record in second.documents() for chunk_id in record.chunk_ids]
    stored = second.store.sentence_vectors(chunk_ids, second.embeddings.identity)
    assert stored and {key.rsplit(":s", 1)[0] for key in stored} == set(chunk_ids), "sentence vectors live in the server"
    question = "Ke mana melapor jika mengalami kekerasan?"
    assert [h.chunk_id for h in second.search(question, k=2)] == [h.chunk_id for h in first.search(question, k=2)]
    assert second.search(question, k=1)[0].source == "hotline.md"
    assert not (tmp_path / "replica-a" / "chroma").exists(), "server mode must not create an embedded store"

    again = Ingestor(second.settings, second.store, second.embeddings).ingest([str(folder)]).to_json()
    assert again["unchanged"] == 2

    visa = second.document("visa.txt")
    remove_document(second.store, visa)
    assert [r.source for r in first.documents()] == ["hotline.md"]
    assert first.store.sentences.get(where={"doc_id": visa.doc_id})["ids"] == []
    assert all(hit.source != "visa.txt" for hit in first.search("work visa Malaysia", k=5))


def test_collections_with_different_prefixes_are_separate(tmp_path, chroma_url):
    path = tmp_path / "note.txt"
    path.write_text("Kantor imigrasi buka setiap hari kerja pukul delapan pagi sampai empat sore.\n")
    one = replica(tmp_path, "one", chroma_url, "tenant-one")
    Ingestor(one.settings, one.store, one.embeddings).ingest([str(path)])
    other = replica(tmp_path, "two", chroma_url, "tenant-two")
    assert other.documents() == []
    assert other.search("jam buka kantor imigrasi", k=3) == []
