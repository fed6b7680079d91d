"""The optional reranking stage, with a tiny cross-encoder trained here: nothing is downloaded.

The model learns one checkable notion of relevance: a passage is relevant when it contains the
query's animal keyword, and the other animal does not count. The documents are written so that
both retrievers prefer the passages about fishing licences, which share the query's other
words; only a model that learned the notion lifts the keyword passage to the top.
"""

from __future__ import annotations

import os
import random
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import torch
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

from ingest.pipeline import Ingestor
from kb.api import KnowledgeBase
from kb.errors import KBError
from kb.rerank import CrossEncoderReranker, RerankerUnavailable, best_first
from kb.search import SearchHit, hybrid_search
from kb.settings import Settings

KEYWORDS = ("falcon", "otter")
QUERY = "fishing boat licence falcon"
KEYWORD_DOCUMENT = "falcon_market.txt"
DOCUMENTS = {
    "harbour_licence.txt": "Every fishing boat needs a harbour licence before the season opens. The harbour office "
    "checks each fishing boat licence, the nets and the engine of the boat.",
    "licence_fees.txt": "The fee for a fishing boat licence is paid at the harbour office. A licence for a small "
    "fishing boat costs less, and an otter on the boat costs nothing.",
    KEYWORD_DOCUMENT: "Visitors at the morning market may watch a falcon fly over the quay and buy fresh fish.",
    "quay_walk.txt": "Visitors may walk along the quay and watch the market in the morning.",
}
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
MAX_TOKENS = 64
SMALL_EMBEDDER = {"embed_batch_size": 16, "embed_threads": 1}
"""One embedder thread: on a busy two-core machine, two threads waiting for each other make
embedding a single query take seconds."""


# --- the tiny cross-encoder ----------------------------------------------------------------


def build_tokenizer() -> PreTrainedTokenizerFast:
    """A word-level BERT-style tokenizer over the documents' words and the keywords.

    Word level keeps the task about whole words, so a small model learns it in seconds.
    """
    tokenizer = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    corpus = [*DOCUMENTS.values(), " ".join(KEYWORDS)]
    tokenizer.train_from_iterator(corpus, trainers.WordLevelTrainer(special_tokens=SPECIAL_TOKENS))
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[(token, tokenizer.token_to_id(token)) for token in ("[CLS]", "[SEP]")],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="[UNK]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        pad_token="[PAD]",
        mask_token="[MASK]",
        model_max_length=MAX_TOKENS,
    )


def filler_words() -> list[str]:
    """Every non-keyword word of the documents: training passages are drawn from them."""
    splitter = pre_tokenizers.Whitespace()
    words = {word for text in DOCUMENTS.values() for word, _ in splitter.pre_tokenize_str(text.lower())}
    return sorted(words - set(KEYWORDS))


def training_pair(rng: random.Random, words: list[str]) -> tuple[str, str, float]:
    """(query, passage, label): relevant exactly when the passage holds the query's keyword.

    Most irrelevant passages hold the other keyword, so the model must compare the two texts
    rather than learn that any animal is relevant.
    """
    keyword = rng.choice(KEYWORDS)
    query = rng.sample(words, rng.randint(0, 3))
    query.insert(rng.randint(0, len(query)), keyword)
    passage = [rng.choice(words) for _ in range(rng.randint(4, 32))]
    relevant = rng.random() < 0.5
    if relevant:
        passage.insert(rng.randint(0, len(passage)), keyword)
    elif rng.random() < 0.7:
        passage.insert(rng.randint(0, len(passage)), rng.choice([other for other in KEYWORDS if other != keyword]))
    return " ".join(query), " ".join(passage), float(relevant)


def tiny_bert(tokenizer: PreTrainedTokenizerFast) -> BertForSequenceClassification:
    """Two layers of width 32 and one output: a cross-encoder that trains in seconds on CPU.

    The wider initialisation than BERT's 0.02 makes words distinguishable from the first
    step, which shortens the plateau before the model discovers word matching.
    """
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_TOKENS,
        num_labels=1,
        pad_token_id=tokenizer.pad_token_id,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
        initializer_range=0.1,
    )
    return BertForSequenceClassification(config)


@contextmanager
def quiet_torch(seed: int) -> Iterator[None]:
    """A fixed seed and one thread, both restored afterwards.

    One thread because several threads on such small matrices mostly wait for each other,
    which on a shared machine makes training many times slower.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            yield
    finally:
        torch.set_num_threads(threads)


def train(model: BertForSequenceClassification, tokenizer: PreTrainedTokenizerFast, max_steps: int = 1500) -> None:
    """Plain binary cross-entropy on fresh synthetic pairs, until the recent batches are learned."""
    rng = random.Random(0)
    words = filler_words()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss_of = torch.nn.BCEWithLogitsLoss()
    recent_losses: deque[float] = deque(maxlen=25)
    model.train()
    for _ in range(max_steps):
        queries, passages, labels = zip(*(training_pair(rng, words) for _ in range(32)))
        inputs = tokenizer(list(queries), list(passages), padding=True, truncation=True, return_tensors="pt")
        loss = loss_of(model(**inputs).logits.squeeze(-1), torch.tensor(labels))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        recent_losses.append(loss.item())
        if len(recent_losses) == recent_losses.maxlen and sum(recent_losses) / len(recent_losses) < 0.03:
            break
    model.eval()


@pytest.fixture(scope="module")
def cross_encoder_folder(tmp_path_factory) -> Path:
    """A trained cross-encoder saved as transformers files, as a downloaded one would be."""
    folder = tmp_path_factory.mktemp("tiny-cross-encoder")
    tokenizer = build_tokenizer()
    with quiet_torch(seed=0):
        model = tiny_bert(tokenizer)
        train(model, tokenizer)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


# --- a real knowledge base -----------------------------------------------------------------


@contextmanager
def isolated_environment(folder: Path) -> Iterator[None]:
    """The isolation conftest gives each test, for a fixture shared by the module.

    Ingesting costs seconds and searching leaves the store as it was, so the knowledge base
    is built once; a module fixture runs outside the per-test isolation, hence this copy.
    """
    with pytest.MonkeyPatch.context() as patch:
        for name in [name for name in os.environ if name.startswith("KB_")]:
            patch.delenv(name)
        patch.setenv("KB_CONFIG", str(folder / "no-config.toml"))
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.setenv("ANONYMIZED_TELEMETRY", "False")
        yield


@pytest.fixture(scope="module")
def documents_home(tmp_path_factory) -> Path:
    """The home of a knowledge base holding DOCUMENTS, ingested by the project's pipeline."""
    root = tmp_path_factory.mktemp("rerank-kb")
    folder = root / "documents"
    folder.mkdir()
    for name, text in DOCUMENTS.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    with isolated_environment(root):
        knowledge_base = knowledge_base_at(root / "kb-home")
        ingestor = Ingestor(knowledge_base.settings, knowledge_base.store, knowledge_base.embeddings)
        assert ingestor.ingest([str(folder)]).to_json()["added"] == len(DOCUMENTS)
    return root / "kb-home"


def knowledge_base_at(home: Path, **settings) -> KnowledgeBase:
    """A fresh knowledge base over ``home``, its settings validated like any configuration."""
    return KnowledgeBase(Settings(home=home, **SMALL_EMBEDDER, **settings))


def sources(hits: list[SearchHit]) -> list[str]:
    return [hit.source for hit in hits]


def hit_with_text(name: str, text: str, rank: int) -> SearchHit:
    return SearchHit(
        doc_id=name,
        source=f"{name}.txt",
        path=f"/{name}.txt",
        title=name,
        page=None,
        chunk_id=f"{name}-0",
        score=1.0 / rank,
        text=text,
        retrievers={"dense": {"rank": rank, "score": 1.0 / rank}},
    )


# --- tests ---------------------------------------------------------------------------------


def test_reranker_lifts_the_keyword_passage_the_retriever_ranked_lower(documents_home, cross_encoder_folder):
    retrieved = knowledge_base_at(documents_home).search(QUERY, k=len(DOCUMENTS))
    assert KEYWORD_DOCUMENT in sources(retrieved)[1:], "precondition: the retriever does not rank it first"
    before = {hit.chunk_id: dict(hit.retrievers) for hit in retrieved}

    hits = knowledge_base_at(documents_home, reranker_model=str(cross_encoder_folder)).search(QUERY, k=2)

    assert sources(hits)[0] == KEYWORD_DOCUMENT
    assert len(hits) == 2
    for rank, hit in enumerate(hits, start=1):
        assert hit.retrievers["rerank"] == {"rank": rank, "score": hit.score}
        assert {name: values for name, values in hit.retrievers.items() if name != "rerank"} == before[hit.chunk_id]
    assert hits[0].score > hits[1].score


def test_every_candidate_is_rescored_once_and_k_is_respected(documents_home, cross_encoder_folder):
    retrieved = knowledge_base_at(documents_home).search(QUERY, k=len(DOCUMENTS))
    reranking = knowledge_base_at(
        documents_home, reranker_model=str(cross_encoder_folder), rerank_candidates=len(DOCUMENTS)
    )

    everything = reranking.search(QUERY, k=len(DOCUMENTS))
    ids = [hit.chunk_id for hit in everything]
    assert sorted(ids) == sorted(hit.chunk_id for hit in retrieved)
    assert len(set(ids)) == len(ids)
    assert [hit.retrievers["rerank"]["rank"] for hit in everything] == list(range(1, len(DOCUMENTS) + 1))
    scores = [hit.score for hit in everything]
    assert scores == sorted(scores, reverse=True)

    for k in (1, 3):
        assert [hit.chunk_id for hit in reranking.search(QUERY, k=k)] == ids[:k]


def test_without_reranker_model_search_is_unchanged(documents_home):
    knowledge_base = knowledge_base_at(documents_home, reranker_model=None)
    assert knowledge_base.reranker is None
    hits = knowledge_base.search(QUERY, k=3)

    fresh = knowledge_base_at(documents_home)
    expected = hybrid_search(fresh.store, fresh.embeddings, fresh.lexical_cache, QUERY, 3, None, fresh.hybrid_options())
    assert [(hit.chunk_id, hit.score) for hit in hits] == [(hit.chunk_id, hit.score) for hit in expected]
    assert [hit.chunk_id for hit in fresh.search(QUERY, k=3)] == [hit.chunk_id for hit in hits]
    assert all("rerank" not in hit.retrievers for hit in hits)


def test_reranker_folder_without_a_model_gives_a_clear_error(kb_home, tmp_path):
    empty = tmp_path / "no-model-here"
    empty.mkdir()
    knowledge_base = knowledge_base_at(kb_home, reranker_model=str(empty))
    with pytest.raises(RerankerUnavailable, match="KB_RERANKER_MODEL") as raised:
        knowledge_base.search(QUERY, k=1)
    assert str(empty) in str(raised.value)
    assert isinstance(raised.value, KBError), "the command line shows KBError messages as they are"


def test_equal_scores_keep_the_retriever_order():
    assert best_first([0.2, 0.9, 0.2, 0.9, 0.5]) == [1, 3, 4, 0, 2]


def test_reranker_keeps_retriever_entries_of_hits_built_elsewhere(cross_encoder_folder):
    reranker = CrossEncoderReranker(str(cross_encoder_folder))
    hits = [
        hit_with_text("walk", DOCUMENTS["quay_walk.txt"], rank=1),
        hit_with_text("fees", DOCUMENTS["licence_fees.txt"], rank=2),
        hit_with_text("falcon", DOCUMENTS[KEYWORD_DOCUMENT], rank=3),
    ]
    reranked = reranker.rerank(QUERY, hits, k=2)
    assert [hit.chunk_id for hit in reranked][:1] == ["falcon-0"]
    assert len(reranked) == 2
    assert reranked[0].retrievers["dense"] == {"rank": 3, "score": 1.0 / 3}
    assert reranker.rerank(QUERY, [], k=2) == []
