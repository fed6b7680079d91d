"""Tests for ingest.title_language: when a heading in the document's language replaces its title."""

from __future__ import annotations

from ingest.title_language import title_in_document_language

LANGUAGES = ("id", "en", "ms", "nl")


def test_dutch_name_of_an_english_treaty_gives_way_to_the_english_one() -> None:
    title = title_in_document_language(
        "Universele Verklaring van de Rechten van de Mens", ["Universal Declaration of Human Rights"], "en", LANGUAGES
    )
    assert title == "Universal Declaration of Human Rights"


def test_title_in_the_documents_language_is_kept() -> None:
    title = title_in_document_language(
        "Constitution of the International Organization for Migration", ["CHAPTER I", "PURPOSES AND FUNCTIONS"], "en", LANGUAGES
    )
    assert title == "Constitution of the International Organization for Migration"


def test_a_short_heading_the_detector_only_guesses_at_is_kept() -> None:
    """"Personal Status" comes out Malay with a probability of 0.22: no reason to replace it."""
    assert title_in_document_language("Personal Status", ["Identity Papers"], "en", LANGUAGES) == "Personal Status"


def test_no_candidate_in_the_documents_language_keeps_the_title() -> None:
    title = title_in_document_language(
        "Verdrag betreffende de status van vluchtelingen", ["Hoofdstuk I Algemene bepalingen"], "en", LANGUAGES
    )
    assert title == "Verdrag betreffende de status van vluchtelingen"


def test_indonesian_title_of_an_indonesian_document_is_kept() -> None:
    title = title_in_document_language(
        "Meningkatkan Manajemen Migrasi melalui Rencana Aksi Nasional", ["Global Compact for Migration"], "id", LANGUAGES
    )
    assert title == "Meningkatkan Manajemen Migrasi melalui Rencana Aksi Nasional"
