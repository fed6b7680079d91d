"""Acronyms a document spells out: found, applied to its other passages, searched and read with them."""

from __future__ import annotations

from factories import build_knowledge_base

from kb.acronyms import acronym_definitions, document_definitions, spelled_out
from kb.lexical import LexicalChunk, LexicalIndex


def test_an_acronym_is_defined_by_the_words_whose_initials_it_holds():
    text = (
        "The number of foreign domestic workers (FDWs) grew. The evaluation of Accountability to Affected "
        "Populations (AAP) used terms of reference (ToR). Exempt: (a) frontier workers; (b) seamen. "
        "A survey of households (UN) was run."
    )
    assert acronym_definitions(text) == {
        "FDW": "foreign domestic workers",
        "AAP": "Accountability to Affected Populations",
        "ToR": "terms of reference",
    }


def test_a_passage_using_only_the_acronym_gets_its_document_s_meaning():
    definitions = document_definitions(["Foreign domestic workers (FDWs) live with employers.", "FDWs must be 23."])
    assert spelled_out("FDWs must be 23 to 50 years old.", definitions) == ["Foreign domestic workers"]
    assert spelled_out("Foreign domestic workers (FDWs) live with employers.", definitions) == []
    assert spelled_out("FDWs must be 23.", {}) == []


def chunk(chunk_id: str, doc_id: str, text: str) -> LexicalChunk:
    return LexicalChunk(chunk_id, text, {"doc_id": doc_id, "lang": "en", "position": int(chunk_id[-1])})


def test_lexical_search_finds_a_passage_by_what_its_acronyms_stand_for_in_its_own_document():
    report = [
        chunk("report-1", "report", "Singapore admits foreign domestic workers (FDWs) on a Work Permit."),
        chunk("report-2", "report", "FDWs must be female and between the ages of 23 to 50."),
    ]
    other = chunk("other-1", "other", "FDWs in this guide means field data worksheets, filled in by age group.")
    index = LexicalIndex([*report, other])
    assert index.acronym_meanings(report[1].text, "report") == ["foreign domestic workers"]
    assert index.acronym_meanings(other.text, "other") == [], "another document's definition does not apply"
    ranked = [chunk_id for chunk_id, _ in index.search("age of domestic workers", 3)]
    assert ranked[0] == "report-2", ranked


REPORT = """# Immigration in Singapore

## History

The scheme for foreign domestic workers (FDWs) opened in 1978, after a long debate in Parliament.

## Requirements

FDWs are required to meet age and education requirements. They must be female and between the ages of 23 to 50.

## Employers

Employers must be at least 21 years old and financially solvent.

## Students

Students aged 15 and above may apply for permanent residence after three years.

## Citizenship

Permanent residents aged 21 and above may apply for citizenship after two years.

## Renewals

Helpers aged 50 and above may renew their permits only until the age of 60.
"""


def test_a_question_naming_what_an_acronym_stands_for_is_answered_from_a_passage_using_only_the_acronym(
    tmp_path, monkeypatch
):
    from kb.answering import ExtractiveAnswerer

    knowledge_base = build_knowledge_base(tmp_path, {"singapore.md": REPORT})
    question = "Berapa batas usia PRT (pekerja rumah tangga) migran?"
    read = knowledge_base.search(question, knowledge_base.answer_settings().read)
    assert not any("opened in 1978" in hit.text for hit in read), "precondition: the definition is not read"
    answer = knowledge_base.ask(question)
    assert answer.answered and "23 to 50" in answer.answer, answer.answer
    monkeypatch.setattr(ExtractiveAnswerer, "acronym_meanings", lambda self, hits: {})
    refused = knowledge_base.ask(question)
    assert not refused.answered and "PRT" in refused.answer, refused.answer
