"""What the default answerer may quote: lines that state something, not names, headings or questions."""

from __future__ import annotations

from kb.quotable import asks, is_title_line, section_headings
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
