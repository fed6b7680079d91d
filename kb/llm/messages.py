"""Notes shown when a generated answer gives way to the default one, in the question's language.

The reader should know why an answer is a plain quotation of the documents rather than the
written answer they may have seen before, and that nothing is wrong with their question.
"""

from __future__ import annotations

FALLBACK_NOTES: dict[str, dict[str, str]] = {
    "id": {
        "unavailable": "Model bahasa sedang tidak dapat dihubungi, jadi jawaban ini mengutip dokumen secara langsung.",
        "timeout": "Model bahasa terlalu lama menjawab, jadi jawaban ini mengutip dokumen secara langsung.",
        "empty": "Model bahasa tidak memberikan jawaban, jadi jawaban ini mengutip dokumen secara langsung.",
        "uncited": "Jawaban model bahasa tidak menyebut sumbernya, jadi jawaban ini mengutip dokumen secara langsung.",
    },
    "en": {
        "unavailable": "The language model could not be reached, so this answer quotes the documents directly.",
        "timeout": "The language model took too long to answer, so this answer quotes the documents directly.",
        "empty": "The language model gave no answer, so this answer quotes the documents directly.",
        "uncited": "The language model's answer cited no source, so this answer quotes the documents directly.",
    },
}

FALLBACK_REASONS = tuple(FALLBACK_NOTES["en"])


def fallback_note(language: str, reason: str) -> str:
    """Why the default answer is shown (Indonesian when the language is neither)."""
    return FALLBACK_NOTES.get(language, FALLBACK_NOTES["id"])[reason]
