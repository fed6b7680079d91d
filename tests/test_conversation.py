"""Follow-up questions made standalone from the conversation (the heuristic, no model)."""

from __future__ import annotations

import pytest

from kb.conversation import is_follow_up, standalone_question, user_questions


def history_of(*questions: str, answers: bool = True) -> list[dict]:
    messages = []
    for question in questions:
        messages.append({"role": "user", "content": question})
        if answers:
            messages.append({"role": "assistant", "content": "Menurut dokumen: ... [1]"})
    return messages


@pytest.mark.parametrize(
    "question",
    [
        "Kapan yang di Makassar?",
        "dan yang di Makassar?",
        "Itu diatur di pasal berapa?",
        "Berapa jam kerja maksimal mereka sehari?",
        "Lalu restitusi untuk korbannya harus diberikan dalam berapa hari?",
        "Which article is that?",
        "Can he be re-elected?",
        "What about Malaysia?",
        "Kenapa?",
    ],
)
def test_questions_leaning_on_the_conversation_are_follow_ups(question):
    assert is_follow_up(question)


@pytest.mark.parametrize(
    "question",
    [
        "Kalau saya kerja di luar negeri, apa saya berhak pegang paspor saya sendiri?",
        "Since when have Singapore employers had to pay a monthly levy for Work Permit holders?",
        "Apa status Rencana Aksi Nasional GCM di Indonesia?",
        "Which GCM objective deals with locking up migrants in immigration detention?",
    ],
)
def test_questions_naming_their_own_topic_stand_alone(question):
    assert not is_follow_up(question)


def test_follow_up_is_joined_to_the_previous_question_and_keeps_its_language():
    history = history_of("Di kota mana saja IOM mengadakan lokakarya GCM?")
    standalone = standalone_question("Kapan yang di Makassar?", history)
    assert standalone.follow_up
    assert standalone.question == "Kapan yang di Makassar?"
    assert standalone.context == "kota IOM mengadakan lokakarya GCM"  # topic words, not "di mana saja"
    assert standalone.text == "Kapan yang di Makassar? kota IOM mengadakan lokakarya GCM"
    assert standalone.language == "id"  # too short to tell on its own: the conversation's language


def test_new_question_after_a_conversation_is_left_alone():
    history = history_of("Di kota mana saja IOM mengadakan lokakarya GCM?")
    question = "Since when have Singapore employers had to pay a monthly levy for Work Permit holders?"
    standalone = standalone_question(question, history)
    assert not standalone.follow_up and standalone.text == question and standalone.language == "en"


def test_chain_of_follow_ups_keeps_the_first_topic():
    history = history_of("What does the IOM constitution say about the Director General?", "How is he elected?")
    standalone = standalone_question("Can he be re-elected?", history)
    assert standalone.question == "Can he be re-elected?" and "Director General" in standalone.context


def test_names_and_numbers_of_the_earlier_question_keep_their_form():
    standalone = standalone_question("Itu diatur di pasal berapa?", history_of("Apa hak pekerja migran menurut UU 18/2017?"))
    assert "UU 18/2017" in standalone.context and "Apa" not in standalone.context


def test_without_history_the_question_is_unchanged():
    standalone = standalone_question("  Kapan   yang di Makassar? ", None)
    assert standalone.text == "Kapan yang di Makassar?" and not standalone.follow_up


def test_history_as_pairs_and_messages_give_the_same_questions():
    pairs = [["Apa itu GCM?", "GCM adalah ..."], ["Kapan disahkan?", "Pada 2018 ..."]]
    assert user_questions(pairs) == user_questions(history_of("Apa itu GCM?", "Kapan disahkan?"))
