"""A document's title in the document's own language.

Bilingual sources name a document twice: the Dutch treaty database opens each English treaty
with its Dutch name ("##Universele Verklaring van de Rechten van de Mens") and then its English
one ("####Universal Declaration of Human Rights"). The first heading is the obvious title, but a
reader of an English document, and the embedder that puts the title in front of every chunk
(kb.passage_text), are better served by the name in the language the document is written in.
With the English names, crossed-language passage Recall@5 on our question set rose (see
docs/benchmarks.md, "Retrieval").

Short headings are where language detection guesses ("Personal Status" comes out Malay with a
probability of 0.22), so a title is only replaced when the detector is fairly sure of both:
the title is in another language, and the candidate is in the document's.
"""

from __future__ import annotations

from kb.language import UNDETERMINED, classify_language

MIN_PROBABILITY = 0.5
"""The detector's probability needed for each of the two judgements. The Dutch treaty names score
0.58 to 1.0 as Dutch, their English names 0.75 to 1.0 as English; misread English headings of
two or three words score under 0.3."""


def title_in_document_language(
    title: str | None, candidates: list[str], document_language: str, languages: tuple[str, ...]
) -> str | None:
    """``title``, or the first of ``candidates`` in ``document_language`` when ``title`` is in another."""
    if not title or not candidates or document_language == UNDETERMINED:
        return title
    title_language, probability = classify_language(title, languages)
    if title_language in (UNDETERMINED, document_language) or probability < MIN_PROBABILITY:
        return title
    for candidate in candidates:
        language, probability = classify_language(candidate, languages)
        if language == document_language and probability >= MIN_PROBABILITY:
            return candidate
    return title
