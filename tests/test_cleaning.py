"""Cleaning: each rule removes a storage artefact and nothing of the document's own wording.

Synthetic documents pin each rule down; the shared corpus (skipped when absent) checks the
rules against the real scraped page, statutes and PDF they were designed from.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.cleaning import clean_document, join_hyphenated_words, remove_navigation
from ingest.document import LoadedDocument, Section
from ingest.loaders import load_file

MAX_BYTES = 50_000_000


def document(file_type: str, *texts: str, pages: bool = False) -> LoadedDocument:
    sections = [
        Section(text=text, page=index + 1 if pages else None) for index, text in enumerate(texts)
    ]
    return LoadedDocument(
        path=f"/tmp/example.{file_type}",
        source=f"example.{file_type}",
        file_type=file_type,
        sections=sections,
        pages=len(texts) if pages else None,
    )


def cleaned_text(file_type: str, *texts: str) -> str:
    return clean_document(document(file_type, *texts)).full_text()


def lines_of(text: str) -> list[str]:
    return [line for line in text.split("\n") if line]


# --- characters and whitespace ------------------------------------------------------------


def test_whitespace_and_invisible_characters_are_normalised():
    raw = (
        "Cafe\u0301  pelin\u00addungan\u200b migran\x07\t\tdi  luar negeri.   \n"
        "\n\n\n\n"
        "Paragraf\u00a0kedua.\r\nBaris ketiga."
    )

    text = cleaned_text("txt", raw)

    assert text == "Café pelindungan migran di luar negeri.\n\nParagraf kedua.\nBaris ketiga."


def test_soft_hyphen_at_a_line_break_rejoins_the_word():
    assert cleaned_text("txt", "perlin\u00ad\ndungan hukum") == "perlindungan hukum"


def test_sections_left_empty_are_dropped_and_others_keep_their_fields():
    doc = LoadedDocument(
        path="/x.md",
        source="x.md",
        file_type="md",
        sections=[Section("\u200b \n\t", heading="Empty"), Section("Body", heading="Kept  heading")],
        title="X",
    )

    cleaned = clean_document(doc)

    assert [(s.text, s.heading) for s in cleaned.sections] == [("Body", "Kept heading")]
    assert cleaned.title == "X" and doc.sections[0].heading == "Empty"


def test_ocr_carets_before_words_and_clauses_go_but_markdown_footnotes_stay():
    raw = "hak ^asasi manusia ^yang dijamin ^(2) tahun ^2017 lihat catatan[^1] dan 2^3"

    assert cleaned_text("md", raw) == "hak asasi manusia yang dijamin (2) tahun ^2017 lihat catatan[^1] dan 2^3"


@pytest.mark.parametrize(
    "stamp",
    [
        "SK No 102120 A", "Sl( No l02l3c) A", "Sl( Irlo l0l I 73 A", "Sl( Nlo 10)167 A", "SK No 146296A",
        "S[( Nlo 102135 A", "ljl( Nlo 102- 155 A",
    ],
)
def test_page_stamps_of_scanned_regulations_are_removed_from_the_sentence_they_split(stamp):
    raw = f"h. verifikasi dokumen, Perjanjian Kerja, dan visa kerja; {stamp} i. pemberian pelatihan."
    assert cleaned_text("md", raw) == "h. verifikasi dokumen, Perjanjian Kerja, dan visa kerja; i. pemberian pelatihan."


def test_text_resembling_a_page_stamp_is_kept():
    raw = "SK No. 12/2020 tentang Tim Kerja; SKA No 5 A; Skor 10 A."
    assert cleaned_text("md", raw) == raw


def test_a_slash_ocr_read_as_a_letter_is_restored_where_the_document_writes_the_pair_with_it():
    raw = (
        "(1) Kepala Dinas Daerah KabupatenlKota bertindak selaku penanggung jawab.\n\n"
        "(2) Pemerintah Daerah kabupaten/ kota menyediakan danlatau mengelola sarana, dan/atau prasarana."
    )
    text = cleaned_text("md", raw)
    assert "Kepala Dinas Daerah Kabupaten/Kota bertindak" in text
    assert "menyediakan dan/atau mengelola" in text


def test_a_word_holding_a_letter_that_could_be_a_slash_is_kept_without_the_document_s_evidence():
    raw = "ArrivalAid advises newcomers. The Hotel Kota and the KabupatenlKota office are listed."
    assert cleaned_text("md", raw) == raw


def test_a_word_ocr_split_with_a_space_is_rejoined_where_the_document_writes_it_whole():
    raw = (
        "Pasal 30 Pekerja Migran Indonesia tidak dapat dibebani biaya pene mpatan.\n\n"
        "Pasal 31 Biaya penempatan ditanggung pemberi kerja. Perusahaan penempatan wajib melapor."
    )
    text = cleaned_text("md", raw)
    assert "tidak dapat dibebani biaya penempatan." in text


def test_two_words_the_document_uses_apart_are_not_joined():
    raw = (
        "Ia tinggal di sana. Disana ada pasar, dan disana ada sekolah. "
        "Mereka bekerja di kota, di desa, di pelabuhan, dan di sana juga."
    )
    assert cleaned_text("md", raw) == raw


def test_a_spelling_found_only_inside_web_addresses_joins_nothing():
    raw = "Advice from pro familia centres: www.profamilia.de and https://profamilia.de/hilfe."
    assert cleaned_text("md", raw) == raw


def test_inline_page_markers_and_dot_leaders_are_removed():
    text = cleaned_text("md", "meningkatkan kesejahteraan TKI. - 7 -\nFindings ........ 42")

    assert text == "meningkatkan kesejahteraan TKI.\nFindings 42"


# --- hyphenation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("pelin-\ndungan pekerja", "pelindungan pekerja"),
        ("international migra-\ntion", "international migration"),
        ("Undang-\nUndang Nomor 18", "Undang-Undang Nomor 18"),
        ("anak-\nanak dan nilai-\nnilai", "anak-anak dan nilai-nilai"),
        ("sekurang-\nkurangnya", "sekurang-kurangnya"),
        ("periode 2020-\n2024", "periode 2020-2024"),
        ("anak-anak dan Undang-Undang", "anak-anak dan Undang-Undang"),
    ],
)
def test_words_broken_at_line_ends_are_rejoined(raw, expected):
    assert join_hyphenated_words(raw) == expected


def test_the_document_itself_decides_between_compound_and_syllable_break():
    text = (
        "A cross-cutting issue. The programme was assessed.\n"
        "Another cross-\ncutting theme in the pro-\ngramme and decision-\nmaking in a decision about making."
    )

    joined = join_hyphenated_words(text)

    assert "Another cross-cutting theme" in joined
    assert "in the programme and" in joined
    assert "decision-making in" in joined


def test_urls_broken_at_a_hyphen_keep_it_and_lose_the_line_break():
    joined = join_hyphenated_words("see https://www.example.org/why-are-\nstats-different for more")

    assert joined == "see https://www.example.org/why-are-stats-different for more"


# --- wrapped lines ------------------------------------------------------------------------


def test_pdf_lines_wrapped_by_the_layout_are_joined_but_headings_and_bullets_stay():
    page = "\n".join(
        [
            "1. Executive summary",
            "The evaluation found that the organization has improved the quality of its",
            "reports over the period, although gaps remain in how cross-cutting issues are",
            "addressed in the terms of reference of decentralized evaluations.",
            "Key findings",
            "Concerning the quality of evaluations, the assessment shows a moderate trend",
            "of improvement across all regions and all types of evaluations assessed here.",
            "• First bullet point that is short",
            "• Second bullet point",
        ]
    )

    text = cleaned_text("pdf", page)

    assert lines_of(text) == [
        "1. Executive summary",
        "The evaluation found that the organization has improved the quality of its reports over "
        "the period, although gaps remain in how cross-cutting issues are addressed in the terms "
        "of reference of decentralized evaluations.",
        "Key findings",
        "Concerning the quality of evaluations, the assessment shows a moderate trend of "
        "improvement across all regions and all types of evaluations assessed here.",
        "• First bullet point that is short",
        "• Second bullet point",
    ]


def test_hard_wrapped_markdown_is_joined_and_one_line_per_clause_statutes_are_not():
    wrapped = (
        "The International Organization for Migration (IOM) was founded in 1951 in\n"
        "response to the large number of internally displaced persons and war refugees\n"
        "in Europe after the Second World War. The IOM was initially a logistics agency\n"
        "that organized the transport of nearly one million migrants in the 1950s and\n"
        "has undergone several name changes since its inception.\n\n"
        "  * Afghanistan\n  * Albania"
    )
    statute = "Pasal 3\nPelindungan Pekerja Migran Indonesia bertujuan untuk:\na. menjamin hak; dan\nb. menjamin pelindungan hukum."

    assert lines_of(cleaned_text("md", wrapped))[0].endswith("since its inception.")
    assert lines_of(cleaned_text("md", wrapped))[1:] == ["* Afghanistan", "* Albania"]
    assert cleaned_text("md", statute) == statute


def test_short_unmarked_lines_are_a_list_not_wrapped_prose():
    countries = "\n".join(["Member states", "Afghanistan", "Albania", "Algeria", "Angola", "Antigua and Barbuda", "Argentina"])

    assert cleaned_text("md", countries) == countries
    assert cleaned_text("txt", countries) == countries


# --- running headers and footers ----------------------------------------------------------


TOPICS = ["recruitment", "remittances", "reintegration", "trafficking", "labour mobility", "climate", "data", "return"]


def synthetic_report_pages(count: int = 6) -> list[str]:
    pages = []
    for number in range(1, count + 1):
        topic = TOPICS[number - 1]
        pages.append(
            "\n".join(
                [
                    "Meta-evaluation of IOM evaluations 2020–2024",
                    str(number),
                    f"Finding on {topic}: evaluation quality improved.",
                    f"The body of the page discusses {topic} and must survive cleaning.",
                    f"{number + 20} A footnote about {topic} that must stay.",
                    f"Page {number} of {count}",
                ]
            )
        )
    pages[1] = "Table 3. Scores per region\n" + pages[1]
    pages[2] = "Table 3. Scores per region\n" + pages[2]
    return pages


def test_running_headers_footers_and_page_numbers_are_removed_from_pdf_pages():
    cleaned = clean_document(document("pdf", *synthetic_report_pages(), pages=True))

    text = cleaned.full_text()
    assert "Meta-evaluation of IOM evaluations" not in text
    assert "Page 3 of 6" not in text and "of 6" not in text
    assert not any(re.fullmatch(r"\d+", line) for line in text.split("\n"))
    for number, topic in enumerate(TOPICS[:6], start=1):
        assert f"Finding on {topic}: evaluation quality improved." in text
        assert f"{number + 20} A footnote about {topic} that must stay." in text
    assert text.count("Table 3. Scores per region") == 2, "repeated on too few pages to be a header"
    assert [section.page for section in cleaned.sections] == [1, 2, 3, 4, 5, 6]


def test_page_number_lines_go_even_where_the_footer_style_covers_few_pages():
    """The IOM meta-evaluation annexes switch to "113 | P a" + "g e" (pypdf's reading of a
    spaced-out "Page") for a fifth of the report: the number follows the page, so it goes."""
    pages = [f"{n}\nBody text about {TOPICS[n % 8]} on page {n}." for n in range(1, 11)]
    pages += [f"{n} | P a\ng e\nAnnex on {TOPICS[n % 8]}: {n * 'more '}text." for n in range(11, 14)]

    text = clean_document(document("pdf", *pages, pages=True)).full_text()

    assert "| P a" not in text and "g e" not in lines_of(text)
    assert "Annex on trafficking:" in text and "Body text about trafficking on page 3." in text


def test_running_line_rules_apply_to_pdf_only():
    pages = synthetic_report_pages()

    text = clean_document(document("md", *pages)).full_text()

    assert text.count("Meta-evaluation of IOM evaluations") == 6


def test_real_pdf_loses_its_running_header_and_page_numbers_only(shared_corpus: Path):
    loaded = load_file(
        shared_corpus / "iom_eu_joint_initiative_horn_of_africa_abridged_evaluation_2023.pdf",
        max_bytes=MAX_BYTES,
    )

    cleaned = clean_document(loaded)

    header = "Final Evaluation for EU-IOM Joint Initiative for Migrant Protection and Reintegration in the Horn of Africa"
    assert sum(section.text.count(header) for section in loaded.sections) >= 25
    assert all(header not in section.text for section in cleaned.sections)
    for section in cleaned.sections[1:]:
        first_line = section.text.split("\n")[0]
        assert first_line != str(section.page), f"page number left on page {section.page}"
    cleaned_pages = {section.page: squeezed(section.text) for section in cleaned.sections}
    for section in loaded.sections:
        for line in lines_of(section.text):
            if line.strip() in (header, str(section.page)):
                continue
            assert squeezed(line) in cleaned_pages[section.page], (section.page, line)


def squeezed(text: str) -> str:
    """Text without what cleaning may legitimately change: spacing, hyphens, dot leaders."""
    return re.sub(r"[\s\-\u00ad.]", "", text)


# --- navigation in scraped pages ----------------------------------------------------------


def test_iom_article_keeps_content_glued_to_navigation_labels(shared_corpus: Path):
    loaded = load_file(shared_corpus / "iom_indonesia_gcm_workshops.txt", max_bytes=MAX_BYTES)

    text = clean_document(loaded).full_text()

    assert "Organisasi Internasional untuk Migrasi (IOM) adalah bagian dari Sistem Perserikatan Bangsa-Bangsa" in text
    assert "IOM telah hadir di Indonesia sejak 1979." in text
    assert "Sebagai organisasi antar-pemerintah terkemuka" in text
    assert "Siapa KamiOrganisasi" not in text and "Kerja KamiSebagai" not in text
    lines = lines_of(text)
    for label in ("Siapa Kami", "Tentang", "IOM Global", "Kerja kami", "Apa yang kami lakukan", "Cross-cutting (Global)", "-"):
        assert label not in lines
    assert "Meningkatkan Manajemen Migrasi Lokal melalui Pengenalan Global Compact for Migration (GCM)" in lines
    assert lines[0].startswith("Organisasi Internasional untuk Migrasi")
    assert text.rstrip().endswith("sedang menunggu pengesahan melalui Peraturan Presiden.")


def test_navigation_rule_is_general_not_a_word_list():
    page = "\n".join(
        [
            "Home",
            "Home",
            "About us",
            "About usThe Agency was founded in 1951 and works in 175 countries.",
            "Our work",
            "- Data portal",
            "- Take action",
            "Why Migration Matters: A Single Headline",
            "The article body starts here and runs on for a while.",
            "- a real bullet item in the article",
            "Our work",
        ]
    )

    lines = lines_of(cleaned_text("html", page))

    assert lines == [
        "The Agency was founded in 1951 and works in 175 countries.",
        "Why Migration Matters: A Single Headline",
        "The article body starts here and runs on for a while.",
        "- a real bullet item in the article",
    ]


def test_navigation_rule_is_not_applied_to_markdown_or_pdf():
    text = "Bagian Kesatu Umum\nPasal 4\nIsi pasal empat.\nBagian Kesatu Umum\nPasal 7\nIsi pasal tujuh."

    assert cleaned_text("md", text) == text
    assert "Bagian Kesatu Umum" in cleaned_text("pdf", text)


def test_corpus_statutes_lose_no_lines_and_no_articles(shared_corpus: Path):
    """Cleaning Markdown statutes must not drop text: the navigation rule would remove repeated
    short lines such as "Bagian Kesatu Umum" (it is measured here), so it does not run on md."""
    for path in sorted(shared_corpus.glob("id_*.md")):
        loaded = load_file(path, max_bytes=MAX_BYTES)
        raw, cleaned = loaded.full_text(), clean_document(loaded).full_text()

        assert len(lines_of(raw)) == len(lines_of(cleaned)), path.name
        assert raw.count("Pasal") == cleaned.count("Pasal"), path.name
        assert raw.count("BAB ") == cleaned.count("BAB "), path.name

    statute = (shared_corpus / "id_uu_18_2017_pelindungan_pekerja_migran_indonesia.md").read_text(encoding="utf-8")
    would_remove = len(lines_of(statute)) - len(lines_of(remove_navigation([statute])[0]))
    assert would_remove > 5, "the md exemption matters: the rule would cut statute lines"
