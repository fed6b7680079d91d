"""The Python API shared by the command line and the web app.

``KnowledgeBase`` opens the store and loads the embedder lazily: listing documents needs no
model, and a search loads the model once per process and reuses it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import cached_property

from kb.conversation import Message, standalone_question
from kb.embeddings import KBEmbeddings, get_embeddings
from kb.registry import DocumentRecord
from kb.lexical import LexicalIndexCache
from kb.glossary import BUNDLED_GLOSSARY, Glossary, load_glossary
from kb.provision_lookup import (
    NAMED_DOCUMENT_PASSAGES,
    NAMED_DOCUMENT_RETRIEVER,
    named_document_scope,
    named_documents,
    pin_first,
    provision_passages,
)
from kb.rerank import CrossEncoderReranker
from kb.search import HybridOptions, SearchFilters, SearchHit, dense_search, hybrid_search, lexical_search
from kb.settings import Settings
from kb.store import KnowledgeStore


class KnowledgeBase:
    """One knowledge base: its settings, store and embedder."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()

    @cached_property
    def store(self) -> KnowledgeStore:
        return KnowledgeStore(self.settings)

    @cached_property
    def embeddings(self) -> KBEmbeddings:
        return get_embeddings(self.settings)

    @cached_property
    def lexical_cache(self) -> LexicalIndexCache:
        return LexicalIndexCache()

    @cached_property
    def glossary(self) -> Glossary | None:
        if not self.settings.query_expansion:
            return None
        return load_glossary(self.settings.glossary_file or BUNDLED_GLOSSARY)

    @cached_property
    def reranker(self) -> CrossEncoderReranker | None:
        """The cross-encoder of ``reranker_model``, loaded on first search; None when reranking is off."""
        if not self.settings.reranker_model:
            return None
        return CrossEncoderReranker(self.settings.reranker_model)

    def hybrid_options(self) -> HybridOptions:
        return HybridOptions(
            candidates=self.settings.fusion_candidates,
            dense_languages=list(self.settings.dense_languages),
            dense_weight=self.settings.dense_weight,
            lexical_weight=self.settings.lexical_weight,
            sentence_weight=self.settings.sentence_weight,
            fusion=self.settings.fusion,
            glossary=self.glossary,
        )

    def lexical_index(self):
        """The BM25 index over the committed chunks (rebuilt when they change)."""
        versions, fingerprint, _ = self.store.registry.committed_state()
        return self.lexical_cache.get(self.store, versions, fingerprint)

    def ask(self, question: str, history: Sequence[Message] | None = None):
        """A grounded answer with citations, or a refusal when the documents do not hold one.

        Written by the language model of ``llm_backend`` when one is set, else quoted from the
        documents by the default answerer (which the model path falls back to, never crashing).
        ``history`` is the conversation so far (chat messages); a follow-up question is made
        standalone from it, and the answer's ``question`` says how.
        """
        with self.store.registry.snapshot():
            if self.settings.llm_backend != "none":
                return self.llm_answerer.answer(question, history=history)
            from kb.answering import ExtractiveAnswerer

            standalone = standalone_question(question, history)
            return ExtractiveAnswerer(self, self.answer_settings()).answer(
                standalone.question, standalone.language, standalone.context
            )

    def ask_stream(self, question: str, history: Sequence[Message] | None = None) -> Iterator:
        """Pieces of the answer's text as they are written, then the final Answer.

        The final Answer is what to show: the pieces are a preview that it may replace (the
        default answer when the model fails). Without a model the whole answer is one piece.
        """
        if self.settings.llm_backend != "none":
            yield from self.llm_answerer.stream(question, history=history)
            return
        answer = self.ask(question, history)
        yield answer.answer
        yield answer

    def answer_settings(self):
        from kb.answering import AnswerSettings

        return AnswerSettings(
            retrieve=self.settings.answer_retrieve,
            read=self.settings.answer_read,
            max_sentences=self.settings.answer_max_sentences,
            min_confidence=self.settings.answer_min_confidence,
        )

    @cached_property
    def llm_answerer(self):
        """The LLM answerer, built once so its model (loaded in process, or its HTTP client) is reused."""
        from kb.llm import LLMAnswerer

        return LLMAnswerer(self, self.answer_settings())

    def documents(self) -> list[DocumentRecord]:
        return self.store.registry.all()

    def document(self, reference: str) -> DocumentRecord:
        return self.store.registry.resolve(reference)

    def search(
        self, query: str, k: int | None = None, filters: SearchFilters | None = None, *, retriever: str | None = None
    ) -> list[SearchHit]:
        """The best chunks for ``query``, best first: the retriever's ranking, reranked when a reranker is set,
        behind the passages of a provision the query names, or else the best passage of each document
        it names (kb.provision_lookup; neither when a ``retriever`` is asked for by name, which is
        how benchmarks compare retrievers).

        The reranker sees ``rerank_candidates`` hits (at least ``k``) so it can lift a passage the
        retriever ranked below ``k``.
        """
        k = k or self.settings.search_k
        with self.store.registry.snapshot():
            return self._search(query, k, filters, retriever)

    def _search(self, query: str, k: int, filters: SearchFilters | None, retriever: str | None) -> list[SearchHit]:
        """search() within one read of the registry (kb.registry.Registry.snapshot)."""
        if self.reranker is None:
            ranked = self.retrieve(query, k, filters, retriever=retriever)
        else:
            candidates = self.retrieve(query, max(k, self.settings.rerank_candidates), filters, retriever=retriever)
            ranked = self.reranker.rerank(query, candidates, k)
        if retriever is not None:
            return ranked
        documents = named_documents(query, self.store.registry.all())
        pinned = provision_passages(query, documents, self.store, filters)
        if pinned:
            return pin_first(pinned, ranked, k)
        scope = named_document_scope(documents, filters)
        if scope is None:
            return ranked
        best = [
            hit
            for doc_id in scope.doc_ids
            for hit in self.retrieve(query, NAMED_DOCUMENT_PASSAGES, replace(scope, doc_ids=[doc_id]))
        ]
        return pin_first(sorted(best, key=lambda hit: -hit.score), ranked, k, NAMED_DOCUMENT_RETRIEVER)

    def retrieve(
        self, query: str, k: int, filters: SearchFilters | None = None, *, retriever: str | None = None
    ) -> list[SearchHit]:
        """The retriever's own ranking (configured, or ``retriever``), never reranked."""
        mode = retriever or self.settings.retriever
        if mode == "lexical":
            return lexical_search(self.store, self.lexical_cache, query, k, filters, glossary=self.glossary)
        self.store.check_embedder(self.embeddings.identity)
        if mode == "dense":
            return dense_search(self.store, self.embeddings, query, k, filters)
        return hybrid_search(
            self.store, self.embeddings, self.lexical_cache, query, k, filters, self.hybrid_options()
        )
