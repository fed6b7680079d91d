"""`kb search` latency in process, models loaded, on an existing knowledge base.

The full retrieval benchmark (benchmarks/retrieval.py) builds a store of over 10,000 chunks and
measures latency once, after half an hour of evaluation; this script measures an existing store
directly, e.g. after a change to the search path:

    python benchmarks/search_latency.py --kb-home /path/to/store [--queries N]

Queries are drawn (seeded) from the public sets in ../shared/eval, Indonesian and English.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_sections import write_section  # noqa: E402

from kb.api import KnowledgeBase  # noqa: E402
from kb.settings import Settings  # noqa: E402

EVAL = PROJECT_ROOT.parent / "shared" / "eval"
RETRIEVERS = ("hybrid", "dense", "lexical")


def queries(count: int) -> list[str]:
    texts = []
    for name in ("tydiqa_id", "tydiqa_en", "squad_id", "omos_qa_en"):
        with (EVAL / name / "queries.jsonl").open(encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle if line.strip()]
    return random.Random("search-latency").sample(texts, count)


def measure(knowledge_base: KnowledgeBase, texts: list[str], retriever: str) -> tuple[float, float]:
    knowledge_base.search(texts[0], 10, retriever=retriever)  # warm: model, lexical index
    times = []
    for text in texts:
        knowledge_base.embeddings.forget_queries()  # every search embeds its query, as a new question does
        started = time.perf_counter()
        knowledge_base.search(text, 10, retriever=retriever)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb-home", type=Path, required=True, help="The knowledge base to search.")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args(argv)
    if not EVAL.is_dir():
        print(f"skipped: {EVAL} is absent")
        return
    knowledge_base = KnowledgeBase(Settings(home=args.kb_home))
    texts = queries(args.queries)
    rows = [(retriever, *measure(knowledge_base, texts, retriever)) for retriever in RETRIEVERS]
    measured_at = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "## Search latency",
        "",
        f"Measured {measured_at}, {os.cpu_count()} CPUs, 1-minute load average {os.getloadavg()[0]:.1f}; "
        f"{knowledge_base.store.count_chunks()} chunks, {len(texts)} queries from the public sets, k=10, in process "
        "with the model loaded (`benchmarks/search_latency.py`).",
        "",
        "| retriever | p50 ms | p95 ms |",
        "|---|--:|--:|",
        *(f"| {retriever} | {p50:.0f} | {p95:.0f} |" for retriever, p50, p95 in rows),
    ]
    section = "\n".join(lines)
    print(section)
    write_section("search-latency", section)


if __name__ == "__main__":
    main()
