"""A small knowledge base and a real `kb serve` for the web-app tests (tests/test_web*.py,
tests/test_browser.py): one served app per test module, because starting one costs seconds.

The documents are chosen for what the tests check: an answer with a citation (IOM since
1979), a PDF whose answer sits on page 2 (the source link must open `#page=2`), and a document
full of markup that must never run in a browser (each sentence of it is quoted by some answer).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from factories import make_text_pdf

PROJECT_ROOT = Path(__file__).resolve().parents[1]
STAFF_USER = "admin"
STAFF_PASSWORD = "correct horse battery"

IOM_QUESTION = "Sejak kapan IOM hadir di Indonesia?"
PDF_QUESTION = "Apakah pekerja migran berhak mendapatkan salinan perjanjian kerja?"
XSS_QUESTIONS = (
    "Berapa upah lembur nelayan di Pulau Bintan pada hari libur nasional?",
    "Apa yang wajib dibawa setiap kapal nelayan?",
    "Apa yang dibagikan koperasi nelayan setiap minggu?",
)
DANGER_QUESTION = "Paspor saya ditahan oleh majikan, apa yang harus saya lakukan?"

XSS_DOCUMENT = """# Catatan nelayan Bintan

Nelayan di Pulau Bintan menerima upah lembur dua kali lipat <script>window.__xss=1;alert('xss-script')</script> pada hari libur nasional.

Setiap kapal nelayan <img src=x onerror="window.__xss=2;alert('xss-img')"> wajib membawa jaket pelampung untuk semua awak kapal.

Koperasi nelayan [klik di sini](javascript:window.__xss=3) membagikan solar bersubsidi ${alert('tpl')} {{constructor.constructor('alert(4)')()}} <iframe src="javascript:alert(5)"></iframe> setiap minggu kepada anggota.
"""

IOM_DOCUMENT = (
    "IOM Indonesia\n\nIOM telah hadir di Indonesia sejak 1979 dan mendukung pemerintah dalam tata kelola migrasi.\n"
)

# A regulation whose Pasal 1 fills a chunk of its own, so that Pasal 2 (on page 2) starts a chunk
# on page 2 and its citation names that page.
PDF_PAGES = [
    "PERATURAN DAERAH KABUPATEN CONTOH NOMOR 9 TAHUN 2021 TENTANG PANDUAN PEKERJA MIGRAN\n\nPasal 1\n"
    + " ".join(
        f"({i}) Pendaftaran calon pekerja migran tahap {i} dilakukan di dinas tenaga kerja kabupaten dengan "
        "membawa kartu identitas, surat keterangan sehat, dan surat izin keluarga."
        for i in range(1, 9)
    ),
    "Pasal 2\nPekerja migran berhak mendapatkan salinan perjanjian kerja sebelum berangkat ke negara tujuan. "
    "Perjanjian kerja memuat upah, waktu kerja, waktu istirahat, cuti, dan jaminan sosial yang berlaku selama "
    "masa kontrak.",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_test_kb(folder: Path) -> Path:
    """The knowledge base's home, holding the three documents (ingested in this process)."""
    from ingest.pipeline import Ingestor
    from kb.api import KnowledgeBase
    from kb.settings import Settings

    docs = folder / "docs"
    docs.mkdir(parents=True)
    (docs / "berita.txt").write_text(IOM_DOCUMENT, encoding="utf-8")
    (docs / "catatan_nelayan.md").write_text(XSS_DOCUMENT, encoding="utf-8")
    make_text_pdf(docs / "panduan.pdf", PDF_PAGES, title="Panduan Pekerja Migran")
    home = folder / "kb-home"
    knowledge_base = KnowledgeBase(Settings(home=home, embed_batch_size=16))
    report = Ingestor(knowledge_base.settings, knowledge_base.store, knowledge_base.embeddings).ingest([str(docs)])
    assert report.count("added") == 3, report.to_json()
    return home


LOCKED_USER = "lockme"
"""A second account, for the test that locks it out with wrong passwords."""


def staff_users_json() -> str:
    from app.auth import hash_password

    return json.dumps({STAFF_USER: hash_password(STAFF_PASSWORD), LOCKED_USER: hash_password(STAFF_PASSWORD)})


def server_env(home: Path, **settings: str) -> dict[str, str]:
    """The environment of a served test app: only our KB_* settings, offline."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("KB_")}
    env.update(
        KB_HOME=str(home),
        KB_CONFIG=str(home.parent / "no-config.toml"),
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        GRADIO_ANALYTICS_ENABLED="False",
        **{f"KB_{name.upper()}": value for name, value in settings.items()},
    )
    return env


@dataclass
class Served:
    url: str
    home: Path
    process: subprocess.Popen
    started_in: float
    log: list[str] = field(default_factory=list)

    @property
    def staff_url(self) -> str:
        return self.url + "staff/"


def start_server(home: Path, *, timeout: float = 120, **settings: str) -> Served:
    """`kb serve` on a free port, once it answers."""
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)], env=server_env(home, **settings),
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = started + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"kb serve exited with {process.returncode}:\n{process.stdout.read()}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return Served(url, home, process, time.monotonic() - started)
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"kb serve did not answer within {timeout:.0f} s:\n{process.stdout.read()}")


def stop_server(served: Served) -> None:
    served.process.terminate()
    try:
        served.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        served.process.kill()
        served.process.wait(timeout=10)


def public_client(served: Served, address: str):
    """A gradio_client for the public chat that the app sees as coming from ``address``.

    uvicorn trusts X-Forwarded-For from 127.0.0.1 (as from a reverse proxy on the same host), so
    each test gets a rate-limit bucket of its own.
    """
    from gradio_client import Client

    return Client(served.url, verbose=False, download_files=False, headers={"X-Forwarded-For": address})
