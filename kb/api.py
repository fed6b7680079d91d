"""The Python API shared by the command line and the web app.

``KnowledgeBase`` opens the store and loads the embedder lazily: listing documents needs no
model, and a search loads the model once per process and reuses it.
"""

from __future__ import annotations

from functools import cached_property

from kb.embeddings import KBEmbeddings, get_embeddings
from kb.registry import DocumentRecord
from kb.search import SearchFilters, SearchHit, dense_search
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

    def documents(self) -> list[DocumentRecord]:
        return self.store.registry.all()

    def document(self, reference: str) -> DocumentRecord:
        return self.store.registry.resolve(reference)

    def search(self, query: str, k: int | None = None, filters: SearchFilters | None = None) -> list[SearchHit]:
        """The best chunks for ``query``, best first."""
        self.store.check_embedder(self.embeddings.identity)
        return dense_search(self.store, self.embeddings, query, k or self.settings.search_k, filters)
