"""The Python API shared by the command line and the web app.

``KnowledgeBase`` opens the store and loads the embedder lazily: listing documents needs no
model, and a search loads the model once per process and reuses it.
"""

from __future__ import annotations

from functools import cached_property

from kb.embeddings import KBEmbeddings, get_embeddings
from kb.registry import DocumentRecord
from kb.lexical import LexicalIndexCache
from kb.glossary import BUNDLED_GLOSSARY, Glossary, load_glossary
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

    def hybrid_options(self) -> HybridOptions:
        return HybridOptions(
            candidates=self.settings.fusion_candidates,
            dense_languages=list(self.settings.dense_languages),
            dense_weight=self.settings.dense_weight,
            lexical_weight=self.settings.lexical_weight,
            glossary=self.glossary,
        )

    def lexical_index(self):
        """The BM25 index over the committed chunks (rebuilt when they change)."""
        versions, fingerprint = self.store.registry.committed_state()
        return self.lexical_cache.get(self.store, versions, fingerprint)

    def ask(self, question: str):
        """A grounded answer with citations, or a refusal when the documents do not hold one."""
        from kb.answering import AnswerSettings, ExtractiveAnswerer

        settings = AnswerSettings(
            retrieve=self.settings.answer_retrieve,
            read=self.settings.answer_read,
            max_sentences=self.settings.answer_max_sentences,
            min_confidence=self.settings.answer_min_confidence,
        )
        return ExtractiveAnswerer(self, settings).answer(question)

    def documents(self) -> list[DocumentRecord]:
        return self.store.registry.all()

    def document(self, reference: str) -> DocumentRecord:
        return self.store.registry.resolve(reference)

    def search(
        self, query: str, k: int | None = None, filters: SearchFilters | None = None, *, retriever: str | None = None
    ) -> list[SearchHit]:
        """The best chunks for ``query``, best first, by the configured retriever (or ``retriever``)."""
        k = k or self.settings.search_k
        mode = retriever or self.settings.retriever
        if mode == "lexical":
            return lexical_search(self.store, self.lexical_cache, query, k, filters, glossary=self.glossary)
        self.store.check_embedder(self.embeddings.identity)
        if mode == "dense":
            return dense_search(self.store, self.embeddings, query, k, filters)
        return hybrid_search(
            self.store, self.embeddings, self.lexical_cache, query, k, filters, self.hybrid_options()
        )
