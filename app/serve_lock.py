"""`kb serve` owns an embedded store for as long as it runs.

Embedded Chroma keeps state in the serving process that another process's writes would
invalidate or corrupt, so while the app serves a store in ``KB_HOME`` it is the only writer:
changes go through its staff console, and `kb ingest`/`remove`/`set`/`reindex` from other
processes are refused (``kb.store.KnowledgeStore.writing`` checks the lock taken here). A second
`kb serve` on the same store is refused too. With a Chroma server (``KB_CHROMA_URL``) the
server serialises writes and several app replicas run side by side, so no lock is taken.
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path
from typing import IO

from kb.errors import StoreBusy
from kb.store import SERVE_LOCK_FILE, lock_holder

_held: dict[str, "ServeLock"] = {}
_held_guard = threading.Lock()


class ServeLock:
    """The serve lock of one store, held until ``release()`` (or the end of a ``with`` block).

    Taking it again in the same process (the command line and the web app may both ask) only
    counts; the file lock goes when the last holder releases it.
    """

    def __init__(self, key: str, handle: IO[str] | None):
        self._key = key
        self._handle = handle
        self._count = 1

    @property
    def held(self) -> bool:
        return self._count > 0

    def release(self) -> None:
        with _held_guard:
            if self._count == 0:
                return
            self._count -= 1
            if self._count:
                return
            _held.pop(self._key, None)
            if self._handle is not None:
                fcntl.flock(self._handle, fcntl.LOCK_UN)
                self._handle.close()

    def __enter__(self) -> "ServeLock":
        return self

    def __exit__(self, *_exc) -> None:
        self.release()


def hold_serve_lock(settings) -> ServeLock:
    """Take the store for this process, or raise StoreBusy naming who has it."""
    if settings.chroma_url:
        return ServeLock("", None)
    home = Path(settings.home)
    home.mkdir(parents=True, exist_ok=True)
    key = str(home.resolve())
    with _held_guard:
        if key in _held:
            _held[key]._count += 1
            return _held[key]
        lock_path = home / SERVE_LOCK_FILE
        handle = lock_path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            message = _busy_message(settings, lock_path)
            handle.close()
            raise StoreBusy(message) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        lock = _held[key] = ServeLock(key, handle)
        return lock


def _busy_message(settings, lock_path: Path) -> str:
    """Another server holds the lock exclusively; a writing command holds it shared."""
    with lock_path.open("a+") as probe:
        try:
            fcntl.flock(probe, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return (
                f"another `kb serve` (pid {lock_holder(lock_path)}) already serves the knowledge base in "
                f"{settings.home}; an embedded store can be served by one process only. To run several app "
                "replicas, keep the knowledge base on a Chroma server (server mode, KB_CHROMA_URL)."
            )
        fcntl.flock(probe, fcntl.LOCK_UN)
    return (
        f"a `kb` command is changing the knowledge base in {settings.home} (ingest, remove, set or reindex); "
        "start the server when it has finished."
    )
