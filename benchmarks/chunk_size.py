"""Which chunk size retrieves best? Ingest ../shared/corpus at several sizes and evaluate.

Chunk size trades precision against context: small chunks match a question's words closely
but cut answers apart; large ones keep context but dilute the embedding. The choice is made on
our own question set (tests/data/questions.jsonl) at passage level, the level a citation needs.

Usage: python benchmarks/chunk_size.py [--sizes 128 192 256 384] [--limit N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_sections import write_section  # noqa: E402

from ingest.pipeline import Ingestor  # noqa: E402
from kb.api import KnowledgeBase  # noqa: E402
from kb.evaluation import evaluate, load_questions  # noqa: E402
from kb.settings import Settings  # noqa: E402

CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
QUESTIONS = PROJECT_ROOT / "tests" / "data" / "questions.jsonl"
RETRIEVERS = ("dense", "hybrid")


def measure(size: int, files: list[str], workdir: Path) -> dict:
    knowledge_base = KnowledgeBase(Settings(home=workdir / f"kb-{size}", chunk_tokens=size))
    started = time.perf_counter()
    report = Ingestor(knowledge_base.settings, knowledge_base.store, knowledge_base.embeddings).ingest(files)
    ingest_s = time.perf_counter() - started
    if report.failed:
        raise SystemExit(f"chunk size {size}: {len(report.failed)} documents failed to ingest; figures would be partial")
    texts = [chunk.text for chunk in knowledge_base.store.iter_chunks()]
    tokens = [knowledge_base.embeddings.count_tokens(text) for text in texts]
    questions = load_questions(QUESTIONS)
    row = {"size": size, "chunks": len(texts), "mean_tokens": statistics.mean(tokens), "ingest_s": ingest_s}
    for retriever in RETRIEVERS:
        cache: dict[str, list] = {}

        def search(text: str, retriever: str = retriever, cache: dict = cache):
            if text not in cache:
                cache[text] = knowledge_base.search(text, 10, retriever=retriever)
            return cache[text]

        row[retriever] = {level: evaluate(questions, search, level=level)["overall"] for level in ("document", "passage")}
    return row


def render(rows: list[dict], file_count: int) -> str:
    lines = [
        "## Chunk size",
        "",
        f"Default embedder, {file_count} files of `../shared/corpus`, evaluated on `tests/data/questions.jsonl` "
        "(50 answerable questions: Indonesian, English, crossed). Passage level: the hit must come from the gold "
        "document and hold the evidence span.",
        "",
        "| max tokens | chunks | mean tokens | ingest s | retriever | doc R@5 | doc MRR@10 | passage R@1 | passage R@5 | passage MRR@10 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        for retriever in RETRIEVERS:
            d, p = row[retriever]["document"], row[retriever]["passage"]
            lines.append(
                f"| {row['size']} | {row['chunks']} | {row['mean_tokens']:.0f} | {row['ingest_s']:.0f} | {retriever} | "
                f"{d['recall@5']:.3f} | {d['mrr@10']:.3f} | {p['recall@1']:.3f} | {p['recall@5']:.3f} | {p['mrr@10']:.3f} |"
            )
    lines += ["", "Reproduce with `.venv/bin/python benchmarks/chunk_size.py` (about 5 minutes per size)."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[128, 192, 256, 384])
    parser.add_argument("--limit", type=int, default=None, help="Only the first N corpus files (quick check).")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} is absent")
        return
    files = [str(path) for path in sorted(CORPUS.iterdir()) if path.is_file()][: args.limit]
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        for size in args.sizes:
            row = measure(size, files, Path(workdir))
            print(f"size {size}: {row['chunks']} chunks, hybrid passage R@5 {row['hybrid']['passage']['recall@5']:.3f}", flush=True)
            rows.append(row)
    section = render(rows, len(files))
    print(section)
    if args.limit is None:
        write_section("chunk-size", section)


if __name__ == "__main__":
    main()
