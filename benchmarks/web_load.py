"""The web app under load: start time, first streamed answer, many users at once, and the same
while staff ingest documents through the console.

Serves a copy of a built knowledge base (the sample one: `KB_HOME=/tmp/sample-kb kb ingest
sample/documents`) with a real `kb serve`, rate limit off, and drives it with gradio_client:

    python benchmarks/web_load.py --kb-home /tmp/sample-kb [--users 20] [--questions 10]

1. Start: from launching `kb serve` to its page answering (model loaded, index built).
2. First streamed piece of the answer (`/ask_stream`), one user at a time, default answerer.
3. `--users` clients, each asking `--questions` questions one after another (`/ask`).
4. The same load while a staff user uploads documents through the console, ingested in the
   serving process (copies of sample documents with a line added, so they are embedded anew).

Questions are those of tests/data/questions.jsonl. Writes the "web-load" section of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_sections import write_section  # noqa: E402

QUESTIONS = PROJECT_ROOT / "tests" / "data" / "questions.jsonl"
SAMPLE = PROJECT_ROOT / "sample" / "documents"
INGEST_DOCUMENTS = (
    "id_uu_21_2007_pemberantasan_tppo.md",
    "un_protocol_against_smuggling_of_migrants_2000_en_nl.md",
)
STAFF_USER, STAFF_PASSWORD = "bench", "benchmark-password-" + os.urandom(4).hex()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def start(home: Path, log: Path) -> tuple[subprocess.Popen, str, float, float]:
    """The server, its address, and seconds from launch to its page answering and to its first answer."""
    from app.auth import hash_password

    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("KB_")}
    env.update(KB_HOME=str(home), KB_CONFIG=os.devnull, KB_RATE_LIMIT_PER_MINUTE="0", HF_HUB_OFFLINE="1",
               GRADIO_ANALYTICS_ENABLED="False", KB_STAFF_USERS=json.dumps({STAFF_USER: hash_password(STAFF_PASSWORD)}))
    started = time.perf_counter()
    with log.open("w") as output:  # a file, not a pipe nobody reads (a full pipe would stall the server)
        process = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--port", str(port)], env=env,
                                   cwd=PROJECT_ROOT, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    while True:
        if process.poll() is not None:
            raise SystemExit(f"kb serve exited:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                page = time.perf_counter() - started
                client(url).predict("Sejak kapan IOM hadir di Indonesia?", api_name="/ask")
                return process, url, page, time.perf_counter() - started
        except httpx.HTTPError:
            time.sleep(0.05)


def client(url: str):
    from gradio_client import Client

    return Client(url, verbose=False, download_files=False)


def first_pieces(url: str, questions: list[str]) -> tuple[list[float], list[float]]:
    """Seconds to the first streamed piece and to the final answer, one question at a time."""
    chat = client(url)
    firsts, totals = [], []
    for question in questions:
        started = time.perf_counter()
        job = chat.submit(question, api_name="/ask_stream")
        first = None
        for _ in job:
            if first is None:
                first = time.perf_counter() - started
        job.result()
        totals.append(time.perf_counter() - started)
        firsts.append(first if first is not None else totals[-1])
    return firsts, totals


def load(url: str, questions: list[str], users: int, per_user: int) -> dict:
    """``users`` clients at once, each asking ``per_user`` questions in turn."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(users)

    def user(index: int) -> None:
        try:
            chat = client(url)
        except Exception as error:  # noqa: BLE001 - counted and reported
            with lock:
                errors.append(f"connect: {error}")
            barrier.abort()
            return
        try:
            barrier.wait(timeout=120)
        except threading.BrokenBarrierError:
            pass
        for turn in range(per_user):
            question = questions[(index * per_user + turn) % len(questions)]
            started = time.perf_counter()
            try:
                answer = chat.predict(question, api_name="/ask")
                if "answered" not in answer:
                    raise ValueError(f"unexpected answer {answer!r:.80}")
                with lock:
                    latencies.append(time.perf_counter() - started)
            except Exception as error:  # noqa: BLE001 - counted and reported
                with lock:
                    errors.append(str(error)[:200])

    threads = [threading.Thread(target=user, args=(index,)) for index in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {"answers": len(latencies), "errors": errors, "wall": wall, "p50": percentile(latencies, 0.5),
            "p95": percentile(latencies, 0.95), "max": max(latencies) if latencies else float("nan")}


def ingest_through_console(url: str, folder: Path) -> dict:
    """Upload documents through the staff console and wait for the in-process ingestion."""
    from gradio_client import Client, handle_file

    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name in INGEST_DOCUMENTS:
        target = folder / f"bench_{name}"
        target.write_text((SAMPLE / name).read_text(encoding="utf-8") + f"\n\nBenchmark copy {time.time()}.\n",
                          encoding="utf-8")
        files.append(target)
    staff = Client(url + "staff/", auth=(STAFF_USER, STAFF_PASSWORD), verbose=False, download_files=False)
    started = time.perf_counter()
    log, *_ = staff.predict([handle_file(str(path)) for path in files], api_name="/upload")
    seconds = time.perf_counter() - started
    chunks = next((line for line in log.splitlines() if "chunks written" in line), log[-200:])
    return {"seconds": seconds, "summary": chunks, "ok": "added 2" in log}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb-home", type=Path, required=True, help="A built knowledge base; a copy is served.")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--questions", type=int, default=10, help="Questions per user.")
    parser.add_argument("--first-token-questions", type=int, default=30)
    parser.add_argument("--starts", type=int, default=3, help="Times the server is started (the median is reported).")
    parser.add_argument("--no-report", action="store_true", help="Print only; leave docs/benchmarks.md alone.")
    args = parser.parse_args(argv)

    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    work = Path(tempfile.mkdtemp(prefix="kb-web-load-"))
    home = work / "kb-home"
    shutil.copytree(args.kb_home, home, ignore=shutil.ignore_patterns("*.lock", "audit.log", "feedback.sqlite3*"))
    chunks = sum(record.get("chunks", 0) for record in _documents(home))
    load_before = os.getloadavg()[0]
    starts, readies = [], []
    for attempt in range(args.starts):
        process, url, page_seconds, ready_seconds = start(home, work / "serve.log")
        starts.append(page_seconds)
        readies.append(ready_seconds)
        if attempt < args.starts - 1:
            process.terminate()
            process.wait(timeout=30)
    start_seconds = statistics.median(starts)
    ready_seconds = statistics.median(readies)
    try:
        firsts, totals = first_pieces(url, questions[: args.first_token_questions])
        print(f"start {start_seconds:.1f} s (first answer {ready_seconds:.1f} s); first piece p50 {statistics.median(firsts):.2f} s "
              f"p95 {percentile(firsts, 0.95):.2f} s", flush=True)
        quiet = load(url, questions, args.users, args.questions)
        print(f"load: {quiet['answers']} answers, {len(quiet['errors'])} errors, p50 {quiet['p50']:.2f} s, "
              f"p95 {quiet['p95']:.2f} s", flush=True)
        ingestion: dict = {}
        ingest_thread = threading.Thread(target=lambda: ingestion.update(ingest_through_console(url, work / "upload")))
        ingest_thread.start()
        time.sleep(1.0)
        busy = load(url, questions, args.users, args.questions)
        ingest_thread.join()
        print(f"load while ingesting: {busy['answers']} answers, {len(busy['errors'])} errors, p50 {busy['p50']:.2f} s, "
              f"p95 {busy['p95']:.2f} s; ingestion {ingestion.get('seconds', float('nan')):.1f} s "
              f"({ingestion.get('summary')})", flush=True)
    finally:
        process.terminate()
        process.wait(timeout=30)
        server_log = (work / "serve.log").read_text(errors="replace")
        if "Traceback" in server_log:
            print("server log:\n" + server_log[-4000:])
        shutil.rmtree(work, ignore_errors=True)

    for label, run in (("quiet", quiet), ("while ingesting", busy)):
        for error in run["errors"][:5]:
            print(f"  error ({label}): {error}")
    if args.no_report:
        return
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load_average = os.getloadavg()[0]
    total = args.users * args.questions
    body = f"""## Web app under load

`python benchmarks/web_load.py --kb-home <sample KB> --users {args.users} --questions {args.questions}`: a real
`kb serve` on a copy of the sample knowledge base ({chunks} chunks), default answerer, rate limit off,
`KB_WEB_CONCURRENCY` at its default; clients are gradio_client instances in threads of one process
on the same machine (so they take CPU from the server too). Measured {when}, {os.cpu_count()} CPUs,
1-minute load average {load_before:.1f} before the run (other jobs share the machine) and
{load_average:.1f} at the end.

| measure | result | target |
|---|---|---|
| app start: launch to the page served, median of {len(starts)} | {start_seconds:.1f} s ({", ".join(f"{value:.1f}" for value in starts)}) | under 10 s |
| launch to the first answer (model loaded, index built meanwhile), median | {ready_seconds:.1f} s ({", ".join(f"{value:.1f}" for value in readies)}) | |
| first streamed piece, p50 / p95 ({len(firsts)} questions, one at a time) | {statistics.median(firsts):.2f} s / {percentile(firsts, 0.95):.2f} s | p50 under 1 s |
| whole answer, p50 / p95 (same questions) | {statistics.median(totals):.2f} s / {percentile(totals, 0.95):.2f} s | |
| {args.users} users x {args.questions} questions: answers, errors | {quiet['answers']}/{total}, {len(quiet['errors'])} | no error |
| latency p50 / p95 / max | {quiet['p50']:.2f} s / {quiet['p95']:.2f} s / {quiet['max']:.2f} s | reported |
| throughput | {quiet['answers'] / quiet['wall']:.1f} answers/s over {quiet['wall']:.0f} s | |
| same load while the staff console ingests 2 documents: answers, errors | {busy['answers']}/{total}, {len(busy['errors'])} | no error |
| latency p50 / p95 / max | {busy['p50']:.2f} s / {busy['p95']:.2f} s / {busy['max']:.2f} s | reported |
| ingestion through the console, under that load | {ingestion.get('seconds', float('nan')):.0f} s ({ingestion.get('summary', 'failed')}) | completes |

With the default answerer the answer is written in one piece, so the first streamed piece is the
whole answer; a language model (`KB_LLM_BACKEND`) streams its first words sooner than its last.
Under load, latency is queueing: the answerer is CPU-bound and {os.cpu_count()} cores answer about
{quiet['answers'] / quiet['wall']:.1f} questions a second whatever the number of users.
"""
    write_section("web-load", body)
    print("wrote the web-load section of docs/benchmarks.md")


def _documents(home: Path) -> list[dict]:
    done = subprocess.run([sys.executable, "-m", "app.cli", "docs", "--json"], capture_output=True, text=True,
                          env={**{k: v for k, v in os.environ.items() if not k.startswith("KB_")}, "KB_HOME": str(home),
                               "KB_CONFIG": os.devnull}, cwd=PROJECT_ROOT)
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        return []


if __name__ == "__main__":
    main()
