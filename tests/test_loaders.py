"""Tests for ingest.loaders: real files built in each test, a real HTTP server for URLs."""

from __future__ import annotations

import datetime
import io
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from PIL import Image
from pypdf import PdfWriter
from pypdf.constants import PageLabelStyle

from ingest.errors import IngestError, UnsupportedFileType
from ingest.loaders import SUPPORTED_SUFFIXES, load_file, load_url

MB = 1024 * 1024
LIMIT = 50 * MB
SHARED_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(
    not SHARED_CORPUS.is_dir(), reason=f"shared corpus not found at {SHARED_CORPUS} (only on project machines)"
)


# ---------------------------------------------------------------- builders


def make_pdf(pages: list[str], *, title: str | None = None, author: str | None = None) -> bytes:
    pdf = FPDF()
    pdf.set_creation_date(datetime.datetime(2024, 3, 5, 10, 0, tzinfo=datetime.timezone.utc))
    if title is not None:
        pdf.set_title(title)
    if author is not None:
        pdf.set_author(author)
    pdf.set_font("helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def reason_of(excinfo: pytest.ExceptionInfo[IngestError]) -> str:
    reason = excinfo.value.reason
    assert "\n" not in reason, "reasons are shown to users on one line"
    return reason


# ---------------------------------------------------------------- load_file: shared checks


def test_supported_suffixes_cover_every_format() -> None:
    assert {".pdf", ".md", ".markdown", ".txt", ".text", ".html", ".htm", ".docx"} <= SUPPORTED_SUFFIXES


def test_unsupported_extension_is_skipped_not_failed(tmp_path: Path) -> None:
    path = write(tmp_path, "budget.xlsx", b"PK\x03\x04 not really")
    with pytest.raises(UnsupportedFileType) as excinfo:
        load_file(path, max_bytes=LIMIT)
    assert "unsupported file type '.xlsx'" in reason_of(excinfo)
    assert ".pdf" in excinfo.value.reason


def test_suffix_dispatch_is_case_insensitive(tmp_path: Path) -> None:
    path = write(tmp_path, "NOTES.TXT", "Catatan rapat\nPekerja migran dibahas.")
    document = load_file(path, max_bytes=LIMIT)
    assert document.file_type == "txt"
    assert document.source == "NOTES.TXT"
    assert document.path == str(path.resolve())


def test_oversize_file_names_size_and_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as handle:
        handle.truncate(3 * MB)  # sparse: the size check must happen before any read
    with pytest.raises(IngestError) as excinfo:
        load_file(path, max_bytes=2 * MB)
    assert reason_of(excinfo) == "file is 3.0 MB, over the 2.0 MB limit (KB_MAX_FILE_MB)"


@pytest.mark.parametrize("name", ["empty.pdf", "empty.txt", "empty.md", "empty.html", "empty.docx"])
def test_zero_byte_file_is_empty(tmp_path: Path, name: str) -> None:
    with pytest.raises(IngestError) as excinfo:
        load_file(write(tmp_path, name, b""), max_bytes=LIMIT)
    assert reason_of(excinfo) == "empty file"


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as excinfo:
        load_file(tmp_path / "gone.txt", max_bytes=LIMIT)
    assert reason_of(excinfo) == "file not found"


# ---------------------------------------------------------------- PDF


def test_pdf_one_section_per_page_with_metadata(tmp_path: Path) -> None:
    data = make_pdf(
        [
            "Migrant Worker Protection\nChapter one text about placement.",
            "Second page on recruitment fees.",
            "Third page.",
        ],
        title="Laporan Pelindungan Pekerja Migran",
        author="IOM Indonesia",
    )
    document = load_file(write(tmp_path, "report.pdf", data), max_bytes=LIMIT)
    assert document.file_type == "pdf"
    assert document.pages == 3
    assert [section.page for section in document.sections] == [1, 2, 3]
    assert all(section.page_label is None for section in document.sections)
    assert "recruitment fees" in document.sections[1].text
    assert document.title == "Laporan Pelindungan Pekerja Migran"
    assert document.metadata == {"author": "IOM Indonesia", "date": "2024-03-05"}


def make_cover_pdf(lines: list[tuple[float, str]]) -> bytes:
    """A one-page PDF with each line set in its own font size, as report covers are."""
    pdf = FPDF()
    pdf.add_page()
    for size, text in lines:
        pdf.set_font("helvetica", size=size)
        pdf.multi_cell(0, size * 0.6, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


BODY = "The evaluation covered the years 2020 to 2024 and all regional offices of the organization. " * 3


def test_pdf_title_is_the_largest_type_on_the_cover(tmp_path: Path) -> None:
    data = make_cover_pdf([(10, "IOM CENTRAL EVALUATION"), (22, "Meta-evaluation of IOM evaluations 2020-2024"), (10, BODY)])
    document = load_file(write(tmp_path, "meta.pdf", data), max_bytes=LIMIT)
    assert document.title == "Meta-evaluation of IOM evaluations 2020-2024"


def test_pdf_cover_banner_is_joined_with_the_title_under_it(tmp_path: Path) -> None:
    """A banner in the largest type ("EVALUATION BRIEF") names the kind of document; the title follows it."""
    data = make_cover_pdf(
        [(26, "EVALUATION BRIEF"), (16, "EVALUATION OF IOM ACCOUNTABILITY TO AFFECTED POPULATIONS"), (10, BODY)]
    )
    document = load_file(write(tmp_path, "brief.pdf", data), max_bytes=LIMIT)
    assert document.title == "EVALUATION BRIEF: EVALUATION OF IOM ACCOUNTABILITY TO AFFECTED POPULATIONS"


def test_pdf_page_set_in_one_size_has_no_cover_title(tmp_path: Path) -> None:
    data = make_cover_pdf([(11, "Summary"), (11, BODY)])
    document = load_file(write(tmp_path, "summary.pdf", data), max_bytes=LIMIT)
    assert document.title == "Summary"  # the first heading-like line, as before


def test_pdf_title_falls_back_to_first_heading_when_metadata_is_junk(tmp_path: Path) -> None:
    data = make_pdf(["12\nGlobal Compact for Migration\nSummary of the objectives."], title="Microsoft Word - gcm.docx")
    document = load_file(write(tmp_path, "gcm.pdf", data), max_bytes=LIMIT)
    assert document.title == "Global Compact for Migration"


def test_pdf_page_labels_only_where_they_differ(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf(["Cover", "Foreword", "Intro", "Findings"])))
    writer.set_page_label(0, 1, style=PageLabelStyle.LOWERCASE_ROMAN, start=1)
    writer.set_page_label(2, 3, style=PageLabelStyle.DECIMAL, start=1)
    buffer = io.BytesIO()
    writer.write(buffer)
    document = load_file(write(tmp_path, "labelled.pdf", buffer.getvalue()), max_bytes=LIMIT)
    assert [(s.page, s.page_label) for s in document.sections] == [(1, "i"), (2, "ii"), (3, "1"), (4, "2")]


def test_pdf_blank_page_keeps_physical_numbering(tmp_path: Path) -> None:
    document = load_file(write(tmp_path, "gap.pdf", make_pdf(["First page", "", "Third page"])), max_bytes=LIMIT)
    assert document.pages == 3
    assert [section.page for section in document.sections] == [1, 3]


def test_pdf_encrypted_with_empty_user_password_is_read(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner-secret", user_password="")
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "Printing restricted, reading allowed.")
    document = load_file(write(tmp_path, "restricted.pdf", bytes(pdf.output())), max_bytes=LIMIT)
    assert "reading allowed" in document.full_text()


def test_pdf_with_real_password_is_refused(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf(["Confidential content"])))
    writer.encrypt(user_password="s3cret", owner_password="owner", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(IngestError) as excinfo:
        load_file(write(tmp_path, "locked.pdf", buffer.getvalue()), max_bytes=LIMIT)
    assert reason_of(excinfo) == "encrypted PDF: a password is required"


def test_scanned_pdf_without_text_layer_mentions_ocr(tmp_path: Path) -> None:
    image = io.BytesIO()
    Image.new("RGB", (60, 80), "gray").save(image, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=150)
    with pytest.raises(IngestError) as excinfo:
        load_file(write(tmp_path, "scan.pdf", bytes(pdf.output())), max_bytes=LIMIT)
    assert "OCR" in reason_of(excinfo)
    assert excinfo.value.reason.startswith("no text layer (scanned PDF?): OCR ")


@pytest.mark.parametrize("data", [b"this is not a pdf at all", os.urandom(4000)], ids=["text", "random"])
def test_garbage_named_pdf_is_not_readable(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(IngestError) as excinfo:
        load_file(write(tmp_path, "fake.pdf", data), max_bytes=LIMIT)
    assert reason_of(excinfo).startswith("not a readable PDF (")


def test_truncated_pdf_is_not_readable(tmp_path: Path) -> None:
    data = make_pdf(["Page one " * 50, "Page two " * 50])
    with pytest.raises(IngestError) as excinfo:
        load_file(write(tmp_path, "cut.pdf", data[: len(data) // 2]), max_bytes=LIMIT)
    assert reason_of(excinfo) == "not a readable PDF (the file is truncated: no end-of-file marker)"


@needs_corpus
def test_real_corpus_pdf() -> None:
    path = SHARED_CORPUS / "iom_eval_migration_data_strategy_case_study_asia_pacific_2025.pdf"
    document = load_file(path, max_bytes=LIMIT)
    assert document.pages == 12
    assert document.metadata.get("author") == "Neil Dillon"
    assert document.metadata.get("date") == "2025-08-06"
    assert document.title == (
        "EVALUATION OF THE IOM MIGRATION DATA STRATEGY 2020-2025 Case Study: IOM Asia-Pacific Regional Data Hub 2020–2025"
    )
    assert all(1 <= section.page <= 12 for section in document.sections)
    assert "Data Hub" in document.full_text()


# ---------------------------------------------------------------- Markdown

GCM_LIKE = """Source: github:example/repo:gcm.md @ abc123 (test copy)

# Objective 7
## Title: Address and reduce vulnerabilities in migration
## Associated actions
- a. Establish policies that respond to the needs of migrants.

```text
# not a heading inside a code fence
```

# Objective 8
Save lives.
"""


def test_markdown_heading_paths_and_provenance(tmp_path: Path) -> None:
    document = load_file(write(tmp_path, "gcm.md", GCM_LIKE), max_bytes=LIMIT)
    assert document.file_type == "md"
    assert document.metadata["provenance"].startswith("Source: github:example/repo")
    assert "Source:" not in document.full_text()
    assert document.title is None, "several level-1 headings are parts of the document, not its title"
    headings = [section.heading for section in document.sections]
    assert headings == [
        "Objective 7 > Title: Address and reduce vulnerabilities in migration",
        "Objective 7 > Associated actions",
        "Objective 8",
    ]
    # A heading with no body of its own travels with the first section nested under it.
    assert document.sections[0].text.startswith("Objective 7\nTitle: Address")
    actions = document.sections[1].text
    assert actions.startswith("Associated actions\n- a. Establish")
    assert "# not a heading inside a code fence" in actions
    assert document.sections[2].text == "Objective 8\nSave lives."


def test_markdown_flat_statute_is_one_section(tmp_path: Path) -> None:
    text = "UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 18 TAHUN 2017\n\nPasal 1\nDalam Undang-Undang ini yang dimaksud..."
    document = load_file(write(tmp_path, "uu.markdown", text), max_bytes=LIMIT)
    assert len(document.sections) == 1
    assert document.sections[0].heading is None and document.sections[0].page is None
    assert document.title is None


def test_markdown_lenient_headings_and_first_heading_title(tmp_path: Path) -> None:
    text = "<meta http-equiv='Content-Type' content='text/html' />\n\n##Statuut\n\n####CONSTITUTION\n\nPreamble text.\n"
    document = load_file(write(tmp_path, "treaty.md", text), max_bytes=LIMIT)
    assert document.title == "Statuut"
    assert document.title_candidates == ["CONSTITUTION"], "headings before any text may name it in another language"
    assert [s.heading for s in document.sections] == ["Statuut > CONSTITUTION"]
    assert "<meta" not in document.full_text()


def test_markdown_heading_after_paragraphs_is_a_section_not_the_title(tmp_path: Path) -> None:
    """An encyclopedia article opens with its lead paragraphs; its first heading, "History", names a section."""
    text = "The **International Organization for Migration** (IOM) is a UN agency.\n\n## History\n\nIOM was founded in 1951.\n"
    document = load_file(write(tmp_path, "iom_article.md", text), max_bytes=LIMIT)
    assert document.title is None
    assert [section.heading for section in document.sections] == [None, "History"]


@needs_corpus
def test_real_corpus_markdown() -> None:
    document = load_file(SHARED_CORPUS / "gcm_23_objectives_and_actions_from_A_RES_73_195.md", max_bytes=LIMIT)
    headings = {section.heading for section in document.sections}
    assert "Objective 7 > Associated actions" in headings
    assert document.metadata["provenance"].startswith("Source: github:")


# ---------------------------------------------------------------- plain text


def test_text_utf8_with_bom(tmp_path: Path) -> None:
    text = "\ufeffLokakarya GCM di Jakarta\n\nIOM telah hadir di Indonesia sejak 1979.\n"
    path = write(tmp_path, "notes.txt", text.encode())
    document = load_file(path, max_bytes=LIMIT)
    assert len(document.sections) == 1 and document.sections[0].page is None
    assert document.sections[0].text.startswith("Lokakarya GCM")
    assert document.title == "Lokakarya GCM di Jakarta"
    assert "encoding" not in document.metadata


def test_text_cp1252_falls_back_to_detection(tmp_path: Path) -> None:
    text = (
        "Pelindungan Pekerja Migran — “hak” pekerja\n"
        "The migrant worker’s rights, café and naïve résumé, are protected under Pasal 1.\n"
    )
    document = load_file(write(tmp_path, "legacy.txt", text.encode("cp1252")), max_bytes=LIMIT)
    assert document.sections[0].text == text.strip()
    assert document.metadata["encoding"] == "cp1252"


@pytest.mark.parametrize(
    "data",
    [os.urandom(4096), b"header\x00\x00\x00\x01payload", bytes(range(1, 9)) * 200],
    ids=["random", "nul-bytes", "control-chars"],
)
def test_binary_named_txt_is_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(IngestError) as excinfo:
        load_file(write(tmp_path, "data.txt", data), max_bytes=LIMIT)
    assert reason_of(excinfo) == "binary data, not text"


def test_whitespace_only_text_is_empty(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as excinfo:
        load_file(write(tmp_path, "blank.txt", " \n\t\n  "), max_bytes=LIMIT)
    assert reason_of(excinfo) == "empty file"


# ---------------------------------------------------------------- HTML

HOSTILE_PAGE = """<!doctype html>
<html lang="id"><head>
  <title>Pelindungan PMI &amp; Migrasi Aman</title>
  <meta name="description" content="Ringkasan kebijakan">
  <style>body { color: red }</style>
  <script>alert(1)</script>
</head><body>
  <header><a href="/">IOM Indonesia</a> Beranda Tentang</header>
  <nav><ul><li>Home</li><li>Menu item</li></ul></nav>
  <div class="cookie-banner">We use cookies</div>
  <div id="breadcrumb">Home / Kebijakan</div>
  <main>
    <h1>Migrasi Aman</h1>
    <p>Pekerja migran berhak atas&nbsp;informasi &lt;lengkap&gt;.</p>
    <script>document.write("injected")</script>
    <h2>Hak Pekerja</h2>
    <p>Hak atas upah yang layak.<br>Hak atas cuti.</p>
    <div hidden>secret hidden text</div>
    <table><tr><th>Negara</th><th>Jumlah</th></tr><tr><td>Malaysia</td><td>1200</td></tr></table>
    <aside>Related links</aside>
    <h2>Kontak</h2>
    <p>Hubungi kantor IOM.</p>
  </main>
  <footer>Copyright IOM</footer>
  <div role="navigation">More links</div>
</body></html>
"""


def test_html_keeps_main_text_and_strips_chrome(tmp_path: Path) -> None:
    document = load_file(write(tmp_path, "page.html", HOSTILE_PAGE), max_bytes=LIMIT)
    text = document.full_text()
    assert document.file_type == "html"
    assert document.title == "Pelindungan PMI & Migrasi Aman"
    assert document.metadata == {"description": "Ringkasan kebijakan", "language": "id"}
    for chrome in ("alert(1)", "injected", "Menu item", "cookies", "Kebijakan", "Copyright", "More links",
                   "Related links", "secret hidden", "Beranda", "color: red"):  # fmt: skip
        assert chrome not in text
    assert "Pekerja migran berhak atas informasi <lengkap>." in text  # entities decoded, no tags left
    assert "Negara | Jumlah\nMalaysia | 1200" in text
    headings = [section.heading for section in document.sections]
    assert headings == ["Migrasi Aman", "Migrasi Aman > Hak Pekerja", "Migrasi Aman > Kontak"]
    assert document.sections[1].text.startswith("Hak Pekerja\nHak atas upah yang layak.\nHak atas cuti.")


def test_html_without_main_uses_body_and_falls_back_to_h1_title(tmp_path: Path) -> None:
    page = "<html><body><article><header><h1>Laporan Tahunan</h1></header><p>Isi laporan.</p></article></body></html>"
    document = load_file(write(tmp_path, "report.htm", page), max_bytes=LIMIT)
    assert document.title == "Laporan Tahunan"  # an article's own <header> is content, not chrome
    assert document.sections[0].text == "Laporan Tahunan\nIsi laporan."


def test_html_og_title_when_no_title_tag(tmp_path: Path) -> None:
    page = '<html><head><meta property="og:title" content="GCM Review"></head><body><p>Text.</p></body></html>'
    assert load_file(write(tmp_path, "og.html", page), max_bytes=LIMIT).title == "GCM Review"


def test_html_with_only_chrome_is_refused(tmp_path: Path) -> None:
    page = "<html><body><nav>Home</nav><script>alert(1)</script></body></html>"
    with pytest.raises(IngestError) as excinfo:
        load_file(write(tmp_path, "chrome.html", page), max_bytes=LIMIT)
    assert "no readable text" in reason_of(excinfo)


# ---------------------------------------------------------------- DOCX


def make_docx(*, core_title: str = "") -> bytes:
    document = docx.Document()
    document.core_properties.title = core_title
    document.core_properties.author = "Kementerian Ketenagakerjaan"
    document.add_paragraph("Preamble paragraph.")
    document.add_heading("Bab I Ketentuan Umum", level=1)
    document.add_paragraph("Pasal 1 berisi definisi.")
    document.add_heading("Bagian Kesatu", level=2)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Istilah", "Definisi"
    table.cell(1, 0).text, table.cell(1, 1).text = "PMI", "Pekerja Migran Indonesia"
    document.add_paragraph("After the table.")
    document.add_heading("Bab II Tugas", level=1)
    document.add_paragraph("Tugas pemerintah.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_headings_paragraphs_and_tables(tmp_path: Path) -> None:
    document = load_file(write(tmp_path, "uu.docx", make_docx()), max_bytes=LIMIT)
    assert document.file_type == "docx"
    assert document.title == "Bab I Ketentuan Umum"
    assert document.metadata["author"] == "Kementerian Ketenagakerjaan"
    assert [s.heading for s in document.sections] == [
        None,
        "Bab I Ketentuan Umum",
        "Bab I Ketentuan Umum > Bagian Kesatu",
        "Bab II Tugas",
    ]
    table_section = "Bagian Kesatu\nIstilah | Definisi\nPMI | Pekerja Migran Indonesia\nAfter the table."
    assert document.sections[2].text == table_section


def test_docx_core_title_wins(tmp_path: Path) -> None:
    document = load_file(write(tmp_path, "titled.docx", make_docx(core_title="UU 18/2017")), max_bytes=LIMIT)
    assert document.title == "UU 18/2017"


def test_corrupt_docx_is_not_readable(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as excinfo:
        load_file(write(tmp_path, "broken.docx", b"PK\x03\x04" + os.urandom(500)), max_bytes=LIMIT)
    assert reason_of(excinfo).startswith("not a readable DOCX (")


# ---------------------------------------------------------------- load_url against a real server


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    send_length: bool = True
    headers: dict[str, str] = field(default_factory=dict)


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, Route] = {}

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        route = self.routes.get(self.path)
        if route is None:
            self.send_error(404, "Not Found")
            return
        time.sleep(route.delay)
        try:
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            if route.send_length:
                self.send_header("Content-Length", str(len(route.body)))
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(route.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on purpose (size limit or timeout tests)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep test output quiet
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    _Handler.routes = {
        "/": Route(b"<html><body><p>Home page text</p></body></html>"),
        "/docs/page.html": Route(HOSTILE_PAGE.encode()),
        "/files/report.pdf": Route(make_pdf(["Remote page one", "Remote page two"]), "application/pdf"),
        "/download?id=7": Route(make_pdf(["Served as octet-stream"]), "application/octet-stream"),
        "/notes.txt": Route("Catatan\nPekerja migran.".encode("cp1252"), "text/plain; charset=windows-1252"),
        "/big-announced": Route(b"x" * 200_000, "text/plain"),
        "/big-streamed": Route(b"y" * 200_000, "text/plain", send_length=False),
        "/slow": Route(b"<p>late</p>", delay=1.0),
        "/image.png": Route(b"\x89PNG\r\n\x1a\n", "image/png"),
        "/moved": Route(b"", status=302, headers={"Location": "/docs/page.html"}),
    }
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_url_html_page(server: str) -> None:
    url = f"{server}/docs/page.html"
    document = load_url(url, timeout=5, max_bytes=LIMIT)
    assert document.path == url
    assert document.source == "page.html"
    assert document.file_type == "html"
    assert "alert(1)" not in document.full_text()
    assert "Hak atas cuti." in document.full_text()


def test_url_follows_redirects(server: str) -> None:
    document = load_url(f"{server}/moved", timeout=5, max_bytes=LIMIT)
    assert document.title == "Pelindungan PMI & Migrasi Aman"
    assert document.source == "moved"


def test_url_pdf(server: str) -> None:
    document = load_url(f"{server}/files/report.pdf", timeout=5, max_bytes=LIMIT)
    assert document.file_type == "pdf" and document.pages == 2
    assert [(s.page, s.text) for s in document.sections] == [(1, "Remote page one"), (2, "Remote page two")]
    assert document.source == "report.pdf"


def test_url_generic_content_type_recognises_pdf_signature(server: str) -> None:
    document = load_url(f"{server}/download?id=7", timeout=5, max_bytes=LIMIT)
    assert document.file_type == "pdf"
    assert document.source == "download"


def test_url_text_with_declared_charset(server: str) -> None:
    document = load_url(f"{server}/notes.txt", timeout=5, max_bytes=LIMIT)
    assert document.file_type == "txt"
    assert document.title == "Catatan"


def test_url_host_is_source_without_path(server: str) -> None:
    assert load_url(f"{server}/", timeout=5, max_bytes=LIMIT).source == "127.0.0.1"


def test_url_404(server: str) -> None:
    with pytest.raises(IngestError) as excinfo:
        load_url(f"{server}/missing.pdf", timeout=5, max_bytes=LIMIT)
    assert reason_of(excinfo) == "the server answered HTTP 404 Not Found"
    assert excinfo.value.path == f"{server}/missing.pdf"


@pytest.mark.parametrize("route", ["/big-announced", "/big-streamed"])
def test_url_body_over_limit(server: str, route: str) -> None:
    with pytest.raises(IngestError) as excinfo:
        load_url(f"{server}{route}", timeout=5, max_bytes=100_000)
    reason = reason_of(excinfo)
    assert reason.startswith("the response is")
    assert reason.endswith("over the 97.7 KB limit (KB_MAX_FILE_MB)")


def test_url_timeout(server: str) -> None:
    with pytest.raises(IngestError) as excinfo:
        load_url(f"{server}/slow", timeout=0.3, max_bytes=LIMIT)
    assert reason_of(excinfo) == "no response within 0.3 s (timed out)"


def test_url_unsupported_content_type(server: str) -> None:
    with pytest.raises(UnsupportedFileType) as excinfo:
        load_url(f"{server}/image.png", timeout=5, max_bytes=LIMIT)
    assert "unsupported content type 'image/png'" in reason_of(excinfo)


def test_url_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(IngestError) as excinfo:
        load_url(f"http://127.0.0.1:{port}/x.html", timeout=2, max_bytes=LIMIT)
    assert reason_of(excinfo).startswith("cannot connect to 127.0.0.1")


def test_url_rejects_non_http_schemes() -> None:
    with pytest.raises(IngestError) as excinfo:
        load_url("file:///etc/passwd", timeout=2, max_bytes=LIMIT)
    assert "only http:// and https://" in reason_of(excinfo)
