"""The web app's pieces that need no server: escaping, languages, the file route, upload checks."""

from __future__ import annotations

import os

import pytest

from app import render
from app.i18n import EXAMPLES, STRINGS, preferred_language

PAYLOADS = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "[klik](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "<a href=\"javascript:alert(1)\">a</a>",
    "<iframe src=javascript:alert(1)>",
    "`<b>code</b>`",
    "<svg/onload=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_answer_markdown_leaves_no_markup_and_no_link_but_the_citations(payload):
    message = render.answer_markdown(f"Menurut dokumen: {payload} sejak 1979. [1] [7]", [1])
    assert "<" not in message.replace("&lt;", "")
    assert "](javascript" not in message and "](#kb-src-1)" in message
    assert "#kb-src-7" not in message  # a marker naming no citation stays text
    assert message.count("](") == 1


def test_escaped_markdown_renders_as_the_text_typed():
    from markdown_it import MarkdownIt

    for payload in PAYLOADS + ["# heading", "1. list", "- item", "**bold** _it_", "a | b", "$$x$$", "> quote"]:
        rendered = MarkdownIt("commonmark", {"html": True}).render(render.escape_markdown(payload))
        assert rendered.startswith("<p>") and "<script" not in rendered and "<img" not in rendered
        assert "<a " not in rendered and "<strong>" not in rendered and "<em>" not in rendered


def test_referral_comes_first_in_the_chat_and_in_the_banner():
    message = render.answer_markdown("Jawaban [1]", [1], referral="Hubungi:\n- Hotline <b>123</b>", referral_title="Penting")
    assert message.startswith("> **Penting**\n> Hubungi:\n> \\- Hotline &lt;b&gt;123&lt;/b&gt;")
    banner = render.referral_html("Hubungi:\n<script>x</script>", "en")
    assert "role='alert'" in banner and "Important" in banner and "&lt;script&gt;" in banner
    assert render.referral_html(None, "id") == ""


def citation(**changes):
    base = {"n": 1, "doc_id": "0123456789abcdef", "source": "laporan <b>.pdf", "path": "/x/laporan.pdf",
            "title": "<script>alert(1)</script> Laporan", "page": 3, "text": "Awal.  IOM telah hadir\n di Indonesia "
            "sejak 1979 <img src=x onerror=alert(1)>. Akhir.", "chunk_id": "c", "section": "Bab <i>2</i>", "lang": "en",
            "highlights": ["IOM telah hadir di Indonesia sejak 1979 <img src=x onerror=alert(1)>."], "status": None,
            "note": "dicabut <u>oleh</u> UU", "ocr": True}
    return {**base, **changes}


def test_sources_panel_escapes_everything_and_highlights_the_quoted_sentences():
    html = render.sources_html([citation()], "id", has_copy=lambda c: True, answered=True)
    assert "<script" not in html and "<img" not in html and "<b>.pdf" not in html and "<u>" not in html
    assert "id='kb-src-1'" in html
    assert "<mark>IOM telah hadir di Indonesia sejak 1979 &lt;img src=x onerror=alert(1)&gt;.</mark>" in html
    assert "href='files/0123456789abcdef/laporan%20%3Cb%3E.pdf#page=3'" in html
    assert "hal. 3" in html and "Bab &lt;i&gt;2&lt;/i&gt;" in html and "bahasa: Inggris" in html
    assert "OCR" in html and "dicabut &lt;u&gt;oleh&lt;/u&gt; UU" in html
    english = render.sources_html([citation(page=None, source="notes.md")], "en", has_copy=lambda c: True)
    assert "href='files/0123456789abcdef/notes.md'" in english and "Open the document" in english


def test_sources_panel_links_only_to_copies_and_web_pages():
    assert "href" not in render.sources_html([citation()], "id", has_copy=lambda c: False)
    web = render.sources_html([citation(path="https://example.org/a?b=1&c=<2>")], "id")
    assert "href='https://example.org/a?b=1&amp;c=&lt;2&gt;'" in web
    evil = render.sources_html([citation(path="javascript:alert(1)")], "id")
    assert "javascript" not in evil


def test_highlight_of_a_sentence_cut_short_by_the_answerer():
    passage = "Satu dua tiga empat lima enam tujuh. Lainnya."
    assert render.highlighted_passage(passage, ["Satu dua tiga empat …"]) == "<mark>Satu dua tiga empat</mark> lima enam tujuh. Lainnya."


def test_console_tables_escape_cells():
    table = render.html_table(["<h>"], [["<script>x</script>"]])
    assert "<script>" not in table and "&lt;h&gt;" in table


def test_every_text_exists_in_both_languages():
    assert set(STRINGS["id"]) == set(STRINGS["en"])
    assert len(EXAMPLES["id"]) == len(EXAMPLES["en"]) >= 3


@pytest.mark.parametrize(("header", "requested", "expected"), [
    (None, None, "id"),
    ("en-US,en;q=0.9", None, "en"),
    ("id-ID,id;q=0.9,en;q=0.8", None, "id"),
    ("en-GB;q=0.5,id;q=0.8", None, "id"),
    ("ms-MY", None, "id"),
    ("fr-FR,de;q=0.5", None, "id"),
    ("fr-FR,en;q=0.5", None, "en"),
    ("en-US", "id", "id"),
    ("id", "en", "en"),
    ("en", "xx", "en"),
])
def test_page_language_follows_the_switch_then_the_browser(header, requested, expected):
    assert preferred_language(header, requested) == expected


def test_history_from_api_clients_is_cleaned():
    from app.chat import MAX_HISTORY_MESSAGES, clean_history

    history = [{"role": "system", "content": "ignore"}, "junk", {"role": "user", "content": 5},
               *({"role": "user", "content": f"q{i}"} for i in range(30))]
    cleaned = clean_history(history)
    assert len(cleaned) == MAX_HISTORY_MESSAGES and cleaned[-1] == {"role": "user", "content": "q29"}
    assert all(message["role"] in ("user", "assistant") for message in cleaned)


def test_upload_checks(tmp_path):
    from app.console import check_upload, safe_file_name

    good = tmp_path / "a.pdf"
    good.write_bytes(b"%PDF-1.7 ...")
    fake = tmp_path / "b.pdf"
    fake.write_bytes(b"MZ....")
    docx = tmp_path / "c.docx"
    docx.write_bytes(b"PK\x03\x04rest")
    text = tmp_path / "d.md"
    text.write_text("# judul")
    binary = tmp_path / "e.txt"
    binary.write_bytes(b"ab\x00cd")
    large = tmp_path / "f.txt"
    large.write_bytes(b"x" * 2_000_000)
    program = tmp_path / "g.exe"
    program.write_bytes(b"MZ")
    assert check_upload(good, 1) is None and check_upload(docx, 1) is None and check_upload(text, 1) is None
    assert "not a PDF" in check_upload(fake, 1)
    assert "binary" in check_upload(binary, 1)
    assert "MB" in check_upload(large, 1)
    assert "not accepted" in check_upload(program, 1)
    assert safe_file_name("../../etc/passwd") == "passwd"
    assert safe_file_name("C:\\x\\lap<or>an 2024.pdf") == "lap_or_an 2024.pdf"
    assert safe_file_name("...") == "document"


def test_console_refuses_a_request_without_a_user():
    import gradio as gr

    from app.console import require_staff

    class Request:
        username = None

    with pytest.raises(gr.Error):
        require_staff(Request())
    with pytest.raises(gr.Error):
        require_staff(None)


@pytest.fixture
def file_client(tmp_path):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from app.files import add_file_route
    from kb.settings import Settings

    settings = Settings(home=tmp_path / "home")
    folder = settings.resolved_files_dir / "0123456789abcdef"
    folder.mkdir(parents=True)
    (folder / "laporan.pdf").write_bytes(b"%PDF-1.4 fake")
    (folder / "halaman.html").write_text("<script>alert(1)</script><p>isi</p>")
    (folder / "catatan.md").write_text("# catatan")
    (folder / "surat.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "home" / "secret.txt").write_text("secret")
    os.symlink(tmp_path / "home" / "secret.txt", folder / "link.md")
    os.symlink(tmp_path / "home", settings.resolved_files_dir / "fedcba9876543210")
    app = FastAPI()
    add_file_route(app, settings)
    return TestClient(app)


def test_file_route_serves_copies_safely(file_client):
    pdf = file_client.get("/files/0123456789abcdef/laporan.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("inline")
    page = file_client.get("/files/0123456789abcdef/halaman.html")
    assert page.status_code == 200 and "sandbox" in page.headers["content-security-policy"]
    markdown = file_client.get("/files/0123456789abcdef/catatan.md")
    assert markdown.headers["content-type"].startswith("text/plain")
    docx = file_client.get("/files/0123456789abcdef/surat.docx")
    assert docx.headers["content-disposition"].startswith("attachment")


@pytest.mark.parametrize("path", [
    "/files/0123456789abcdef/link.md",
    "/files/fedcba9876543210/secret.txt",
    "/files/0123456789abcdef/..%2fsecret.txt",
    "/files/0123456789abcdef/%2e%2e/%2e%2e/secret.txt",
    "/files/0123456789ABCDEF/laporan.pdf",
    "/files/0123456789abcdef/missing.pdf",
    "/files/..%2f..%2fhome/secret.txt",
    "/files/0123456789abcdef/%2Fetc%2Fpasswd",
    "/files/0123456789abcdef/.",
])
def test_file_route_refuses_anything_else(file_client, path):
    response = file_client.get(path)
    assert response.status_code == 404, path
    assert b"secret" not in response.content
