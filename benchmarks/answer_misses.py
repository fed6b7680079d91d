"""Where the default answerer loses right answers: in retrieval, or in choosing sentences.

Every answerable question is answered with refusal by confidence off. A wrong answer is put down
to retrieval when its gold passage is not among the passages the answerer reads (the top
`answer_read` hits), else to the choice of sentences, which includes refusing for a name or a
kind of fact the quoted sentences lack. On the public sets each set's passages form one
knowledge base (none held out) and a seeded sample of questions is asked. On our question set
(with --kb-home, a knowledge base of ../shared/corpus) the gold passage is a chunk of the gold
file holding the evidence span, and a second pass answers every question with that passage put
first among the hits: the share answered correctly when retrieval is perfect, the ceiling that
better sentence choice alone can reach.

Usage: python benchmarks/answer_misses.py [--workdir DIR] [--per-set N] [--kb-home DIR]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from answers import QUESTIONS, is_correct, normalise  # noqa: E402
from refusal_public import (  # noqa: E402
    SEED,
    answers_of,
    eval_sets_absent,
    for_each_set,
    public_set_options,
    whole_set_knowledge_base,
)
from refusal_tradeoff import NO_THRESHOLD  # noqa: E402
from report_sections import write_section  # noqa: E402
from retrieval import log  # noqa: E402

from kb.answering import ExtractiveAnswerer, prefer_in_force  # noqa: E402
from kb.evaluation import is_relevant, load_questions  # noqa: E402
from kb.search import hits_by_id  # noqa: E402
from kb.settings import Settings  # noqa: E402

OUTCOMES = ("right", "choice: quoted wrong sentences", "choice: refused (name or kind missing)", "retrieval")


def outcome(correct: bool, answered: bool, gold_read: bool) -> str:
    if correct:
        return "right"
    if not gold_read:
        return "retrieval"
    return "choice: quoted wrong sentences" if answered else "choice: refused (name or kind missing)"


def public_tally(name: str, workdir: Path, embeddings, per_set: int) -> Counter:
    evalset, knowledge_base, id_map = whole_set_knowledge_base(name, workdir, embeddings)
    settings = knowledge_base.answer_settings()
    answerer = ExtractiveAnswerer(knowledge_base, settings)
    expected = answers_of(name)
    asked = [(query_id, text) for query_id, text in evalset.queries if expected.get(query_id)]
    asked = random.Random(f"{SEED}:misses:{name}").sample(asked, min(per_set, len(asked)))
    tally: Counter = Counter()
    for query_id, text in asked:
        gold = evalset.gold[query_id]
        answer = answerer.answer(text)
        hits = prefer_in_force(knowledge_base.search(text, settings.retrieve))
        read = {id_map.get(hit.chunk_id) for hit in hits[: settings.read]}
        correct = (
            answer.answered
            and any(normalise(e) in normalise(answer.answer) for e in expected[query_id])
            and any(id_map.get(c.chunk_id) == gold for c in answer.citations)
        )
        tally[outcome(correct, answer.answered, gold in read)] += 1
    log(f"{name}: {tally['right']} of {len(asked)} right")
    return tally


def our_tallies(kb_home: Path) -> tuple[Counter, Counter]:
    """Outcomes as retrieved, and with the gold passage put first (retrieval made perfect)."""
    from kb.api import KnowledgeBase

    knowledge_base = KnowledgeBase(Settings(home=kb_home, answer_min_confidence=NO_THRESHOLD))
    settings = knowledge_base.answer_settings()
    answerer = ExtractiveAnswerer(knowledge_base, settings)
    retrieved = knowledge_base.search
    as_retrieved: Counter = Counter()
    gold_first: Counter = Counter()
    for question in load_questions(QUESTIONS):
        if not question.source:
            continue
        hits = prefer_in_force(retrieved(question.question, settings.retrieve))
        gold_read = any(is_relevant(hit, question, "passage") for hit in hits[: settings.read])
        answer = answerer.answer(question.question)
        as_retrieved[outcome(is_correct(question, answer), answer.answered, gold_read)] += 1
        chunk_ids = [chunk.chunk_id for chunk in knowledge_base.store.iter_chunks({"source": question.source})]
        in_gold_file = hits_by_id(knowledge_base.store, chunk_ids).values()
        gold = [hit for hit in in_gold_file if is_relevant(hit, question, "passage")]
        if not gold:
            log(f"{question.id}: no single chunk holds the evidence; left out of the gold-first pass")
            continue

        def search_gold_first(query, k=None, filters=None, **options):
            others = [hit for hit in retrieved(query, k, filters, **options) if hit.chunk_id != gold[0].chunk_id]
            return [gold[0], *others][: k or settings.retrieve]

        knowledge_base.search = search_gold_first
        try:
            answer = answerer.answer(question.question)
        finally:
            knowledge_base.search = retrieved
        gold_first[outcome(is_correct(question, answer), answer.answered, True)] += 1
    return as_retrieved, gold_first


def render(rows: dict[str, Counter]) -> str:
    lines = [
        "## Where right answers are lost",
        "",
        "`python benchmarks/answer_misses.py [--kb-home DIR]`. Answerable questions, refusal by confidence off. "
        "A wrong answer is lost to retrieval when the gold passage is not among the passages the answerer reads, "
        "else to the choice of sentences (quoting the wrong ones, or refusing because none quoted holds a name "
        "or kind of fact the question asks for). Public sets: each set's passages in one knowledge base, a seeded "
        "sample of questions. \"Gold passage first\" answers our questions with the gold passage (a chunk of the "
        "gold file holding the evidence span) put first among the hits: what the answerer gets right when retrieval "
        "is perfect.",
        "",
        "| questions | asked | " + " | ".join(OUTCOMES) + " |",
        "|---|--:|" + "--:|" * len(OUTCOMES),
    ]
    for label, tally in rows.items():
        asked = sum(tally.values())
        cells = [f"{tally[name]} ({tally[name] / asked:.2f})" if asked else "0" for name in OUTCOMES]
        lines.append(f"| {label} | {asked} | " + " | ".join(cells) + " |")
    if "our set" in rows:
        lines += [
            "",
            "A question whose evidence no single chunk holds (the chunker cut it in two) is left out of the gold-first "
            "row. Where the rest are lost: on the public sets mostly in the choice of sentences, on our set as much "
            "in retrieval, whose misses the gold-first row removes.",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    public_set_options(parser)
    parser.add_argument("--per-set", type=int, default=100, help="Questions sampled per public set.")
    parser.add_argument("--kb-home", type=Path, help="A knowledge base of ../shared/corpus: adds our question set.")
    args = parser.parse_args(argv)
    if eval_sets_absent():
        return

    def tally(name: str, workdir: Path, embeddings) -> Counter:
        return public_tally(name, workdir, embeddings, args.per_set)

    rows = for_each_set(args.sets, args.workdir, tally)
    rows["public sets pooled"] = sum(rows.values(), Counter())
    if args.kb_home:
        rows["our set"], rows["our set, gold passage first"] = our_tallies(args.kb_home)
    body = render(rows)
    print(body)
    write_section("answer-misses", body)


if __name__ == "__main__":
    main()
