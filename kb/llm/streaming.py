"""A deadline on a stream of tokens, whatever produces it.

An HTTP client can time out on its own, but a model running in this process cannot be
interrupted while it reads a long prompt. The stream is therefore read on a worker thread and
handed over through a queue, so the caller can give up after ``timeout_s`` without a token, on
any backend. A stream given up on stops at its next token.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")

_ITEM, _DONE, _ERROR = "item", "done", "error"


class BackendTimeout(TimeoutError):
    """The backend produced nothing for longer than the allowed time."""


def stream_with_timeout(open_stream: Callable[[], Iterator[T]], timeout_s: float) -> Iterator[T]:
    """The items of ``open_stream()``; raises BackendTimeout when none arrives for ``timeout_s``
    seconds, and re-raises the stream's own errors."""
    items: queue.Queue[tuple[str, object]] = queue.Queue()
    given_up = threading.Event()

    def produce() -> None:
        try:
            for item in open_stream():
                if given_up.is_set():
                    return
                items.put((_ITEM, item))
        except BaseException as error:  # handed to the caller's thread, which decides
            items.put((_ERROR, error))
        else:
            items.put((_DONE, None))

    threading.Thread(target=produce, name="kb-llm-stream", daemon=True).start()
    try:
        while True:
            try:
                kind, value = items.get(timeout=timeout_s)
            except queue.Empty:
                raise BackendTimeout(f"no output from the language model for {timeout_s:g} s") from None
            if kind == _DONE:
                return
            if kind == _ERROR:
                raise value  # type: ignore[misc]
            yield value  # type: ignore[misc]
    finally:
        given_up.set()
