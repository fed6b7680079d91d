"""Follow-up questions rewritten to stand alone by the language model.

A model reads the conversation better than any word list: "Can he be re-elected?" after a
question about IOM's Director General becomes "Can IOM's Director General be re-elected?".
But the rewrite is a second call before the answer starts, and a small or failing model may
return anything; so it is only asked when there is a conversation, its reply is checked (one
line, of question length), and the heuristic of kb.conversation is used whenever it fails.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import closing
from typing import TYPE_CHECKING

from langchain_core.messages import HumanMessage, SystemMessage

from kb.conversation import Message, StandaloneQuestion, standalone_question, user_questions
from kb.language import UNDETERMINED, detect_language
from kb.llm.prompt import defuse
from kb.llm.streaming import stream_with_timeout

if TYPE_CHECKING:
    from langchain_core.language_models.chat_models import BaseChatModel

logger = logging.getLogger(__name__)

MAX_TURNS = 4
"""Earlier user questions shown to the model: a follow-up leans on the last few."""
MAX_REWRITE_CHARS = 400
MAX_REWRITE_TOKENS = 96

REWRITE_RULES = """You rewrite the user's last question so that it can be understood without the \
conversation. Replace words such as "it", "that", "there", "itu", "tersebut", "-nya" with what they \
refer to in the earlier questions. Keep the language of the last question. If the last question \
already stands alone, repeat it unchanged. Reply with the rewritten question only, on one line, \
without an answer or explanation."""


def rewrite_messages(question: str, earlier: Sequence[str]) -> list:
    lines = [f"Earlier question {n}: {defuse(text)}" for n, text in enumerate(earlier, start=1)]
    lines += ["", f"Last question: {defuse(question)}", "", "Standalone question:"]
    return [SystemMessage(content=REWRITE_RULES), HumanMessage(content="\n".join(lines))]


def rewrite_question(
    model: "BaseChatModel", question: str, history: Sequence[Message] | None, timeout_s: float
) -> StandaloneQuestion:
    """The model's standalone form of ``question``; the heuristic's when the model fails."""
    question = " ".join(question.split())
    earlier = user_questions(history)[-MAX_TURNS:]
    heuristic = standalone_question(question, history)
    if not earlier:
        return heuristic
    try:
        pieces = []
        with closing(stream_with_timeout(lambda: model.stream(rewrite_messages(question, earlier)), timeout_s)) as chunks:
            for count, chunk in enumerate(chunks, start=1):
                pieces.append(str(chunk.text))
                if count >= MAX_REWRITE_TOKENS:
                    break
        rewritten = acceptable_rewrite("".join(pieces))
    except Exception as error:  # any backend failure falls back to the heuristic
        logger.warning("question rewrite failed (%s: %s); using the heuristic", type(error).__name__, error)
        return heuristic
    if rewritten is None:
        return heuristic
    own = detect_language(question, ("id", "en", "ms"))
    language = heuristic.language if own == UNDETERMINED else ("id" if own == "ms" else own)
    return StandaloneQuestion(rewritten, "", language, rewritten != question)


def acceptable_rewrite(text: str) -> str | None:
    """The model's first line when it reads as a question, else None."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return None
    first = lines[0]
    for prefix in ("Standalone question:", "Pertanyaan:", "Question:"):
        if first.lower().startswith(prefix.lower()):
            first = first[len(prefix) :]
    first = first.strip().strip('"').strip()
    if not first or len(first) > MAX_REWRITE_CHARS or sum(ch.isalpha() for ch in first) < 3:
        return None
    return first
