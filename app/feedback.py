"""Readers' ratings of answers, kept with the question, the answer and its sources.

Staff read feedback to find where the documents or the answerer fall short, so each row keeps
what the reader saw, not just the vote. SQLAlchemy Core gives one code path for the local
SQLite file and for a shared database (``feedback_url``) that several app replicas write to.
Feedback is personal data: it is kept only ``feedback_retention_days`` and exports are made
safe to open in a spreadsheet.
"""

from __future__ import annotations

import csv
import threading
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, TextIO

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    create_engine,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.engine import Engine

MAX_COMMENT_CHARS = 2000
"""A comment is a remark on one answer; anything longer is cut rather than refused."""
MAX_QUESTION_CHARS = 4000
MAX_ANSWER_CHARS = 20000
"""Bounds on what one row may hold, so a hostile client cannot fill the database."""

CSV_COLUMNS = ["id", "time", "rating", "question", "answer", "answered", "citations", "comment", "language"]
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection)."""

_metadata = MetaData()
feedback_table = Table(
    "kb_feedback",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=False), nullable=False, index=True),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("answered", Boolean, nullable=False),
    Column("citations", JSON, nullable=False),
    Column("rating", SmallInteger, nullable=False),
    Column("comment", Text, nullable=False),
    Column("language", String(16), nullable=False),
)
"""Times are stored as naive UTC: SQLite has no time zones, and one convention serves every database."""


def _utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _iso_utc(value: datetime) -> str:
    return value.replace(tzinfo=timezone.utc, microsecond=0).isoformat()


def _citation_summary(citation: dict[str, Any]) -> dict[str, Any]:
    """What staff need to find the source again; passage texts would only bloat the table."""
    page = citation.get("page")
    return {
        "n": int(citation.get("n") or 0),
        "title": str(citation.get("title") or ""),
        "source": str(citation.get("source") or ""),
        "page": int(page) if isinstance(page, int) or (isinstance(page, str) and page.isdigit()) else None,
    }


def _flatten_citations(citations: list[dict[str, Any]]) -> str:
    parts = []
    for citation in citations:
        where = f", p. {citation['page']}" if citation.get("page") else ""
        parts.append(f"{citation.get('n')}. {citation.get('title', '')} ({citation.get('source', '')}{where})")
    return "; ".join(parts)


def _safe_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_PREFIXES) else value


def _make_engine(url: str) -> Engine:
    """SQLite waits for a concurrent writer (another thread or process) instead of failing at once;
    a server database may drop idle connections, so they are checked before use."""
    if url.startswith("sqlite"):
        return create_engine(url, connect_args={"timeout": 30})
    return create_engine(url, pool_pre_ping=True)


class FeedbackStore:
    """Ratings (+1 / -1) of answers with an optional comment, newest first."""

    def __init__(self, url: str, *, retention_days: float = 90.0, clock: Callable[[], datetime] = _utc_now):
        """``clock`` gives the current time as naive UTC; tests pass one to age feedback."""
        self.url = url
        self.retention_days = retention_days
        self.clock = clock
        self.engine = _make_engine(url)
        self._created = False
        self._create_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings) -> "FeedbackStore":
        url = settings.feedback_url
        if not url:
            settings.home.mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{(settings.home / 'feedback.sqlite3').resolve()}"
        return cls(url, retention_days=settings.feedback_retention_days)

    def _ready(self) -> Engine:
        """Create the table on first use, so a new deployment needs no migration step."""
        if not self._created:
            with self._create_lock:
                if not self._created:
                    _metadata.create_all(self.engine, checkfirst=True)
                    self._created = True
        return self.engine

    def record(self, *, question: str, answer: dict, rating: int, comment: str = "", language: str = "") -> int:
        """Store one rating of an answer (the `kb ask --json` dict) and return its id."""
        if isinstance(rating, bool) or rating not in (1, -1):
            raise ValueError(f"rating must be +1 or -1, not {rating!r}")
        citations = [_citation_summary(citation) for citation in (answer.get("citations") or [])]
        row = {
            "created_at": self.clock(),
            "question": str(question or "").strip()[:MAX_QUESTION_CHARS],
            "answer": str(answer.get("answer") or "")[:MAX_ANSWER_CHARS],
            "answered": bool(answer.get("answered")),
            "citations": citations,
            "rating": rating,
            "comment": str(comment or "").strip()[:MAX_COMMENT_CHARS],
            "language": str(language or answer.get("language") or "")[:16],
        }
        with self._ready().begin() as connection:
            result = connection.execute(insert(feedback_table).values(**row))
            return int(result.inserted_primary_key[0])

    def list(self, limit: int = 500) -> list[dict]:
        query = select(feedback_table).order_by(feedback_table.c.id.desc()).limit(max(0, int(limit)))
        with self._ready().connect() as connection:
            return [self._row_dict(row) for row in connection.execute(query).mappings()]

    def count(self) -> int:
        with self._ready().connect() as connection:
            return int(connection.execute(select(func.count()).select_from(feedback_table)).scalar_one())

    @staticmethod
    def _row_dict(row) -> dict:
        return {
            "id": row["id"],
            "time": _iso_utc(row["created_at"]),
            "question": row["question"],
            "answer": row["answer"],
            "answered": bool(row["answered"]),
            "citations": list(row["citations"] or []),
            "rating": int(row["rating"]),
            "comment": row["comment"],
            "language": row["language"],
        }

    def export_csv(self, out: TextIO) -> int:
        """All feedback, oldest first, as CSV; free-text cells cannot run as spreadsheet formulas."""
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        written = 0
        query = select(feedback_table).order_by(feedback_table.c.id)
        with self._ready().connect() as connection:
            for row in connection.execute(query).mappings():
                item = self._row_dict(row)
                writer.writerow([
                    item["id"],
                    item["time"],
                    item["rating"],
                    _safe_cell(item["question"]),
                    _safe_cell(item["answer"]),
                    "yes" if item["answered"] else "no",
                    _safe_cell(_flatten_citations(item["citations"])),
                    _safe_cell(item["comment"]),
                    _safe_cell(item["language"]),
                ])
                written += 1
        return written

    def purge(self, older_than_days: float | None = None) -> int:
        """Delete feedback older than the given age (default: the retention setting); 0 or less keeps all."""
        days = self.retention_days if older_than_days is None else older_than_days
        if days <= 0:
            return 0
        cutoff = self.clock() - timedelta(days=days)
        with self._ready().begin() as connection:
            return int(connection.execute(delete(feedback_table).where(feedback_table.c.created_at < cutoff)).rowcount)

    def purge_all(self) -> int:
        with self._ready().begin() as connection:
            return int(connection.execute(delete(feedback_table)).rowcount)
