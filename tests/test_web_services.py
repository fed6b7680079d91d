"""The web app's services that are not UI: safety referral, rate limit, staff credentials, audit log.

Real settings from the environment and kb.toml, real files, real processes; no mocks.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.audit import AuditLog, os_user
from app.auth import (
    CredentialsError,
    check_credentials,
    console_enabled,
    hash_password,
    staff_users,
    verify_password,
)
from app.ratelimit import RateLimiter
from app.safety import detect_danger, referral_notice
from kb.settings import Settings

KB = [sys.executable, "-m", "app.cli"]
PROJECT_ROOT = Path(__file__).resolve().parents[1]

# -- safety referral -----------------------------------------------------------------------

DANGER_ID = [
    "Paspor saya ditahan majikan, apa yang harus saya lakukan?",
    "Saya disekap di rumah majikan dan tidak boleh keluar rumah",
    "Majikan menahan paspor saya",
    "Saya sering dipukul oleh majikan",
    "Adik saya dijual ke luar negeri oleh calo",
    "Tolong! Saya dalam bahaya",
    "Ini darurat, saya butuh bantuan",
    "Saya mengalami kekerasan dari suami majikan",
    "Saya mengalami pelecehan di tempat kerja",
    "Saya korban perdagangan orang",
    "Bagaimana melaporkan TPPO?",
    "Gaji saya tidak dibayar enam bulan dan majikan mengancam akan melapor ke polisi",
    "Gaji tidak dibayar, apa yang bisa saya lakukan?",
    "Saya dikurung di kamar dan tidak dikasih makan",
    "Agen menyita paspor dan KTP saya",
    "Saya ingin bunuh diri",
    "Saya diperkosa oleh anak majikan",
    "Aku dipukuli terus sama bosku",
    "Saya dipaksa bekerja tanpa libur",
    "tolong saya",
    "Teman saya diancam akan dibunuh oleh agen",
    "Paspor sy dipegang agen dan tidak dikembalikan",
    "majikanku menahan pasporku",
    "PASPORNYA DITAHAN SPONSOR",
    "Saya tidak digaji sudah tiga bulan",
]
DANGER_EN = [
    "My employer took my passport and won't give it back",
    "I am locked in the house and can't leave",
    "I was trafficked to Malaysia",
    "My boss beats me every day",
    "I have not been paid for four months and my employer threatens to report me",
    "Help me! I'm in danger",
    "This is an emergency",
    "I was sexually harassed by my employer",
    "I want to kill myself",
    "The agency confiscated our passports",
    "My passport was taken by the recruiter",
    "I think I am a victim of human trafficking",
    "I was sold to another employer",
    "They lock us in at night",
    "I was raped",
    "My employer won't let me leave the house",
    "I am being abused by my employer",
    "He hit me and I am scared",
    "We are forced to work 18 hours a day",
    "My wages are withheld and they threatened to deport me",
    "I have been thinking about suicide",
    "unpaid wages for six months, what can I do",
    "My employer\u2019s wife slapped me",
]
ORDINARY_ID = [
    "Apa itu perdagangan?",
    "Sejak kapan IOM hadir di Indonesia?",
    "Apa status Rencana Aksi Nasional GCM?",
    "Bagaimana cara memperpanjang paspor di luar negeri?",
    "Tolong jelaskan hak pekerja migran sebelum berangkat.",
    "Pukul berapa kantor BP2MI buka?",
    "Berapa ancaman pidana bagi pelaku penempatan ilegal?",
    "Apakah pekerja migran berhak atas salinan perjanjian kerja?",
    "Dokumen apa yang diperlukan untuk bekerja di Malaysia?",
    "Apa isi Pasal 6 UU 18/2017?",
    "Berapa biaya penempatan yang boleh dibebankan kepada pekerja?",
    "Apa perbedaan UU 39/2004 dan UU 18/2017?",
    "Bagaimana cara mendaftar BPJS Ketenagakerjaan?",
    "Kapan paspor saya bisa diambil di kantor imigrasi?",
    "Apakah saya boleh pindah majikan setelah satu tahun?",
    "Apa tujuan ke-10 GCM?",
    "Berapa lama masa berlaku visa kerja?",
    "Bagaimana perlindungan sosial bagi keluarga pekerja migran?",
    "Apa tugas atase ketenagakerjaan?",
    "Siapa yang menandatangani konstitusi IOM?",
    "Bagaimana cara mengirim uang ke keluarga dengan aman?",
    "Tolong bantu saya memahami kontrak kerja ini.",
    "Apakah perjanjian perdagangan bebas ASEAN mengatur pekerja migran?",
    "Apa yang dimaksud dengan paspor darurat?",
    "Setiap orang yang menempatkan pekerja secara ilegal diancam dengan pidana penjara berapa lama?",
    "Apakah gaji pekerja migran dibayar dalam rupiah?",
    "Apakah saya bisa keluar dari kontrak sebelum selesai?",
    "Apa arti tanda kurung dalam pasal ini?",
]
ORDINARY_EN = [
    "Since when has IOM been present in Indonesia?",
    "What is the Global Compact for Migration?",
    "Can I change my employer after the first contract year?",
    "Do I need to take my passport to the embassy?",
    "How do I renew my passport abroad?",
    "What documents do I need to work in Malaysia?",
    "Please help me understand my work contract.",
    "What are the objectives of the GCM?",
    "What fees can recruitment agencies charge?",
    "How long is a work visa valid?",
    "What does Article 6 of Law 18/2017 say?",
    "What is an emergency travel document?",
    "How can I send money home safely?",
    "Is social security available to migrant workers' families?",
    "Who signed the IOM constitution?",
    "When is the passport office open?",
    "What is the role of the labour attaché?",
    "How do free trade agreements affect migration?",
    "Can I bring my family with me?",
    "How many hours a week may a domestic worker work?",
    "What training is required before departure?",
    "What happens if my contract is terminated early?",
    "Are repealed laws still valid?",
    "Where do I keep my passport while travelling?",
    "I'm locked in a two-year contract, can I change jobs?",
    "Can you help me find the law on remittances?",
    "How do I get paid overtime?",
]


def test_test_lists_are_big_enough():
    assert min(len(DANGER_ID), len(DANGER_EN), len(ORDINARY_ID), len(ORDINARY_EN)) >= 20


@pytest.mark.parametrize("question", DANGER_ID + DANGER_EN)
def test_danger_is_detected(question):
    assert detect_danger(question), question


def test_no_ordinary_question_is_flagged():
    flagged = {question: detect_danger(question) for question in ORDINARY_ID + ORDINARY_EN if detect_danger(question)}
    assert flagged == {}


@pytest.mark.parametrize("question, category", [
    ("paspor ditahan", "documents_confiscated"),
    ("Paspornya disita agen", "documents_confiscated"),
    ("My employer is keeping my passport", "documents_confiscated"),
    ("saya disekap", "confinement"),
    ("dipukul", "violence"),
    ("saya dijual", "trafficking"),
    ("TPPO", "trafficking"),
    ("perdagangan orang", "trafficking"),
    ("Tolong!", "emergency"),
    ("darurat", "emergency"),
    ("kekerasan", "violence"),
    ("pelecehan", "abuse"),
    ("gaji tidak dibayar", "unpaid_wages"),
    ("majikan menahan paspor", "documents_confiscated"),
    ("saya mau bunuh diri", "self_harm"),
    ("I was threatened by my agent", "threats"),
])
def test_each_signal_names_its_category(question, category):
    assert category in detect_danger(question)


def test_matching_is_at_word_boundaries():
    assert detect_danger("Apa itu sosialisasi pra-penempatan?") == []  # "sos" inside a word
    assert detect_danger("Pukul berapa saya harus datang?") == []  # pukul = o'clock
    assert detect_danger("Apa ancaman pidana dalam UU TPPO?") == ["trafficking"]  # the law's name, not a threat


def test_no_referral_for_an_ordinary_question():
    settings = Settings(safety_contacts=["Hotline BP2MI: 0800-1000"])
    assert referral_notice("Apa tujuan ke-10 GCM?", "id", settings) is None


def test_referral_names_the_configured_contacts_in_the_question_language(monkeypatch):
    monkeypatch.setenv("KB_SAFETY_CONTACTS", json.dumps(["Hotline BP2MI: 0800-1000", "KBRI Kuala Lumpur: +60 3 0000"]))
    settings = Settings()
    notice = referral_notice("Paspor saya ditahan majikan", "id", settings)
    assert "Hotline BP2MI: 0800-1000" in notice and "KBRI Kuala Lumpur: +60 3 0000" in notice
    assert "polisi" in notice and "Kedutaan" in notice
    english = referral_notice("My employer took my passport", "en", settings)
    assert "Hotline BP2MI: 0800-1000" in english and "police" in english and "embassy" in english
    assert "polisi" not in english


def test_english_contacts_when_configured_apart(tmp_path, monkeypatch):
    config = tmp_path / "kb.toml"
    config.write_text('safety_contacts = ["Polisi: 110"]\nsafety_contacts_en = ["Police: 110 (from a local phone)"]\n',
                      encoding="utf-8")
    monkeypatch.setenv("KB_CONFIG", str(config))
    settings = Settings()
    assert "Police: 110 (from a local phone)" in referral_notice("I was trafficked", "en", settings)
    assert "Polisi: 110" in referral_notice("Saya korban TPPO", "id", settings)
    assert "Police: 110" not in referral_notice("Saya korban TPPO", "id", settings)


def test_without_contacts_the_notice_gives_no_number_at_all():
    settings = Settings()
    assert settings.safety_contacts == []
    for language in ("id", "en", "fr"):
        notice = referral_notice("Saya disekap dan dipukul", language, settings)
        assert notice, language
        assert not re.search(r"\d", notice), "no phone number may be invented"
    assert "Konsulat" in referral_notice("Saya disekap", "id", settings)
    assert "consulate" in referral_notice("I am locked in", "en", settings)


def test_referral_can_be_switched_off():
    assert referral_notice("Saya disekap", "id", Settings(safety_referral=False)) is None


# -- rate limit ----------------------------------------------------------------------------


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_one_question_per_interval():
    clock = Clock()
    limiter = RateLimiter(per_minute=10, clock=clock)
    assert [limiter.allow("1.2.3.4") for _ in range(12)] == [True] * 10 + [False, False]
    assert limiter.retry_after("1.2.3.4") == pytest.approx(6.0)
    assert limiter.allow("5.6.7.8"), "each client has its own bucket"
    clock.now += 3
    assert not limiter.allow("1.2.3.4") and limiter.retry_after("1.2.3.4") == pytest.approx(3.0)
    clock.now += 3
    assert limiter.retry_after("1.2.3.4") == 0 and limiter.allow("1.2.3.4")
    assert not limiter.allow("1.2.3.4")


def test_explicit_burst_and_unlimited():
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=2, clock=clock)
    assert [limiter.allow("c") for _ in range(3)] == [True, True, False]
    assert limiter.retry_after("c") == pytest.approx(1.0)
    unlimited = RateLimiter(per_minute=0, clock=clock)
    assert all(unlimited.allow("c") for _ in range(10_000)) and unlimited.retry_after("c") == 0


def test_threads_never_get_more_than_the_bucket_holds():
    limiter = RateLimiter(per_minute=1, burst=50, clock=Clock())
    granted = []
    lock = threading.Lock()

    def ask():
        mine = sum(limiter.allow("one client") for _ in range(200))
        with lock:
            granted.append(mine)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(granted) == 50


def test_idle_clients_are_forgotten_and_memory_is_capped():
    clock = Clock()
    limiter = RateLimiter(per_minute=10, clock=clock)
    for n in range(300):
        limiter.allow(f"10.0.{n // 256}.{n % 256}")
    assert limiter.clients() == 300
    clock.now += 61  # every bucket has refilled: the same as never seen
    for n in range(256):
        limiter.allow("192.168.0.1")
    assert limiter.clients() == 1
    capped = RateLimiter(per_minute=10, clock=clock, max_clients=100)
    for n in range(1000):
        capped.allow(f"client-{n}")
    assert capped.clients() <= 101


# -- staff credentials ---------------------------------------------------------------------


def test_hash_and_verify():
    encoded = hash_password("correct horse battery")
    scheme, n, r, p, salt, digest = encoded.split("$")
    assert scheme == "scrypt" and int(n) >= 2**14 and salt and digest
    assert "correct horse" not in encoded
    assert verify_password("correct horse battery", encoded)
    assert not verify_password("correct horse batterY", encoded)
    assert hash_password("correct horse battery") != encoded, "a fresh salt each time"
    assert not verify_password("correct horse battery", "correct horse battery")
    assert not verify_password("x", "scrypt$garbage")
    with pytest.raises(ValueError):
        hash_password("short")


def test_pbkdf2_hashes_are_accepted():
    import base64
    import hashlib

    salt = b"0123456789abcdef"
    digest = hashlib.pbkdf2_hmac("sha256", b"another long password", salt, 600_000)
    encoded = f"pbkdf2_sha256$600000${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    assert verify_password("another long password", encoded)
    assert not verify_password("another long passw0rd", encoded)
    weak = f"pbkdf2_sha256$1000${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    assert not verify_password("another long password", weak)


def test_credentials_from_environment_and_from_kb_toml(tmp_path, monkeypatch):
    assert staff_users(Settings()) == {} and not console_enabled(Settings())
    encoded = hash_password("staff password 1")
    monkeypatch.setenv("KB_STAFF_USERS", json.dumps({"admin": encoded}))
    settings = Settings()
    assert console_enabled(settings)
    assert check_credentials("admin", "staff password 1", settings)
    assert not check_credentials("admin", "staff password 2", settings)
    assert not check_credentials("nobody", "staff password 1", settings)
    assert not check_credentials("", "", settings)

    monkeypatch.delenv("KB_STAFF_USERS")
    config = tmp_path / "kb.toml"
    config.write_text(f'[staff_users]\nsiti = "{encoded}"\n', encoding="utf-8")
    monkeypatch.setenv("KB_CONFIG", str(config))
    assert check_credentials("siti", "staff password 1", Settings())


def test_a_plain_password_is_refused_clearly(monkeypatch):
    monkeypatch.setenv("KB_STAFF_USERS", json.dumps({"admin": "hunter2hunter2"}))
    settings = Settings()
    with pytest.raises(CredentialsError, match="plain password.*kb staff hash-password"):
        staff_users(settings)
    with pytest.raises(CredentialsError):
        check_credentials("admin", "hunter2hunter2", settings)
    with pytest.raises(CredentialsError, match="malformed"):
        staff_users(Settings(staff_users={"admin": "scrypt$1$2$3"}))


def test_kb_staff_hash_password_prints_a_working_configuration(tmp_path):
    done = subprocess.run([*KB, "staff", "hash-password", "--password-stdin", "--user", "siti"],
                          input="a long staff password\n", cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert verify_password("a long staff password", lines[0])
    export = next(line for line in lines if line.startswith("export KB_STAFF_USERS="))
    value = export.split("=", 1)[1].strip("'")
    assert check_credentials("siti", "a long staff password", Settings(staff_users=json.loads(value)))
    toml_text = done.stdout[done.stdout.index("[staff_users]"):]
    config = tmp_path / "kb.toml"
    config.write_text(toml_text, encoding="utf-8")
    env = {**os.environ, "KB_CONFIG": str(config)}
    check = subprocess.run([sys.executable, "-c", "from kb.settings import Settings; from app.auth import "
                            "check_credentials as c; print(c('siti', 'a long staff password', Settings()))"],
                           env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert check.stdout.strip() == "True", check.stderr

    done = subprocess.run([*KB, "staff", "hash-password", "--password-stdin"], input="short\n", cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "at least" in done.stderr


def test_kb_serve_refuses_to_start_with_a_plain_password(kb_home):
    env = {**os.environ, "KB_HOME": str(kb_home), "KB_STAFF_USERS": '{"admin": "plain-password"}'}
    done = subprocess.run([*KB, "serve", "--port", "1"], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2
    assert "plain password" in done.stderr and "kb staff hash-password" in done.stderr


# -- audit log -----------------------------------------------------------------------------


def test_audit_lines_newest_first_with_user_time_and_details(tmp_path):
    log = AuditLog.from_settings(Settings(home=tmp_path / "home"))
    log.write("admin", "upload", file="laporan.pdf", doc_id="abc")
    log.write("siti", "remove", doc_id="abc")
    assert log.path == tmp_path / "home" / "audit.log"
    entries = log.read()
    assert [entry["action"] for entry in entries] == ["remove", "upload"]
    assert entries[1] == {"time": entries[1]["time"], "user": "admin", "action": "upload", "file": "laporan.pdf",
                          "doc_id": "abc"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", entries[0]["time"])
    assert [entry["action"] for entry in log.read(limit=1)] == ["remove"]
    with log.path.open("a", encoding="utf-8") as handle:
        handle.write('{"time": "2025-01-01T00:00:00+00:00", "user": "x", "act')  # a line cut short by a crash
    assert len(log.read()) == 2
    assert AuditLog.from_settings(Settings(home=tmp_path, audit_log=tmp_path / "elsewhere.jsonl")).path == \
        tmp_path / "elsewhere.jsonl"


def test_concurrent_writers_never_interleave_lines(tmp_path):
    path = tmp_path / "audit.log"
    writer = (
        "import sys\n"
        "from app.audit import AuditLog\n"
        "log = AuditLog(sys.argv[1])\n"
        "for i in range(100):\n"
        "    log.write(sys.argv[2], 'upload', n=i, padding='x' * 5000)\n"
    )
    processes = [subprocess.Popen([sys.executable, "-c", writer, str(path), f"p{n}"], cwd=PROJECT_ROOT)
                 for n in range(3)]
    log = AuditLog(path)
    threads = [threading.Thread(target=lambda n=n: [log.write(f"t{n}", "set", n=i, padding="y" * 5000)
                                                    for i in range(100)]) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [process.wait(timeout=120) for process in processes] == [0, 0, 0]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 600
    entries = [json.loads(line) for line in lines]  # every line whole
    for user in ("p0", "p1", "p2", "t0", "t1", "t2"):
        assert [entry["n"] for entry in entries if entry["user"] == user] == list(range(100))


def test_os_user_names_who_runs_the_command():
    import getpass

    assert os_user() == getpass.getuser()
