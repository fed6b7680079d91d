"""Where should the default answerer refuse? Calibration on the public sets, with held-out passages.

Our own question set has only 8 unanswerable questions; the public sets give many more. For each
set of ../shared/eval a seeded sample of questions is split in two: the gold passages of one half
are left out of the knowledge base (those questions become unanswerable, with their topic's
neighbours still there as near misses), the other half stay answerable. Every question is answered
with refusal by confidence switched off, recording the best sentence's score; sweeping the
threshold over the scores gives, per set and pooled, the share of answerable questions answered
correctly (an expected answer in the text, the gold passage cited), answerable questions refused,
and unanswerable questions answered. With --kb-home (a knowledge base of ../shared/corpus) our
question set joins the pool, so the chosen threshold is judged on both.

Usage: python benchmarks/refusal_public.py [--workdir DIR] [--per-set N] [--kb-home DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from answers import normalise  # noqa: E402
from refusal_tradeoff import NO_THRESHOLD, best_threshold, draw, rates, sweep, threshold_label  # noqa: E402
from report_sections import REPORT_FILE, write_section  # noqa: E402
from retrieval import (  # noqa: E402
    EVAL_DIR,
    SET_LANGUAGES,
    embed_set,
    embed_set_sentences,
    load_set,
    log,
    open_kb,
    write_set,
)

from kb.answering import ExtractiveAnswerer  # noqa: E402
from kb.embeddings import get_embeddings  # noqa: E402
from kb.settings import Settings  # noqa: E402

CHART = REPORT_FILE.parent / "refusal_public.png"
CURVE_POINTS = (0.80, 0.85, 0.90, 0.92, 0.95, 0.98, 1.00, 1.03, 1.06)
SEED = 20261128


@dataclass
class Outcome:
    source: str
    """The set the question comes from."""
    answerable: bool
    answered: bool
    """Answered with refusal by confidence off (the check for names and numbers still applies)."""
    confidence: float
    correct: bool


def split_questions(evalset, per_set: int) -> tuple[list, set[str]]:
    """A seeded sample of the set's queries, and the gold passages of the half held out."""
    rng = random.Random(f"{SEED}:{evalset.name}")
    chosen = rng.sample(evalset.queries, min(per_set, len(evalset.queries)))
    held_out = {evalset.gold[query_id] for query_id, _ in chosen[: len(chosen) // 2]}
    return chosen, held_out


def answers_of(name: str) -> dict[str, list[str]]:
    import json

    path = EVAL_DIR / name / "queries.jsonl"
    return {
        item["_id"]: [answer for answer in item.get("answers") or [] if answer]
        for item in map(json.loads, path.read_text(encoding="utf-8").splitlines())
    }


def outcomes_for_set(name: str, per_set: int, workdir: Path, embeddings) -> list[Outcome]:
    evalset = load_set(name, None)
    vectors = embed_set(evalset, embeddings, workdir / "vectors")
    chosen, held_out = split_questions(evalset, per_set)
    keep = [position for position, passage in enumerate(evalset.passages) if passage["_id"] not in held_out]
    sentence_vectors = embed_set_sentences(evalset, embeddings, workdir / "vectors")
    kept = dataclasses.replace(
        evalset, passages=[evalset.passages[p] for p in keep], vectors=vectors[keep], sentence_vectors=sentence_vectors
    )
    knowledge_base = open_kb(workdir / f"refusal-{name}", 2)
    knowledge_base.embeddings = embeddings
    id_map = write_set(knowledge_base.store, kept, embeddings.identity)
    knowledge_base.settings.answer_min_confidence = NO_THRESHOLD
    answerer = ExtractiveAnswerer(knowledge_base, knowledge_base.answer_settings())
    expected = answers_of(name)
    outcomes = []
    for query_id, text in chosen:
        answerable = evalset.gold[query_id] not in held_out
        answer = answerer.answer(text)
        correct = (
            answerable
            and answer.answered
            and any(normalise(e) in normalise(answer.answer) for e in expected.get(query_id, []))
            and any(id_map.get(c.chunk_id) == evalset.gold[query_id] for c in answer.citations)
        )
        outcomes.append(Outcome(name, answerable, answer.answered, answer.confidence, correct))
    log(f"{name}: {sum(o.correct for o in outcomes)} correct of {sum(o.answerable for o in outcomes)} answerable")
    return outcomes


def our_outcomes(kb_home: Path) -> list[Outcome]:
    from answers import QUESTIONS, answer_all

    from kb.api import KnowledgeBase
    from kb.evaluation import load_questions

    knowledge_base = KnowledgeBase(Settings(home=kb_home))
    return [
        Outcome("our set", bool(o.question.source), o.answered, o.confidence, o.correct)
        for o in answer_all(knowledge_base, load_questions(QUESTIONS))
    ]


def choose(outcomes: list[Outcome]) -> dict[str, float]:
    """The threshold maximising correct answers plus refused unanswerables (both count as right)."""
    return best_threshold(sweep(outcomes))


def render(groups: dict[str, list[Outcome]], chosen: float, configured: float) -> str:
    lines = [
        "## Refusal calibration on the public sets",
        "",
        "`python benchmarks/refusal_public.py [--kb-home DIR]`. Per public set, a seeded sample of questions; the "
        "gold passages of half of them are left out of the knowledge base, so those become unanswerable. "
        "Correct = an expected answer in the text and the gold passage cited. Refusal for a missing name or kind "
        "of fact applies at every threshold; \"none\" is that refusal alone.",
        "",
        "| questions | answerable / unanswerable | threshold | answered correctly | answerable refused | unanswerable answered |",
        "|---|---|---|---|---|---|",
    ]
    for label, outcomes in groups.items():
        counts = f"{sum(o.answerable for o in outcomes)} / {sum(not o.answerable for o in outcomes)}"
        for name, threshold in (("configured", configured), ("chosen", chosen), ("best for this row", choose(outcomes)["threshold"])):
            row = rates(outcomes, threshold)
            lines.append(
                f"| {label} | {counts} | {name} {threshold_label(threshold)} | {row['answered_correctly']:.2f} | "
                f"{row['wrongly_refused']:.2f} | {row['wrongly_answered']:.2f} |"
            )
    lines += [
        "",
        "The curve, pooled public sets" + (" and our set" if "our set" in groups else "") + ":",
        "",
        "| threshold | " + " | ".join(f"{label}: correct / refused / unanswerable answered" for label in groups
                                      if label in ("public sets pooled", "our set")) + " |",
        "|---|" + "---|" * sum(label in ("public sets pooled", "our set") for label in groups),
    ]
    for threshold in CURVE_POINTS:
        cells = []
        for label in ("public sets pooled", "our set"):
            if label in groups:
                row = rates(groups[label], threshold)
                cells.append(f"{row['answered_correctly']:.2f} / {row['wrongly_refused']:.2f} / {row['wrongly_answered']:.2f}")
        lines.append(f"| {threshold:.2f} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Chosen on the pooled public sets: {threshold_label(chosen)} (maximising answered correctly + unanswerable refused); "
        f"configured `KB_ANSWER_MIN_CONFIDENCE` = {configured:.3f}. Half the public questions are unanswerable here, "
        "far more than users ask, so their best threshold refuses many answers; the configured one keeps the public "
        "sets' unanswerable questions answered at the share one threshold of 1.03 gave before confidence took "
        "0.08 off questions naming nothing (kb.answering.UNNAMED_QUESTION_PENALTY), and answers more of ours.",
        "",
        "![refusal trade-off on the public sets](refusal_public.png)",
    ]
    return "\n".join(lines)


def whole_set_knowledge_base(name: str, workdir: Path, embeddings):
    """``(evalset, knowledge_base, chunk_id -> passage_id)``: all of a set's passages, none held
    out, in one knowledge base (kept in ``workdir``) that answers with refusal by confidence off."""
    evalset = load_set(name, None)
    evalset = dataclasses.replace(
        evalset,
        vectors=embed_set(evalset, embeddings, workdir / "vectors"),
        sentence_vectors=embed_set_sentences(evalset, embeddings, workdir / "vectors"),
    )
    knowledge_base = open_kb(workdir / f"kinds-{name}", 2)
    knowledge_base.embeddings = embeddings
    id_map = write_set(knowledge_base.store, evalset, embeddings.identity)
    knowledge_base.settings.answer_min_confidence = NO_THRESHOLD
    return evalset, knowledge_base, id_map


def public_set_options(parser: argparse.ArgumentParser) -> None:
    """The options every public-set benchmark takes: where to keep its stores, which sets."""
    parser.add_argument("--workdir", type=Path, help="Keep the knowledge bases and passage vectors here (reused).")
    parser.add_argument("--sets", nargs="*", default=list(SET_LANGUAGES))


def eval_sets_absent() -> bool:
    """True, having said so, when ../shared/eval is not there to measure on."""
    if EVAL_DIR.is_dir():
        return False
    print(f"skipped: {EVAL_DIR} is absent")
    return True


T = TypeVar("T")


def for_each_set(sets: list[str], workdir: Path | None, compute: Callable[[str, Path, object], T]) -> dict[str, T]:
    """``compute(name, workdir, embeddings)`` for each public set, the knowledge bases and vectors
    kept in ``workdir`` (reused by the next run) or in a scratch folder removed afterwards."""
    embeddings = get_embeddings(Settings())
    with tempfile.TemporaryDirectory() as scratch:
        folder = workdir or Path(scratch)
        return {name: compute(name, folder, embeddings) for name in sets}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    public_set_options(parser)
    parser.add_argument("--per-set", type=int, default=80, help="Questions sampled per public set (half held out).")
    parser.add_argument("--kb-home", type=Path, help="A knowledge base of ../shared/corpus: adds our question set.")
    args = parser.parse_args(argv)
    if eval_sets_absent():
        return
    def outcomes(name: str, workdir: Path, embeddings) -> list[Outcome]:
        return outcomes_for_set(name, args.per_set, workdir, embeddings)

    groups = for_each_set(args.sets, args.workdir, outcomes)
    public = [o for name in args.sets for o in groups[name]]
    groups["public sets pooled"] = public
    if args.kb_home:
        groups["our set"] = our_outcomes(args.kb_home)
    chosen = choose(public)["threshold"]
    draw(sweep(public), chosen, "Refusal trade-off, public sets with held-out passages (pooled)", CHART)
    body = render(groups, chosen, Settings().answer_min_confidence)
    print(body)
    write_section("refusal-public", body)


if __name__ == "__main__":
    main()
