"""How well does the knowledge base retrieve? Dense, BM25 (lexical) and hybrid, on public sets and ours.

Scenarios, each measured for the three retrievers (``KnowledgeBase.search(..., retriever=...)``, k=10):

1. each public set of ../shared/eval alone: a knowledge base holding only that set's passages;
2. each public set pooled: one knowledge base holding every chosen set's passages plus
   ../shared/corpus ingested with the project's Ingestor, as distractors;
3. our question set (tests/data/questions.jsonl) on the corpus alone and in the pooled knowledge
   base, at document and passage level, overall and by kind (crossed / monolingual);

then the latency of `kb search` in process (model loaded, k=10) at >= 10,000 chunks.

A public set's passages are stored as the chunks of one registry record (one chunk per passage),
with the vectors of their candidate sentences as ingestion stores them (the sentence ranking of
hybrid search reads those), embedded once and reused by every store they go into. Query vectors
are computed in batches before searching and looked up by the search (identical vectors,
measured); the latency measurement uses the plain embedder, one query at a time and each query
embedded anew, as `kb search` does for a new question.

Usage: python benchmarks/retrieval.py [--sets tydiqa_id ...] [--max-queries N] [--all-queries]
                                      [--no-corpus] [--workdir DIR] [--embed-threads N]
The Markdown section and the chart are written to docs/ only by a run of the full default scope.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_sections import write_section  # noqa: E402
from retrieval_report import CHART_FILE, Results, render_section, save_chart  # noqa: E402

from ingest.pipeline import SENTENCE_BATCH, Ingestor  # noqa: E402
from kb.api import KnowledgeBase  # noqa: E402
from kb.embeddings import EmbedderIdentity, KBEmbeddings, get_embeddings  # noqa: E402
from kb.evaluation import evaluate, load_questions, metrics_from_ranks  # noqa: E402
from kb.ids import chunk_id_for, version_of  # noqa: E402
from kb.registry import DocumentRecord  # noqa: E402
from kb.search import POOL_FACTOR, SearchHit, nearest_chunk_scores  # noqa: E402
from kb.sentence_search import best_sentence_ranking  # noqa: E402
from kb.sentences import candidate_sentences, sentence_entries  # noqa: E402
from kb.settings import Settings  # noqa: E402
from kb.store import KnowledgeStore  # noqa: E402

EVAL_DIR = PROJECT_ROOT.parent / "shared" / "eval"
CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
QUESTIONS = PROJECT_ROOT / "tests" / "data" / "questions.jsonl"

SET_LANGUAGES = {"tydiqa_id": "id", "tydiqa_en": "en", "squad_id": "id", "omos_qa_en": "en"}
RETRIEVERS = ("dense", "lexical", "hybrid")
K = 10
SEED = 20240601
EMBED_BATCH = 32
WRITE_BATCH = 1000
DEFAULT_QUERY_CAPS = {"squad_id": 1000}
"""Queries used by default when neither --max-queries nor --all-queries is given (seeded sample)."""
LATENCY_CHUNKS = 10_000
LATENCY_QUERIES = 200


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- the public sets ------------------------------------------------------------------------


@dataclass
class EvalSet:
    name: str
    lang: str
    sha256: str
    passages: list[dict]
    queries: list[tuple[str, str]]
    """(query id, text), the sample evaluated."""
    gold: dict[str, str]
    """query id -> gold passage id (each query has one, score 1 in qrels)."""
    total_queries: int
    vectors: np.ndarray | None = None
    sentence_vectors: dict[str, np.ndarray] = field(default_factory=dict)
    """Vector of each candidate sentence of the passages, as ingestion stores them for chunks."""

    def texts(self) -> list[str]:
        return [passage_text(passage) for passage in self.passages]

    def sentences(self) -> list[str]:
        """Every candidate sentence of the passages, as ingestion splits chunks."""
        return [sentence for text in self.texts() for sentence in candidate_sentences(text)]


def passage_text(passage: dict) -> str:
    title = (passage.get("title") or "").strip()
    return f"{title}\n{passage['text']}" if title else passage["text"]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_qrels(path: Path) -> dict[str, str]:
    gold = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        query_id, passage_id, score = line.split("\t")
        if float(score) > 0:
            gold.setdefault(query_id, passage_id)
    return gold


def sample(items: list, limit: int | None, salt: str) -> list:
    """A fixed, seeded sample of ``limit`` items in their original order (all when limit is None)."""
    if limit is None or limit >= len(items):
        return list(items)
    chosen = set(random.Random(f"{SEED}:{salt}").sample(range(len(items)), limit))
    return [item for position, item in enumerate(items) if position in chosen]


def load_set(name: str, limit: int | None) -> EvalSet:
    folder = EVAL_DIR / name
    corpus_path = folder / "corpus.jsonl"
    gold = read_qrels(folder / "qrels.tsv")
    queries = [(q["_id"], q["text"]) for q in read_jsonl(folder / "queries.jsonl") if q["_id"] in gold]
    return EvalSet(
        name=name,
        lang=SET_LANGUAGES[name],
        sha256=hashlib.sha256(corpus_path.read_bytes()).hexdigest(),
        passages=read_jsonl(corpus_path),
        queries=sample(queries, limit, name),
        gold=gold,
        total_queries=len(queries),
    )


def embed_set(evalset: EvalSet, embeddings: KBEmbeddings, cache_dir: Path) -> np.ndarray:
    """The set's passage vectors, embedded once in batches of 32 and cached as .npy."""
    key = hashlib.sha256(f"{embeddings.identity.name}\n{evalset.sha256}".encode()).hexdigest()[:16]
    return embed_cached(evalset.texts(), embeddings, cache_dir / f"{evalset.name}-{key}.npy", EMBED_BATCH,
                        f"{evalset.name}: passages")


def embed_set_sentences(evalset: EvalSet, embeddings: KBEmbeddings, cache_dir: Path) -> dict[str, np.ndarray]:
    """The vectors of the set's distinct candidate sentences, embedded once and cached as .npy."""
    unique = list(dict.fromkeys(evalset.sentences()))
    digest = hashlib.sha256("\n".join([embeddings.identity.name, *unique]).encode()).hexdigest()[:16]
    path = cache_dir / f"{evalset.name}-sentences-{digest}.npy"
    return dict(zip(unique, embed_cached(unique, embeddings, path, SENTENCE_BATCH, f"{evalset.name}: sentences")))


def embed_cached(texts: list[str], embeddings: KBEmbeddings, path: Path, batch: int, what: str) -> np.ndarray:
    """``texts`` embedded as passages, ``batch`` at a time with progress every 10 batches, kept in ``path``
    (.npy) and read from there when it exists."""
    if path.exists():
        return np.load(path)
    started = time.perf_counter()
    parts = []
    for start in range(0, len(texts), batch):
        parts.append(embeddings.embed_passages(texts[start : start + batch]))
        if (start // batch) % 10 == 9:
            log(f"  {what}: {start + batch}/{len(texts)} embedded")
    vectors = np.vstack(parts).astype(np.float32) if parts else np.zeros((0, 0), dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    log(f"embedded {what}: {len(texts)} in {time.perf_counter() - started:.0f} s")
    return vectors


# -- knowledge bases ------------------------------------------------------------------------


class PrecomputedQueries(KBEmbeddings):
    """The embedder, with query vectors computed in batches beforehand and looked up by text."""

    def __init__(self, base: KBEmbeddings):
        self.base = base
        self.max_tokens = base.max_tokens
        self._vectors: dict[str, np.ndarray] = {}

    @property
    def identity(self) -> EmbedderIdentity:
        return self.base.identity

    def count_tokens(self, text: str) -> int:
        return self.base.count_tokens(text)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.base.embed_passages(texts)

    def prepare(self, queries: list[str]) -> None:
        missing = list(dict.fromkeys(q for q in queries if q not in self._vectors))
        for start in range(0, len(missing), EMBED_BATCH):
            batch = missing[start : start + EMBED_BATCH]
            self._vectors.update(zip(batch, self.base.embed_queries(batch)))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.prepare(texts)
        return np.vstack([self._vectors[text] for text in texts])

    encode_queries = embed_queries


def open_kb(home: Path, threads: int, embeddings: KBEmbeddings | None = None) -> KnowledgeBase:
    knowledge_base = KnowledgeBase(Settings(home=home, embed_threads=threads))
    if embeddings is not None:
        knowledge_base.embeddings = embeddings  # replaces the cached_property's value
    return knowledge_base


def eval_doc_id(name: str, copy: int = 0) -> str:
    label = f"eval:{name}" if copy == 0 else f"eval:{name}#copy{copy}"
    return hashlib.sha256(label.encode()).hexdigest()[:16]


def write_set(store: KnowledgeStore, evalset: EvalSet, identity: EmbedderIdentity, copy: int = 0) -> dict[str, str]:
    """Store a set's passages as the chunks of one record; return chunk_id -> passage_id.

    ``copy`` > 0 writes the same passages and vectors again under another doc_id and version.
    """
    doc_id = eval_doc_id(evalset.name, copy)
    sha256 = evalset.sha256 if copy == 0 else hashlib.sha256(f"{evalset.sha256}#copy{copy}".encode()).hexdigest()
    version = version_of(sha256)
    chunk_ids = [chunk_id_for(doc_id, version, position) for position in range(len(evalset.passages))]
    id_map = {chunk_id: passage["_id"] for chunk_id, passage in zip(chunk_ids, evalset.passages)}
    existing = store.registry.get(doc_id)
    if existing is not None and existing.version == version:
        return id_map
    path = str(EVAL_DIR / evalset.name / "corpus.jsonl")
    record = DocumentRecord(
        doc_id=doc_id,
        path=path,
        source=evalset.name,
        sha256=sha256,
        version=version,
        file_type="eval",
        title=f"{evalset.name} passages",
        lang=evalset.lang,
        pages=None,
        chunk_ids=chunk_ids,
        ingested_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    texts = evalset.texts()
    metadatas = [
        {
            "doc_id": doc_id,
            "version": version,
            "source": evalset.name,
            "path": path,
            "file_type": "eval",
            "title": passage.get("title") or evalset.name,
            "doc_lang": evalset.lang,
            "lang": evalset.lang,
            "position": position,
            "passage_id": passage["_id"],
        }
        for position, passage in enumerate(evalset.passages)
    ]
    with store.writing():
        store.ensure_embedder(identity)
        for start in range(0, len(chunk_ids), WRITE_BATCH):
            end = start + WRITE_BATCH
            store.add_chunks(chunk_ids[start:end], texts[start:end], evalset.vectors[start:end], metadatas[start:end])
        write_set_sentences(store, evalset, chunk_ids, doc_id, version)
        store.registry.save(record)  # the commit point
    return id_map


def write_set_sentences(store: KnowledgeStore, evalset: EvalSet, chunk_ids: list[str], doc_id: str, version: str) -> None:
    """The passages' sentence vectors, stored as ingestion stores a document's."""
    entries = [
        entry for chunk_id, text in zip(chunk_ids, evalset.texts()) for entry in sentence_entries(chunk_id, text, doc_id, version)
    ]
    if not entries:
        return
    ids, sentences, metadatas = map(list, zip(*entries))
    store.add_sentences(ids, sentences, np.stack([evalset.sentence_vectors[s] for s in sentences]), metadatas)


def ingest_corpus(knowledge_base: KnowledgeBase) -> dict:
    started = time.perf_counter()
    ingestor = Ingestor(knowledge_base.settings, knowledge_base.store, knowledge_base.embeddings)
    report = ingestor.ingest([str(CORPUS)])
    seconds = time.perf_counter() - started
    chunks = knowledge_base.store.count_chunks()
    documents = len(knowledge_base.documents())
    log(f"corpus: {documents} documents, {chunks} chunks, {len(report.failed)} failed, {seconds:.0f} s")
    return {"documents": documents, "chunks": chunks, "failed": len(report.failed), "seconds": seconds}


def copy_documents(source: KnowledgeStore, target: KnowledgeStore) -> None:
    """Copy every committed document of ``source`` (records, chunks and vectors) into ``target``."""
    with target.writing():
        target.ensure_embedder(source.recorded_embedder())
        for record in source.registry.all():
            existing = target.registry.get(record.doc_id)
            if existing is not None and existing.version == record.version:
                continue
            for start in range(0, len(record.chunk_ids), WRITE_BATCH):
                page = source.chunks.get(
                    ids=record.chunk_ids[start : start + WRITE_BATCH], include=["embeddings", "documents", "metadatas"]
                )
                target.add_chunks(page["ids"], page["documents"], page["embeddings"], page["metadatas"])
            offset = 0
            while True:
                page = source.sentences.get(
                    where={"doc_id": record.doc_id}, include=["embeddings", "documents", "metadatas"],
                    limit=WRITE_BATCH, offset=offset,
                )
                if page["ids"]:
                    target.add_sentences(page["ids"], page["documents"], page["embeddings"], page["metadatas"])
                if len(page["ids"]) < WRITE_BATCH:
                    break
                offset += WRITE_BATCH
            target.registry.save(record)


# -- measuring ------------------------------------------------------------------------------


def gold_rank(hits: list[SearchHit], id_map: dict[str, str], gold: str) -> int | None:
    for rank, hit in enumerate(hits, start=1):
        if id_map.get(hit.chunk_id) == gold:
            return rank
    return None


def eval_public(knowledge_base: KnowledgeBase, evalset: EvalSet, id_map: dict[str, str], label: str) -> dict[str, dict]:
    """Metrics of each retriever on one set: the rank of the gold passage among the top 10."""
    results = {}
    for retriever in RETRIEVERS:
        started = time.perf_counter()
        ranks = [
            gold_rank(knowledge_base.search(text, K, retriever=retriever), id_map, evalset.gold[query_id])
            for query_id, text in evalset.queries
        ]
        results[retriever] = metrics_from_ranks(ranks)
        seconds = time.perf_counter() - started
        results[retriever]["ms_per_query"] = 1000 * seconds / max(1, len(ranks))
        log(
            f"{evalset.name} {label} {retriever}: R@5 {results[retriever]['recall@5']:.3f} "
            f"MRR@10 {results[retriever]['mrr@10']:.3f} ({seconds:.0f} s)"
        )
    return results


def eval_questions(knowledge_base: KnowledgeBase, label: str) -> dict[str, dict[str, dict]]:
    """Our question set, per retriever and level (document, passage); one search per question."""
    questions = load_questions(QUESTIONS)
    results: dict[str, dict[str, dict]] = {}
    for retriever in RETRIEVERS:
        cache: dict[str, list[SearchHit]] = {}

        def search(text: str, retriever: str = retriever, cache: dict = cache) -> list[SearchHit]:
            if text not in cache:
                cache[text] = knowledge_base.search(text, K, retriever=retriever)
            return cache[text]

        results[retriever] = {level: evaluate(questions, search, level=level) for level in ("document", "passage")}
        passage = results[retriever]["passage"]
        log(f"questions {label} {retriever}: passage R@5 {passage['overall']['recall@5']:.3f}")
    return results


def percentile(values: list[float], share: float) -> float:
    return float(np.percentile(np.asarray(values), share * 100))


def load_average() -> float:
    return os.getloadavg()[0]


def measure_latency(knowledge_base: KnowledgeBase, queries: list[str]) -> dict:
    """Per retriever: p50/p95/mean ms over the queries, the retrievers taking turns on each query so
    that the machine's load falls on all three alike; one warm-up search each first (the first
    hybrid search builds the BM25 index, timed apart). "embedding" times the query embedding alone."""
    started = time.perf_counter()
    knowledge_base.search(queries[0], K, retriever="hybrid")
    warmup_s = time.perf_counter() - started
    for retriever in RETRIEVERS:
        knowledge_base.search(queries[-1], K, retriever=retriever)
    timings: dict[str, list[float]] = {retriever: [] for retriever in (*RETRIEVERS, *PARTS)}
    load_before = load_average()
    for query in queries:
        for retriever in RETRIEVERS:
            knowledge_base.embeddings.forget_queries()  # each search embeds its query, as a new question does
            started = time.perf_counter()
            knowledge_base.search(query, K, retriever=retriever)
            timings[retriever].append(1000 * (time.perf_counter() - started))
        for part, milliseconds in time_parts(knowledge_base, query).items():
            timings[part].append(milliseconds)
    return {
        "threads": knowledge_base.settings.embed_threads,
        "chunks": knowledge_base.store.count_chunks(),
        "queries": len(queries),
        "first_hybrid_s": warmup_s,
        "load": (load_before, load_average()),
        "retrievers": {
            retriever: {
                "p50": percentile(values, 0.5),
                "p95": percentile(values, 0.95),
                "mean": float(np.mean(values)),
            }
            for retriever, values in timings.items()
        },
    }


PARTS = ("embedding", "dense_pool", "sentence_ranking")
"""Pieces of a hybrid search timed on their own: the query embedding, the one unfiltered dense
query split by language afterwards, and the best-sentence ranking (kb.search, kb.sentence_search)."""


def time_parts(knowledge_base: KnowledgeBase, query: str) -> dict[str, float]:
    store = knowledge_base.store
    knowledge_base.embeddings.forget_queries()
    timings = {}
    started = time.perf_counter()
    vector = knowledge_base.embeddings.embed_queries([query])[0]
    timings["embedding"] = 1000 * (time.perf_counter() - started)
    depth = max(K, knowledge_base.settings.fusion_candidates)
    for part, action in (
        ("dense_pool", lambda: nearest_chunk_scores(store, vector, depth * POOL_FACTOR, None)),
        ("sentence_ranking", lambda: best_sentence_ranking(store, vector, depth, None)),
    ):
        started = time.perf_counter()
        action()
        timings[part] = 1000 * (time.perf_counter() - started)
    return timings


def latency_queries(sets: list[EvalSet]) -> list[str]:
    """LATENCY_QUERIES queries taken evenly from the sets (Indonesian and English), seeded, interleaved."""
    per_set = -(-LATENCY_QUERIES // len(sets))
    pools = [
        random.Random(f"{SEED}:latency:{s.name}").sample([t for _, t in s.queries], min(per_set, len(s.queries)))
        for s in sets
    ]
    mixed = [pool[i] for i in range(per_set) for pool in pools if i < len(pool)]
    return mixed[:LATENCY_QUERIES]


# -- the run --------------------------------------------------------------------------------


@dataclass
class Stores:
    alone: dict[str, tuple[KnowledgeBase, dict[str, str]]] = field(default_factory=dict)
    """set -> (its knowledge base, chunk_id -> passage_id)."""
    pooled: KnowledgeBase | None = None
    pooled_map: dict[str, str] = field(default_factory=dict)
    corpus: KnowledgeBase | None = None


@dataclass
class Run:
    """What every step of a run needs."""

    sets: list[EvalSet]
    workdir: Path
    threads: int
    embeddings: PrecomputedQueries
    results: Results

    def open(self, name: str, *, precomputed: bool = True) -> KnowledgeBase:
        return open_kb(self.workdir / name, self.threads, self.embeddings if precomputed else None)

    def timed(self, name: str, action: Callable):
        started = time.perf_counter()
        value = action()
        timings = self.results.timings
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - started
        return value


def build_stores(run: Run, with_corpus: bool) -> Stores:
    stores = Stores()
    identity = run.embeddings.identity
    for evalset in run.sets:
        knowledge_base = run.open(f"alone-{evalset.name}")
        stores.alone[evalset.name] = (knowledge_base, write_set(knowledge_base.store, evalset, identity))
    scope = hashlib.sha256(f"{[s.name for s in run.sets]}{with_corpus}".encode()).hexdigest()[:8]
    stores.pooled = run.open(f"pooled-{scope}")
    for evalset in run.sets:
        stores.pooled_map.update(write_set(stores.pooled.store, evalset, identity))
    if with_corpus:
        stores.corpus = run.open("corpus")
        run.results.corpus = run.timed("ingest corpus", lambda: ingest_corpus(stores.corpus))
        copy_documents(stores.corpus.store, stores.pooled.store)
    run.results.pooled_chunks = stores.pooled.store.count_chunks()
    log(f"pooled store: {run.results.pooled_chunks} chunks")
    return stores


def build_latency_store(run: Run, stores: Stores) -> KnowledgeBase:
    """The pooled content, plus further copies of the public passages until >= 10,000 chunks."""
    names = "-".join(s.name for s in run.sets)
    knowledge_base = run.open(f"latency-{names}-{stores.corpus is not None}", precomputed=False)
    if stores.corpus is not None:
        copy_documents(stores.corpus.store, knowledge_base.store)
    copy = 0
    while knowledge_base.store.count_chunks() < LATENCY_CHUNKS or copy == 0:
        for evalset in run.sets:
            write_set(knowledge_base.store, evalset, run.embeddings.identity, copy)
        copy += 1
    log(f"latency store: {knowledge_base.store.count_chunks()} chunks")
    return knowledge_base


def evaluate_all(run: Run, stores: Stores) -> None:
    results = run.results
    for evalset in run.sets:
        alone, alone_map = stores.alone[evalset.name]
        results.public[(evalset.name, "alone")] = run.timed(
            "search public sets", lambda: eval_public(alone, evalset, alone_map, "alone")
        )
        results.public[(evalset.name, "pooled")] = run.timed(
            "search public sets", lambda: eval_public(stores.pooled, evalset, stores.pooled_map, "pooled")
        )
    if stores.corpus is not None:
        for label, knowledge_base in (("corpus", stores.corpus), ("pooled", stores.pooled)):
            results.questions[label] = run.timed("search our questions", lambda: eval_questions(knowledge_base, label))


def measure_latencies(run: Run, stores: Stores) -> None:
    """At the configured (CPU count) embedder threads, as `kb search` runs, then at --embed-threads."""
    latency_kb = run.timed("build latency store", lambda: build_latency_store(run, stores))
    queries = latency_queries(run.sets)
    for threads in dict.fromkeys([Settings().embed_threads, run.threads]):
        knowledge_base = open_kb(latency_kb.settings.home, threads)
        measured = run.timed("latency", lambda: measure_latency(knowledge_base, queries))
        run.results.latency.append(measured)
        summary = ", ".join(f"{name} p50 {value['p50']:.0f} ms" for name, value in measured["retrievers"].items())
        log(f"latency ({threads} threads): {summary}")


def run_benchmark(args: argparse.Namespace, workdir: Path) -> Results:
    caps = {} if args.all_queries or args.max_queries else DEFAULT_QUERY_CAPS
    sets = [load_set(name, args.max_queries or caps.get(name)) for name in args.sets]
    results = Results(
        sets=[s.name for s in sets],
        options=describe_options(args),
        started=datetime.now(timezone.utc),
        load=[load_average()],
        languages={s.name: s.lang for s in sets},
        query_counts={s.name: (len(s.queries), s.total_queries) for s in sets},
        passage_counts={s.name: len(s.passages) for s in sets},
    )
    embeddings = PrecomputedQueries(get_embeddings(Settings(embed_threads=args.embed_threads)))
    results.embedder = embeddings.identity.describe()
    run = Run(sets, workdir, args.embed_threads, embeddings, results)
    for evalset in sets:
        evalset.vectors = run.timed("embed passages", lambda: embed_set(evalset, embeddings, workdir / "vectors"))
        evalset.sentence_vectors = run.timed(
            "embed passage sentences", lambda: embed_set_sentences(evalset, embeddings, workdir / "vectors")
        )
    stores = build_stores(run, with_corpus=not args.no_corpus)
    questions = [q.question for q in load_questions(QUESTIONS)] if stores.corpus else []
    run.timed("embed queries", lambda: embeddings.prepare([t for s in sets for _, t in s.queries] + questions))
    evaluate_all(run, stores)
    measure_latencies(run, stores)
    return results


def describe_options(args: argparse.Namespace) -> str:
    parts = []
    if args.sets != list(SET_LANGUAGES):
        parts.append("--sets " + " ".join(args.sets))
    if args.max_queries:
        parts.append(f"--max-queries {args.max_queries}")
    if args.all_queries:
        parts.append("--all-queries")
    if args.no_corpus:
        parts.append("--no-corpus")
    return " ".join(parts)


def full_scope(args: argparse.Namespace) -> bool:
    return args.sets == list(SET_LANGUAGES) and not args.no_corpus and not args.max_queries


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", choices=list(SET_LANGUAGES), default=list(SET_LANGUAGES))
    parser.add_argument("--max-queries", type=int, default=None, help="A fixed, seeded sample of N queries per set.")
    parser.add_argument(
        "--all-queries", action="store_true", help="Every query of every set (by default squad_id uses a seeded 1,000)."
    )
    parser.add_argument("--no-corpus", action="store_true", help="Leave ../shared/corpus out (quick debugging).")
    parser.add_argument("--workdir", type=Path, default=None, help="Keep stores and vectors here and reuse them.")
    parser.add_argument(
        "--embed-threads",
        type=int,
        default=1,
        help="Embedder threads for building and evaluating (same vectors; one thread holds up best on a busy machine).",
    )
    args = parser.parse_args(argv)
    for needed in (EVAL_DIR, *([] if args.no_corpus else [CORPUS])):
        if not needed.is_dir():
            print(f"skipped: {needed} is absent")
            return
    started = time.perf_counter()
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        results = run_benchmark(args, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="kb-retrieval-") as workdir:
            results = run_benchmark(args, Path(workdir))
    results.total_s = time.perf_counter() - started
    results.load.append(load_average())
    chart = CHART_FILE if full_scope(args) else (args.workdir or Path(tempfile.gettempdir())) / "retrieval.png"
    save_chart(results, chart)
    section = render_section(results)
    print(section)
    if full_scope(args):
        write_section("retrieval", section)
        log(f"wrote the 'retrieval' section of docs/benchmarks.md and {chart}")
    else:
        log(f"not the full default scope: docs/ left alone; chart at {chart}")


if __name__ == "__main__":
    main()
