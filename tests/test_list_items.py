"""List items read with the clause that introduces them, and that clause with its items."""

from __future__ import annotations

from kb.list_items import MOST_ITEMS, NO_LIST, ListContext, list_context
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
    assert len(context.items) == MOST_ITEMS and context.more_items
    assert context.quoted_text("Hak setiap pekerja migran meliputi:").endswith("yang dijamin; …")


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

