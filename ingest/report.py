"""The outcome of one `kb ingest` run, in the JSON shape other tools rely on (DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Outcome = Literal["added", "updated", "unchanged", "duplicate", "skipped", "failed", "removed"]


@dataclass
class FileResult:
    """What happened to one file or URL."""

    location: str
    outcome: Outcome
    chunks: int = 0
    detail: str = ""
    """The reason for skipped/failed, the original for a duplicate, empty otherwise."""
    doc_id: str | None = None


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)

    def add(self, result: FileResult) -> None:
        self.results.append(result)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for result in self.results if result.outcome == outcome)

    @property
    def failed(self) -> list[FileResult]:
        return [result for result in self.results if result.outcome == "failed"]

    def to_json(self) -> dict[str, Any]:
        """``{"added", "updated", "unchanged", "skipped", "failed", "chunks"}`` plus duplicates and removed."""
        return {
            "added": self.count("added"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "skipped": [{"path": r.location, "reason": r.detail} for r in self.results if r.outcome == "skipped"],
            "failed": [{"path": r.location, "error": r.detail} for r in self.failed],
            "chunks": sum(r.chunks for r in self.results if r.outcome in ("added", "updated")),
            "duplicates": [{"path": r.location, "of": r.detail} for r in self.results if r.outcome == "duplicate"],
            "removed": [{"path": r.location, "doc_id": r.doc_id} for r in self.results if r.outcome == "removed"],
        }
