"""The provision in front of a quoted sentence, and the kind of fact a question asks for."""

from __future__ import annotations

import pytest

from kb.answer_types import asked_kind, holds_kind
from kb.provisions import provision_of
from kb.search import SearchHit
from kb.sentences import locate, located_sentences

STATUTE = """Pasal 5
Setiap Calon Pekerja Migran Indonesia harus berusia minimal 18 (delapan belas) tahun.

Pasal 6
(1) Setiap Calon Pekerja Migran Indonesia atau Pekerja Migran Indonesia memiliki hak atas pekerjaan yang layak."""


def hit(text: str, section: str | None = None) -> SearchHit:
    return SearchHit(doc_id="d", source="s.md", path="/s.md", title="UU 18/2017", page=None, chunk_id="c",
                     score=1.0, text=text, section=section)


def provision_in(passage: SearchHit, sentence: str) -> str | None:
    return provision_of(passage, locate(passage.text, sentence))


def test_the_nearest_heading_above_the_sentence_is_its_provision():
    passage = hit(STATUTE, section="BAB III > Pasal 5-6")
    age = "Setiap Calon Pekerja Migran Indonesia harus berusia minimal 18 (delapan belas) tahun."
    assert provision_in(passage, age) == "Pasal 5"
    assert provision_in(
        passage, "(1) Setiap Calon Pekerja Migran Indonesia atau Pekerja Migran Indonesia memiliki hak atas pekerjaan yang layak."
    ) == "Pasal 6"


def test_the_same_sentence_under_two_articles_gets_each_its_own():
    passage = hit(
        "Pasal 11\nKetentuan lebih lanjut diatur dengan Peraturan Pemerintah.\n"
        "Pasal 12\nKetentuan lebih lanjut diatur dengan Peraturan Pemerintah."
    )
    twice = located_sentences(passage.text)
    assert [sentence.text for sentence in twice] == ["Ketentuan lebih lanjut diatur dengan Peraturan Pemerintah."] * 2
    assert [provision_of(passage, sentence) for sentence in twice] == ["Pasal 11", "Pasal 12"]


def test_without_a_heading_in_the_text_the_section_path_gives_it():
    passage = hit("- a. Develop human rights-based bilateral labour migration agreements.", "Objective 5 > Associated actions")
    assert provision_in(passage, "- a. Develop human rights-based bilateral labour migration agreements.") == "Objective 5"
    assert provision_in(hit("Plain report text here.", "Findings > Relevance"), "Plain report text here.") is None


def test_a_sentence_naming_its_own_provision_gets_none():
    passage = hit("Pasal 2 Pada saat Undang-Undang ini mulai berlaku, Undang-Undang Nomor 3 Tahun 2001 dicabut.", "Pasal 1-2")
    assert provision_in(passage, passage.text) is None
    passage = hit("Article 14\nEveryone has the right to seek asylum, as Article 14 says.", None)
    assert provision_in(passage, "Everyone has the right to seek asylum, as Article 14 says.") is None


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Pasal berapa yang mengatur hak pekerja migran?", "provision"),
        ("Which article of the Refugee Convention prohibits refoulement?", "provision"),
        ("Kapan kunjungan lapangan dilakukan?", "time"),
        ("Tahun berapa IOM berganti nama?", "time"),
        ("Kapankah IOM berganti nama?", "time"),
        ("Berapakah luas wilayah Kepulauan Marshall?", "number"),
        ("Berapakah jumlah peserta lokakarya?", "count"),
        ("Since when have employers paid the levy?", "time"),
        ("Berapa lama izin tinggal tetap berlaku?", "number"),
        ("How many evaluations were reviewed?", "count"),
        ("Berapa banyak minyak impor yang berasal dari Timur Tengah?", "quantity"),
        ("Ada berapa rekomendasi utama dalam ringkasan evaluasi?", "count"),
        ("What budget did the meta-evaluation have?", "money"),
        ("Berapa upah minimum pekerja migran di Taiwan?", "money"),
        ("Kurs rupiah ke dolar Singapura hari ini berapa?", "money"),
        ("What was the open unemployment rate in West Nusa Tenggara?", "percent"),
        ("Syarat umur untuk kerja jadi PRT di Singapura berapa?", "age"),
        ("Which GCM objective deals with immigration detention?", "provision"),
        ("Tujuan GCM nomor berapa yang membahas jaminan sosial?", "provision"),
        ("Lokakarya di tingkat provinsi diadakan di kota mana?", None),
        ("Siapa nama Kepala BP2MI saat ini?", "person"),
        ("Who is the current Director General of IOM?", "person"),
        ("Mengapa minyak baru dijual dengan harga yang lebih tinggi?", None),
        ("Usia relatif batuan ditentukan dengan apa?", None),
        ("What is the age range for the HEROES project?", "age"),
        ("Siapa yang menyetujui perjanjian kerja laut?", None),
        ("Why did IOM join the UN system?", None),
    ],
)
def test_the_kind_of_fact_a_question_asks_for(question, kind):
    assert asked_kind(question) == kind


def test_a_sentence_holds_the_asked_kind_or_not():
    assert holds_kind("time", "Field visits took place from November 2022 to January 2023.")
    assert not holds_kind("time", "Field visits took place in the capitals.")
    assert holds_kind("number", "Izin Tinggal Tetap diberikan untuk jangka waktu lima tahun.")
    assert not holds_kind("number", "Izin Tinggal Tetap dapat diperpanjang.")
    assert holds_kind("provision", "Hal itu diatur dalam Pasal 6.")
    assert not holds_kind(None, "2023")


def test_a_question_asking_for_one_kind_of_provision_is_not_answered_by_another():
    objective = "Tujuan GCM nomor berapa yang membahas jaminan sosial pekerja migran?"
    assert not holds_kind("provision", "Pasal 29 Pemerintah Pusat menyelenggarakan Jaminan Sosial.", objective)
    assert holds_kind("provision", "Objective 22: b. Conclude social security agreements.", objective)
    article = "Which article of the Refugee Convention prohibits refoulement?"
    assert holds_kind("provision", "Pasal 33 Tidak ada Negara Pihak yang akan mengusir pengungsi.", article)
    assert not holds_kind("provision", "Objective 9: Strengthen the transnational response.", article)
    assert holds_kind("provision", "Objective 9: Strengthen the transnational response.", "Where is this said?")


@pytest.mark.parametrize(
    ("kind", "text", "holds"),
    [
        ("count", "Lokakarya diadakan di Mataram (23/5), Semarang (29/5) dan Makassar (12/6) untuk Agenda 2030.", False),
        ("count", "The workshop in Makassar took place on 12 June, and in Mataram on May 23.", False),
        ("count", "Penerbitan SIP2MI dilakukan oleh Kepala BP2MI sesuai Pasal 47 sejak 2021.", False),
        ("count", "Of an initial universe of 265 evaluations, 260 remained.", True),
        ("count", "The brief makes five key recommendations.", True),
        ("count", "It is one of the largest programmes.", False),
        ("count", "Layanan diberikan di satu atap oleh salah satu dinas.", False),
        ("quantity", "Lebih dari setengah efek rumah kaca berasal dari karbon dioksida.", True),
        ("quantity", "71% minyak impornya berasal dari Timur Tengah.", True),
        ("count", "43 per cent rated it high and 25 per cent low.", False),
        ("count", "This evaluation of accountability (AAP),1 followed the review of Sudan.2 The team", False),
        ("age", "Young men between the ages of 15 and 21 are trained.", True),
        ("money", "Kursus ini gratis bagi pencari suaka.", True),
        ("money", "The meta-evaluation had a budget of 37.741 USD.", True),
        ("money", "dipidana denda paling banyak Rp120.000.000,00 (seratus dua puluh juta rupiah)", True),
        ("money", "FDWs generated a monthly consumer surplus of US$130 to US$200.", False),
        ("money", "Nelayan menerima upah lembur dua kali lipat pada hari libur nasional.", True),
        ("money", "11 percent of households hired a domestic worker in 2017.", False),
        ("money", "Overtime is paid at 150% of the basic wage.", True),
        ("money", "39% of reports met the standards in 2020.", False),
        ("percent", "Tingkat pengangguran terbuka 2,89% di tahun 2022.", True),
        ("percent", "Tingkat pengangguran turun pada tahun 2022.", False),
        ("age", "berusia paling rendah 18 (delapan belas) tahun", True),
        ("age", "Workers must be between 23 and 50 years old.", True),
        ("age", "Pekerja wajib memiliki paspor.", False),
        ("number", "Pasal 48 (2) Restitusi sebagaimana dimaksud pada ayat (1) berupa ganti kerugian atas:", False),
        ("number", "(1) Pemberian restitusi dilaksanakan dalam 14 (empat belas) hari.", True),
        ("count", "Pasal 48 (2) Restitusi sebagaimana dimaksud pada ayat (1) berupa ganti kerugian.", False),
        ("count", "Bab 3 huruf 4 mengatur penempatan.", False),
        ("count", "Figure 2 illustrates the distribution of respondents across zones (see Table 4).", False),
        ("count", "Figure 2 illustrates the distribution of the 214 survey respondents.", True),
        ("count", "(2) Lima lembaga mengawasi penempatan.", True),
    ],
)
def test_narrow_kinds_are_told_from_look_alikes(kind, text, holds):
    assert holds_kind(kind, text) is holds


def test_answers_name_the_article_a_quoted_rule_sits_under(tmp_path):
    from factories import build_knowledge_base

    knowledge_base = build_knowledge_base(tmp_path, {"uu_contoh.md": "# UU Contoh\n\n" + STATUTE.replace("Pasal", "## Pasal")})
    answer = knowledge_base.ask("Pasal berapa yang mengatur batas usia minimal calon pekerja migran?")
    assert answer.answered and "Pasal 5: Setiap Calon Pekerja Migran Indonesia harus berusia" in answer.answer, answer.answer


def test_a_name_is_a_capitalised_word_that_is_neither_asked_nor_everyday():
    question = "Siapa nama Kepala BP2MI saat ini?"
    everyday = {"calon", "pekerja", "migran", "indonesia", "dinas", "daerah"}.__contains__
    assert holds_kind("person", "Kepala BP2MI saat ini adalah Benny Rhamdani.", question)
    assert holds_kind("person", "Benny Rhamdani dilantik sebagai Kepala BP2MI.", question)
    assert not holds_kind("person", "Pasal 47 (1) Penerbitan SIP2MI dilakukan oleh Kepala BP2MI.", question)
    assert not holds_kind(
        "person", "P3MI dilarang merekrut Calon Pekerja Migran Indonesia tanpa izin Dinas Daerah.", question,
        lambda word: everyday(word.lower()),
    )
