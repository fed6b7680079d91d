"""docs/benchmarks.md is shared by several benchmarks; each owns one section between markers.

A benchmark rewrites only its own section, so running one never erases another's figures.
"""

from __future__ import annotations

from pathlib import Path

REPORT_FILE = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
REPORT_INTRO = (
    "# Benchmarks\n\nFigures measured by the scripts in `benchmarks/` on this project's machines "
    "(2 shared cores); each section says how to reproduce it.\n"
)


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def write_section(name: str, body: str) -> None:
    """Replace section ``name`` of docs/benchmarks.md with ``body``, or append it."""
    start_marker, end_marker = markers(name)
    section = f"{start_marker}\n{body.strip()}\n{end_marker}"
    text = REPORT_FILE.read_text(encoding="utf-8") if REPORT_FILE.exists() else REPORT_INTRO
    start, end = text.find(start_marker), text.find(end_marker)
    if start != -1 and end > start:
        text = text[:start] + section + text[end + len(end_marker) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    REPORT_FILE.parent.mkdir(parents=True, exist_ok=True)
    REPORT_FILE.write_text(text, encoding="utf-8")
