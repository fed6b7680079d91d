"""Do follow-up questions get answered, and are new questions left alone?

tests/data/followups.jsonl holds short conversations over ../shared/corpus: an earlier question,
then either a follow-up that leans on it ("Kapan yang di Makassar?") or a new question that
names its own topic. Each last question is answered three ways, with the default answerer:
- alone: the question as typed, the conversation ignored;
- heuristic: kb.conversation's rule (joined to the earlier question only when it looks like a follow-up);
- always joined: every question joined to the earlier one.
For each: the gold document among the top 5 passages retrieved, and answers that contain an
expected fact and cite the gold document. The heuristic should match "always joined" on
follow-ups and "alone" on new questions.

Usage: python benchmarks/followups.py --kb-home DIR   (a knowledge base holding ../shared/corpus;
without it the corpus is ingested into a temporary folder)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from answers import normalise  # noqa: E402
from report_sections import write_section  # noqa: E402

from kb.api import KnowledgeBase  # noqa: E402
from kb.conversation import StandaloneQuestion, is_follow_up, standalone_question, topic_words  # noqa: E402
from kb.settings import Settings  # noqa: E402

CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
CONVERSATIONS = PROJECT_ROOT / "tests" / "data" / "followups.jsonl"
STRATEGIES = ("alone", "heuristic", "always joined")


def question_for(strategy: str, item: dict) -> StandaloneQuestion:
    """The question to answer under ``strategy``."""
    history = [{"role": "user", "content": text} for text in item["history"]]
    if strategy == "alone":
        return standalone_question(item["question"], None)
    if strategy == "heuristic":
        return standalone_question(item["question"], history)
    alone = standalone_question(item["question"], None)
    return StandaloneQuestion(alone.question, topic_words(item["history"][-1], item["question"]), alone.language, True)


def measure(knowledge_base: KnowledgeBase, items: list[dict]) -> dict[tuple[str, str], dict[str, float]]:
    from kb.answering import ExtractiveAnswerer

    answerer = ExtractiveAnswerer(knowledge_base, knowledge_base.answer_settings())
    results: dict[tuple[str, str], dict[str, float]] = {}
    for kind in ("follow_up", "new_topic"):
        chosen = [item for item in items if item["kind"] == kind]
        for strategy in STRATEGIES:
            found = correct = 0
            for item in chosen:
                question = question_for(strategy, item)
                hits = knowledge_base.search(question.text, 5)
                found += any(hit.source == item["source"] for hit in hits)
                answer = answerer.answer(question.question, question.language, question.context)
                text = normalise(answer.answer)
                correct += (
                    answer.answered
                    and any(normalise(expected) in text for expected in item["answers"])
                    and any(citation.source == item["source"] for citation in answer.citations)
                )
            results[(kind, strategy)] = {"n": len(chosen), "recall5": found / len(chosen), "correct": correct / len(chosen)}
    return results


def render(items: list[dict], results: dict[tuple[str, str], dict[str, float]]) -> str:
    follow_ups = [item for item in items if item["kind"] == "follow_up"]
    new_topics = [item for item in items if item["kind"] == "new_topic"]
    detected = sum(is_follow_up(item["question"]) for item in follow_ups)
    merged = sum(is_follow_up(item["question"]) for item in new_topics)
    lines = [
        "## Follow-up questions",
        "",
        "`python benchmarks/followups.py --kb-home DIR` (a knowledge base of ../shared/corpus). "
        f"tests/data/followups.jsonl: {len(follow_ups)} follow-ups and {len(new_topics)} new questions after "
        "an earlier one, over ../shared/corpus, default answerer. Gold document in the top 5 passages, and "
        "answers with an expected fact citing the gold document:",
        "",
        "| last question | answered as | gold doc in top 5 | answered correctly |",
        "|---|---|---|---|",
    ]
    for (kind, strategy), figures in results.items():
        label = "follow-up" if kind == "follow_up" else "new question"
        lines.append(f"| {label} (n={figures['n']}) | {strategy} | {figures['recall5']:.2f} | {figures['correct']:.2f} |")
    lines += [
        "",
        f"The heuristic takes {detected} of {len(follow_ups)} follow-ups for follow-ups and "
        f"{merged} of {len(new_topics)} new questions for follow-ups (joined to the earlier question).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb-home", type=Path, help="A knowledge base holding ../shared/corpus.")
    args = parser.parse_args(argv)
    if args.kb_home is None and not CORPUS.is_dir():
        print(f"skipped: {CORPUS} is absent (the follow-up set is about that corpus)")
        return
    items = [json.loads(line) for line in CONVERSATIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as scratch:
        home = args.kb_home or Path(scratch)
        knowledge_base = KnowledgeBase(Settings(home=home))
        if args.kb_home is None:
            from ingest.pipeline import Ingestor

            Ingestor(knowledge_base.settings, knowledge_base.store, knowledge_base.embeddings).ingest([str(CORPUS)])
        results = measure(knowledge_base, items)
    body = render(items, results)
    print(body)
    write_section("followups", body)


if __name__ == "__main__":
    main()
