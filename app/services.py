"""What the chat and the staff console share within one serving process.

One knowledge base (so the embedder is loaded once and the lexical index built once), one
feedback store, one rate limiter (its counts must be shared by the page and the API endpoints,
or the API would be a way around the limit) and one audit log.

Everything is imported here, at start, not lazily inside handlers: handlers run in worker
threads, and two threads importing modules that import each other can stop on Python's import
deadlock detection.
"""

from __future__ import annotations

import gradio as gr

from app.audit import AuditLog
from app.feedback import FeedbackStore
from app.i18n import text
from app.ratelimit import RateLimiter
from app.safety import referral_notice
from kb.api import KnowledgeBase


def client_address(request: gr.Request | None) -> str:
    """The visitor's address, the key of the rate limit (behind a reverse proxy on this host,
    uvicorn takes it from X-Forwarded-For)."""
    client = getattr(request, "client", None) if request is not None else None
    return getattr(client, "host", None) or "unknown"


class WebServices:
    """Made once at start, before any handler thread runs, so that no two threads race to make
    (and then each keep) a rate limiter of their own."""

    def __init__(self, knowledge_base: KnowledgeBase):
        self.knowledge_base = knowledge_base
        settings = knowledge_base.settings
        self.feedback = FeedbackStore.from_settings(settings)
        self.rate_limiter = RateLimiter(settings.rate_limit_per_minute)
        self.feedback_limiter = RateLimiter(settings.rate_limit_per_minute)
        """Ratings have their own budget: rating an answer must not cost a visitor a question."""
        self.audit = AuditLog.from_settings(settings)

    @property
    def settings(self):
        return self.knowledge_base.settings

    def referral(self, question: str, language: str) -> str | None:
        return referral_notice(question, language, self.settings)

    def check_rate(self, request: gr.Request | None, limiter=None) -> None:
        """Refuses (as an API error with the wait, in both languages) a client over its limit."""
        limiter = limiter or self.rate_limiter
        client = client_address(request)
        if not limiter.allow(client):
            seconds = max(1, round(limiter.retry_after(client)))
            raise gr.Error(f"{text('id', 'rate_limited', seconds=seconds)} / {text('en', 'rate_limited', seconds=seconds)}")
