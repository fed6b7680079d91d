"""Language detection for documents, chunks and questions.

py3langid is small, offline and fast (microseconds a call). It confuses Indonesian with Malay
on short texts; the two are close enough that our users read both, so ``ms`` is reported as
``id``. Text too short to judge is reported as ``und`` (undetermined) rather than guessed.
"""

from __future__ import annotations

from functools import lru_cache

MIN_LETTERS = 12
UNDETERMINED = "und"


@lru_cache(maxsize=8)
def _identifier(languages: tuple[str, ...]):
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True, langs=list(languages))


def detect_language(text: str, languages: tuple[str, ...] = ("id", "en", "ms", "nl")) -> str:
    """ISO 639-1 code of ``text``'s language among ``languages``, or ``und`` when too short."""
    return classify_language(text, languages)[0]


def classify_language(text: str, languages: tuple[str, ...] = ("id", "en", "ms", "nl")) -> tuple[str, float]:
    """``text``'s language among ``languages`` and the detector's probability for it (``und``, 0.0 when
    too short). On a heading of a few words the guess is often a coin toss ("Personal Status": ms,
    0.22), and a caller acting on it should want the probability high."""
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return UNDETERMINED, 0.0
    code, probability = _identifier(tuple(languages)).classify(text)
    return ("id" if code == "ms" else code), float(probability)


def dominant_language(codes: list[str], weights: list[int]) -> str:
    """The language holding most of a document's text (weights are chunk lengths)."""
    totals: dict[str, int] = {}
    for code, weight in zip(codes, weights):
        if code != UNDETERMINED:
            totals[code] = totals.get(code, 0) + weight
    return max(totals, key=totals.__getitem__) if totals else UNDETERMINED
