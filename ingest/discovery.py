"""Finding the files behind the paths given to `kb ingest`.

Folders are walked recursively, following symbolic links (a knowledge base is often a folder
of links to shared drives) but never into a folder already visited, so a symlink loop is
reported once instead of recursing forever. Hidden files and metadata sidecars are not
documents and are passed over quietly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kb.ids import is_url

SIDECAR_SUFFIX = ".meta.json"


@dataclass
class Discovered:
    """A location to ingest, or one to report as skipped with its reason."""

    location: str
    skip_reason: str | None = None


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX)


def discover(locations: list[str]) -> list[Discovered]:
    """Files and URLs in the order given, folders expanded in sorted order."""
    found: list[Discovered] = []
    for location in locations:
        if is_url(location):
            found.append(Discovered(location))
            continue
        path = Path(location).expanduser()
        if path.is_dir():
            found.extend(_walk(path))
        elif path.exists() or path.is_symlink():
            found.append(Discovered(str(path)))
        else:
            found.append(Discovered(str(path), skip_reason="no such file or folder"))
    return found


def _walk(root: Path) -> list[Discovered]:
    found: list[Discovered] = []
    visited: set[str] = set()

    def visit(folder: Path) -> None:
        real = os.path.realpath(folder)
        if real in visited:
            found.append(Discovered(str(folder), skip_reason=f"symlink loop: leads back to {real}"))
            return
        visited.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            found.append(Discovered(str(folder), skip_reason=f"cannot read folder: {error.strerror}"))
            return
        for entry in entries:
            entry_path = Path(entry.path)
            if entry.name.startswith(".") or is_sidecar(entry_path):
                continue
            if entry.is_dir(follow_symlinks=True):
                visit(entry_path)
            else:
                found.append(Discovered(str(entry_path)))

    visit(root)
    return found
