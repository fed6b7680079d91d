"""Which statutes a closing provision repeals, in the forms Indonesian statutes write it."""

from __future__ import annotations

import pytest

from ingest.metadata import repealed_identifiers

# UU 18/2017's own closing provision as its scanned text has it: a list, each item with its own
# verdict, letters for digits in the year and stray carets.
LIST_WITH_OWN_VERDICTS = """BAB XIII KETENTUAN PENUTUP
Pasal 89
Pada saat Undang-Undang ^ini mulai ^berlaku:
a. Undang-Undang Nomor 39 Tahun ^2OO4 ^tentatg Penempatan dan Perlindungan Tenaga ^Kerja Indonesia di Luar Negeri \
(Lembaran Negara ^Republik Indonesia Tahun 2OO4 Nomor 133), dicabut dan dinyatakan tidak berlaku;
b. Semua peraturan ^perundang-undangan ^yang merupakan peraturan pelaksanaan dari Undang- Undang Nomor 39 Tahun 2OO4 \
dinyatakan masih tetap berlaku sepanjang tidak bertentangan dengan ketentuan dalam Undang-Undang ini.
Pasal 90
Peraturan pelaksanaan dari Undang-Undang ini harus ditetapkan paling lama 2 (dua) tahun.
"""

# PP 59/2021 and UU 6/2011 give one verdict for the whole list, after its last item.
LIST_WITH_SHARED_VERDICT = """Pasal 100
Pada saat Peraturan Pemerintah ini mulai berlaku maka:
a. Peraturan Pemerintah Nomor 3 Tahun 2Ol3 tentang Perlindungan Tenaga Kerja Indonesia di Luar Negeri;
b. Peraturan Pemerintah Nomor 4 Tahun 2015 tentang Pelaksanaan Pengawasan; dan
c. Peraturan Presiden Nomor 64 Tahun 2oll tentang Pemeriksaan Kesehatan dan Psikologi Calon Tenaga Kerja Indonesia;
dicabut dan dinyatakan tidak berlaku.
"""

SINGLE_CLAUSE = (
    "Pasal 3 Pada saat Undang-Undang ini mulai berlaku, Undang-Undang Nomor 1 Tahun 2010 tentang Nelayan Luar Negeri "
    "dicabut dan dinyatakan tidak berlaku. Pasal 4 Undang-Undang ini mulai berlaku pada tanggal diundangkan."
)


@pytest.mark.parametrize(
    ("text", "repealed"),
    [
        (LIST_WITH_OWN_VERDICTS, ["UU 39/2004"]),
        (LIST_WITH_SHARED_VERDICT, ["PP 3/2013", "PP 4/2015", "Perpres 64/2011"]),
        (SINGLE_CLAUSE, ["UU 1/2010"]),
    ],
    ids=["list, a verdict per item", "list, one verdict at its end", "one statute"],
)
def test_closing_provisions_name_the_statutes_they_repeal(text, repealed):
    assert repealed_identifiers(text) == repealed


@pytest.mark.parametrize(
    "text",
    [
        # Articles of another code are repealed, not the code (UU 21/2007's Pasal 65 has this form).
        "Pada saat Undang-Undang ini mulai berlaku, Pasal 297 dan Pasal 324 Undang-Undang Nomor 1 Tahun 1946 "
        "tentang Peraturan Hukum Pidana dicabut dan dinyatakan tidak berlaku.",
        # A list that keeps the older statute's regulations in force repeals nothing.
        "Pada saat Undang-Undang ini mulai berlaku: a. Peraturan Pemerintah Nomor 5 Tahun 2013 dinyatakan masih "
        "tetap berlaku sepanjang tidak bertentangan; b. semua perizinan yang telah diterbitkan "
        "dicabut dan dinyatakan tidak berlaku.",
        # A verdict in a later article belongs to that article.
        "Pasal 3 Pada saat Undang-Undang ini mulai berlaku, Undang-Undang Nomor 1 Tahun 2010 tetap dipakai untuk "
        "perkara lama.\nPasal 4 Keputusan Menteri Nomor 2 Tahun 2011 dicabut dan dinyatakan tidak berlaku.",
    ],
    ids=["articles of a code", "kept in force", "verdict of the next article"],
)
def test_clauses_that_repeal_no_statute_name_none(text):
    assert repealed_identifiers(text) == []
