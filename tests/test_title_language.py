"""Tests for ingest.title_language: when a heading in a reader's language replaces the title."""

from __future__ import annotations

from ingest.title_language import title_for_readers

LANGUAGES = ("id", "en", "ms", "nl")


def test_dutch_name_of_an_english_treaty_gives_way_to_the_english_one() -> None:
    title = title_for_readers(
        "Universele Verklaring van de Rechten van de Mens", ["Universal Declaration of Human Rights"], LANGUAGES
    )
    assert title == "Universal Declaration of Human Rights"


def test_english_title_is_kept() -> None:
    title = title_for_readers(
        "Constitution of the International Organization for Migration", ["CHAPTER I", "PURPOSES AND FUNCTIONS"], LANGUAGES
    )
    assert title == "Constitution of the International Organization for Migration"


def test_a_short_heading_the_detector_only_guesses_at_is_kept() -> None:
    """"Personal Status" comes out Malay with a probability of 0.22: no reason to replace it."""
    assert title_for_readers("Personal Status", ["Identity Papers"], LANGUAGES) == "Personal Status"


def test_no_candidate_in_a_reader_language_keeps_the_title() -> None:
    title = title_for_readers(
        "Verdrag betreffende de status van vluchtelingen", ["Hoofdstuk I Algemene bepalingen"], LANGUAGES
    )
    assert title == "Verdrag betreffende de status van vluchtelingen"


def test_indonesian_title_is_kept() -> None:
    title = title_for_readers(
        "Meningkatkan Manajemen Migrasi melalui Rencana Aksi Nasional", ["Global Compact for Migration"], LANGUAGES
    )
    assert title == "Meningkatkan Manajemen Migrasi melalui Rencana Aksi Nasional"
