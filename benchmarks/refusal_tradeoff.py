"""The refusal trade-off of the default answerer, shared by benchmarks/answers.py (our question
set) and benchmarks/refusal_public.py (the public sets with held-out passages).

Each question is answered once with refusal by confidence switched off, keeping whether it was
answerable, whether an answer came back, its confidence and whether it was right. Any minimum
confidence then splits those outcomes into answered correctly, answerable wrongly refused and
unanswerable wrongly answered, without answering again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

NO_THRESHOLD = -1e9


class Outcome(Protocol):
    answerable: bool
    answered: bool
    """Answered when refusal by confidence is off (the check for names and numbers still applies)."""
    confidence: float
    correct: bool


def rates(outcomes: list[Outcome], threshold: float) -> dict[str, float]:
    """Shares of answerable questions answered correctly and refused, and of unanswerable ones
    refused and answered, at this minimum confidence."""
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    answered = lambda o: o.answered and o.confidence >= threshold  # noqa: E731
    return {
        "threshold": threshold,
        "answered_correctly": sum(answered(o) and o.correct for o in answerable) / max(1, len(answerable)),
        "wrongly_refused": sum(not answered(o) for o in answerable) / max(1, len(answerable)),
        "unanswerable_refused": sum(not answered(o) for o in unanswerable) / max(1, len(unanswerable)),
        "wrongly_answered": sum(answered(o) for o in unanswerable) / max(1, len(unanswerable)),
    }


def sweep(outcomes: list[Outcome]) -> list[dict[str, float]]:
    """The rates at no threshold, at every distinct confidence of an answer, and just above the highest."""
    scores = sorted({round(o.confidence, 3) for o in outcomes if o.answered})
    return [rates(outcomes, t) for t in (NO_THRESHOLD, *scores, max(scores, default=0) + 0.001)]


def best_threshold(curve: list[dict[str, float]]) -> dict[str, float]:
    """The threshold maximising correct answers plus refused unanswerables (both count as right)."""
    return max(curve, key=lambda row: (row["answered_correctly"] + row["unanswerable_refused"], -row["threshold"]))


def threshold_label(threshold: float) -> str:
    """How tables print a threshold: "none" for refusal by names and kinds of fact alone."""
    return "none" if threshold <= NO_THRESHOLD else f"{threshold:.3f}"


def draw(curve: list[dict[str, float]], chosen: float, title: str, path: Path) -> None:
    """The three shares against the threshold, the chosen one marked, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [row for row in curve if row["threshold"] > NO_THRESHOLD]
    x = [row["threshold"] for row in rows]
    figure, axis = plt.subplots(figsize=(7, 4))
    axis.plot(x, [row["answered_correctly"] for row in rows], label="answerable: answered correctly")
    axis.plot(x, [row["wrongly_refused"] for row in rows], label="answerable: wrongly refused")
    axis.plot(x, [row["wrongly_answered"] for row in rows], label="unanswerable: wrongly answered")
    if chosen > NO_THRESHOLD:
        axis.axvline(chosen, color="grey", linestyle="--", label=f"chosen {chosen:.3f}")
    axis.set_xlabel("minimum confidence (best sentence score)")
    axis.set_ylabel("share of questions")
    axis.set_ylim(0, 1)
    axis.legend(fontsize=8)
    axis.set_title(title)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
