"""Candidate sentences: what the default answerer may quote, and ingestion stores vectors for."""

from __future__ import annotations

import pytest

from kb.sentences import candidate_sentences, split_sentences


def test_abbreviations_list_numbers_and_initials_end_no_sentence():
    text = "Lihat Pasal 6 ayat (1) UU No. 18 Tahun 2017. 2. Setiap orang berhak. Dr. H. Hasan hadir."
    assert split_sentences(text) == [
        "Lihat Pasal 6 ayat (1) UU No. 18 Tahun 2017.",
        "2. Setiap orang berhak.",
        "Dr. H. Hasan hadir.",
    ]
    assert split_sentences("Robert Downey Jr. (born April 4, 1965) is an actor. He sings.") == [
        "Robert Downey Jr. (born April 4, 1965) is an actor.",
        "He sings.",
    ]


def test_a_heading_in_capitals_is_cut_from_the_sentence_it_runs_into():
    text = (
        "PENJELASAN ATAS UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 18 TAHUN 2017 TENTANG PELINDUNGAN PEKERJA MIGRAN "
        "INDONESIA I. UMUM Undang-Undang Dasar menjamin setiap warga negara hak atas pekerjaan."
    )
    assert candidate_sentences(text) == ["Undang-Undang Dasar menjamin setiap warga negara hak atas pekerjaan."]
    chapter = "BAB VII PELAKSANA PENEMPATAN Pasal 48 Ketentuan lebih lanjut diatur dengan Peraturan Presiden."
    assert candidate_sentences(chapter) == ["Pasal 48 Ketentuan lebih lanjut diatur dengan Peraturan Presiden."]


@pytest.mark.parametrize(
    "sentence",
    [
        "IOM GCM RAN dibahas di lokakarya ini bersama pemerintah daerah.",  # acronyms opening a sentence
        "THE IOM AND UN agencies met in Geneva to talk.",  # a shouted opening, but no new sentence after it
        "BP2MI ADALAH BADAN Negara yang melindungi pekerja migran.",  # too short a run for a heading
    ],
)
def test_capitals_that_are_part_of_the_sentence_stay(sentence):
    assert candidate_sentences(sentence) == [sentence]


def test_headings_alone_are_not_candidates():
    assert candidate_sentences("UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 18 TAHUN 2017 TENTANG PELINDUNGAN") == []



INFORMATION_BOX = (
    "International Organization for Migration (IOM), Regional Office for East and Horn of Africa "
    "Evaluation type: External independent final evaluation Evaluators: PPMI Group, Vilnius, Lithuania "
    "Field visit dates: November 2022 - January 2023 Final report date: 19 April 2023"
)


def test_fields_run_together_on_one_line_are_sentences_of_their_own():
    sentences = candidate_sentences(INFORMATION_BOX)
    assert "Field visit dates: November 2022 - January 2023" in sentences
    assert "Evaluators: PPMI Group, Vilnius, Lithuania" in sentences
    assert "Final report date: 19 April 2023" in sentences


def test_a_short_field_is_a_sentence_but_a_short_line_is_not():
    assert candidate_sentences("Budget: 37.741 USD") == ["Budget: 37.741 USD"]
    assert candidate_sentences("Budget 37.741 USD") == []
    assert candidate_sentences("Other: ____") == []


@pytest.mark.parametrize(
    "line",
    [
        "This view was echoed by the Minister of State for Labour, Dr. Wong Kwei Cheong: “It is the plan to act.",
        "A prime example is Indonesia: in 2022-23, at the request of Statistics Indonesia, the hub helped.",
        "Donor: EU Emergency Trust Fund for Africa Budget: EUR 64.7 million",
    ],
)
def test_a_name_or_a_single_label_before_a_colon_does_not_cut_the_line(line):
    assert candidate_sentences(line) == [line]
