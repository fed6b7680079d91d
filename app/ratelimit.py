"""Per-client rate limit on public questions, so one client cannot take the answerer from everyone.

A token bucket per client: ``burst`` questions at once, refilled at ``per_minute``. A bucket that
has refilled completely is the same as no bucket, so it is forgotten; that keeps memory bounded
by the clients active in the last minute or so, and a hard cap evicts the longest idle beyond
that (a flood of spoofed addresses must not grow the table without end). Gradio runs handlers
in threads, hence the lock.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable

MAX_CLIENTS = 100_000
"""Buckets kept at most; each is a few dozen bytes."""
_SWEEP_EVERY = 256
"""Calls between sweeps of full buckets: often enough to stay small, rare enough to be cheap."""


class RateLimiter:
    """``allow(client)`` is True while the client has a question left in its bucket."""

    def __init__(self, per_minute: int, burst: int | None = None, clock: Callable[[], float] = time.monotonic,
                 *, max_clients: int = MAX_CLIENTS):
        if per_minute < 0:
            raise ValueError("per_minute must be 0 (no limit) or more")
        self.per_minute = per_minute
        self.capacity = float(burst if burst is not None else per_minute)
        if per_minute and self.capacity < 1:
            raise ValueError("burst must be at least 1")
        self.rate = per_minute / 60.0
        self.clock = clock
        self.max_clients = max(1, max_clients)
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        """client -> (tokens, time of last update); ordered oldest update first."""
        self._lock = threading.Lock()
        self._calls = 0

    @property
    def unlimited(self) -> bool:
        return self.per_minute == 0

    def _tokens(self, client: str, now: float) -> float:
        tokens, last = self._buckets.get(client, (self.capacity, now))
        return min(self.capacity, tokens + max(0.0, now - last) * self.rate)

    def allow(self, client: str) -> bool:
        """Take one question from the client's bucket; False (and nothing taken) when it is empty."""
        if self.unlimited:
            return True
        with self._lock:
            now = self.clock()
            tokens = self._tokens(client, now)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[client] = (tokens, now)
            self._buckets.move_to_end(client)
            self._calls += 1
            if self._calls % _SWEEP_EVERY == 0 or len(self._buckets) > self.max_clients:
                self._forget_idle(now)
            return allowed

    def retry_after(self, client: str) -> float:
        """Seconds until the client may ask again; 0 when it may ask now."""
        if self.unlimited:
            return 0.0
        with self._lock:
            missing = 1.0 - self._tokens(client, self.clock())
        return max(0.0, missing / self.rate)

    def clients(self) -> int:
        """Clients currently remembered (for tests and monitoring)."""
        with self._lock:
            return len(self._buckets)

    def _forget_idle(self, now: float) -> None:
        full_after = self.capacity / self.rate
        for client, (_tokens, last) in list(self._buckets.items()):
            if now - last < full_after:
                break  # ordered by last update: every later bucket is younger still
            del self._buckets[client]
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
