"""What the default answerer may quote: lines that state something, not names, headings or questions."""

from __future__ import annotations

import pytest

from kb.quotable import asks, is_title_line, numbered_run, quotable_sentences, section_headings
from kb.search import SearchHit
from kb.sentences import located_sentences


def test_a_line_that_only_names_something_is_a_title():
    passage = (
        "Philip Heinrich Christoph Hofman\n"
        "Tempat kelahirannya adalah Gorinchem, dan ayahnya bekerja di pemerintahan militer.\n"
        "Bagian Kedua Pemerintah Daerah Provinsi\n"
        "Pitch of brass instruments\n"
        "Budget: 37.741 USD and more\n"
        "Title: Manage Borders In An Integrated, Secure And Coordinated Manner\n"
        "Pekerja Migran Indonesia berhak atas upah yang layak\n"
        "Setiap orang berhak atas pekerjaan. Bagian Kedua Pemerintah Daerah Provinsi"
    )
    lines = passage.splitlines()
    titles = {sentence.text for sentence in located_sentences(passage) if is_title_line(sentence, lines)}
    assert titles == {
        "Philip Heinrich Christoph Hofman",
        "Bagian Kedua Pemerintah Daerah Provinsi",
    }, "a line in sentence case, a labelled value and a title-cased tail of a line are no titles"


def test_a_question_and_a_section_heading_are_recognised():
    assert asks("How can I register?") and asks("Apa itu RAN GCM?”")
    assert not asks("You register online at the office.")
    assert section_headings("Protocol > Article 9 > ### Prevention of trafficking in persons") == {
        "protocol", "article 9", "prevention of trafficking in persons"
    }
    assert section_headings(None) == set()


@pytest.mark.parametrize(
    ("sentence", "run"),
    [
        ("85 Mid-Term Review of EU-IOM Joint Initiative in the Horn of Africa 86 Mid-Term Review of EU-IOM", True),
        ("1 Alessia CASTELFRANCO IOM Development Fund Administrator 2 Mariana SATO IOM Programme Assistant", True),
        ("the Protocol of 14 September 1939 and the Agreement of 15 October 1946 in respect of refugees", False),
        ("Employers paid S$190 per Tier 1 S Pass holder or S$300 per Tier 2 S Pass holder", False),
        ("sebagaimana dimaksud dalam Pasal 60 dan Pasal 61 dilaksanakan secara bertanggung jawab", False),
        ("Fifty-two of the 214 respondents were staff 53 Others were partners", False),
    ],
)
def test_numbered_notes_run_together_are_told_from_numbers_in_a_statement(sentence, run):
    assert numbered_run(sentence) is run


def test_a_run_of_footnotes_is_not_quoted():
    passage = (
        "85 Mid-Term Review of EU-IOM Joint Initiative for Migrant Protection 86 Interview with IOM staff in Ethiopia\n"
        "The programme supported 12,000 returnees in Ethiopia."
    )
    hit = SearchHit(
        doc_id="d", source="report.pdf", path="/docs/report.pdf", title="Report", page=3,
        chunk_id="d-v-00000", score=1.0, text=passage,
    )
    quotable = quotable_sentences(hit, passage.splitlines(), located_sentences(passage))
    quoted = [sentence.text for _, sentence in quotable]
    assert quoted == ["The programme supported 12,000 returnees in Ethiopia."]
