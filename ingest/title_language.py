"""A document's title in a language its readers read.

The knowledge base is read in Indonesian and English. Bilingual sources name a document twice:
the Dutch treaty database opens each treaty with its Dutch name ("##Universele Verklaring van de
Rechten van de Mens") and then its English one ("####Universal Declaration of Human Rights"),
and the Dutch translation that follows the English text makes Dutch the documents' main language
by length. The first heading is the obvious title, but a reader of the citation, and the
embedder that puts the title in front of every chunk (kb.passage_text), are better served by
the English name: with it, "Hak untuk mencari suaka diatur di pasal berapa Deklarasi Universal
Hak Asasi Manusia?" finds Article 14 in the top 3, where before no retriever had it in its top 10.
Together with the PDF cover titles (ingest.loaders.pdf_title), passage Recall@5 on our question
set rose from 0.76 to 0.82, crossed-language from 0.65 to 0.75 (`kb eval`, corpus store).

Short headings are where language detection guesses ("Personal Status" comes out Malay with a
probability of 0.22), so a title is only replaced when the detector is fairly sure of both:
the title is in another language, and the candidate is in one the readers read.
"""

from __future__ import annotations

from kb.language import UNDETERMINED, classify_language

READER_LANGUAGES = ("id", "en")
"""The languages the knowledge base answers in (kb.answer_messages)."""
MIN_PROBABILITY = 0.5
"""The detector's probability needed for each of the two judgements. The Dutch treaty names score
0.58 to 1.0 as Dutch, their English names 0.75 to 1.0 as English; misread English headings of
two or three words score under 0.3."""


def title_for_readers(title: str | None, candidates: list[str], languages: tuple[str, ...]) -> str | None:
    """``title``, or the first of ``candidates`` in a reader language when ``title`` is confidently in another."""
    if not title or not candidates:
        return title
    title_language, probability = classify_language(title, languages)
    if title_language in (UNDETERMINED, *READER_LANGUAGES) or probability < MIN_PROBABILITY:
        return title
    for candidate in candidates:
        language, probability = classify_language(candidate, languages)
        if language in READER_LANGUAGES and probability >= MIN_PROBABILITY:
            return candidate
    return title
