"""Screenshots of the web app for the README: the chat on a desktop (1280 px) and a phone (390 px)
screen, in Indonesian and English, and the staff console.

Serves a built knowledge base (the sample one: `KB_HOME=/tmp/sample-kb kb ingest sample/documents`)
with `kb serve`, drives it with Playwright and the system's Chromium, and writes PNGs into
docs/screenshots/. A throwaway staff account is made for the console shot.

    .venv/bin/python scripts/web_screenshots.py --kb-home /tmp/sample-kb
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[1]
QUESTION_ID = "Apakah pekerja migran berhak atas salinan perjanjian kerja?"
QUESTION_EN = "When was IOM founded?"
PHONE_QUESTION = "Sejak kapan IOM hadir di Indonesia?"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(kb_home: Path, password: str) -> tuple[subprocess.Popen, str]:
    from app.auth import hash_password

    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("KB_")}
    env.update(KB_HOME=str(kb_home), KB_CONFIG=os.devnull, KB_RATE_LIMIT_PER_MINUTE="0", HF_HUB_OFFLINE="1",
               KB_STAFF_USERS=json.dumps({"staf": hash_password(password)}), KB_AUDIT_LOG=str(Path(tempfile.mkdtemp()) / "audit.log"))
    process = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--port", str(port)], env=env,
                               cwd=PROJECT_ROOT)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(240):
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("kb serve did not start")


def ask(page, question: str, turns: int) -> None:
    page.fill("#kb-question textarea", question)
    page.click("#kb-send")
    page.wait_for_selector(f"#kb-sources .kb-sources[data-turns='{turns}']", state="attached", timeout=120_000)
    page.wait_for_timeout(600)


SEND_LABEL = {"id-ID": "Kirim", "en-US": "Send"}


def open_chat(browser, url: str, width: int, height: int, locale: str):
    """The chat in a browser of this locale and screen size, once its labels are in that language."""
    page = browser.new_page(viewport={"width": width, "height": height}, locale=locale)
    page.goto(url)
    page.wait_for_selector("#kb-question textarea")
    page.wait_for_function(f"() => document.querySelector('#kb-send').innerText.trim() === '{SEND_LABEL[locale]}'")
    return page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kb-home", type=Path, required=True, help="A built knowledge base (KB_HOME).")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    password = "screenshot-" + os.urandom(6).hex()
    process, url = serve(args.kb_home, password)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])

            desktop = open_chat(browser, url, 1280, 1000, "id-ID")
            ask(desktop, QUESTION_ID, 1)
            desktop.screenshot(path=str(args.out / "chat-desktop.png"))

            english = open_chat(browser, url, 1280, 900, "en-US")
            ask(english, QUESTION_EN, 1)
            english.screenshot(path=str(args.out / "chat-desktop-en.png"))

            phone = open_chat(browser, url, 390, 844, "id-ID")
            ask(phone, PHONE_QUESTION, 1)
            phone.locator("#kb-chat").scroll_into_view_if_needed()
            phone.screenshot(path=str(args.out / "chat-phone.png"))
            phone.locator("#kb-sources").scroll_into_view_if_needed()
            phone.screenshot(path=str(args.out / "chat-phone-sources.png"))

            console = browser.new_page(viewport={"width": 1280, "height": 900})
            console.goto(url + "staff/")
            console.fill("input[data-testid=textbox]", "staf")
            console.fill("input[type=password]", password)
            console.click("button:has-text('Login')")
            console.wait_for_selector("#kb-documents table", timeout=60_000)
            console.get_by_role("tab", name="Pencarian / Retrieval").click()
            console.get_by_label("Pertanyaan / Question").fill(PHONE_QUESTION)
            console.get_by_role("button", name="Cari / Search").click()
            console.wait_for_selector("#kb-hits table", timeout=60_000)
            console.wait_for_timeout(500)
            console.screenshot(path=str(args.out / "staff-console.png"))
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    for name in sorted(args.out.glob("*.png")):
        print(f"{name.relative_to(PROJECT_ROOT)}: {name.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
