"""Follow-up questions: turning "dan yang di Makassar?" into a question that stands alone.

Retrieval and the default answerer see one question at a time, so a follow-up that leans on
the conversation ("Kapan yang di Makassar?", "Which article is that?") has to carry its
context with it. Without a language model this is a heuristic: a question that opens like a
continuation ("dan", "kalau", "what about"), points back ("itu", "-nya", "it", "there") or is too
short to name a topic is joined to the previous question, already made standalone itself; a
question that names its own topic is left alone. With a language model the question is
rewritten by the model (kb.llm.rewrite) and this heuristic is its fallback.

The rule's thresholds were chosen on tests/data/followups.jsonl and measured there by
benchmarks/followups.py (docs/benchmarks.md): answers to follow-ups against the question
alone, and new-topic questions after a conversation, which must not be merged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kb.language import UNDETERMINED, detect_language
from kb.lexical import STOPWORDS

Message = dict[str, Any]
"""A chat message as Gradio and LangChain write it: {"role": "user" | "assistant", "content": str}."""

OPENERS = (
    # Indonesian
    "dan", "lalu", "terus", "trus", "kalau", "kalo", "bagaimana dengan", "gimana dengan", "gimana kalau",
    "bagaimana kalau", "kemudian", "selain itu", "yang", "juga", "bukankah", "apakah juga",
    # English
    "and", "what about", "how about", "then", "also", "but", "so", "what if",
)
"""Words a continuation opens with, longest first when matched."""

POINTERS = frozenset(
    {
        # Indonesian
        "itu", "tersebut", "ini", "mereka", "dia", "beliau", "sana", "situ", "sini", "begitu",
        # English
        "it", "its", "they", "them", "their", "there", "that", "this", "those", "these", "he", "she",
        "his", "her", "him", "one", "same",
    }
)
"""Words that point back at something said before."""

NYA_WORDS = frozenset(
    {
        "hanya", "punya", "tanya", "bertanya", "sebenarnya", "biasanya", "akhirnya", "seharusnya",
        "sebaiknya", "selanjutnya", "sebelumnya", "misalnya", "contohnya", "umumnya", "khususnya",
        "seterusnya", "lainnya", "sesungguhnya", "rupanya", "tampaknya", "agaknya",
    }
)
"""Words ending in -nya that do not point back (the suffix -nya usually does: "hukumannya")."""

MAX_TOPICLESS_WORDS = 2
"""A question with at most this many content words cannot name its own topic."""
MAX_POINTING_WORDS = 6
"""A question that opens like a continuation or points back is a follow-up when it has at most
this many content words; a longer one names its own topic ("Kalau saya kerja di luar negeri,
apa saya berhak pegang paspor saya sendiri?")."""

_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r"[^\W_]+(?:[/.-][^\W_]+)*")
"""A word with its inner slashes, dots and hyphens: "18/2017", "Asia-Pasifik"."""
_QUESTION_WORDS = frozenset(
    {
        "apa", "apakah", "siapa", "kapan", "mana", "berapa", "bagaimana", "gimana", "mengapa", "kenapa",
        "bisakah", "bolehkah", "adakah", "what", "who", "when", "where", "which", "how", "why", "can",
        "does", "do", "is", "are", "was", "were", "much", "many", "long",
    }
)

_FUNCTION_WORDS = frozenset(
    {word for opener in OPENERS for word in opener.split()}
    | {
        "dulu", "harus", "belum", "sudah", "masih", "sekarang", "terhadap", "nggak", "gak", "enggak",
        "dong", "sih", "ya", "aja", "saja", "too", "either", "now", "still", "already",
    }
)
"""Openers, particles and adverbs of tense, which name no topic."""


@dataclass
class StandaloneQuestion:
    """The question to answer, and the language to answer in."""

    question: str
    """The user's own words."""
    context: str
    """Topic words of the conversation the question leans on ("" when it stands alone)."""
    language: str | None
    """The language of the user's own words when they tell it; else the conversation's (a short
    follow-up such as "Dan Makassar?" does not); None when neither does."""
    follow_up: bool

    @property
    def text(self) -> str:
        return f"{self.question} {self.context}".strip()


def user_questions(history: Sequence[Message] | None) -> list[str]:
    """The user's earlier questions, oldest first (assistant turns carry no question)."""
    questions = []
    for item in history or []:
        if isinstance(item, dict):
            role, content = item.get("role"), item.get("content")
        else:  # (user, assistant) pairs, the older Gradio shape
            role, content = "user", item[0] if item else None
        if role == "user" and isinstance(content, str) and content.strip():
            questions.append(" ".join(content.split()))
    return questions


def content_words(question: str) -> list[str]:
    """The distinct words that could name a topic: not question, pointing or function words."""
    stopwords = STOPWORDS["id"] | STOPWORDS["en"] | _QUESTION_WORDS | POINTERS | _FUNCTION_WORDS
    words = [word for word in _WORD.findall(question.lower()) if word not in stopwords and len(word) > 1]
    return list(dict.fromkeys(words))


def opens_as_continuation(question: str) -> bool:
    lowered = " ".join(_WORD.findall(question.lower()))
    return any(lowered == opener or lowered.startswith(opener + " ") for opener in OPENERS)


def points_back(question: str) -> bool:
    words = _WORD.findall(question.lower())
    return any(word in POINTERS for word in words) or any(
        word.endswith("nya") and len(word) > 5 and word not in NYA_WORDS for word in words
    )


def is_follow_up(question: str) -> bool:
    """Whether ``question`` leans on the conversation rather than naming its own topic."""
    words = content_words(question)
    if len(words) <= MAX_TOPICLESS_WORDS:
        return True
    return len(words) <= MAX_POINTING_WORDS and (opens_as_continuation(question) or points_back(question))


def standalone_question(question: str, history: Sequence[Message] | None) -> StandaloneQuestion:
    """``question`` joined to the previous question (itself made standalone) when it is a follow-up."""
    question = " ".join(question.split())
    context: str | None = None
    for earlier in user_questions(history):
        context = join(context, earlier) if context and is_follow_up(earlier) else earlier
    own_language = detect_language(question, ("id", "en", "ms"))
    own_language = None if own_language == UNDETERMINED else ("id" if own_language == "ms" else own_language)
    if context is None or not is_follow_up(question):
        return StandaloneQuestion(question, "", own_language, False)
    context_language = detect_language(context, ("id", "en", "ms"))
    if own_language is None and context_language != UNDETERMINED:
        own_language = "id" if context_language == "ms" else context_language
    return StandaloneQuestion(question, topic_words(context, question), own_language, True)


def join(context: str, question: str) -> str:
    """The follow-up, then the topic words of the earlier question it lacks."""
    return f"{question} {topic_words(context, question)}".strip()


def topic_words(context: str, question: str) -> str:
    """The topic words of the earlier question that the follow-up lacks.

    Not the whole earlier question: its question words ("di kota mana saja") would make the
    answerer pick sentences answering it again rather than the follow-up. Names and numbers
    keep their form ("UU 18/2017", "Makassar").
    """
    own = {word.lower() for word in _TOKEN.findall(question)}
    topic = content_words(context)
    added = [
        token
        for token in dict.fromkeys(_TOKEN.findall(context))
        if token.lower() not in own and (token.lower() in topic or any(ch.isdigit() for ch in token))
    ]
    return " ".join(added)
