"""Which fusion of the dense and lexical rankings retrieves best? A sweep over the stores of retrieval.py.

Every query is searched once with the hybrid retriever while the rankings it fuses (dense per
language group, lexical, with their scores) are recorded; the fusion functions are then
compared on those same rankings, so the comparison costs one search per query:

- reciprocal rank fusion (RRF, k=60) with the embedding rankings (dense per language group and
  best sentence) weighted 1, 1.5, 2 or 3 against the lexical one;
- convex combination (CC) of min-max normalised scores, alpha * embedding + (1 - alpha) * lexical
  (the `fusion = "convex"` default with equal weights is alpha 0.5).

Measured on each public set alone and pooled (the stores benchmarks/retrieval.py leaves in its
--workdir) and on our question set at passage level (corpus store), by Recall@5 and MRR@10.

Usage: python benchmarks/fusion_sweep.py --workdir DIR   (DIR: a finished retrieval.py --workdir)
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections.abc import Callable
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import kb.search as search_module  # noqa: E402
from report_sections import write_section  # noqa: E402
from retrieval import (  # noqa: E402
    EVAL_DIR,
    QUESTIONS,
    SET_LANGUAGES,
    DEFAULT_QUERY_CAPS,
    PrecomputedQueries,
    eval_doc_id,
    load_set,
    log,
    open_kb,
)

from kb.embeddings import get_embeddings  # noqa: E402
from kb.evaluation import holds_evidence, load_questions, metrics_from_ranks  # noqa: E402
from kb.fusion import convex_combination, reciprocal_rank_fusion  # noqa: E402
from kb.settings import Settings  # noqa: E402

Rankings = dict[str, list[tuple[str, float]]]
FUSIONS: dict[str, Callable[[Rankings], list[str]]] = {}


def weighted(method: Callable, dense_weight: float, lexical_weight: float) -> Callable[[Rankings], list[str]]:
    """``method`` of kb.fusion with the embedding rankings (dense per language group, best sentence)
    weighted ``dense_weight``, the lexical one ``lexical_weight``."""

    def fuse(rankings: Rankings) -> list[str]:
        weights = {name: (lexical_weight if name == "lexical" else dense_weight) for name in rankings}
        return [item for item, _, _ in method(rankings, weights=weights)]

    return fuse


for weight in (1.0, 1.5, 2.0, 3.0):
    FUSIONS[f"RRF dense x{weight:g}"] = weighted(reciprocal_rank_fusion, weight, 1.0)
for alpha in (0.3, 0.4, 0.5, 0.6, 0.7):
    FUSIONS[f"CC alpha {alpha:g}"] = weighted(convex_combination, alpha, 1 - alpha)


class Recorder:
    """Wraps the fusion hybrid_search calls, keeping the rankings of the last call."""

    def __init__(self):
        self.last: Rankings = {}
        self.original = search_module.fuse_rankings

    def __enter__(self) -> "Recorder":
        def recording(rankings, weights, method):
            self.last = {name: list(ranking) for name, ranking in rankings.items()}
            return self.original(rankings, weights, method)

        search_module.fuse_rankings = recording
        return self

    def __exit__(self, *exc) -> None:
        search_module.fuse_rankings = self.original


def record(knowledge_base, queries: list[str]) -> list[Rankings]:
    recorded = []
    with Recorder() as recorder:
        for text in queries:
            knowledge_base.search(text, 10, retriever="hybrid")
            recorded.append(recorder.last)
    return recorded


def rank_of(ordered: list[str], relevant: Callable[[str], bool]) -> int | None:
    for rank, item in enumerate(ordered[:10], start=1):
        if relevant(item):
            return rank
    return None


def public_scenario(workdir: Path, embeddings, name: str, setting: str) -> tuple[list[Rankings], list[Callable]]:
    evalset = load_set(name, DEFAULT_QUERY_CAPS.get(name))
    home = workdir / (f"alone-{name}" if setting == "alone" else next(p.name for p in workdir.glob("pooled-*")))
    knowledge_base = open_kb(home, 2, embeddings)
    doc_id = eval_doc_id(name)
    record_of = knowledge_base.store.registry.get(doc_id)
    id_map = dict(zip(record_of.chunk_ids, (p["_id"] for p in evalset.passages)))
    texts = [text for _, text in evalset.queries]
    embeddings.prepare(texts)
    recorded = record(knowledge_base, texts)
    judges = [
        (lambda item, gold=evalset.gold[query_id]: id_map.get(item) == gold) for query_id, _ in evalset.queries
    ]
    return recorded, judges


def questions_scenario(workdir: Path, embeddings) -> tuple[list[Rankings], list[Callable]]:
    knowledge_base = open_kb(workdir / "corpus", 2, embeddings)
    questions = [q for q in load_questions(QUESTIONS) if q.source]
    recorded = record(knowledge_base, [q.question for q in questions])
    ids = {item for rankings in recorded for ranking in rankings.values() for item, _ in ranking}
    stored = knowledge_base.store.chunks.get(ids=list(ids), include=["documents", "metadatas"])
    chunk = {i: (text, meta) for i, text, meta in zip(stored["ids"], stored["documents"], stored["metadatas"])}
    judges = [
        (
            lambda item, q=q: item in chunk
            and chunk[item][1].get("source") == q.source
            and holds_evidence(chunk[item][0], q.evidence)
        )
        for q in questions
    ]
    return recorded, judges


Scenario = tuple[list[Rankings], list[set[str]]]
"""Each query's recorded rankings, and which of the items in them are relevant."""


def judged(recorded: list[Rankings], judges: list[Callable]) -> Scenario:
    relevant = [
        {item for ranking in rankings.values() for item, _ in ranking if judge(item)}
        for rankings, judge in zip(recorded, judges)
    ]
    return recorded, relevant


def record_scenarios(workdir: Path, sets: list[str]) -> dict[str, Scenario]:
    embeddings = PrecomputedQueries(get_embeddings(Settings()))
    scenarios: dict[str, Scenario] = {}
    for name in sets:
        for setting in ("alone", "pooled"):
            log(f"recording {name} {setting}")
            scenarios[f"{name} {setting}"] = judged(*public_scenario(workdir, embeddings, name, setting))
    if (workdir / "corpus").is_dir():
        log("recording our questions")
        scenarios["our set, passage (corpus)"] = judged(*questions_scenario(workdir, embeddings))
    return scenarios


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True, help="The --workdir of a finished retrieval.py run.")
    parser.add_argument("--sets", nargs="*", default=list(SET_LANGUAGES))
    parser.add_argument("--reuse", action="store_true",
                        help="Fuse the rankings recorded by an earlier run (WORKDIR/fusion_sweep.pickle) instead of searching.")
    args = parser.parse_args(argv)
    if not EVAL_DIR.is_dir():
        print(f"skipped: {EVAL_DIR} is absent")
        return
    cache = args.workdir / "fusion_sweep.pickle"
    if args.reuse:
        scenarios = pickle.loads(cache.read_bytes())
    else:
        scenarios = record_scenarios(args.workdir, args.sets)
        cache.write_bytes(pickle.dumps(scenarios))
    names = list(scenarios)
    lines = [
        "## Fusion sweep",
        "",
        "`python benchmarks/fusion_sweep.py --workdir DIR` on the stores of a retrieval.py run: the same recorded "
        "dense (per language group), best-sentence and lexical rankings (50 candidates each) fused by each function. "
        "R@5 / MRR@10:",
        "",
        "| fusion | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for label, fuse in FUSIONS.items():
        cells = []
        for name in names:
            recorded, relevant = scenarios[name]
            ranks = [rank_of(fuse(rankings), gold.__contains__) for rankings, gold in zip(recorded, relevant)]
            metrics = metrics_from_ranks(ranks)
            cells.append(f"{metrics['recall@5']:.3f} / {metrics['mrr@10']:.3f}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    body = "\n".join(lines)
    print(body)
    write_section("fusion-sweep", body)


if __name__ == "__main__":
    main()
