"""The LangChain chat model named by the ``llm_*`` settings.

One function per backend, each importing its integration only when chosen, so a deployment
installs just the one it uses. Every backend is built to fail fast: no retries and the
``llm_timeout_s`` deadline on connecting and reading, because a slow answer is replaced by the
default one rather than waited for.
"""

from __future__ import annotations

from langchain_core.language_models.chat_models import BaseChatModel
from pydantic import SecretStr

from kb.settings import Settings

PLACEHOLDER_API_KEY = "not-needed"
"""Sent when no key is set: local OpenAI-compatible servers ignore the key, but the client requires one."""
DEFAULT_SERVED_MODEL = "default"
"""Model name sent to an OpenAI-compatible server when none is set; llama.cpp's server and LM
Studio answer with whatever model they have loaded."""
INSTALL_HINT = "install the optional LLM packages: pip install 'migration-kb[llm]'"


class BackendConfigurationError(RuntimeError):
    """The settings name a backend that cannot be built: a missing package, model or file."""


def build_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model for ``settings.llm_backend``; raises BackendConfigurationError when it cannot be built."""
    builders = {"openai": openai_compatible, "ollama": ollama, "llamacpp": llamacpp_in_process}
    builder = builders.get(settings.llm_backend)
    if builder is None:
        raise BackendConfigurationError(f"llm_backend is {settings.llm_backend!r}: no language model is configured")
    return builder(settings)


def openai_compatible(settings: Settings) -> BaseChatModel:
    """Any server speaking the OpenAI chat-completions API: vLLM, llama.cpp's server, LM Studio, OpenAI."""
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as error:
        raise BackendConfigurationError(f"llm_backend 'openai' needs langchain-openai: {INSTALL_HINT}") from error
    if not settings.llm_base_url and not settings.llm_model:
        raise BackendConfigurationError("llm_backend 'openai' without llm_base_url uses OpenAI's API: set llm_model")
    return ChatOpenAI(
        model=settings.llm_model or DEFAULT_SERVED_MODEL,
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key or SecretStr(PLACEHOLDER_API_KEY),
        timeout=settings.llm_timeout_s,
        max_retries=0,
        max_tokens=settings.llm_max_tokens,
        # langchain-openai sends the limit as `max_completion_tokens`, which OpenAI's own API
        # expects but some compatible servers (llama-cpp-python's) ignore, writing on until
        # their context is full; those read the older `max_tokens`.
        extra_body={"max_tokens": settings.llm_max_tokens} if settings.llm_base_url else None,
        temperature=settings.llm_temperature,
        streaming=True,
    )


def ollama(settings: Settings) -> BaseChatModel:
    """A model pulled into an Ollama server (``llm_model`` as Ollama names it, e.g. ``qwen2.5:7b-instruct``)."""
    try:
        from langchain_ollama import ChatOllama
    except ImportError as error:
        raise BackendConfigurationError(f"llm_backend 'ollama' needs langchain-ollama: {INSTALL_HINT}") from error
    if not settings.llm_model:
        raise BackendConfigurationError("llm_backend 'ollama' needs llm_model (e.g. qwen2.5:7b-instruct)")
    client_kwargs: dict = {"timeout": settings.llm_timeout_s}
    if settings.llm_api_key:
        # For an Ollama server behind an authenticating proxy.
        client_kwargs["headers"] = {"Authorization": f"Bearer {settings.llm_api_key.get_secret_value()}"}
    return ChatOllama(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        temperature=settings.llm_temperature,
        num_predict=settings.llm_max_tokens,
        client_kwargs=client_kwargs,
    )


def llamacpp_in_process(settings: Settings) -> BaseChatModel:
    """The GGUF file at ``llm_model_path``, loaded into this process (once, then shared)."""
    try:
        import llama_cpp  # noqa: F401  (checked here for a clear message; loaded by the wrapper)
    except ImportError as error:
        raise BackendConfigurationError(f"llm_backend 'llamacpp' needs llama-cpp-python: {INSTALL_HINT}") from error
    if not settings.llm_model_path:
        raise BackendConfigurationError("llm_backend 'llamacpp' needs llm_model_path, the path of a GGUF file")
    path = settings.llm_model_path.expanduser()
    if not path.is_file():
        raise BackendConfigurationError(f"llm_model_path {path} is not a file")
    from kb.llm.llamacpp_chat import LlamaCppChatModel

    return LlamaCppChatModel(
        model_path=str(path.resolve()),
        max_tokens=settings.llm_max_tokens,
        temperature=settings.llm_temperature,
    )
