"""The web app `kb serve` runs: the public chat at `/`, the staff console at `/staff/`, and the
documents behind source links at `/files/<doc_id>/<name>`.

The chat and the console are two Gradio apps mounted on one FastAPI app. Gradio's own sign-in
(``launch(auth=...)``) locks a whole app, which must not happen to the public chat, so only the
console's app gets it: every one of its routes (page, config, queue, API calls, files) refuses
a request without the session cookie its sign-in form sets, while the chat's routes stay open.
Without configured staff accounts the console is not mounted at all; `/staff/` then says how to
configure one.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import threading
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from fastapi.responses import HTMLResponse, RedirectResponse  # noqa: E402

from app.chat import build_chat  # noqa: E402
from app.console import build_console  # noqa: E402
from app.files import add_file_route  # noqa: E402
from app.services import WebServices  # noqa: E402
from kb import answering  # noqa: E402,F401 - imported before the warm-up thread needs it (see app.services)
from kb.api import KnowledgeBase  # noqa: E402

log = logging.getLogger(__name__)

STAFF_PATH = "/staff"
LOGIN_ATTEMPTS_PER_MINUTE = 10
"""Failed sign-ins allowed per user name and minute: enough for typing mistakes, too few to guess."""

CSS = """
#kb-top { align-items: flex-start; }
#kb-sources .kb-source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 12px;
  margin-bottom: 10px; scroll-margin-top: 12px; }
#kb-sources .kb-source.kb-flash { outline: 3px solid var(--color-accent); }
#kb-sources .kb-source-title { margin: 0 0 4px 0; }
#kb-sources .kb-n { color: var(--color-accent); font-weight: bold; }
#kb-sources .kb-meta { margin: 0 0 6px 0; font-size: 0.9em; opacity: 0.8; }
#kb-sources .kb-note { margin: 0 0 6px 0; font-size: 0.9em; color: #b45309; }
#kb-sources .kb-passage { margin: 0 0 6px 0; padding-left: 10px; border-left: 3px solid var(--border-color-primary);
  font-size: 0.92em; overflow-wrap: anywhere; }
#kb-sources mark { background: #fde68a; color: inherit; padding: 0 1px; }
#kb-sources .kb-empty p { opacity: 0.7; }
.kb-referral { border: 2px solid #b91c1c; background: #fef2f2; color: #7f1d1d; border-radius: 8px;
  padding: 8px 12px; margin-bottom: 10px; }
.kb-referral p { margin: 2px 0; }
.kb-table { overflow-x: auto; }
.kb-table table { border-collapse: collapse; font-size: 0.88em; }
.kb-table th { white-space: nowrap; }
.kb-table th, .kb-table td { border: 1px solid var(--border-color-primary); padding: 3px 6px; vertical-align: top;
  text-align: left; overflow-wrap: anywhere; }
#kb-chat a { text-decoration: none; font-weight: 600; }
@media (max-width: 640px) {
  #kb-chat { height: 60vh !important; }
  #kb-language { min-width: 100% !important; }
  .kb-example { flex: 1 1 100% !important; }
}
"""

HEAD = """
<script>
// A citation marker [n] in an answer links to #kb-src-n; scroll its source into view in place
// (the chat's Markdown links may open a new tab otherwise) and flash it.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[href^='#kb-src-']");
  if (!link) return;
  var target = document.getElementById(link.getAttribute("href").slice(1));
  if (!target) return;
  event.preventDefault();
  event.stopPropagation();
  target.scrollIntoView({behavior: "smooth", block: "start"});
  target.classList.add("kb-flash");
  setTimeout(function () { target.classList.remove("kb-flash"); }, 1500);
}, true);
</script>
"""

CONSOLE_DISABLED = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Konsol staf / Staff console</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto; padding: 0 1em;">
<h1>Konsol staf belum aktif / The staff console is not enabled</h1>
<p>Belum ada akun staf. Buat hash kata sandi dengan <code>kb staff hash-password</code>, lalu setel
<code>KB_STAFF_USERS='{"nama": "&lt;hash&gt;"}'</code> (atau tabel <code>[staff_users]</code> di kb.toml) dan
jalankan ulang <code>kb serve</code>.</p>
<p>No staff account is configured. Make a password hash with <code>kb staff hash-password</code>, set
<code>KB_STAFF_USERS='{"name": "&lt;hash&gt;"}'</code> (or a <code>[staff_users]</code> table in kb.toml) and
restart <code>kb serve</code>.</p>
<p><a href="../">Kembali ke percakapan / Back to the chat</a></p>
</body></html>"""


def gradio_upload_dir() -> Path:
    """Where Gradio keeps uploaded and output files (as Gradio itself decides it)."""
    return Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio").resolve()


def staff_authenticator(services: WebServices):
    """Gradio's sign-in check for the console: the hashed credentials of the settings (app.auth),
    with failed attempts limited per user name and every sign-in written to the audit log.

    Async (the hash check runs in a thread) so that a slow scrypt check, 0.1 s by design, does
    not stall the event loop serving everyone else.
    """
    from app.auth import check_credentials
    from app.ratelimit import RateLimiter

    failures = RateLimiter(LOGIN_ATTEMPTS_PER_MINUTE)
    settings = services.settings

    async def authenticate(username: str, password: str) -> bool:
        name = (username or "").strip()[:100]
        # Failures are audited for real accounts only: anyone can invent user names, and each
        # invented one must not cost a line in the log.
        known = name in settings.staff_users
        if failures.retry_after(f"login:{name}") > 0:
            if known:
                services.audit.write(name, "sign_in_refused", reason="too many failed attempts")
            return False
        ok = await asyncio.to_thread(check_credentials, name, password or "", settings)
        if ok:
            services.audit.write(name, "sign_in")
        else:
            failures.allow(f"login:{name}")
            if known:
                services.audit.write(name, "sign_in_failed")
        return ok

    return authenticate


def build_server(knowledge_base: KnowledgeBase, services: WebServices | None = None) -> FastAPI:
    """The whole web app as one ASGI app (for uvicorn, tests and benchmarks)."""
    from app.auth import console_enabled

    settings = knowledge_base.settings
    services = services or WebServices(knowledge_base)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    add_file_route(app, settings)

    if console_enabled(settings):
        console = build_console(services)
        console.queue(default_concurrency_limit=2)
        gr.mount_gradio_app(
            app, console, path=STAFF_PATH, auth=staff_authenticator(services),
            auth_message="Konsol staf: masuk dengan akun staf. / Staff console: sign in with a staff account.",
            footer_links=[], run_history=False, show_error=True, ssr_mode=False, css=CSS,
            max_file_size=f"{int(settings.max_file_mb * 1024)}kb",
        )

        @app.get(STAFF_PATH, include_in_schema=False)
        def staff_slash() -> RedirectResponse:
            return RedirectResponse(STAFF_PATH + "/")
    else:
        @app.get(STAFF_PATH, include_in_schema=False)
        @app.get(STAFF_PATH + "/{rest:path}", include_in_schema=False)
        def console_disabled(rest: str = "") -> HTMLResponse:
            return HTMLResponse(CONSOLE_DISABLED, status_code=404)

    chat = build_chat(services)
    chat.queue(default_concurrency_limit=settings.web_concurrency)
    gr.mount_gradio_app(
        app, chat, path="", footer_links=["api"], run_history=False, show_error=False, ssr_mode=False,
        css=CSS, head=HEAD,
        # The chat takes no files: nothing may be uploaded through it, and nothing the console
        # uploaded or exported (kept in Gradio's folder) may be fetched through its routes.
        max_file_size="1kb", blocked_paths=[str(gradio_upload_dir()), str(Path(settings.home).resolve())],
    )
    return app


WARM_UP_QUESTION = "Apa hak pekerja migran?"


def warm_up(knowledge_base: KnowledgeBase) -> None:
    """Load the model's weights, build the lexical index and answer once, so that the first
    visitor's question does not pay for them."""
    try:
        knowledge_base.ask(WARM_UP_QUESTION)
    except Exception:  # noqa: BLE001 - the first real question will load what is missing
        log.exception("warming up failed")


def serve(knowledge_base: KnowledgeBase, *, host: str, port: int) -> None:
    """Serve at once, warming up in a thread meanwhile: the page needs no model, and a question
    asked in the first seconds simply waits for the warm-up (the model and the index are each
    built once, under their own locks)."""
    import uvicorn

    # Made here, before any other thread could race to make a second one.
    for part in ("store", "embeddings", "lexical_cache", "glossary"):
        getattr(knowledge_base, part)
    services = WebServices(knowledge_base)
    try:
        services.feedback.purge()
    except Exception:  # noqa: BLE001 - an unreachable feedback database must not stop the chat
        log.exception("purging old feedback failed")
    app = build_server(knowledge_base, services)
    threading.Thread(target=warm_up, args=(knowledge_base,), name="warm-up", daemon=True).start()
    print(f"Serving the knowledge base at http://{host}:{port}/ (staff console: http://{host}:{port}{STAFF_PATH}/)",
          flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)
