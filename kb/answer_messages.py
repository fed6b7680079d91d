"""The fixed text of answers, in the question's language (Bahasa Indonesia or English).

Evidence is quoted in its own language; these messages frame it, say when its language
differs from the question's, and explain a refusal: why, when the answerer knows ("the documents
do not mention “Taiwan”", "the closest passages give no amount of money"), so that the user
knows what to ask instead, then what the knowledge base covers.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "id": {
        "intro": "Menurut dokumen:",
        "quoted_in": "Kutipan berikut dalam bahasa {language}, bahasa dokumen aslinya.",
        "partly_quoted_in": "Sebagian kutipan berikut dalam bahasa {language}, bahasa dokumen aslinya.",
        "refusal": (
            "Maaf, {reason} Basis pengetahuan ini mencakup dokumen IOM, Global Compact for Migration (GCM), "
            "Rencana Aksi Nasional GCM Indonesia, dan peraturan tentang pekerja migran Indonesia. Coba sebutkan "
            "nama dokumen, pasal, program, atau tempat yang Anda maksud."
        ),
        "not_answered": "dokumen dalam basis pengetahuan ini tidak memuat jawaban untuk pertanyaan tersebut.",
        "missing_name": (
            "bagian dokumen yang paling sesuai dengan pertanyaan tersebut tidak menyebut “{name}”, jadi dokumen "
            "ini tidak memuat jawabannya."
        ),
        "missing_kind": (
            "bagian dokumen yang paling sesuai dengan pertanyaan tersebut tidak menyebut {kind} yang ditanyakan, "
            "jadi dokumen ini tidak memuat jawabannya."
        ),
        "kind_count": "jumlah",
        "kind_quantity": "jumlah",
        "kind_money": "besaran uang",
        "kind_percent": "persentase",
        "kind_age": "usia",
        "kind_person": "nama orang",
        "kind_time": "tanggal atau waktu",
        "kind_provision": "nomor pasal",
        "kind_number": "angka",
        "repealed": "dokumen ini sudah dicabut{by}; jangan dianggap sebagai hukum yang berlaku",
        "superseded": "dokumen ini sudah digantikan{by}",
        "by": " oleh {what}",
        "en": "Inggris",
        "id": "Indonesia",
    },
    "en": {
        "intro": "According to the documents:",
        "quoted_in": "The passages below are quoted in {language}, the language of the original document.",
        "partly_quoted_in": (
            "Some of the passages below are quoted in {language}, the language of their original document."
        ),
        "refusal": (
            "Sorry, {reason} This knowledge base covers IOM documents, the Global Compact for Migration (GCM), "
            "Indonesia's National Action Plan for the GCM and Indonesian law on migrant workers. Try naming the "
            "document, article, programme or place you mean."
        ),
        "not_answered": "the documents in this knowledge base do not answer that question.",
        "missing_name": (
            "the passages that best match that question do not mention “{name}”, so the documents do not answer "
            "it."
        ),
        "missing_kind": (
            "the passages that best match that question give no {kind}, so the documents do not answer it."
        ),
        "kind_count": "number",
        "kind_quantity": "number",
        "kind_money": "amount of money",
        "kind_percent": "percentage",
        "kind_age": "age",
        "kind_person": "name",
        "kind_time": "date",
        "kind_provision": "article number",
        "kind_number": "number",
        "repealed": "this document has been repealed{by}; do not treat it as law in force",
        "superseded": "this document has been superseded{by}",
        "by": " by {what}",
        "en": "English",
        "id": "Indonesian",
    },
}


def message(question_language: str, key: str, **values: str) -> str:
    """A message in the question's language (Indonesian when it is neither)."""
    table = MESSAGES.get(question_language, MESSAGES["id"])
    return table[key].format(**values)


def refusal_text(question_language: str, reason: str | None = None) -> str:
    """The refusal: ``reason`` (a message of this table, already filled in) or the plain "the
    documents do not answer that question", then what the knowledge base covers."""
    return message(question_language, "refusal", reason=reason or message(question_language, "not_answered"))


def status_note(language: str, status: str | None, replaced_by: str | None) -> str | None:
    """"repealed by UU 18/2017" in the question's language, or None for a document in force."""
    if status not in ("repealed", "superseded"):
        return None
    by = message(language, "by", what=replaced_by) if replaced_by else ""
    return message(language, status, by=by)


def language_name(question_language: str, evidence_language: str) -> str:
    table = MESSAGES.get(question_language, MESSAGES["id"])
    return table.get(evidence_language, evidence_language)
