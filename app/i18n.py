"""The web app's words in Bahasa Indonesia and English.

Most visitors read Indonesian, so it is the default; English is one switch away, and a browser
that prefers English (and not Indonesian) gets it from the start. Answers themselves follow the
question's language (kb.answer_messages); these are the page's own labels and messages.
"""

from __future__ import annotations

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
LANGUAGE_CHOICES = [("Bahasa Indonesia", "id"), ("English", "en")]

STRINGS: dict[str, dict[str, str]] = {
    "id": {
        "page_title": "Basis Pengetahuan Tata Kelola Migrasi",
        "header": "## Basis Pengetahuan Tata Kelola Migrasi\n"
        "Tanyakan tentang IOM, Global Compact for Migration (GCM), Rencana Aksi Nasional GCM Indonesia, "
        "dan peraturan pekerja migran Indonesia. Setiap jawaban menyebutkan sumbernya.",
        "language": "Bahasa / Language",
        "chat": "Percakapan",
        "chat_placeholder": "Ajukan pertanyaan tentang tata kelola migrasi. Jawaban dikutip dari dokumen, "
        "dengan tautan ke sumbernya.",
        "question": "Pertanyaan Anda",
        "question_placeholder": "Contoh: Sejak kapan IOM hadir di Indonesia?",
        "send": "Kirim",
        "start_over": "Mulai dari awal",
        "examples": "Contoh pertanyaan",
        "comment": "Komentar (opsional): tulis di sini, lalu tekan jempol atas atau bawah di bawah jawaban",
        "comment_placeholder": "Apa yang kurang tepat atau membantu?",
        "feedback_thanks": "Terima kasih, masukan Anda sudah dicatat.",
        "feedback_nothing": "Tidak ada jawaban untuk dinilai.",
        "sources": "Sumber jawaban terakhir",
        "sources_empty": "Sumber jawaban akan tampil di sini, lengkap dengan kutipan dan tautan ke dokumennya.",
        "sources_none": "Jawaban terakhir tidak mengutip dokumen.",
        "page": "hal. {page}",
        "doc_language": "bahasa: {lang}",
        "open_document": "Buka dokumen",
        "open_document_page": "Buka dokumen di hal. {page}",
        "ocr_note": "teks dibaca dengan OCR dari pindaian; mungkin ada salah baca",
        "not_in_documents": "Tidak ditemukan dalam dokumen.",
        "thinking": "Mencari di dokumen …",
        "rate_limited": "Terlalu banyak pertanyaan dari alamat Anda. Silakan coba lagi dalam {seconds} detik.",
        "empty_question": "Tulis pertanyaan terlebih dahulu.",
        "error": "Maaf, terjadi kesalahan saat menjawab. Silakan coba lagi.",
        "referral_title": "Penting",
        "footer": "Jawaban dikutip dari dokumen; periksa sumbernya sebelum bertindak. "
        "[Konsol staf](staff/) · API: `gradio_client` (lihat README)",
        "lang_id": "Indonesia",
        "lang_en": "Inggris",
    },
    "en": {
        "page_title": "Migration Governance Knowledge Base",
        "header": "## Migration Governance Knowledge Base\n"
        "Ask about IOM, the Global Compact for Migration (GCM), Indonesia's National Action Plan for the GCM "
        "and Indonesian migrant-worker law. Every answer names its sources.",
        "language": "Bahasa / Language",
        "chat": "Conversation",
        "chat_placeholder": "Ask a question about migration governance. Answers are quoted from the documents, "
        "with links to their sources.",
        "question": "Your question",
        "question_placeholder": "For example: Since when has IOM been present in Indonesia?",
        "send": "Send",
        "start_over": "Start over",
        "examples": "Example questions",
        "comment": "Comment (optional): write it here, then press thumbs up or down under the answer",
        "comment_placeholder": "What was wrong or helpful?",
        "feedback_thanks": "Thank you, your feedback has been recorded.",
        "feedback_nothing": "There is no answer to rate.",
        "sources": "Sources of the last answer",
        "sources_empty": "The sources of an answer appear here, with the quoted passage and a link to the document.",
        "sources_none": "The last answer quotes no document.",
        "page": "p. {page}",
        "doc_language": "language: {lang}",
        "open_document": "Open the document",
        "open_document_page": "Open the document at p. {page}",
        "ocr_note": "text read by OCR from a scan; it may hold misread characters",
        "not_in_documents": "Not found in the documents.",
        "thinking": "Searching the documents …",
        "rate_limited": "Too many questions from your address. Please try again in {seconds} seconds.",
        "empty_question": "Please write a question first.",
        "error": "Sorry, something went wrong while answering. Please try again.",
        "referral_title": "Important",
        "footer": "Answers are quoted from the documents; check the sources before acting on them. "
        "[Staff console](staff/) · API: `gradio_client` (see the README)",
        "lang_id": "Indonesian",
        "lang_en": "English",
    },
}

EXAMPLES: dict[str, list[str]] = {
    "id": [
        "Sejak kapan IOM hadir di Indonesia?",
        "Apakah pekerja migran berhak atas salinan perjanjian kerja?",
        "Siapa yang dimaksud dengan korban perdagangan orang?",
        "Apa status UU 39/2004 tentang penempatan TKI?",
    ],
    "en": [
        "When was IOM founded?",
        "Does a migrant worker have the right to a copy of the work contract?",
        "Who is a victim of trafficking in persons?",
        "What is the Global Compact for Migration?",
    ],
}
"""Questions the bundled sample documents answer (checked with `kb ask`), so that a first visitor
sees what a good answer looks like."""


def text(language: str, key: str, **values) -> str:
    """The page's text ``key`` in ``language`` (Indonesian for a language we do not have)."""
    table = STRINGS.get(language, STRINGS[DEFAULT_LANGUAGE])
    return table[key].format(**values) if values else table[key]


def language_label(ui_language: str, code: str | None) -> str:
    """A document language's name in the page's language; codes we have no name for stay codes."""
    if code in LANGUAGES:
        return text(ui_language, f"lang_{code}")
    return code or "?"


def preferred_language(accept_language: str | None, requested: str | None = None) -> str:
    """The page language: ``?lang=`` when valid, else the first of the browser's languages we
    have (Malay read as Indonesian), else Indonesian."""
    if requested in LANGUAGES:
        return requested
    ranked = []
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        primary = "id" if primary in ("ms", "in") else primary
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return sorted(ranked)[0][2] if ranked else DEFAULT_LANGUAGE
