"""Retrieval metrics and `kb eval` on a small knowledge base built in the test."""

from __future__ import annotations

import json
import math

import pytest

from ingest.pipeline import Ingestor
from kb.evaluation import Question, evaluate, holds_evidence, load_questions, metrics_from_ranks
from kb.search import SearchHit


def hit(source: str, text: str = "") -> SearchHit:
    return SearchHit(doc_id=source, source=source, path=source, title=source, page=None, chunk_id=source,
                     score=0.0, text=text)


def test_metrics_from_known_ranks():
    metrics = metrics_from_ranks([1, 3, None, 12])
    assert metrics["recall@1"] == pytest.approx(0.25)
    assert metrics["recall@5"] == pytest.approx(0.5)
    assert metrics["recall@10"] == pytest.approx(0.5)
    assert metrics["mrr@10"] == pytest.approx((1 + 1 / 3) / 4)
    assert metrics["ndcg@10"] == pytest.approx((1 + 1 / math.log2(4)) / 4)


def test_passage_level_needs_the_evidence_in_the_hit():
    question = Question(id="q", question="?", source="a.md", evidence="IOM telah hadir di Indonesia sejak 1979.")
    hits = [hit("a.md", "Kantor IOM di Jakarta."), hit("b.md", "IOM telah hadir di Indonesia sejak 1979."),
            hit("a.md", "Sejak 1979, IOM telah hadir di Indonesia.")]
    document = evaluate([question], lambda _: hits, level="document")
    passage = evaluate([question], lambda _: hits, level="passage")
    assert document["overall"]["mrr@10"] == 1.0
    assert passage["overall"]["mrr@10"] == pytest.approx(1 / 3)
    assert holds_evidence("sejak 1979 IOM telah hadir di Indonesia", question.evidence)


def test_unanswerable_questions_are_left_out_of_retrieval_metrics(tmp_path):
    path = tmp_path / "qa.jsonl"
    path.write_text(
        json.dumps({"id": "1", "question": "a?", "source": "a.md", "evidence": None, "answers": [], "lang": "en"}) + "\n"
        + json.dumps({"id": "2", "question": "b?", "source": None, "evidence": None, "answers": []}) + "\n"
    )
    report = evaluate(load_questions(path), lambda _: [hit("a.md")])
    assert report["overall"]["questions"] == 1
    assert report["by_lang"]["en"]["recall@1"] == 1.0


def test_malformed_line_is_named(tmp_path):
    path = tmp_path / "qa.jsonl"
    path.write_text('{"id": "1", "question": "a?", "source": "a.md"}\nnot json\n')
    with pytest.raises(ValueError, match=":2:"):
        load_questions(path)


def test_kb_eval_command_reports_by_language(tmp_path, knowledge_base, monkeypatch):
    from click.testing import CliRunner

    from app.cli import main

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "visa.md").write_text("# Visa\n\nA work visa for Malaysia requires a medical check and a signed contract.\n")
    (folder / "hotline.txt").write_text("Layanan pengaduan pekerja migran buka 24 jam setiap hari, termasuk hari libur.\n")
    Ingestor(knowledge_base.settings, knowledge_base.store, knowledge_base.embeddings).ingest([str(folder)])
    questions = tmp_path / "qa.jsonl"
    lines = [
        {"id": "1", "question": "Apa syarat visa kerja ke Malaysia?", "source": "visa.md",
         "evidence": "requires a medical check and a signed contract", "answers": ["medical check"], "lang": "id"},
        {"id": "2", "question": "When is the complaints service open?", "source": "hotline.txt",
         "evidence": "buka 24 jam setiap hari", "answers": ["24 jam"], "lang": "en"},
        {"id": "3", "question": "Berapa gaji minimum di Taiwan?", "source": None, "evidence": None, "answers": []},
    ]
    questions.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    monkeypatch.setenv("KB_HOME", str(knowledge_base.settings.home))
    result = CliRunner().invoke(main, ["eval", str(questions), "--json"])
    assert result.exit_code == 0, result.output
    document, passage = json.loads(result.output)
    assert document["overall"]["recall@1"] == 1.0
    assert passage["overall"]["recall@1"] == 1.0
    assert set(document["by_lang"]) == {"id", "en"}
    table = CliRunner().invoke(main, ["eval", str(questions)])
    assert "R@5" in table.output and "1 unanswerable" in table.output
