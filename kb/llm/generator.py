"""The LLM answerer: the default answerer's judgement, a model's wording, checked citations.

The default (extractive) answer is computed first, for two reasons: its refusal decision is
calibrated on data and a model is not (a model asked about something the documents do not hold
tends to answer anyway), and it is the answer given whenever the model fails. The model then
writes from the same retrieved passages; its markers are checked as the text streams in; an
answer that cites nothing checkable is replaced by the default one. No failure of the backend
(down, slow, misconfigured, empty) reaches the caller as an exception.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from kb.answer_messages import refusal_text
from kb.answering import (
    Answer,
    AnswerSettings,
    ExtractiveAnswerer,
    citation_of,
    prefer_in_force,
    with_another_document,
)
from kb.conversation import Message, StandaloneQuestion, standalone_question, user_questions
from kb.llm.citations import CheckedAnswer, MarkerRewriter
from kb.llm.messages import fallback_note
from kb.llm.prompt import NOT_IN_DOCUMENTS, build_messages
from kb.llm.rewrite import rewrite_question
from kb.llm.streaming import stream_with_timeout
from kb.llm.thinking import ThinkingFilter
from kb.search import SearchHit

if TYPE_CHECKING:
    from langchain_core.language_models.chat_models import BaseChatModel

    from kb.api import KnowledgeBase

logger = logging.getLogger(__name__)

EXTRACTIVE = "extractive"
CHUNK_MARGIN = 8
"""Streamed chunks beyond ``llm_max_tokens`` tolerated (a chunk is about a token; some carry
none) before the answer is cut off on this side."""


@dataclass
class GeneratedAnswer(Answer):
    """An answer in the `kb ask --json` shape, saying who wrote it and why the default was used."""

    generator: str = EXTRACTIVE
    """Who wrote ``answer``: the backend (``openai``, ``ollama``, ``llamacpp``) or ``extractive``."""
    fallback: str | None = None
    """Why the default answer replaced the model's (``unavailable``, ``timeout``, ``empty``,
    ``uncited``); the note saying so in the question's language opens ``answer``."""


StreamEvent = str | Answer
"""What ``LLMAnswerer.stream`` yields: pieces of text as the model writes them, then the Answer."""


class LLMAnswerer:
    """Answers with the configured language model, falling back to the default answerer."""

    def __init__(
        self,
        knowledge_base: "KnowledgeBase",
        answer_settings: AnswerSettings | None = None,
        chat_model: "BaseChatModel | None" = None,
    ):
        self.knowledge_base = knowledge_base
        self.settings = knowledge_base.settings
        self.answer_settings = answer_settings or AnswerSettings()
        self._chat_model = chat_model

    @property
    def backend(self) -> str:
        return self.settings.llm_backend

    def chat_model(self) -> "BaseChatModel":
        """Built on first use and kept: an in-process model loads once."""
        if self._chat_model is None:
            from kb.llm.backends import build_chat_model

            self._chat_model = build_chat_model(self.settings)
        return self._chat_model

    def answer(
        self,
        question: str,
        on_text: Callable[[str], None] | None = None,
        history: Sequence[Message] | None = None,
    ) -> Answer:
        """The final answer; ``on_text`` receives each piece of text as the model writes it."""
        for event in self.stream(question, history=history):
            if isinstance(event, Answer):
                return event
            if on_text:
                on_text(event)
        raise AssertionError("the answer stream ended without an answer")  # stream() always ends with one

    def stream(self, question: str, history: Sequence[Message] | None = None) -> Iterator[StreamEvent]:
        """Pieces of the model's text (markers already checked and renumbered), then the final Answer.

        The final Answer is what to show: it may differ from the pieces (the default answer when
        the model failed or cited nothing, a refusal when it found nothing in the sources).
        A follow-up (``history`` holds the conversation) is first rewritten to stand alone.
        """
        standalone = self.standalone(question, history)
        question = standalone.text
        knowledge_base = SearchOnce(self.knowledge_base)
        default = ExtractiveAnswerer(knowledge_base, self.answer_settings).answer(
            standalone.question, standalone.language, standalone.context
        )
        if not default.answered:
            yield as_generated(default)
            return
        hits = prefer_in_force(knowledge_base.search(question, self.answer_settings.retrieve))
        hits, read = with_another_document(hits, self.answer_settings.read)
        hits = hits[:read]
        thinking = ThinkingFilter()
        rewriter = MarkerRewriter(len(hits))
        written: list[str] = []
        try:
            model = self.chat_model()
            messages = build_messages(question, hits, default.language)
            with closing(stream_with_timeout(lambda: model.stream(messages), self.settings.llm_timeout_s)) as chunks:
                for count, chunk in enumerate(chunks, start=1):
                    if count > self.settings.llm_max_tokens + CHUNK_MARGIN:
                        break  # a server ignoring the limit; leaving the stream closes the request
                    piece = rewriter.feed(thinking.feed(str(chunk.text)))
                    if piece:
                        written.append(piece)
                        yield piece
            tail = rewriter.feed(thinking.finish()) + rewriter.finish()
            if tail:
                written.append(tail)
                yield tail
        except Exception as error:  # a backend can fail in many ways; none may crash an answer
            self._log_failure(error)
            yield fall_back(default, "timeout" if is_timeout(error) else "unavailable")
            return
        yield finalize(rewriter.result("".join(written)), hits, default, self.backend)

    def standalone(self, question: str, history: Sequence[Message] | None) -> StandaloneQuestion:
        """The follow-up rewritten by the model; the heuristic's form when the model cannot be built."""
        if not user_questions(history):
            return standalone_question(question, history)
        try:
            model = self.chat_model()
        except Exception as error:
            self._log_failure(error)
            return standalone_question(question, history)
        return rewrite_question(model, question, history, self.settings.llm_timeout_s)

    def _log_failure(self, error: BaseException) -> None:
        description = f"{type(error).__name__}: {error}"
        if self.settings.llm_api_key:
            description = description.replace(self.settings.llm_api_key.get_secret_value(), "***")
        logger.warning("language model backend %r failed (%s); giving the default answer", self.backend, description)


class SearchOnce:
    """The knowledge base with its searches remembered, for one question: the default answerer
    and the model read the same passages, so they are retrieved once."""

    def __init__(self, knowledge_base: "KnowledgeBase"):
        self._knowledge_base = knowledge_base
        self._results: dict[tuple[str, int | None], list[SearchHit]] = {}

    def search(self, query: str, k: int | None = None) -> list[SearchHit]:
        if (query, k) not in self._results:
            self._results[(query, k)] = self._knowledge_base.search(query, k)
        return list(self._results[(query, k)])

    def __getattr__(self, name: str) -> Any:
        return getattr(self._knowledge_base, name)


def is_timeout(error: BaseException | None) -> bool:
    """Whether the backend was too slow: our own deadline, or its HTTP client's (openai, httpx)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, TimeoutError) or "Timeout" in type(error).__name__:
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def finalize(checked: CheckedAnswer, hits: list[SearchHit], default: Answer, backend: str) -> GeneratedAnswer:
    """The model's checked answer with the citations it made, or the default answer when it has
    none that can be checked (or a refusal when the model found nothing in the sources)."""
    if not checked.text:
        return fall_back(default, "empty")
    if not checked.cited:
        if NOT_IN_DOCUMENTS in checked.text.upper():
            return GeneratedAnswer(
                refusal_text(default.language), False, [], default.language, default.confidence,
                default.question, generator=backend,
            )
        return fall_back(default, "uncited")
    citations = [
        citation_of(hits[source - 1], n, default.language) for n, source in enumerate(checked.cited, start=1)
    ]
    return GeneratedAnswer(
        checked.text, True, citations, default.language, default.confidence, default.question, generator=backend
    )


def fall_back(default: Answer, reason: str) -> GeneratedAnswer:
    """The default answer, opened by a note in the question's language saying why it is given."""
    answer = as_generated(default, fallback=reason)
    answer.answer = f"{fallback_note(default.language, reason)}\n\n{default.answer}"
    return answer


def as_generated(answer: Answer, **extra: Any) -> GeneratedAnswer:
    values = {field.name: getattr(answer, field.name) for field in fields(Answer)}
    return GeneratedAnswer(**values, **extra)
