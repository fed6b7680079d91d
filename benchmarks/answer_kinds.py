"""What refusing by kind of fact costs: every public-set question asking for a name, a count, an
amount of money, a percentage or an age, answered with and without that refusal.

The default answerer refuses such a question when none of the sentences it quotes holds that kind
of fact (kb.answer_types). Our question set has a handful of them; the public sets have hundreds.
Each set's passages form one knowledge base (none held out, so every question is answerable);
each question of a refusing kind is answered twice with refusal by confidence off, once with the
kinds refusing and once without. Correct = an expected answer in the text and the gold passage
cited. The right answers lost are what the refusal costs; on the unanswerable side its gain is
measured by benchmarks/answers.py and refusal_public.py.

Usage: python benchmarks/answer_kinds.py [--workdir DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections import Counter
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from answers import normalise  # noqa: E402
from refusal_public import (  # noqa: E402
    answers_of,
    eval_sets_absent,
    for_each_set,
    public_set_options,
    whole_set_knowledge_base,
)
from report_sections import write_section  # noqa: E402
from retrieval import log  # noqa: E402

from kb.answer_types import asked_kind  # noqa: E402
from kb.answering import REFUSING_KINDS, ExtractiveAnswerer  # noqa: E402


def tally_set(name: str, workdir: Path, embeddings) -> Counter:
    """Per kind: questions, right answers without and with refusal by kind, answers refused by it."""
    evalset, knowledge_base, id_map = whole_set_knowledge_base(name, workdir, embeddings)
    settings = knowledge_base.answer_settings()
    with_kinds = ExtractiveAnswerer(knowledge_base, settings)
    without_kinds = ExtractiveAnswerer(knowledge_base, dataclasses.replace(settings, refusing_kinds=frozenset()))
    expected = answers_of(name)
    tally: Counter = Counter()
    for query_id, text in evalset.queries:
        kind = asked_kind(text)
        if kind not in REFUSING_KINDS or not expected.get(query_id):
            continue

        def right(answer) -> bool:
            return (
                answer.answered
                and any(normalise(e) in normalise(answer.answer) for e in expected[query_id])
                and any(id_map.get(c.chunk_id) == evalset.gold[query_id] for c in answer.citations)
            )

        plain, checked = without_kinds.answer(text), with_kinds.answer(text)
        tally[kind, "questions"] += 1
        tally[kind, "right without"] += right(plain)
        tally[kind, "right with"] += right(checked)
        tally[kind, "refused"] += plain.answered and not checked.answered
    log(f"{name}: {sum(v for (_, what), v in tally.items() if what == 'questions')} questions of refusing kinds")
    return tally


def render(tallies: dict[str, Counter]) -> str:
    lines = [
        "## Refusal by kind of fact on the public sets",
        "",
        "`python benchmarks/answer_kinds.py`. Every public-set question asking for a name, a count, an amount of "
        "money, a percentage or an age, answered from all of its set's passages with refusal by confidence off: "
        "right answers (an expected answer, the gold passage cited) without and with refusal when no quoted "
        "sentence holds that kind of fact, and how many answers that refusal turned away.",
        "",
        "| set | kind | questions | right without | right with | answers refused |",
        "|---|---|---|---|---|---|",
    ]
    total: Counter = Counter()
    for name, tally in tallies.items():
        for kind in sorted({kind for kind, _ in tally}):
            row = [tally[kind, what] for what in ("questions", "right without", "right with", "refused")]
            lines.append(f"| {name} | {kind} | " + " | ".join(map(str, row)) + " |")
            for what, value in zip(("questions", "right without", "right with", "refused"), row):
                total[what] += value
    lines.append(
        f"| all | all | {total['questions']} | {total['right without']} | {total['right with']} | {total['refused']} |"
    )
    lost = total["right without"] - total["right with"]
    lines += ["", f"Right answers lost to the refusal: {lost} of {total['right without']}."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    public_set_options(parser)
    args = parser.parse_args(argv)
    if eval_sets_absent():
        return
    body = render(for_each_set(args.sets, args.workdir, tally_set))
    print(body)
    write_section("answer-kinds", body)


if __name__ == "__main__":
    main()
