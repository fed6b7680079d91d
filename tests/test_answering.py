"""The default answerer on a real knowledge base: grounded sentences, citations, refusal, status."""

from __future__ import annotations

import json
import re

import pytest

from factories import build_knowledge_base

ARTICLE = """Lokakarya GCM di Makassar

IOM bersama Kementerian Luar Negeri mengadakan lokakarya tentang Global Compact for Migration di Makassar pada 12 Juni.

Rencana Aksi Nasional untuk GCM telah disusun bersama semua pemangku kepentingan dan saat ini sedang menunggu pengesahan melalui Peraturan Presiden.

Peserta lokakarya berasal dari pemerintah daerah, masyarakat sipil, asosiasi migran, akademisi, dan media.
"""

GUIDE = """# Seafarer guide

## Working hours

Migrant crew on merchant ships may work at most fourteen hours in any twenty-four hour period and must rest at least ten hours.

## Contracts

Every seafarer signs a sea employment agreement before boarding, and the harbour master approves it.
"""

OLD_LAW = """UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 3 TAHUN 2001 TENTANG PENEMPATAN NELAYAN

Pasal 1 Usia minimum nelayan migran adalah delapan belas tahun pada saat pendaftaran.
"""

NEW_LAW = """UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 4 TAHUN 2020 TENTANG PELINDUNGAN NELAYAN

Pasal 1 Usia minimum nelayan migran adalah delapan belas tahun pada saat pendaftaran.

Pasal 2 Pada saat Undang-Undang ini mulai berlaku, Undang-Undang Nomor 3 Tahun 2001 tentang Penempatan Nelayan dicabut dan dinyatakan tidak berlaku.
"""


@pytest.fixture(scope="module")
def answering_kb(tmp_path_factory):
    """Built once for the module: answering only reads the knowledge base."""
    documents = {"lokakarya.txt": ARTICLE, "seafarers.md": GUIDE, "uu_3_2001.txt": OLD_LAW, "uu_4_2020.txt": NEW_LAW}
    return build_knowledge_base(tmp_path_factory.mktemp("answering"), documents)


def best_sentence(knowledge_base, question: str) -> str:
    """The sentence the default answerer scores best for ``question`` among its top 4 passages."""
    from kb.answering import ExtractiveAnswerer, prefer_in_force

    hits = prefer_in_force(knowledge_base.search(question, 8))[:4]
    return ExtractiveAnswerer(knowledge_base).score_sentences(question, hits)[0].text


def markers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


def test_answer_quotes_the_passage_and_cites_it(answering_kb):
    answer = answering_kb.ask("Apa status Rencana Aksi Nasional GCM?")
    assert answer.answered and answer.language == "id"
    assert "Peraturan Presiden" in answer.answer
    assert markers(answer.answer) == {c.n for c in answer.citations}
    assert answer.citations[0].source == "lokakarya.txt"
    for citation in answer.citations:
        assert citation.highlights and all(sentence in citation.text for sentence in citation.highlights)
        assert all(sentence in answer.answer for sentence in citation.highlights)


def test_crossed_language_answer_says_the_quote_is_in_the_documents_language(answering_kb):
    answer = answering_kb.ask("Berapa jam kerja maksimal awak kapal niaga migran dalam 24 jam?")
    assert answer.answered and answer.language == "id"
    assert "fourteen hours" in answer.answer
    assert "bahasa Inggris" in answer.answer
    assert answer.citations[0].source == "seafarers.md"


def test_question_the_documents_cannot_answer_is_refused_in_its_language(answering_kb):
    english = answering_kb.ask("What is the minimum wage for migrant workers in Taiwan?")
    assert not english.answered and english.citations == []
    assert "do not answer" in english.answer
    assert "do not mention “Taiwan”" in english.answer, "the refusal says which name the documents lack"
    indonesian = answering_kb.ask("Berapa upah minimum pekerja migran di Taiwan?")
    assert not indonesian.answered and "tidak memuat jawaban" in indonesian.answer
    assert "tidak menyebut “Taiwan”" in indonesian.answer


def test_a_count_question_is_refused_when_the_quotes_hold_only_dates(answering_kb):
    """The article dates the Makassar workshop and names who came, but never says how many."""
    answer = answering_kb.ask("Berapa jumlah peserta lokakarya GCM di Makassar?")
    assert not answer.answered and answer.citations == []
    assert "tidak menyebut jumlah yang ditanyakan" in answer.answer
    dated = answering_kb.ask("Kapan lokakarya GCM di Makassar diadakan?")
    assert dated.answered and "12 Juni" in dated.answer


TRAINING = """# Training on migration governance

The training on migration governance for local officials was attended by 45 participants from provincial offices.
"""


def test_the_asked_count_must_come_from_a_passage_holding_the_question_s_names(tmp_path, monkeypatch):
    """The article names the Makassar workshop but counts no one; another document counts the
    participants of some other training. The two together hold the names and a count."""
    import kb.answering

    knowledge_base = build_knowledge_base(tmp_path, {"lokakarya.txt": ARTICLE, "training.md": TRAINING})
    question = "How many participants attended the GCM workshop in Makassar?"
    answer = knowledge_base.ask(question)
    assert not answer.answered and "45" not in answer.answer, answer.answer
    monkeypatch.setattr(kb.answering, "about_names", lambda question, chosen, *passages: chosen)
    unchecked = knowledge_base.ask(question)
    assert unchecked.answered and "45 participants" in unchecked.answer, "precondition: the count is chosen"

OFFICE_NAMED = """# Pejabat daerah

Kepala Dinas Tenaga Kerja Provinsi saat ini adalah Najib Rahman, yang dilantik pada bulan Maret.
"""

OFFICE_ONLY = """# Perizinan

Izin penempatan pekerja migran diterbitkan dan dicabut oleh Kepala Badan Pelindungan.

Permohonan izin diajukan secara daring dan diperiksa dalam waktu tujuh hari kerja.
"""


def test_a_question_for_a_name_is_refused_when_the_quotes_name_only_the_office(tmp_path):
    (tmp_path / "named").mkdir(), (tmp_path / "office").mkdir()
    named = build_knowledge_base(tmp_path / "named", {"pejabat.md": OFFICE_NAMED})
    answer = named.ask("Siapa nama Kepala Dinas Tenaga Kerja Provinsi saat ini?")
    assert answer.answered and "Najib Rahman" in answer.answer, answer.answer
    office_only = build_knowledge_base(tmp_path / "office", {"izin.md": OFFICE_ONLY})
    assert office_only.ask("Siapa yang menerbitkan izin penempatan pekerja migran?").answered
    refused = office_only.ask("Siapa nama Kepala Badan Pelindungan saat ini?")
    assert not refused.answered, refused.answer
    assert "tidak menyebut nama orang yang ditanyakan" in refused.answer


def test_repealed_law_is_never_presented_as_current(answering_kb):
    answer = answering_kb.ask("Berapa usia minimum nelayan migran?")
    assert answer.answered
    assert answer.citations[0].source == "uu_4_2020.txt"
    for citation in answer.citations:
        if citation.source == "uu_3_2001.txt":
            assert citation.status == "repealed" and "UU 4/2020" in citation.note
            assert "dicabut" in answer.answer


def test_kb_ask_json_and_batch(answering_kb, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from app.cli import main

    monkeypatch.setenv("KB_HOME", str(answering_kb.settings.home))
    result = CliRunner().invoke(main, ["ask", "Sejak kapan lokakarya GCM di Makassar diadakan?", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) >= {"answer", "answered", "citations", "referral"} and payload["referral"] is None
    assert {"n", "doc_id", "source", "path", "title", "page", "text"} <= set(payload["citations"][0])
    batch = tmp_path / "questions.jsonl"
    batch.write_text(json.dumps({"id": "a", "question": "Who approves the sea employment agreement?"}) + "\n"
                     + json.dumps({"id": "b", "question": "Berapa kurs rupiah hari ini terhadap yen?"}) + "\n")
    result = CliRunner().invoke(main, ["ask", "--batch", str(batch), "--json"])
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["id"] for line in lines] == ["a", "b"]
    assert lines[0]["answered"] and "harbour master" in lines[0]["answer"]
    assert not lines[1]["answered"]


def test_follow_up_is_answered_from_the_conversation(answering_kb):
    history = [
        {"role": "user", "content": "Di kota mana lokakarya GCM diadakan?"},
        {"role": "assistant", "content": "Menurut dokumen: ... di Makassar ... [1]"},
    ]
    alone = answering_kb.ask("Kapan tanggalnya?")
    answer = answering_kb.ask("Kapan tanggalnya?", history)
    assert answer.answered and "12 Juni" in answer.answer and answer.language == "id"
    assert answer.question.startswith("Kapan tanggalnya?") and "lokakarya GCM" in answer.question
    assert answer.citations[0].source == "lokakarya.txt"
    assert not alone.answered or alone.citations[0].source != "lokakarya.txt", (
        "the follow-up alone should not lead with the workshop article"
    )


def test_kb_ask_history_option(answering_kb, monkeypatch):
    from click.testing import CliRunner

    from app.cli import main

    monkeypatch.setenv("KB_HOME", str(answering_kb.settings.home))
    result = CliRunner().invoke(
        main, ["ask", "Kapan tanggalnya?", "--history", "Di kota mana lokakarya GCM diadakan?", "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["answered"] and "12 Juni" in payload["answer"]
    assert payload["question"].startswith("Kapan tanggalnya?") and "lokakarya" in payload["question"]


QUESTIONS = (
    "Apa status Rencana Aksi Nasional GCM?",
    "Berapa jam kerja maksimal awak kapal niaga migran dalam 24 jam?",
    "Who approves the sea employment agreement?",
    "Berapa usia minimum nelayan migran?",
)


def _spy_on_passages(monkeypatch, knowledge_base) -> list[list[str]]:
    """Record every batch of passages the embedder is asked for from now on."""
    embeddings = knowledge_base.embeddings
    calls: list[list[str]] = []
    original = embeddings.embed_passages

    def spy(texts):
        calls.append(list(texts))
        return original(texts)

    monkeypatch.setattr(embeddings, "embed_passages", spy)
    return calls


def test_sentence_vectors_stored_at_ingestion_are_used_and_give_the_same_answers(answering_kb, monkeypatch):
    from kb.answering import AnswerSettings, ExtractiveAnswerer

    stored = ExtractiveAnswerer(answering_kb, AnswerSettings(stored_vectors=True))
    embedded = ExtractiveAnswerer(answering_kb, AnswerSettings(stored_vectors=False))
    calls = _spy_on_passages(monkeypatch, answering_kb)
    for question in QUESTIONS:
        hits = answering_kb.search(question, 8)[:4]
        calls.clear()
        with_stored = stored.score_sentences(question, hits, "lokakarya")
        assert calls == [], "every candidate sentence should have come from the sentences collection"
        without = embedded.score_sentences(question, hits, "lokakarya")
        assert calls and sum(map(len, calls)) == len(without)
        assert [(s.text, s.hit_index, s.score) for s in with_stored] == [(s.text, s.hit_index, s.score) for s in without]
        assert stored.answer(question) == embedded.answer(question)


def test_sentences_not_stored_are_embedded_at_question_time(answering_kb, monkeypatch):
    """A knowledge base ingested before sentence vectors were kept (here: half of them missing)."""
    from kb.answering import AnswerSettings, ExtractiveAnswerer

    question = QUESTIONS[0]
    hits = answering_kb.search(question, 8)[:4]
    expected = ExtractiveAnswerer(answering_kb, AnswerSettings(stored_vectors=False)).score_sentences(question, hits)
    store = answering_kb.store
    lookup = store.sentence_vectors

    def half_of_them(chunk_ids, identity):
        found = lookup(chunk_ids, identity)
        return {key: value for n, (key, value) in enumerate(sorted(found.items())) if n % 2}

    monkeypatch.setattr(store, "sentence_vectors", half_of_them)
    calls = _spy_on_passages(monkeypatch, answering_kb)
    scored = ExtractiveAnswerer(answering_kb).score_sentences(question, hits)
    assert [(s.text, s.score) for s in scored] == [(s.text, s.score) for s in expected]
    assert 0 < sum(map(len, calls)) < len(expected)


WAGES = """# Wage protection

Migrant workers in Korea earn at least the national minimum wage of 9,860 won an hour, the same as Korean workers.
"""

MEMBERS = """# Observer states

Observer states of the organization include Bahrain, Bhutan, Indonesia, Qatar and Taiwan, which attend the council without a vote.
"""


def test_names_in_the_question_must_be_in_the_cited_passages_not_just_any_retrieved(tmp_path):
    knowledge_base = build_knowledge_base(tmp_path, {"wages.md": WAGES, "members.md": MEMBERS})
    korea = knowledge_base.ask("What is the minimum wage for migrant workers in Korea?")
    assert korea.answered and "9,860" in korea.answer, korea.answer
    taiwan = knowledge_base.ask("What is the minimum wage for migrant workers in Taiwan?")
    assert not taiwan.answered, taiwan.answer
    assert any(hit.source == "members.md" for hit in knowledge_base.search("minimum wage migrant workers Taiwan", 8)), (
        "precondition: a retrieved passage names Taiwan"
    )


HELPERS = """# Domestic workers abroad

Hong Kong employs a large number of foreign domestic helpers, most of them from Indonesia and the Philippines.
The statutory minimum allowable wage for foreign domestic helpers in Hong Kong is HK$4,990 a month.

## References

Legislative Council Secretariat. “Foreign Domestic Helpers and Evolving Care Duties in Hong Kong.” https://www.legco.gov.hk/research-publications/english/foreign-domestic-helpers-20170720-e.pdf

Cortes, P., and J. Pan. 2013. “Outsourcing Household Production: Foreign Domestic Workers and Native Labor Supply in Hong Kong.” Journal of Labor Economics 31 (2): 327–71.
"""


def test_reference_entries_are_not_quoted_as_answers(tmp_path):
    """A bibliography line shares the question's words ("foreign domestic helpers", "Hong Kong") but
    states nothing; a line holding a link is a reference or a pointer, not an answer, and neither
    is an author-date entry."""
    knowledge_base = build_knowledge_base(tmp_path, {"helpers.md": HELPERS})
    from kb.answering import ExtractiveAnswerer

    question = "Foreign domestic helpers in Hong Kong: what is their minimum wage?"
    hits = knowledge_base.search(question, 4)
    assert any("legco" in hit.text for hit in hits), "precondition: the reference entry is retrieved"
    scored = ExtractiveAnswerer(knowledge_base).score_sentences(question, hits)
    assert scored and not any("http" in sentence.text for sentence in scored)
    assert any("Cortes" in hit.text for hit in hits), "precondition: the author-date entry is retrieved"
    assert not any("Outsourcing" in sentence.text for sentence in scored)
    answer = knowledge_base.ask(question)
    assert answer.answered and "4,990" in answer.answer, answer.answer


def test_a_name_in_the_question_is_found_through_its_glossary_translation():
    """"Konvensi Pengungsi" is how an Indonesian asks about the Refugee Convention, whose English
    text never says "konvensi"; a name that is in neither language's passage still refuses."""
    from kb.answering import anchors_found
    from kb.glossary import load_glossary
    from kb.search import SearchHit

    passage = SearchHit(
        doc_id="d1", source="refugees.md", path="/docs/refugees.md", title="Convention relating to the Status of Refugees",
        page=None, chunk_id="d1-v-00000", score=1.0,
        text="Article 17. A refugee who has completed three years' residence in the country is exempt from restrictions on employment.",
    )
    glossary = load_glossary()
    question = "Menurut Konvensi Pengungsi, berapa tahun tinggal agar pengungsi bebas dari pembatasan kerja?"
    assert not anchors_found(question, [passage]), "precondition: the Indonesian words are not in the English text"
    assert anchors_found(question, [passage], glossary)
    assert not anchors_found("Menurut Konvensi Pengungsi, berapa upah minimum di Taiwan?", [passage], glossary)
    hub = SearchHit(**{**passage.to_dict(), "text": "IOM's Asia-Pacific Regional Data Hub is based in Bangkok."})
    assert anchors_found("Kantor Data Hub IOM untuk kawasan Asia-Pasifik ada di kota mana?", [hub], glossary), (
        "a hyphenated name is looked up in parts too (the entry is 'asia pasifik')"
    )


def test_an_acronym_in_the_question_is_found_spelled_out():
    """Questions say "RAN GCM"; the IOM article writes "Rencana Aksi Nasional" and "Global Compact
    for Migration". Another body's spelled-out name is no match for BPJS."""
    from kb.answering import anchors_found
    from kb.search import SearchHit

    passage = SearchHit(
        doc_id="d2", source="workshops.txt", path="/docs/workshops.txt", title="Lokakarya GCM",
        page=None, chunk_id="d2-v-00000", score=1.0,
        text="Rencana Aksi Nasional untuk Global Compact for Migration sedang menunggu pengesahan. "
        "Badan Pelindungan Pekerja Migran Indonesia ikut menyusunnya.",
    )
    assert anchors_found("Apa status RAN GCM saat ini?", [passage])
    assert anchors_found("Apa status RAN saat ini?", [passage])
    assert not anchors_found("Berapa iuran BPJS per bulan?", [passage])
    other = SearchHit(**{**passage.to_dict(), "text": "Lokakarya diadakan di Mataram, Semarang dan Makassar."})
    assert not anchors_found("Apa status RAN saat ini?", [other])
    initials = SearchHit(**{**passage.to_dict(), "text": "The inauguration of John F. Kennedy was held in 1961."})
    assert anchors_found("When did JFK make his famous speech?", [initials]), "an initial's full stop ends no name"
    engines = SearchHit(**{**passage.to_dict(), "text": "Pada tahun 1883, mesin 10.000 hp menjadi layak."})
    assert anchors_found("Pada tahun berapa mesin 10000 tenaga kuda tersedia?", [engines])
    assert not anchors_found("Pada tahun berapa mesin 20000 tenaga kuda tersedia?", [engines])
    war = SearchHit(**{**passage.to_dict(), "text": "Invasi Jerman pada 1 Februari 1939 memulai Perang Dunia Kedua."})
    assert anchors_found("Kapan Jerman memulai Perang Dunia II pada Feb 1939?", [war]), "months and Roman numerals"


def test_a_name_the_question_shortens_is_found_as_the_documents_acronym():
    """"The Global Compact" is how a question names the GCM; the objectives file is gcm_*.md and its
    passages never write "Global Compact". A shortened name no acronym begins is still missing."""
    from kb.answering import anchors_found
    from kb.search import SearchHit

    passage = SearchHit(
        doc_id="d3", source="gcm_objectives.md", path="/docs/gcm_objectives.md", title="gcm objectives",
        page=None, chunk_id="d3-v-00000", score=1.0,
        text="Objective 6. Prohibit recruiters and employers from charging or shifting recruitment fees to migrant workers.",
    )
    assert anchors_found("What does the Global Compact ask governments to do about recruitment fees?", [passage])
    assert not anchors_found("What does the Colombo Process ask governments to do about recruitment fees?", [passage])


def test_every_kind_of_fact_has_a_name_in_both_languages_for_the_refusal():
    """Refusing kinds are a setting (AnswerSettings.refusing_kinds): whichever is set, the refusal can name it."""
    from kb.answer_messages import MESSAGES
    from kb.answer_types import _ASKS

    for table in MESSAGES.values():
        assert {f"kind_{kind}" for kind, _ in _ASKS} <= table.keys()


VILLAGE_DUTIES = """UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 9 TAHUN 2030 TENTANG DESA MIGRAN

Pasal 7
Pemerintah Desa bertugas:
a. menerima dan memberikan informasi lowongan kerja di luar negeri kepada warga;
b. mencatat warga yang berangkat bekerja ke luar negeri beserta negara tujuannya;

Pasal 8 Warga yang pulang dari luar negeri melapor kepada kepala dusun dalam tujuh hari.

Pasal 9 Ketentuan ini tidak berlaku bagi pelaut dan nelayan yang bekerja di kapal berbendera Indonesia.
"""


def test_a_list_item_is_chosen_through_its_introduction_and_quoted_with_it(tmp_path):
    """"Mencatat warga ..." alone does not say whose duty it is; read after "Pemerintah Desa bertugas:"
    it answers the question, and the quote shows that clause before it."""
    knowledge_base = build_knowledge_base(tmp_path, {"desa.txt": VILLAGE_DUTIES})
    from kb.answering import ExtractiveAnswerer

    question = "Apa tugas Pemerintah Desa untuk warga yang bekerja ke luar negeri?"
    scored = ExtractiveAnswerer(knowledge_base).score_sentences(question, knowledge_base.search(question, 4))
    assert scored[0].text.startswith(("a. menerima", "b. mencatat")), [s.text for s in scored]
    answer = knowledge_base.ask(question)
    assert answer.answered and "Pemerintah Desa bertugas: … " in answer.answer, answer.answer
    item = next(h for c in answer.citations for h in c.highlights if h.startswith(("a. ", "b. ")))
    assert item in answer.answer and item in answer.citations[0].text


def test_quotes_keep_their_passage_s_reading_order_and_say_which_are_in_another_language():
    from kb.answering import ScoredSentence, compose
    from kb.search import SearchHit

    indonesian = SearchHit(
        doc_id="d1", source="artikel.txt", path="/docs/artikel.txt", title="Artikel", page=None, chunk_id="d1-v-0",
        score=1.0, lang="id",
        text="IOM telah hadir di Indonesia sejak 1979. IOM mendukung pemerintah daerah dalam migrasi.",
    )
    english = SearchHit(**{**indonesian.to_dict(), "doc_id": "d2", "source": "wiki.md", "chunk_id": "d2-v-0",
                           "lang": "en", "text": "IOM was founded in 1951 in response to displacement in Europe."})
    later, earlier = (
        ScoredSentence(s, 0, score, offset=indonesian.text.index(s))
        for s, score in zip(indonesian.text.split(". ", 1)[::-1], (1.2, 1.1))
    )
    founded = ScoredSentence(english.text, 1, 1.0)
    answer = compose("Kapan IOM didirikan?", "id", [indonesian, english], [later, founded, earlier], 1.2)
    assert answer.answer.index("sejak 1979") < answer.answer.index("pemerintah daerah"), "the passage's own order"
    assert "Sebagian kutipan berikut dalam bahasa Inggris" in answer.answer
    english_only = compose("Kapan IOM didirikan?", "id", [indonesian, english], [founded], 1.0)
    assert "Kutipan berikut dalam bahasa Inggris" in english_only.answer and "Sebagian" not in english_only.answer


def test_a_list_s_introduction_is_shown_once_and_an_introducing_clause_keeps_its_items():
    from kb.answering import ScoredSentence, compose
    from kb.list_items import list_context
    from kb.search import SearchHit
    from kb.sentences import locate

    text = (
        "Pasal 6 Warga desa berhak atas informasi kerja yang benar.\nPasal 7\nPemerintah Desa bertugas:\n"
        "a. menerima informasi lowongan kerja;\nb. mencatat warga yang berangkat;\n"
        "Pasal 8 Pengecualian berlaku bagi warga berikut:\na. pelaut di kapal berbendera Indonesia;\nb. nelayan."
    )
    hit = SearchHit(doc_id="d", source="desa.txt", path="/d/desa.txt", title="Desa", page=None, chunk_id="d-v-0",
                    score=1.0, text=text, lang="id")
    sentences = [
        "Pasal 6 Warga desa berhak atas informasi kerja yang benar.",
        "a. menerima informasi lowongan kerja;",
        "b. mencatat warga yang berangkat;",
        "Pasal 8 Pengecualian berlaku bagi warga berikut:",
    ]
    lines = text.splitlines()
    places = [locate(text, s) for s in sentences]
    chosen = [
        ScoredSentence(s, 0, 1.0, None, list_context(lines, place), place.offset) for s, place in zip(sentences, places)
    ]
    answer = compose("Apa tugas Pemerintah Desa?", "id", [hit], chosen, 1.0).answer
    assert answer.count("Pemerintah Desa bertugas:") == 1
    assert "berikut: a. pelaut di kapal berbendera Indonesia; b. nelayan." in answer


SERVICE_PAGE = """# Layanan konseling

Donna Mobile memberi konseling kesehatan bagi perempuan migran.

Jadwal konsultasi dibuka setiap Senin dan Rabu di kantor kota.

Donna Mobile memberi konseling kesehatan bagi perempuan migran.

Pendaftaran dilakukan melalui telepon atau surat elektronik.

Donna Mobile memberi konseling kesehatan bagi perempuan migran.
"""


def test_a_sentence_the_passage_repeats_is_quoted_once(tmp_path):
    knowledge_base = build_knowledge_base(tmp_path, {"layanan.md": SERVICE_PAGE})
    knowledge_base.settings.answer_min_confidence = -1e9
    answer = knowledge_base.ask("Siapa yang diberi konseling kesehatan oleh Donna Mobile?")
    assert answer.answered, answer.answer
    assert answer.answer.count("Donna Mobile memberi konseling kesehatan") == 1, answer.answer


FAQ_PAGE = """# Pendaftaran kursus bahasa

Bagaimana cara mendaftar kursus bahasa Jerman untuk pekerja migran?

Pendaftaran kursus bahasa Jerman dilakukan di kantor layanan migran setiap hari kerja.

Berapa biaya kursus bahasa Jerman bagi pekerja migran?

Kursus ini gratis bagi pekerja migran yang terdaftar.
"""


def test_a_question_in_the_documents_is_not_quoted_as_an_answer(tmp_path):
    knowledge_base = build_knowledge_base(tmp_path, {"faq.md": FAQ_PAGE})
    knowledge_base.settings.answer_min_confidence = -1e9
    answer = knowledge_base.ask("Bagaimana cara mendaftar kursus bahasa Jerman untuk pekerja migran?")
    assert answer.answered and "dilakukan di kantor layanan migran" in answer.answer, answer.answer
    assert "?" not in answer.answer, answer.answer


REQUIREMENTS = """# UU Contoh

## Pasal 5

Setiap Pekerja Migran Indonesia yang akan bekerja ke luar negeri harus memenuhi persyaratan:
a. berusia minimal 18 (delapan belas) tahun;
b. memiliki kompetensi kerja yang dipersyaratkan;
c. sehat jasmani dan rohani;
"""


def test_a_list_item_its_introduction_already_shows_is_not_quoted_again(tmp_path):
    knowledge_base = build_knowledge_base(tmp_path, {"uu_contoh.md": REQUIREMENTS})
    knowledge_base.settings.answer_min_confidence = -1e9
    answer = knowledge_base.ask("Berapa umur minimal pekerja migran yang akan bekerja ke luar negeri?")
    assert answer.answered and answer.answer.count("berusia minimal 18") == 1, answer.answer


PROTOCOL = """# Protocol

## Article 9

### Prevention of trafficking in persons

1. States Parties shall establish comprehensive policies, programmes and other measures to prevent and combat trafficking in persons.

2. States Parties shall endeavour to undertake measures such as research, information and mass media campaigns.
"""


def test_a_line_repeating_its_section_heading_is_not_quoted(tmp_path):
    from kb.answering import ExtractiveAnswerer

    knowledge_base = build_knowledge_base(tmp_path, {"protocol.md": PROTOCOL})
    question = "How do States Parties prevent trafficking in persons?"
    hits = knowledge_base.search(question, 4)
    assert any("Prevention of trafficking in persons" in (hit.section or "") for hit in hits), "precondition"
    scored = ExtractiveAnswerer(knowledge_base).score_sentences(question, hits)
    assert scored and not any(sentence.text == "Prevention of trafficking in persons" for sentence in scored)


def test_a_shortened_long_sentence_keeps_its_place_in_the_reading_order():
    from kb.answering import ScoredSentence, compose
    from kb.search import SearchHit
    from kb.sentences import MAX_SENTENCE_WORDS, located_sentences

    long_sentence = "Pekerja migran berhak " + " ".join(["atas pelindungan"] * MAX_SENTENCE_WORDS) + "."
    text = f"IOM telah hadir di Indonesia sejak 1979. {long_sentence}"
    hit = SearchHit(doc_id="d", source="a.txt", path="/d/a.txt", title="A", page=None, chunk_id="d-v-0",
                    score=1.0, text=text, lang="id")
    first, shortened = located_sentences(text)
    assert shortened.text.endswith(" …") and shortened.text not in text, "precondition: the quote is cut"
    chosen = [ScoredSentence(s.text, 0, 1.0, offset=s.offset) for s in (shortened, first)]
    answer = compose("Kapan IOM hadir?", "id", [hit], chosen, 1.0).answer
    assert answer.index("sejak 1979") < answer.index("Pekerja migran berhak"), answer


SURVEY = """# Evaluation survey

Three teams of staff designed and tested the online survey.

Figure 2 shows where the 214 survey respondents work.
"""


def test_a_count_next_to_what_the_question_counts_is_chosen_first(tmp_path, monkeypatch):
    """Both sentences hold a count; only "214 survey respondents" counts the people who responded."""
    import kb.answering

    knowledge_base = build_knowledge_base(tmp_path, {"survey.md": SURVEY})
    question = "How many people responded to the online survey?"
    assert "214" in best_sentence(knowledge_base, question)
    assert "214" in knowledge_base.ask(question).answer
    monkeypatch.setattr(kb.answering, "COUNTED_BONUS", 0.0)
    assert "Three teams" in best_sentence(knowledge_base, question), "precondition: meaning alone prefers the other"


def test_the_words_next_to_a_count_say_what_it_counts():
    from kb.answer_types import counted_words

    assert {"survey", "respondents"} <= set(counted_words("Figure 2 shows the 214 survey respondents by zone."))
    assert "Figure" not in counted_words("Figure 2 shows the 214 survey respondents by zone."), "a place number"
    assert counted_words("In 2019, 43 per cent of staff agreed.") == [], "years and percentages count nothing"
    assert {"penduduk", "sebanyak", "jiwa"} <= set(counted_words("Jumlah penduduk sebanyak 12.345 jiwa."))


def test_a_question_naming_nothing_needs_a_stronger_sentence(answering_kb):
    """Confidence is the best sentence's score, less a penalty when no name backs the question."""
    from kb.answering import UNNAMED_QUESTION_PENALTY, ExtractiveAnswerer, answer_confidence, prefer_in_force

    assert answer_confidence("When did IOM hold the workshop in Makassar?", 1.0) == 1.0
    assert answer_confidence("berapa jam kru kapal boleh bekerja?", 1.0) == 1.0 - UNNAMED_QUESTION_PENALTY
    answerer = ExtractiveAnswerer(answering_kb)
    for question, penalty in (
        ("How many hours may crew work at most in a day?", UNNAMED_QUESTION_PENALTY),
        ("How many hours may crew on merchant ships work in 24 hours under the Seafarer guide?", 0.0),
    ):
        hits = prefer_in_force(answering_kb.search(question, 8))[:4]
        best = answerer.score_sentences(question, hits)[0].score
        assert answering_kb.ask(question).confidence == pytest.approx(best - penalty), question


NOVEL = """# Novels

Eugene Onegin is a novel in verse by Alexander Pushkin and a classic of Russian literature.

It was published in serial form between 1825 and 1832.

Many operas and films were made of the novel in the twentieth century.
"""


def test_a_sentence_opening_with_a_pronoun_counts_the_words_of_the_sentence_before(tmp_path, monkeypatch):
    """"It was published ..." says when Eugene Onegin was published, though it names neither word."""
    import kb.answering

    knowledge_base = build_knowledge_base(tmp_path, {"novel.md": NOVEL})
    question = "When was Eugene Onegin published?"
    assert best_sentence(knowledge_base, question).startswith("It was published")
    monkeypatch.setattr(kb.answering, "_PRONOUN_OPENING", re.compile(r"(?!)"))
    assert best_sentence(knowledge_base, question).startswith("Eugene Onegin is"), "precondition: it loses without"


def test_a_question_word_takes_the_translation_of_the_glossary_term_it_is_part_of():
    from kb.answering import coverage, question_word_forms
    from kb.glossary import load_glossary

    question = "Dalam kondisi apa negara anggota IOM kehilangan hak suaranya?"
    forms = {word: group for group in question_word_forms(question, load_glossary()) for word in group}
    assert {"vote", "right"} <= forms["suaranya"], "'hak suara' is 'voting right'"
    weights = [(group, 1.0) for group in question_word_forms(question, load_glossary())]
    treaty = "A Member shall have no right to vote if its arrears equal the contributions of the two preceding years."
    unrelated = "A Member shall submit its annual report to the Council before the regular session."
    assert coverage(weights, treaty, "en") > coverage(weights, unrelated, "en")


def test_the_kind_of_statute_a_question_names_is_no_name_the_statute_must_hold():
    from kb.answering import anchors_found, question_anchors
    from kb.search import SearchHit

    question = "What is the minimum age to work abroad under Law No. 18 of 2017?"
    assert question_anchors(question) == ["2017"]
    statute = SearchHit(
        doc_id="d", source="id_uu_18_2017.md", path="/docs/id_uu_18_2017.md", title="UU 18/2017",
        page=None, chunk_id="d-v-00000", score=1.0, text="Pasal 5 Pekerja Migran harus berusia minimal 18 tahun.",
    )
    assert anchors_found(question, [statute])
    assert not anchors_found("What is the minimum age under Law No. 18 of 2019?", [statute])


def test_a_field_counts_the_words_of_its_information_box():
    from kb.answering import covered_text

    box = "Final evaluation of the Joint Initiative Field visit dates: November 2022 - January 2023"
    field = "Field visit dates: November 2022 - January 2023"
    assert "Joint Initiative" in covered_text(field, field, "", box)
    assert covered_text(field, field, "", field) == field, "a field alone on its line has nothing more"
    assert covered_text("It was published in 1825.", "It was published in 1825.", "Onegin is a novel.", "") == (
        "Onegin is a novel. It was published in 1825."
    )


BRIEF = """# Meta-evaluation brief

The meta-evaluation of IOM evaluations from 2020 to 2024 reviewed the quality of ninety reports.

The meta-evaluation also reviewed the quality assurance tools used by IOM offices.

Budget: 37.741 USD
"""


def test_a_sentence_holding_the_asked_fact_is_quoted_when_the_closest_ones_lack_it(tmp_path, monkeypatch):
    """"Budget: 37.741 USD" reads little like the question, but it is the only amount of money."""
    import kb.answering

    knowledge_base = build_knowledge_base(tmp_path, {"brief.md": BRIEF})
    question = "What budget did the meta-evaluation of IOM evaluations have?"
    assert not best_sentence(knowledge_base, question).startswith("Budget"), "precondition: it is not the closest"
    answer = knowledge_base.ask(question)
    assert answer.answered and "37.741 USD [1]" in answer.answer, answer.answer
    monkeypatch.setattr(kb.answering, "KIND_FALLBACK_SHARE", 1.5)
    refused = knowledge_base.ask(question)
    assert not refused.answered and "no amount of money" in refused.answer


def test_passages_all_from_one_document_are_read_with_the_best_passage_of_another():
    from kb.answering import with_another_document
    from kb.search import SearchHit

    def hit(doc_id: str, number: int) -> SearchHit:
        return SearchHit(
            doc_id=doc_id, source=f"{doc_id}.pdf", path=f"/docs/{doc_id}.pdf", title=doc_id, page=number,
            chunk_id=f"{doc_id}-v-{number:05d}", score=1.0 / (number + 1), text=f"Passage {number} of {doc_id}.",
        )

    report = [hit("report", number) for number in range(6)]
    brief = hit("brief", 0)
    hits, read = with_another_document([*report, brief, hit("brief", 1)], 4)
    assert read == 5 and hits[4] is brief and [h.chunk_id for h in hits[5:7]] == ["report-v-00004", "report-v-00005"]
    mixed = [report[0], brief, *report[1:]]
    assert with_another_document(mixed, 4) == (mixed, 4)
    assert with_another_document(report, 4) == (report, 4)
