"""The web app in a real browser: Chromium (the Debian package) driven by Playwright.

What only a browser can show: the answer streams into the chat with clickable citations, the
source link opens the document's copy (a PDF at its page), markup from a document runs nothing,
the language switch relabels the page, the layout fits a phone, and the staff console signs in.
Skipped when Chromium or Playwright is missing; CI sets REQUIRE_BROWSER_TESTS=1 to fail instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from web_helpers import (
    DANGER_QUESTION,
    IOM_QUESTION,
    PDF_QUESTION,
    STAFF_PASSWORD,
    STAFF_USER,
    XSS_QUESTIONS,
    build_test_kb,
    start_server,
    staff_users_json,
    stop_server,
)

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not Path(CHROMIUM).exists():
        return "chromium is not installed (scripts/system-packages.sh installs it)"
    return None


if _missing():
    if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
        pytest.fail(f"browser tests required but {_missing()}", pytrace=False)
    pytest.skip(_missing(), allow_module_level=True)

ANSWER_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    home = build_test_kb(tmp_path_factory.mktemp("browser"))
    server = start_server(home, staff_users=staff_users_json(), rate_limit_per_minute="1000")
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


class Page:
    """A chat page that records every dialog (alert, confirm, prompt) it was asked to show."""

    def __init__(self, browser, url: str, *, width: int = 1280, height: int = 900, locale: str = "id-ID"):
        self.context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.turns = 0
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.goto(url)
        self.page.wait_for_selector("#kb-question textarea")

    def ask(self, question: str) -> None:
        """Ask and wait until the answer is complete: the sources panel counts the answers given."""
        self.turns += 1
        self.page.fill("#kb-question textarea", question)
        self.page.click("#kb-send")
        self.page.wait_for_selector(f"#kb-sources .kb-sources[data-turns='{self.turns}']", state="attached",
                                    timeout=ANSWER_TIMEOUT_MS)

    def last_answer(self) -> str:
        return self.page.locator("#kb-chat .bot").last.inner_text()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def chat(browser, served):
    page = Page(browser, served.url)
    yield page
    page.close()


def test_question_gets_a_streamed_answer_with_a_clickable_citation_and_an_openable_pdf_page(chat, served, tmp_path):
    chat.ask(PDF_QUESTION)
    assert "salinan perjanjian kerja" in chat.last_answer()
    marker = chat.page.locator("#kb-chat a[href='#kb-src-1']")
    assert marker.count() >= 1 and marker.last.inner_text() == "[1]"
    source = chat.page.locator("#kb-sources #kb-src-1")
    assert "panduan.pdf" in source.inner_text() and "hal. 2" in source.inner_text()
    assert "salinan perjanjian kerja" in source.locator("mark").first.inner_text()

    chat.page.evaluate("window.scrollTo(0, 0)")
    marker.last.click()
    chat.page.wait_for_function("() => { const r = document.getElementById('kb-src-1').getBoundingClientRect();"
                                " return r.top >= 0 && r.top < window.innerHeight; }", timeout=5000)
    assert len(chat.context.pages) == 1  # the marker scrolls in place, it opens nothing

    link = source.locator("a.kb-open")
    href = link.get_attribute("href")
    assert href.startswith("files/") and href.endswith("panduan.pdf#page=2")
    assert link.get_attribute("target") == "_blank"
    response = chat.page.request.get(served.url + href.split("#")[0])
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    chat.page.screenshot(path=str(tmp_path / "desktop.png"), full_page=True)


def test_source_link_opens_the_document_copy_in_a_new_tab(chat):
    chat.ask(IOM_QUESTION)
    assert "1979" in chat.last_answer()
    with chat.context.expect_page() as opened:
        chat.page.locator("#kb-sources a.kb-open").first.click()
    document = opened.value
    document.wait_for_load_state()
    assert "/files/" in document.url and document.url.endswith("/berita.txt")
    assert "IOM telah hadir di Indonesia sejak 1979" in document.inner_text("body")


def test_markup_in_documents_runs_nothing_in_the_browser(chat):
    for question in XSS_QUESTIONS:
        chat.ask(question)
    page = chat.page
    chat_text = page.locator("#kb-chat").inner_text()
    assert "<script>window.__xss=1" in chat_text  # shown as text ...
    assert "onerror=" in chat_text and "javascript:window.__xss=3" in chat_text
    sources_text = page.locator("#kb-sources").inner_text()
    assert "<img src=x" in sources_text or "<script>" in sources_text
    page.wait_for_timeout(500)
    assert chat.dialogs == []  # ... and nothing ran
    assert page.evaluate("typeof window.__xss") == "undefined"
    for selector in ("#kb-chat img", "#kb-sources img", "#kb-chat script", "#kb-sources script", "#kb-chat iframe",
                     "#kb-sources iframe", "a[href^='javascript']", "[onerror]"):
        assert page.locator(selector).count() == 0, selector
    assert page.locator("#kb-sources mark").count() >= 1


def test_feedback_thumbs_and_comment_are_stored(chat, served):
    from app.feedback import FeedbackStore
    from kb.settings import Settings

    chat.ask(IOM_QUESTION)
    chat.page.fill("#kb-comment textarea", "jawaban singkat dan jelas")
    chat.page.locator("#kb-chat button[title='Suka'], #kb-chat button[title='Like']").last.click()
    chat.page.wait_for_function("() => document.querySelector('#kb-feedback-status').innerText.includes('Terima kasih')",
                                timeout=10_000)
    rows = FeedbackStore.from_settings(Settings(home=served.home)).list()
    row = next(row for row in rows if row["comment"] == "jawaban singkat dan jelas")
    assert row["rating"] == 1 and row["question"] == IOM_QUESTION and "1979" in row["answer"]
    assert row["citations"][0]["source"] == "berita.txt"
    assert chat.page.input_value("#kb-comment textarea") == ""


def test_not_in_the_documents_follow_up_and_start_over(chat):
    chat.ask("Apa ibu kota Peru?")
    assert "Tidak ditemukan dalam dokumen" in chat.last_answer()
    assert "tidak mengutip" in chat.page.locator("#kb-sources").inner_text()
    chat.ask(IOM_QUESTION)
    chat.ask("Dan apa yang didukungnya?")
    assert chat.page.locator("#kb-chat .bot").count() == 3
    chat.page.click("#kb-clear")
    chat.turns = 0
    chat.page.wait_for_function("() => document.querySelectorAll('#kb-chat .bot').length === 0", timeout=10_000)
    assert "Sumber jawaban akan tampil" in chat.page.locator("#kb-sources").inner_text()


def test_danger_question_shows_the_referral_notice(chat):
    chat.ask(DANGER_QUESTION)
    banner = chat.page.locator("#kb-referral .kb-referral")
    assert banner.is_visible() and "Penting" in banner.inner_text() and "bahaya" in banner.inner_text()
    assert "Penting" in chat.last_answer()
    toast = chat.page.locator(".toast-body").filter(has_text="Anda tidak sendirian")
    toast.first.wait_for(timeout=5000)  # a notice that stays until closed, wherever the reader scrolled


def test_language_follows_the_browser_and_the_switch(browser, served):
    english = Page(browser, served.url, locale="en-US")
    try:
        english.page.wait_for_function("() => document.querySelector('#kb-send').innerText.trim() === 'Send'",
                                       timeout=10_000)
        assert "Example questions" in english.page.inner_text("body")
        english.page.get_by_label("Bahasa Indonesia").check()
        english.page.wait_for_function("() => document.querySelector('#kb-send').innerText.trim() === 'Kirim'",
                                       timeout=10_000)
        assert "Contoh pertanyaan" in english.page.inner_text("body")
        assert english.page.locator("button.kb-example").first.inner_text() == "Sejak kapan IOM hadir di Indonesia?"
        english.page.get_by_label("English").check()
        english.page.wait_for_function("() => document.querySelector('#kb-clear').innerText.trim() === 'Start over'",
                                       timeout=10_000)
    finally:
        english.close()


def test_example_question_button_asks_it(chat):
    chat.page.locator("button.kb-example").first.click()
    chat.page.wait_for_function("() => document.querySelectorAll('#kb-sources .kb-source').length > 0",
                                timeout=ANSWER_TIMEOUT_MS)
    assert "1979" in chat.last_answer()


def test_phone_sized_screen_has_no_sideways_scrolling(browser, served, tmp_path):
    phone = Page(browser, served.url, width=390, height=844)
    try:
        phone.ask(PDF_QUESTION)
        assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
        for selector in ("#kb-chat", "#kb-sources", "#kb-send", "#kb-question"):
            box = phone.page.locator(selector).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, selector
        phone.page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    finally:
        phone.close()


def test_staff_console_needs_sign_in_then_shows_documents(browser, served):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(served.staff_url)
        page.wait_for_selector("input[type=password]")
        assert "kb-upload" not in page.content()
        page.fill("input[data-testid=textbox]", STAFF_USER)
        page.fill("input[type=password]", "wrong password!")
        page.click("button:has-text('Login')")
        page.wait_for_timeout(1000)
        assert page.locator("#kb-documents").count() == 0
        page.fill("input[data-testid=textbox]", STAFF_USER)
        page.fill("input[type=password]", STAFF_PASSWORD)
        page.click("button:has-text('Login')")
        page.wait_for_selector("#kb-documents table", timeout=20_000)
        assert "catatan_nelayan.md" in page.inner_text("#kb-documents")
        assert f"Signed in as {STAFF_USER}" in page.inner_text("body")
        assert page.locator("#kb-documents script, #kb-documents img").count() == 0
    finally:
        context.close()
