"""A LangChain chat model over a GGUF file run in this process by llama-cpp-python.

LangChain's own llama.cpp chat model lives in langchain-community, which is being sunset, so
this small wrapper gives the in-process backend the same ``stream``/``invoke`` interface as the
OpenAI-compatible and Ollama backends. It uses the chat template stored in the GGUF file.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

CONTEXT_TOKENS = 4096
"""Room for the rules, a few retrieved passages and the answer; more only costs memory."""

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


class LlamaCppChatModel(BaseChatModel):
    """Chat completions from a local GGUF model; one generation at a time per loaded model."""

    model_path: str
    max_tokens: int = 512
    temperature: float = 0.1
    n_ctx: int = CONTEXT_TOKENS
    n_threads: int | None = None
    """None: llama-cpp-python's default, half the logical cores (its threads wait on each other,
    so one per physical core is faster than one per hyper-thread, and a busy machine hurts less)."""

    _llama: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default=None)

    def model_post_init(self, context: Any) -> None:
        self._llama, self._lock = _load(self.model_path, self.n_ctx, self.n_threads)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-in-process"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "n_ctx": self.n_ctx}

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        with self._lock:
            completion = self._llama.create_chat_completion(**self._request(messages, stop, stream=False))
        choice = completion["choices"][0]
        message = AIMessage(content=choice["message"].get("content") or "")
        return ChatResult(generations=[ChatGeneration(message=message, generation_info={"finish_reason": choice.get("finish_reason")})])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        with self._lock:
            for chunk in self._llama.create_chat_completion(**self._request(messages, stop, stream=True)):
                text = chunk["choices"][0]["delta"].get("content") or ""
                if not text:
                    continue
                if run_manager:
                    run_manager.on_llm_new_token(text)
                yield ChatGenerationChunk(message=AIMessageChunk(content=text))

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, *, stream: bool) -> dict[str, Any]:
        return {
            "messages": [{"role": _ROLES.get(message.type, "user"), "content": str(message.text)} for message in messages],
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "stop": stop or [],
            "stream": stream,
        }


FORMATS_BY_ARCHITECTURE = {"gemma": "gemma", "gemma2": "gemma", "gemma3": "gemma", "qwen2": "chatml", "qwen3": "chatml"}
"""Chat formats for GGUF files that carry no chat template, by the model's architecture; without
one llama-cpp-python falls back to Llama 2's format, which these models do not know."""


@lru_cache(maxsize=2)
def _load(model_path: str, n_ctx: int, n_threads: int | None) -> tuple[Any, threading.Lock]:
    """The loaded model and the lock that serialises its use, shared by every chat model on the
    same file: loading takes seconds and the model's memory, and a llama.cpp context is not
    safe to use from two threads at once."""
    from llama_cpp import Llama

    llama = Llama(model_path=model_path, n_ctx=n_ctx, n_threads=n_threads, verbose=False)
    if "tokenizer.chat_template" not in llama.metadata:
        llama.chat_format = FORMATS_BY_ARCHITECTURE.get(llama.metadata.get("general.architecture", ""), llama.chat_format)
    return llama, threading.Lock()
