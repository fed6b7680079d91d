"""The public chat page: questions in, cited answers out, sources beside them.

Anyone may use it without signing in, so it is the part of the app most exposed to abuse: every
question is rate-limited per client address (the API endpoint too), and everything shown, from
a document or from the visitor, is escaped by app.render.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import gradio as gr

from app import render
from app.files import has_copy
from app.safety import with_referral
from app.i18n import DEFAULT_LANGUAGE, EXAMPLES, LANGUAGE_CHOICES, preferred_language, text
from app.services import WebServices, client_address

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500
MAX_HISTORY_MESSAGES = 12
"""Follow-ups need the last few exchanges, not the whole conversation; bounded so that a long
chat (or an API client) cannot make every question slower."""
MAX_HISTORY_CHARS = 4000
MAX_TURNS = 50
"""Turns a page keeps (shown, and held in the server's session state); older ones scroll away."""
ANSWERING = "answering"
"""One queue for every way of asking (page, examples, API): together they may use
`web_concurrency` workers, not that many each."""


def busy() -> dict:
    """The send button while an answer is written: off, one question at a time per page."""
    return gr.update(interactive=False)


def ready() -> dict:
    return gr.update(interactive=True)


def clean_history(history: Any) -> list[dict[str, str]]:
    """The last messages of a conversation as {"role", "content"} with roles user/assistant only;
    anything else an API client sends is dropped."""
    messages = []
    for item in history or []:
        if not isinstance(item, dict):
            continue
        role, content = item.get("role"), item.get("content")
        if role in ("user", "assistant") and isinstance(content, str) and content.strip():
            messages.append({"role": role, "content": content[:MAX_HISTORY_CHARS]})
    return messages[-MAX_HISTORY_MESSAGES:]


def turns_history(turns: list[dict]) -> list[dict[str, str]]:
    """The conversation so far, as the knowledge base takes it: answered turns only."""
    messages = []
    for turn in turns:
        if turn.get("answer"):
            messages.append({"role": "user", "content": turn["question"]})
            messages.append({"role": "assistant", "content": turn["answer"]["answer"]})
    return clean_history(messages)


def chat_messages(turns: list[dict]) -> list[dict[str, str]]:
    """The Chatbot's value: two messages a turn, so that message i belongs to turn i // 2."""
    messages = []
    for turn in turns:
        messages.append({"role": "user", "content": render.escape_markdown(turn["question"])})
        messages.append({"role": "assistant", "content": turn["message"]})
    return messages


def answer_message(answer: dict, referral: str | None, language: str) -> str:
    message = render.answer_markdown(
        answer["answer"], [c["n"] for c in answer["citations"]], referral=referral,
        referral_title=text(language, "referral_title"),
    )
    if not answer.get("answered"):
        message = f"**{render.escape_markdown(text(language, 'not_in_documents'))}**\n\n{message}"
    return message


def build_chat(services: WebServices) -> gr.Blocks:
    knowledge_base = services.knowledge_base
    settings = knowledge_base.settings

    def sources_for(turns: list[dict], language: str) -> str:
        last = next((turn for turn in reversed(turns) if turn.get("answer")), None)
        if last is None:
            return render.sources_html([], language, turns=len(turns))
        return render.sources_html(last["answer"]["citations"], language, has_copy=lambda c: has_copy(settings, c),
                                   answered=last["answer"]["answered"], turns=len(turns))

    def referral_for(turns: list[dict], language: str) -> dict:
        """The banner above the chat: shown for the last answer's referral, hidden (no gap) otherwise."""
        last = turns[-1] if turns else None
        banner = render.referral_html(last.get("referral") if last else None, language)
        return gr.update(value=banner, visible=bool(banner))

    def respond(question: str, turns: list[dict], language: str, request: gr.Request):
        """Streams the answer into the chat; the sources panel follows the final answer."""
        question = " ".join((question or "").split())[:MAX_QUESTION_CHARS]
        turns = list(turns or [])[-(MAX_TURNS - 1):]
        if not question:
            gr.Info(text(language, "empty_question"))
            yield chat_messages(turns), "", turns, gr.skip(), gr.skip(), "", ready()
            return
        if not services.rate_limiter.allow(client_address(request)):
            seconds = max(1, round(services.rate_limiter.retry_after(client_address(request))))
            turns.append({"question": question, "answer": None,
                          "message": render.escape_markdown(text(language, "rate_limited", seconds=seconds))})
            yield chat_messages(turns), "", turns, gr.skip(), gr.skip(), "", ready()
            return
        history = turns_history(turns)
        pending = {"question": question, "answer": None, "message": render.escape_markdown(text(language, "thinking"))}
        yield chat_messages([*turns, pending]), "", turns, gr.skip(), referral_for([], language), "", busy()
        preview = ""
        try:
            for piece in knowledge_base.ask_stream(question, history=history):
                if isinstance(piece, str):
                    preview += piece
                    pending["message"] = render.escape_markdown(preview)
                    yield chat_messages([*turns, pending]), "", turns, gr.skip(), gr.skip(), "", gr.skip()
                    continue
                answer = piece.to_dict()
                referral = services.referral(question, answer.get("language") or language)
                turn = {"question": question, "answer": answer, "referral": referral,
                        "message": answer_message(answer, referral, language)}
                turns.append(turn)
                if referral:
                    # Also as a notice that stays on screen until closed, wherever the reader has scrolled.
                    gr.Warning("<br>".join(render.escape_html(line) for line in referral.splitlines() if line.strip()),
                               duration=None, title=text(language, "referral_title"))
                yield (chat_messages(turns), "", turns, sources_for(turns, language), referral_for(turns, language), "",
                       ready())
                return
        except Exception:  # noqa: BLE001 - a visitor gets a message, the log gets the traceback
            log.exception("answering %r failed", question)
        turns.append({"question": question, "answer": None,
                      "message": render.escape_markdown(text(language, "error"))})
        yield chat_messages(turns), "", turns, gr.skip(), gr.skip(), "", ready()

    def rate(data: gr.LikeData, turns: list[dict], comment: str, language: str):
        """A thumb on an answer: stored with the question, the answer, its sources and the comment."""
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        liked = data.liked
        if liked in (None, ""):  # a thumb clicked again is taken back: what was stored stays, as it was given
            return gr.skip(), gr.skip()
        rating = 1 if liked in (True, "Like") else -1 if liked in (False, "Dislike") else 0
        turns = turns or []
        turn_index = int(index) // 2 if isinstance(index, int) else -1
        if rating == 0 or not 0 <= turn_index < len(turns) or not turns[turn_index].get("answer"):
            return gr.skip(), text(language, "feedback_nothing")
        turn = turns[turn_index]
        services.feedback.record(question=turn["question"], answer=turn["answer"], rating=rating,
                                 comment=(comment or "").strip(), language=turn["answer"].get("language") or language)
        return "", text(language, "feedback_thanks")

    def start_over(language: str):
        return [], "", [], render.sources_html([], language), referral_for([], language), "", ""

    with gr.Blocks(title=f"{text('id', 'page_title')} / {text('en', 'page_title')}",
                   analytics_enabled=False) as demo:
        language = gr.State(DEFAULT_LANGUAGE)
        turns = gr.State([])
        with gr.Row(elem_id="kb-top", equal_height=False):
            with gr.Column(scale=4, min_width=300):
                header = gr.Markdown(text(DEFAULT_LANGUAGE, "header"), elem_id="kb-header")
            switch = gr.Radio(LANGUAGE_CHOICES, value=DEFAULT_LANGUAGE, label=text(DEFAULT_LANGUAGE, "language"),
                              elem_id="kb-language", scale=0, min_width=240)
        with gr.Row(elem_id="kb-main", equal_height=False):
            with gr.Column(scale=3, min_width=320):
                referral = gr.HTML(elem_id="kb-referral", js_on_load=None, visible=False)
                chatbot = gr.Chatbot(
                    label=text(DEFAULT_LANGUAGE, "chat"),
                    placeholder=text(DEFAULT_LANGUAGE, "chat_placeholder"),
                    elem_id="kb-chat",
                    height=480,
                    sanitize_html=True,
                    render_markdown=True,
                    allow_tags=False,
                    latex_delimiters=[],
                    feedback_options=("Like", "Dislike"),
                    buttons=[],
                    layout="bubble",
                    autoscroll=True,
                )
                question = gr.Textbox(label=text(DEFAULT_LANGUAGE, "question"), lines=1, max_lines=4,
                                      max_length=MAX_QUESTION_CHARS, elem_id="kb-question",
                                      placeholder=text(DEFAULT_LANGUAGE, "question_placeholder"))
                with gr.Row():
                    send = gr.Button(text(DEFAULT_LANGUAGE, "send"), variant="primary", elem_id="kb-send")
                    clear = gr.Button(text(DEFAULT_LANGUAGE, "start_over"), variant="secondary", elem_id="kb-clear")
                examples_title = gr.Markdown(f"**{text(DEFAULT_LANGUAGE, 'examples')}**")
                with gr.Row(elem_id="kb-examples"):
                    example_buttons = [
                        gr.Button(example, size="sm", variant="secondary", elem_classes=["kb-example"])
                        for example in EXAMPLES[DEFAULT_LANGUAGE]
                    ]
                comment = gr.Textbox(label=text(DEFAULT_LANGUAGE, "comment"), lines=1, max_lines=3, max_length=2000,
                                     placeholder=text(DEFAULT_LANGUAGE, "comment_placeholder"), elem_id="kb-comment")
                feedback_status = gr.Markdown(elem_id="kb-feedback-status")
            with gr.Column(scale=2, min_width=320):
                sources_title = gr.Markdown(f"### {text(DEFAULT_LANGUAGE, 'sources')}")
                sources = gr.HTML(render.sources_html([], DEFAULT_LANGUAGE), elem_id="kb-sources", js_on_load=None)
        footer = gr.Markdown(text(DEFAULT_LANGUAGE, "footer"), elem_id="kb-footer")

        labelled = [header, switch, chatbot, question, send, clear, examples_title, *example_buttons, comment,
                    sources_title, sources, footer]

        def relabel(lang: str, turns_value: list[dict]):
            updates = [
                gr.update(value=text(lang, "header")),
                gr.update(value=lang, label=text(lang, "language")),
                gr.update(label=text(lang, "chat"), placeholder=text(lang, "chat_placeholder")),
                gr.update(label=text(lang, "question"), placeholder=text(lang, "question_placeholder")),
                gr.update(value=text(lang, "send")),
                gr.update(value=text(lang, "start_over")),
                gr.update(value=f"**{text(lang, 'examples')}**"),
                *[gr.update(value=example) for example in EXAMPLES[lang]],
                gr.update(label=text(lang, "comment"), placeholder=text(lang, "comment_placeholder")),
                gr.update(value=f"### {text(lang, 'sources')}"),
                gr.update(value=sources_for(turns_value or [], lang)),
                gr.update(value=text(lang, "footer")),
            ]
            return [lang, *updates]

        def on_load(turns_value: list[dict], request: gr.Request):
            headers = getattr(request, "headers", None) or {}
            params = getattr(request, "query_params", None) or {}
            lang = preferred_language(headers.get("accept-language"), params.get("lang"))
            return relabel(lang, turns_value)

        demo.load(on_load, inputs=[turns], outputs=[language, *labelled], api_visibility="private", queue=False)
        switch.input(relabel, inputs=[switch, turns], outputs=[language, *labelled], api_visibility="private",
                     queue=False)

        chat_outputs = [chatbot, question, turns, sources, referral, feedback_status, send]
        answering = {"concurrency_id": ANSWERING, "concurrency_limit": settings.web_concurrency}
        send.click(respond, inputs=[question, turns, language], outputs=chat_outputs, api_visibility="private",
                   **answering)
        question.submit(respond, inputs=[question, turns, language], outputs=chat_outputs, api_visibility="private",
                        **answering)
        for button in example_buttons:
            button.click(respond, inputs=[button, turns, language], outputs=chat_outputs, api_visibility="private",
                         **answering)
        clear.click(start_over, inputs=[language],
                    outputs=[chatbot, question, turns, sources, referral, comment, feedback_status],
                    api_visibility="private", queue=False)
        chatbot.clear(start_over, inputs=[language],
                      outputs=[chatbot, question, turns, sources, referral, comment, feedback_status],
                      api_visibility="private", queue=False)
        chatbot.like(rate, inputs=[turns, comment, language], outputs=[comment, feedback_status],
                     api_visibility="private")

        def ask(question: str, history: list[dict] | None = None, request: gr.Request = None) -> dict:
            """A cited answer, as `kb ask --json` prints it. `history` (optional) is the conversation so
            far as [{"role": "user" | "assistant", "content": "..."}], for follow-up questions."""
            question = " ".join((question or "").split())[:MAX_QUESTION_CHARS]
            services.check_rate(request)
            if not question:
                raise gr.Error(text(DEFAULT_LANGUAGE, "empty_question") + " / " + text("en", "empty_question"))
            answer = knowledge_base.ask(question, history=clean_history(history)).to_dict()
            return with_referral(answer, question, services.settings)

        def ask_streaming(question: str, history: list[dict] | None = None,
                          request: gr.Request = None) -> Iterator[dict]:
            """The answer as it is written: {"partial": "text so far"} while a language model writes, then
            the answer as /ask returns it. The default answerer writes its answer in one piece."""
            question = " ".join((question or "").split())[:MAX_QUESTION_CHARS]
            services.check_rate(request)
            if not question:
                raise gr.Error(text(DEFAULT_LANGUAGE, "empty_question") + " / " + text("en", "empty_question"))
            written = ""
            for piece in knowledge_base.ask_stream(question, history=clean_history(history)):
                if isinstance(piece, str):
                    written += piece
                    yield {"partial": written}
                else:
                    yield with_referral(piece.to_dict(), question, services.settings)

        def search(query: str, k: int = 10, request: gr.Request = None) -> list[dict]:
            """Hits as `kb search --json` prints them."""
            services.check_rate(request)
            return [hit.to_dict() for hit in
                    knowledge_base.search((query or "")[:MAX_QUESTION_CHARS], k=max(1, min(int(k), 50)))]

        def feedback(question: str, answer: dict, rating: int, comment: str = "", request: gr.Request = None) -> dict:
            """Rate an answer: `answer` is what /ask returned, `rating` +1 or -1, `comment` optional."""
            services.check_rate(request, services.feedback_limiter)
            if not isinstance(answer, dict) or isinstance(rating, bool) or rating not in (1, -1):
                raise gr.Error("rating must be 1 or -1 and answer the object /ask returned")
            feedback_id = services.feedback.record(question=question or "", answer=answer, rating=int(rating),
                                                   comment=comment or "", language=str(answer.get("language") or ""))
            return {"id": feedback_id}

        gr.api(ask, api_name="ask", **answering)
        gr.api(ask_streaming, api_name="ask_stream", **answering)
        gr.api(feedback, api_name="feedback")
        gr.api(search, api_name="search", **answering)
    return demo
