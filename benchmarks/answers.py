"""How well does the default answerer answer, and where should it refuse?

On the project's question set (tests/data/questions.jsonl) over ../shared/corpus, every question
is answered once with refusal by confidence switched off, recording the best sentence's score.
Sweeping the threshold over those scores gives the trade-off between questions answered
correctly, answerable questions wrongly refused and unanswerable questions wrongly answered.
An answer is correct when it contains one of the expected answers and cites the gold document.

Usage: python benchmarks/answers.py [--kb-home DIR]   (without it, the corpus is ingested into a temporary folder)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from refusal_tradeoff import NO_THRESHOLD, best_threshold, draw, rates, sweep, threshold_label  # noqa: E402
from report_sections import REPORT_FILE, write_section  # noqa: E402

from kb.api import KnowledgeBase  # noqa: E402
from kb.evaluation import Question, load_questions  # noqa: E402
from kb.settings import Settings  # noqa: E402

CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
QUESTIONS = PROJECT_ROOT / "tests" / "data" / "questions.jsonl"
CHART = REPORT_FILE.parent / "answers_tradeoff.png"


@dataclass
class Outcome:
    question: Question
    answered: bool
    """Answered when refusal by confidence is off (the anchor check still applies)."""
    confidence: float
    correct: bool
    seconds: float

    @property
    def answerable(self) -> bool:
        return bool(self.question.source)


def normalise(text: str) -> str:
    return " ".join(text.lower().split())


def is_correct(question: Question, answer) -> bool:
    if not question.source or not answer.answered:
        return False
    text = normalise(answer.answer)
    has_fact = any(normalise(expected) in text for expected in question.answers)
    cites_gold = any(citation.source == question.source for citation in answer.citations)
    return has_fact and cites_gold


def answer_all(knowledge_base: KnowledgeBase, questions: list[Question]) -> list[Outcome]:
    knowledge_base.settings.answer_min_confidence = NO_THRESHOLD
    knowledge_base.ask("warm-up")
    outcomes = []
    for question in questions:
        started = time.perf_counter()
        answer = knowledge_base.ask(question.question)
        outcomes.append(Outcome(question, answer.answered, answer.confidence, is_correct(question, answer),
                                time.perf_counter() - started))
    return outcomes


def render(outcomes: list[Outcome], curve: list[dict[str, float]], chosen: dict[str, float], current: float) -> str:
    at_current = rates(outcomes, current)
    latencies = sorted(o.seconds * 1000 for o in outcomes)
    p50 = statistics.median(latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    answerable = sum(1 for o in outcomes if o.question.source)
    lines = [
        "## Answers (default answerer)",
        "",
        f"Question set `tests/data/questions.jsonl`: {answerable} answerable and {len(outcomes) - answerable} "
        "unanswerable questions over `../shared/corpus`. Correct = the answer contains an expected answer and "
        "cites the gold document. Refusal for a name the cited passages lack, or a kind of fact (a count, an "
        "amount, a name) no quoted sentence holds, applies at every threshold; \"none\" is that refusal alone.",
        "",
        "| threshold | answered correctly | answerable wrongly refused | unanswerable refused |",
        "|---|---|---|---|",
    ]
    shown = curve[:1] + [row for row in curve if row["threshold"] > NO_THRESHOLD][:: max(1, len(curve) // 12)] + [chosen]
    for row in sorted({row["threshold"]: row for row in shown}.values(), key=lambda row: row["threshold"]):
        lines.append(f"| {threshold_label(row['threshold'])} | {row['answered_correctly']:.2f} | {row['wrongly_refused']:.2f} | "
                     f"{row['unanswerable_refused']:.2f} |")
    lines += [
        "",
        f"Best threshold on this set: {threshold_label(chosen['threshold'])} (answered correctly {chosen['answered_correctly']:.2f}, "
        f"unanswerable refused {chosen['unanswerable_refused']:.2f}). With the configured "
        f"`KB_ANSWER_MIN_CONFIDENCE` = {current:.3f}: answered correctly {at_current['answered_correctly']:.2f}, "
        f"wrongly refused {at_current['wrongly_refused']:.2f}, unanswerable refused {at_current['unanswerable_refused']:.2f}.",
        "",
        f"`kb ask` in process, models loaded: p50 {p50:.0f} ms, p95 {p95:.0f} ms over {len(outcomes)} questions.",
        "",
        "![refusal trade-off](answers_tradeoff.png)",
        "",
        "Reproduce with `.venv/bin/python benchmarks/answers.py` (ingests the corpus first: several minutes).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb-home", type=Path, default=None, help="Use this knowledge base instead of ingesting the corpus.")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} is absent")
        return
    questions = load_questions(QUESTIONS)
    current = Settings().answer_min_confidence
    with tempfile.TemporaryDirectory() as workdir:
        home = args.kb_home or Path(workdir) / "kb"
        knowledge_base = KnowledgeBase(Settings(home=home))
        if args.kb_home is None:
            from ingest.pipeline import Ingestor

            Ingestor(knowledge_base.settings, knowledge_base.store, knowledge_base.embeddings).ingest([str(CORPUS)])
        outcomes = answer_all(knowledge_base, questions)
    curve = sweep(outcomes)
    chosen = best_threshold(curve)
    draw(curve, chosen["threshold"], "Default answerer: refusal threshold trade-off", CHART)
    section = render(outcomes, curve, chosen, current)
    print(section)
    for outcome in outcomes:
        mark = "ok " if outcome.correct else ("REF" if not outcome.answered else "bad")
        print(f"{mark} {outcome.question.id} {outcome.confidence:.3f} {outcome.question.kind} {outcome.question.question[:70]}",
              file=sys.stderr)
    write_section("answers", section)


if __name__ == "__main__":
    main()
