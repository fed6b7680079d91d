"""The web app served by a real `kb serve`, driven over HTTP by gradio_client and httpx.

One server for the whole module (starting one loads the model); each test talks to it as a
client address of its own (X-Forwarded-For from localhost), so the rate limit of one test does
not spill into the next.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import fields

import httpx
import pytest

from web_helpers import (
    IOM_QUESTION,
    LOCKED_USER,
    PDF_QUESTION,
    STAFF_PASSWORD,
    STAFF_USER,
    build_test_kb,
    public_client,
    start_server,
    staff_users_json,
    stop_server,
)

RATE_LIMIT = 5


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    home = build_test_kb(tmp_path_factory.mktemp("web"))
    server = start_server(home, staff_users=staff_users_json(), rate_limit_per_minute=str(RATE_LIMIT))
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def staff(served):
    from gradio_client import Client

    return Client(served.staff_url, auth=(STAFF_USER, STAFF_PASSWORD), verbose=False, download_files=False)


def audit_entries(served) -> list[dict]:
    path = served.home / "audit.log"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def raw_get(served, path: str) -> tuple[int, bytes]:
    """GET with the path sent exactly as written (no client-side normalisation of `..`)."""
    host, port = served.url.split("//")[1].rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


def test_ask_endpoint_returns_the_kb_ask_json_with_citations(served):
    from kb.answering import Answer, Citation

    answer = public_client(served, "10.0.0.1").predict(IOM_QUESTION, api_name="/ask")
    assert set(answer) == {f.name for f in fields(Answer)} | {"referral"} and answer["referral"] is None
    assert answer["answered"] is True and "1979" in answer["answer"] and answer["language"] == "id"
    citation = answer["citations"][0]
    assert set(citation) == {f.name for f in fields(Citation)}
    assert citation["source"] == "berita.txt" and "[1]" in answer["answer"]
    assert citation["highlights"] and citation["highlights"][0] in " ".join(citation["text"].split())


def test_ask_stream_endpoint_streams_then_gives_the_same_answer(served):
    client = public_client(served, "10.0.0.9")
    job = client.submit(IOM_QUESTION, api_name="/ask_stream")
    outputs = list(job)
    final = job.result()
    assert all(set(piece) == {"partial"} for piece in outputs[:-1]) and outputs
    assert final == client.predict(IOM_QUESTION, api_name="/ask")


def test_ask_endpoint_carries_the_safety_referral_of_a_danger_question(served):
    answer = public_client(served, "10.0.0.8").predict("Paspor saya ditahan majikan dan saya disekap, tolong", api_name="/ask")
    assert answer["referral"] and "Anda tidak sendirian" in answer["referral"]


def test_ask_endpoint_says_when_the_documents_do_not_hold_the_answer(served):
    answer = public_client(served, "10.0.0.2").predict("Apa ibu kota Peru?", api_name="/ask")
    assert answer["answered"] is False and answer["citations"] == []
    assert "tidak memuat" in answer["answer"]


def test_ask_endpoint_takes_the_conversation_for_follow_ups(served):
    client = public_client(served, "10.0.0.3")
    first = client.predict(IOM_QUESTION, api_name="/ask")
    history = [{"role": "user", "content": IOM_QUESTION}, {"role": "assistant", "content": first["answer"]}]
    follow_up = client.predict("Dan apa yang didukungnya?", history, api_name="/ask")
    assert "IOM" in follow_up["question"], follow_up["question"]


def test_search_endpoint_is_kept(served):
    hits = public_client(served, "10.0.0.4").predict(IOM_QUESTION, 3, api_name="/search")
    assert hits[0]["source"] == "berita.txt" and "1979" in hits[0]["text"]
    assert {"doc_id", "path", "title", "page", "chunk_id", "score", "retrievers"} <= set(hits[0])


def test_feedback_endpoint_stores_the_rating_with_question_answer_and_sources(served):
    from app.feedback import FeedbackStore
    from kb.settings import Settings

    client = public_client(served, "10.0.0.5")
    answer = client.predict(PDF_QUESTION, api_name="/ask")
    assert answer["citations"][0]["page"] == 2
    result = client.predict(PDF_QUESTION, answer, -1, "kurang lengkap", api_name="/feedback")
    rows = FeedbackStore.from_settings(Settings(home=served.home)).list()
    row = next(row for row in rows if row["id"] == result["id"])
    assert row["question"] == PDF_QUESTION and row["rating"] == -1 and row["comment"] == "kurang lengkap"
    assert row["answer"] == answer["answer"] and row["citations"][0]["source"] == "panduan.pdf"
    assert row["time"]


def test_api_endpoints_are_rate_limited_per_client(served):
    from gradio_client.exceptions import AppError

    limited = public_client(served, "10.0.0.6")
    for _ in range(RATE_LIMIT):
        limited.predict("IOM", 1, api_name="/search")
    with pytest.raises(AppError, match="Too many questions"):
        limited.predict(IOM_QUESTION, api_name="/ask")
    with pytest.raises(AppError, match="Too many questions"):
        limited.predict("IOM", 1, api_name="/search")
    assert public_client(served, "10.0.0.7").predict("IOM", 1, api_name="/search")


def test_staff_console_refuses_everything_without_sign_in(served):
    from gradio_client import Client

    with pytest.raises(Exception, match="(?i)login|credentials|401|auth"):
        Client(served.staff_url, verbose=False, download_files=False)
    with pytest.raises(Exception):
        Client(served.staff_url, auth=(STAFF_USER, "wrong password!"), verbose=False, download_files=False)
    base = served.staff_url
    assert httpx.get(base + "config").status_code == 401
    assert httpx.get(base + "gradio_api/info").status_code == 401
    for api_name in ("retrieval", "documents", "upload", "remove", "set_metadata", "feedback", "export_feedback",
                     "purge_feedback", "audit"):
        response = httpx.post(base + f"gradio_api/call/{api_name}", json={"data": []})
        assert response.status_code == 401, (api_name, response.status_code)
    assert httpx.post(base + "gradio_api/queue/join", json={"data": [], "fn_index": 0, "session_hash": "x"}).status_code == 401
    assert httpx.post(base + "gradio_api/upload", files={"files": ("a.txt", b"hello")}).status_code == 401
    # A forged cookie is no session either.
    assert httpx.get(base + "config", cookies={"access-token-unsecure-x": "forged"}).status_code == 401


def test_staff_sign_in_is_locked_after_repeated_failures(served):
    login = served.staff_url + "login"
    for _ in range(10):
        assert httpx.post(login, data={"username": LOCKED_USER, "password": "wrong password!"}).status_code == 400
    assert httpx.post(login, data={"username": LOCKED_USER, "password": STAFF_PASSWORD}).status_code == 400
    assert httpx.post(login, data={"username": "nobody-at-all", "password": "x"}).status_code == 400
    actions = [entry["action"] for entry in audit_entries(served) if entry["user"] == LOCKED_USER]
    assert actions.count("sign_in_failed") == 10 and "sign_in_refused" in actions and "sign_in" not in actions
    assert not [entry for entry in audit_entries(served) if entry["user"] == "nobody-at-all"]


def test_staff_console_signed_in_inspects_retrieval_and_reviews_feedback(served, staff):
    table = staff.predict(IOM_QUESTION, 5, "hybrid", api_name="/retrieval")
    assert "berita.txt" in table and "dense rank" in table and "lexical rank" in table
    assert "#1 (" in table
    public_client(served, "10.0.1.1").predict(IOM_QUESTION, {"answer": "x", "citations": []}, 1, "bagus",
                                             api_name="/feedback")
    assert "bagus" in staff.predict(api_name="/feedback")
    csv_file, status = staff.predict(api_name="/export_feedback")
    assert "rows" in status
    actions = [entry["action"] for entry in audit_entries(served) if entry["user"] == STAFF_USER]
    assert "sign_in" in actions and "export_feedback" in actions


def test_staff_upload_ingests_in_process_while_the_chat_keeps_answering(served, staff, tmp_path):
    from gradio_client import handle_file

    document = tmp_path / "kebijakan_kapal.md"
    document.write_text(
        "# Kebijakan awak kapal\n\n"
        + "\n\n".join(f"Ketentuan {i}: awak kapal perikanan wajib menerima pelatihan keselamatan laut sebelum "
                      f"berlayar ke perairan internasional, termasuk latihan pemadam kebakaran nomor {i}."
                      for i in range(1, 40))
        + "\n\nPelabuhan Tanjung Uban menyediakan klinik kesehatan gratis bagi awak kapal migran.\n",
        encoding="utf-8",
    )
    job = staff.submit([handle_file(str(document))], api_name="/upload")
    answers = []
    client = public_client(served, "10.0.1.2")
    while len(answers) < 3 and (not answers or not job.done()):
        answers.append(client.predict(IOM_QUESTION, api_name="/ask"))
    log, documents, *_ = job.result(timeout=300)
    assert "added" in log and "kebijakan_kapal.md" in documents
    assert answers and all(answer["answered"] for answer in answers)
    answer = client.predict("Di mana klinik kesehatan gratis bagi awak kapal migran?", api_name="/ask")
    assert answer["answered"] and answer["citations"][0]["source"] == "kebijakan_kapal.md"

    doc_id = answer["citations"][0]["doc_id"]
    current, documents, _ = staff.predict(doc_id, "status=superseded\ndoc_type=policy", api_name="/set_metadata")
    assert current["status"] == "superseded" and current["doc_type"] == "policy"
    status, documents, *_ = staff.predict(doc_id, api_name="/remove")
    assert "kebijakan_kapal.md" in status and "kebijakan_kapal.md" not in documents
    assert not (served.home / "files" / doc_id).exists()

    entries = [entry for entry in audit_entries(served) if entry["user"] == STAFF_USER]
    by_action = {entry["action"]: entry for entry in entries}
    assert by_action["upload"]["files"] == ["kebijakan_kapal.md"]
    assert by_action["set_metadata"]["changes"] == {"status": "superseded", "doc_type": "policy"}
    assert by_action["remove"]["doc_id"] == doc_id
    assert all(entry["time"] for entry in entries)


def test_staff_upload_checks_type_and_content(served, staff, tmp_path):
    from gradio_client import handle_file

    fake_pdf = tmp_path / "laporan.pdf"
    fake_pdf.write_text("not a pdf at all", encoding="utf-8")
    binary = tmp_path / "catatan.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    log, *_ = staff.predict([handle_file(str(fake_pdf)), handle_file(str(binary))], api_name="/upload")
    assert "refused laporan.pdf: the content is not a PDF file" in log
    assert "refused catatan.txt: the content is binary" in log
    program = tmp_path / "setup.exe"
    program.write_bytes(b"MZ" + b"\x00" * 100)
    try:
        log, *_ = staff.predict([handle_file(str(program))], api_name="/upload")
        assert "refused setup.exe" in log
    except Exception as error:  # Gradio itself may refuse a type the upload field does not accept
        assert "type" in str(error).lower()
    assert "setup.exe" not in staff.predict(api_name="/documents")[0]


@pytest.mark.parametrize("path", [
    "/files/../../../../etc/passwd",
    "/files/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/files/{doc}/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/files/{doc}/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/files/{doc}//etc/passwd",
    "/files/{doc}/%2Fetc%2Fpasswd",
    "/files//etc/passwd",
    "/files/{doc}/../../feedback.sqlite3",
    "/files/{doc}/..%5c..%5cfeedback.sqlite3",
    "/files/{doc}/link.txt",
    "/files/aaaaaaaaaaaaaaaa/passwd",
    "/files/{doc}",
    "/file=/etc/passwd",
    "/gradio_api/file=/etc/passwd",
])
def test_source_files_cannot_reach_outside_the_document_copies(served, path):
    doc_id = next(p.name for p in (served.home / "files").iterdir() if (p / "berita.txt").exists())
    link = served.home / "files" / doc_id / "link.txt"
    if not link.is_symlink():
        link.symlink_to("/etc/passwd")
    linked_folder = served.home / "files" / "aaaaaaaaaaaaaaaa"
    if not linked_folder.is_symlink():
        linked_folder.symlink_to("/etc")
    status, body = raw_get(served, path.format(doc=doc_id))
    assert status in (400, 403, 404, 405), (path, status)
    assert b"root:" not in body and b"SQLite" not in body


def test_source_files_are_served_from_the_copies(served):
    answer = public_client(served, "10.0.2.1").predict(PDF_QUESTION, api_name="/ask")
    citation = answer["citations"][0]
    response = httpx.get(served.url + f"files/{citation['doc_id']}/{citation['source']}")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    answer = public_client(served, "10.0.2.1").predict(IOM_QUESTION, api_name="/ask")
    citation = answer["citations"][0]
    response = httpx.get(served.url + f"files/{citation['doc_id']}/{citation['source']}")
    assert response.status_code == 200 and "1979" in response.text
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["x-content-type-options"] == "nosniff"
