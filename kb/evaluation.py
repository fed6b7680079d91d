"""Retrieval evaluation on a question set: Recall@1/5/10, MRR@10 and nDCG@10.

A question set is JSON lines ``{"id", "question", "source", "evidence", "answers"}`` (DESIGN.md);
``source`` is the gold document's file name, or null when the documents cannot answer.
Relevance is judged at two levels: the **document** (the hit comes from the gold file) and the
**passage** (the hit holds the evidence span). Passage level is what a citation needs: the
right statute is of little use if the cited article is the wrong one.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from kb.search import SearchHit

Level = Literal["document", "passage"]
CUTOFFS = (1, 5, 10)
EVIDENCE_WORD_SHARE = 0.6
"""A hit holds the evidence when it has this share of the evidence's words, in order-free
comparison: chunk boundaries may cut a span, and cleaning may have mended a hyphenation."""

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Question:
    id: str
    question: str
    source: str | None
    evidence: str | None = None
    answers: list[str] = field(default_factory=list)
    lang: str | None = None
    kind: str | None = None


def load_questions(path: Path) -> list[Question]:
    """Read a question-set file; a malformed line is an error naming the line."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            questions.append(
                Question(
                    id=str(data["id"]),
                    question=data["question"],
                    source=data.get("source"),
                    evidence=data.get("evidence"),
                    answers=list(data.get("answers") or []),
                    lang=data.get("lang"),
                    kind=data.get("kind"),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise ValueError(f"{path}:{number}: not a question line ({error})") from None
    return questions


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def holds_evidence(hit_text: str, evidence: str) -> bool:
    evidence_words = set(words(evidence))
    if not evidence_words:
        return False
    return len(evidence_words & set(words(hit_text))) >= EVIDENCE_WORD_SHARE * len(evidence_words)


def is_relevant(hit: SearchHit, question: Question, level: Level) -> bool:
    if hit.source != question.source:
        return False
    return level == "document" or (question.evidence is not None and holds_evidence(hit.text, question.evidence))


def first_relevant_rank(hits: list[SearchHit], question: Question, level: Level) -> int | None:
    for rank, hit in enumerate(hits, start=1):
        if is_relevant(hit, question, level):
            return rank
    return None


def metrics_from_ranks(ranks: list[int | None]) -> dict[str, float]:
    """Recall@k, MRR@10 and nDCG@10 for questions with one relevant target each.

    With a single relevant target, nDCG@10 is 1/log2(rank+1) for a rank within 10, else 0.
    """
    count = len(ranks)
    if count == 0:
        return {}
    result = {f"recall@{k}": sum(1 for r in ranks if r is not None and r <= k) / count for k in CUTOFFS}
    result["mrr@10"] = sum(1 / r for r in ranks if r is not None and r <= 10) / count
    result["ndcg@10"] = sum(1 / math.log2(r + 1) for r in ranks if r is not None and r <= 10) / count
    result["questions"] = count
    return result


def evaluate(
    questions: Iterable[Question],
    search: Callable[[str], list[SearchHit]],
    level: Level = "document",
) -> dict[str, Any]:
    """Metrics overall, by question language and by kind; unanswerable questions are counted apart."""
    answerable = [q for q in questions if q.source]
    ranks = {q.id: first_relevant_rank(search(q.question), q, level) for q in answerable}
    report: dict[str, Any] = {"level": level, "overall": metrics_from_ranks(list(ranks.values()))}
    for attribute in ("lang", "kind"):
        groups: dict[str, list[int | None]] = {}
        for question in answerable:
            groups.setdefault(getattr(question, attribute) or "unknown", []).append(ranks[question.id])
        report[f"by_{attribute}"] = {name: metrics_from_ranks(values) for name, values in sorted(groups.items())}
    report["misses"] = [q.id for q in answerable if ranks[q.id] is None or ranks[q.id] > 10]
    return report
