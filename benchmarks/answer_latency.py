"""`kb ask` latency (the default answerer) with sentence vectors stored at ingestion against
embedding every candidate sentence at question time, and what storing them costs ingestion.

Both answer paths run in the same process on the same knowledge base, interleaved question by
question (the order of the two flipped every other question), so that the load of a shared
machine weighs on both alike; the answers of the two paths are compared too (they must be
identical). The embedder's memory of recent queries is emptied before each timed call, so each
answer embeds its question once, as a new question would. Ingestion is timed on sample/documents with and without the sentence vectors, also
in one process, alternating.

    python benchmarks/answer_latency.py                     # ingests sample/documents (a few minutes)
    python benchmarks/answer_latency.py --kb-home DIR       # answer latency on an existing knowledge base
    python benchmarks/answer_latency.py --kb-home DIR --ingest-rounds 2   # both (answers measured first)

Questions: tests/data/questions.jsonl.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_sections import write_section  # noqa: E402

from kb.answering import ExtractiveAnswerer  # noqa: E402
from kb.api import KnowledgeBase  # noqa: E402
from kb.evaluation import load_questions  # noqa: E402
from kb.settings import Settings  # noqa: E402

SAMPLE = PROJECT_ROOT / "sample" / "documents"
QUESTIONS = PROJECT_ROOT / "tests" / "data" / "questions.jsonl"


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def load() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def ingest_once(home: Path, store_sentences: bool) -> tuple[float, int, int]:
    """Seconds to ingest sample/documents into an empty knowledge base; chunks and sentences stored."""
    import ingest.pipeline as pipeline

    knowledge_base = KnowledgeBase(Settings(home=home))
    original = pipeline.SentenceWriter.add
    if not store_sentences:  # the ingestion of before: chunks only
        pipeline.SentenceWriter.add = lambda self, chunk_ids, texts: None
    try:
        ingestor = pipeline.Ingestor(knowledge_base.settings, knowledge_base.store, knowledge_base.embeddings)
        started = time.perf_counter()
        ingestor.ingest([str(SAMPLE)])
        seconds = time.perf_counter() - started
    finally:
        pipeline.SentenceWriter.add = original
    return seconds, knowledge_base.store.count_chunks(), knowledge_base.store.sentences.count()


def measure_ingestion(workdir: Path, rounds: int) -> tuple[dict[bool, list[float]], int, int, Path]:
    times: dict[bool, list[float]] = {True: [], False: []}
    chunks = sentences = 0
    home = workdir
    for round_ in range(rounds):
        for store_sentences in ((False, True) if round_ % 2 == 0 else (True, False)):
            home = workdir / f"kb-{round_}-{'sentences' if store_sentences else 'chunks'}"
            seconds, chunks, stored = ingest_once(home, store_sentences)
            times[store_sentences].append(seconds)
            if store_sentences:
                sentences, kept = stored, home
            print(f"ingest round {round_ + 1} {'with' if store_sentences else 'without'} sentence vectors: "
                  f"{seconds:.1f} s (load {load()})", file=sys.stderr)
    return times, chunks, sentences, kept


def forget_queries(knowledge_base: KnowledgeBase) -> None:
    """Empty the embedder's memory of recent queries, so that every timed answer embeds its
    question once, as a new question would be (the other path, or an earlier pass, asked it)."""
    knowledge_base.embeddings.forget_queries()


def measure_answers(knowledge_base: KnowledgeBase, questions: list[str], passes: int) -> dict:
    settings = knowledge_base.answer_settings()
    stored = ExtractiveAnswerer(knowledge_base, settings)
    embedded = ExtractiveAnswerer(knowledge_base, dataclasses.replace(settings, stored_vectors=False))
    for answerer in (stored, embedded):  # warm: model, lexical index, Chroma caches
        answerer.answer(questions[0])
    times: dict[str, list[float]] = {"stored": [], "embedded": [], "search": []}
    same = 0
    for number, question in enumerate(questions * passes):
        order = [("stored", stored), ("embedded", embedded)]
        answers = {}
        for name, answerer in order if number % 2 == 0 else order[::-1]:
            forget_queries(knowledge_base)
            started = time.perf_counter()
            answers[name] = answerer.answer(question)
            times[name].append((time.perf_counter() - started) * 1000)
        forget_queries(knowledge_base)
        started = time.perf_counter()
        knowledge_base.search(question, settings.retrieve)
        times["search"].append((time.perf_counter() - started) * 1000)
        same += answers["stored"] == answers["embedded"]
    return {"times": times, "same": same, "ratios": [e / s for s, e in zip(times["stored"], times["embedded"])]}


def answer_latency(home: Path, questions: list[str], passes: int) -> tuple[dict, tuple[int, int, int]]:
    knowledge_base = KnowledgeBase(Settings(home=home))
    answers = measure_answers(knowledge_base, questions, passes)
    store = knowledge_base.store
    return answers, (len(knowledge_base.documents()), store.count_chunks(), store.sentences.count())


def render(answers: dict, questions: int, passes: int, kb_label: str, documents: int, chunks: int, sentences: int,
           ingestion: tuple | None, load_before: str, load_after: str) -> str:
    times = answers["times"]
    stored_p50, stored_p95 = percentiles(times["stored"])
    embedded_p50, embedded_p95 = percentiles(times["embedded"])
    search_p50, search_p95 = percentiles(times["search"])
    lines = [
        "## Answer latency: sentence vectors stored at ingestion",
        "",
        "The default answerer scores every candidate sentence of the passages it reads by its embedding. "
        "Ingestion now stores those sentence vectors (collection `<prefix>_sentences`), and `kb ask` looks them up "
        "instead of embedding the sentences for every question. In process, models loaded, the two paths "
        f"interleaved question by question on {kb_label} ({documents} documents, {chunks} chunks, {sentences} "
        f"stored sentences), the {questions} questions of `tests/data/questions.jsonl` answered {passes} times each:",
        "",
        "| `kb ask` (default answerer) | p50 | p95 |",
        "|---|---|---|",
        f"| sentence vectors looked up (now) | {stored_p50:.0f} ms | {stored_p95:.0f} ms |",
        f"| sentences embedded at question time (before) | {embedded_p50:.0f} ms | {embedded_p95:.0f} ms |",
        f"| of which the search alone | {search_p50:.0f} ms | {search_p95:.0f} ms |",
        "",
        f"Median per-question ratio (before / now): {statistics.median(answers['ratios']):.1f}x. "
        f"Identical answers on both paths: {answers['same']}/{questions * passes}. "
        f"Load average (1/5/15 min) on the 2 shared cores: {load_before} before, {load_after} after.",
    ]
    if ingestion is not None:
        times_by_mode, sample_chunks, sample_sentences = ingestion
        without, with_ = statistics.median(times_by_mode[False]), statistics.median(times_by_mode[True])
        best_without, best_with = min(times_by_mode[False]), min(times_by_mode[True])
        lines += [
            "",
            f"Ingestion of `sample/documents` into an empty knowledge base ({sample_chunks} chunks, "
            f"{sample_sentences} sentences), {len(times_by_mode[True])} alternating runs per mode: chunks only "
            f"(before) median {without:.0f} s, best {best_without:.0f} s; with sentence vectors (now) median "
            f"{with_:.0f} s, best {best_with:.0f} s: {with_ / without:.2f}x by medians, {best_with / best_without:.2f}x "
            "by best runs. The sentences hold about as many tokens as the chunks, so embedding, nearly all of "
            "ingestion, roughly doubles; the longer runs are also the more exposed to other jobs' load.",
        ]
    lines += ["", "Reproduce with `.venv/bin/python benchmarks/answer_latency.py [--kb-home DIR] [--ingest-rounds N]`."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb-home", type=Path, default=None,
                        help="Measure answers on this knowledge base (ingested with sentence vectors).")
    parser.add_argument("--ingest-rounds", type=int, default=None,
                        help="Ingestion runs of sample/documents per mode (default 1 without --kb-home, 0 with it).")
    parser.add_argument("--label", default=None, help='What --kb-home holds, for the report (e.g. "`../shared/corpus`").')
    parser.add_argument("--passes", type=int, default=2, help="Times each question is answered on each path.")
    parser.add_argument("--questions", type=int, default=0, help="Only the first N questions (default all).")
    parser.add_argument("--no-write", action="store_true", help="Print the section without writing docs/benchmarks.md.")
    args = parser.parse_args(argv)
    rounds = args.ingest_rounds if args.ingest_rounds is not None else (0 if args.kb_home else 1)
    questions = [question.question for question in load_questions(QUESTIONS)]
    if args.questions:
        questions = questions[: args.questions]
    if args.kb_home is None and not rounds:
        parser.error("give --kb-home, or let the script ingest sample/documents (--ingest-rounds 1)")
    load_before = load()
    with tempfile.TemporaryDirectory() as workdir:
        answers = ingestion = None
        if args.kb_home is not None:  # answers first, in a process that has ingested nothing yet
            answers, facts = answer_latency(args.kb_home, questions, args.passes)
        if rounds:
            times, sample_chunks, sample_sentences, kept = measure_ingestion(Path(workdir), rounds)
            ingestion = (times, sample_chunks, sample_sentences)
            if answers is None:
                answers, facts = answer_latency(kept, questions, args.passes)
    label = args.label or ("`sample/documents`" if args.kb_home is None else f"the knowledge base in `{args.kb_home}`")
    section = render(answers, len(questions), args.passes, label, *facts, ingestion, load_before, load())
    print(section)
    if not args.no_write:
        write_section("answer-latency", section)


if __name__ == "__main__":
    main()
