"""An append-only record of who changed the knowledge base or handled feedback, and when.

Staff actions change what every reader is told, and feedback exports carry readers' words, so
each is written down with its user. One JSON object per line, appended and synced to disk
before the action is reported done; an exclusive file lock keeps lines whole when the web app
and `kb` commands write at once, and a thread lock does the same within one process (a file
lock alone does not exclude threads sharing one open file).
"""

from __future__ import annotations

import fcntl
import getpass
import json
import os
import threading
from collections import deque
from datetime import datetime, timezone
from pathlib import Path


def os_user() -> str:
    """Who runs a `kb` command, for its audit lines."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (e.g. a container user without a passwd entry)
        return f"uid:{os.getuid()}"


class AuditLog:
    """JSON lines of ``{"time", "user", "action", ...details}``."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings) -> "AuditLog":
        return cls(settings.audit_log or Path(settings.home) / "audit.log")

    def write(self, user: str, action: str, **details) -> None:
        entry = {
            "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "user": user,
            "action": action,
            **details,
        }
        line = (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                try:
                    view = memoryview(line)
                    while view:
                        view = view[os.write(fd, view):]
                    os.fsync(fd)
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)

    def read(self, limit: int = 200) -> list[dict]:
        """The last ``limit`` entries, newest first; a line cut short by a crash is skipped."""
        if limit <= 0 or not self.path.exists():
            return []
        entries: deque[dict] = deque(maxlen=limit)
        with self.path.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(entry, dict):
                    entries.append(entry)
        return list(reversed(entries))
