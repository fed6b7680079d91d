"""List items read with the clause that introduces them, and that clause with its items."""

from __future__ import annotations

from kb.answering import ExtractiveAnswerer
from kb.list_items import NO_LIST, ListContext, list_context
from kb.sentences import locate

def context_of(passage: str, sentence: str) -> ListContext:
    return list_context(passage.splitlines(), locate(passage, sentence))


DUTIES = """Pasal 78
Pemerintah Desa bertugas:
a. menerima dan memberikan informasi permintaan pekerjaan;
b. melakukan verifikasi data dan pencatatan Calon Pekerja Migran Indonesia;

Pasal 79 Pemerintah Desa menyampaikan laporan kepada bupati setiap enam bulan."""

EXCLUSIONS = """Article 11

1. For the purpose of this Convention the term migrant for employment means a person who migrates.
2. This Convention does not apply to—

(a)frontier workers;

(b)short-term entry of members of the liberal professions and artists; and

(c)seamen."""


def test_an_item_is_read_and_quoted_after_the_clause_introducing_it():
    item = "b. melakukan verifikasi data dan pencatatan Calon Pekerja Migran Indonesia;"
    context = context_of(DUTIES, item)
    assert context.introduction == "Pemerintah Desa bertugas:"
    assert context.scored_text(item).startswith("Pemerintah Desa bertugas: b. melakukan")
    assert context.quoted_text(item) == f"Pemerintah Desa bertugas: … {item}"


def test_an_introducing_clause_is_read_and_quoted_with_its_items():
    sentence = "2. This Convention does not apply to—"
    context = context_of(EXCLUSIONS, sentence)
    assert context.items == [
        "(a)frontier workers;",
        "(b)short-term entry of members of the liberal professions and artists; and",
        "(c)seamen.",
    ]
    assert context.introduction is None, "the numbered paragraph above ends a sentence; it introduces nothing"
    assert context.quoted_text(sentence).endswith("does not apply to— (a)frontier workers; (b)short-term entry of "
                                                  "members of the liberal professions and artists; and (c)seamen.")


def test_a_long_list_is_cut_and_says_so():
    items = "\n".join(f"{n}. hak nomor {n} yang dijamin;" for n in range(1, 13))
    text = f"Hak setiap pekerja migran meliputi:\n{items}"
    context = context_of(text, "Hak setiap pekerja migran meliputi:")
    assert len(context.items) == 12
    quoted = context.quoted_text("Hak setiap pekerja migran meliputi:")
    assert quoted.endswith("8. hak nomor 8 yang dijamin; …") and "9. hak" not in quoted


def test_a_long_list_shows_the_items_that_best_answer_the_question_in_their_order():
    items = "\n".join(f"{n}. hak nomor {n} yang dijamin;" for n in range(1, 13))
    text = f"Hak setiap pekerja migran meliputi:\n{items}"
    scores = [0.0] * 12
    scores[9] = scores[11] = 1.0  # items 10 and 12 matched the question best
    quoted = context_of(text, "Hak setiap pekerja migran meliputi:").showing(scores).quoted_text("Hak meliputi:")
    assert quoted.startswith("Hak meliputi: 1. hak nomor 1 yang dijamin;")
    assert "6. hak nomor 6 yang dijamin; … 10. hak nomor 10 yang dijamin; … 12. hak nomor 12 yang dijamin;" in quoted
    assert "7. hak" not in quoted and not quoted.endswith("…")


def test_sentences_outside_lists_have_no_list_context():
    report = "Pasal 79 Pemerintah Desa menyampaikan laporan kepada bupati setiap enam bulan."
    assert context_of(DUTIES, report) == NO_LIST
    inline = "Peserta berasal dari pemerintah daerah: akademisi dan media."
    assert context_of(inline, inline) == NO_LIST


RIGHTS = """Pasal 6
(1) Setiap Calon Pekerja Migran Indonesia memiliki hak:
a. mendapatkan pekerjaan di luar negeri;
b. memperoleh informasi yang benar mengenai pasar kerja;
(2) Setiap Pekerja Migran Indonesia wajib menaati peraturan negara tujuan."""


def test_a_list_inside_a_paragraph_belongs_to_that_paragraph_and_ends_with_it():
    item = "b. memperoleh informasi yang benar mengenai pasar kerja;"
    assert context_of(RIGHTS, item).introduction == "(1) Setiap Calon Pekerja Migran Indonesia memiliki hak:"
    opening = "(1) Setiap Calon Pekerja Migran Indonesia memiliki hak:"
    assert context_of(RIGHTS, opening).items == [
        "a. mendapatkan pekerjaan di luar negeri;",
        "b. memperoleh informasi yang benar mengenai pasar kerja;",
    ], "the next paragraph, (2), is not an item of paragraph (1)'s list"
    assert context_of(RIGHTS, "(2) Setiap Pekerja Migran Indonesia wajib menaati peraturan negara tujuan.") == NO_LIST



RIGHTS_ARTICLE = """# UU Contoh

## Pasal 6

(1) Setiap Pekerja Migran Indonesia memiliki hak:
a. mendapatkan pekerjaan di luar negeri sesuai kompetensinya;
b. memperoleh akses peningkatan kapasitas diri melalui pendidikan;
c. memperoleh informasi yang benar mengenai pasar kerja;
d. memperoleh pelayanan yang profesional dan manusiawi;
e. menjalankan ibadah sesuai agama dan keyakinan yang dianut;
f. memperoleh upah sesuai standar yang berlaku di negara tujuan;
g. memperoleh pelindungan dan bantuan hukum atas tindakan yang merendahkan harkat;
h. memperoleh penjelasan mengenai hak dan kewajiban dalam perjanjian kerja;
i. memperoleh akses berkomunikasi dengan keluarga;
j. menguasai paspor dan dokumen perjalanan selama bekerja;
k. berserikat dan berkumpul di negara tujuan penempatan;
l. memperoleh jaminan pelindungan hukum sesuai peraturan;
"""


def test_an_answer_quoting_a_long_list_shows_the_item_asked_about(tmp_path):
    from factories import build_knowledge_base

    knowledge_base = build_knowledge_base(tmp_path, {"uu_contoh.md": RIGHTS_ARTICLE})
    settings = knowledge_base.answer_settings()
    answerer = ExtractiveAnswerer(knowledge_base, settings)
    question = "Apa saja hak Pekerja Migran Indonesia, termasuk soal paspor selama bekerja?"
    hits = knowledge_base.search(question, 4)
    introduction = next(
        s for s in answerer.score_sentences(question, hits) if s.text.startswith("(1) Setiap Pekerja Migran Indonesia")
    )
    assert "j. menguasai paspor dan dokumen perjalanan selama bekerja;" in introduction.quoted
    assert "a. mendapatkan pekerjaan" in introduction.quoted, "items are shown in their order, the first among them"
