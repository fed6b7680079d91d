"""Whether a PDF page's own text layer can be trusted, or the page must be read by OCR.

The rule was measured on the 335 pages of the nine PDFs in ../shared/corpus (IOM and World
Bank reports, all born digital) and on the sample statutes and treaties:

- *Too little text.* A scanned page carries thousands of letters in its picture; what its
  text layer holds, if anything, is a stamp or a watermark ("SALINAN", a web address). Real
  pages under ``MIN_LETTERS`` letters were covers and full-page figures, all of which show a
  picture, so a sparse page is read again only when it shows one: a near-empty page drawn
  with text alone (a divider, "Annex 2") has nothing more to give.
- *Mostly garbage.* A font without a usable Unicode map yields text in which words are
  runs of wrong letters ("Wkh Vwdwhv Sduwlhv") or private-use and control characters. In
  real text almost every word of two or more letters has a vowel: at least 85% on every
  corpus page (tables and reference lists included), above 98.8% on every sample document;
  a Caesar-shifted page of the Indonesian statute measured 65%. ``MIN_WORDLIKE_SHARE`` sits
  between. Such a page is read by OCR whatever it shows, since the glyphs drawn on it are
  right even when their text is not.

On the corpus this sends 5 of the 335 pages to OCR, all pictures with text in them that the
text layer lacked: a list of acronyms and a survey chart set as images, a back cover, chart
labels.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

MIN_LETTERS = 50
"""Fewer letters than this, on a page that shows a picture, and the page is OCRed."""
MIN_WORDLIKE_SHARE = 0.75
"""Below this share of words with a vowel, the text layer is garbage."""
MIN_WORDS_TO_JUDGE = 10
"""Fewer words than this say too little about the text layer to call it garbage."""
MAX_UNPRINTABLE_SHARE = 0.05
"""Above this share of control, private-use, unassigned or replacement characters: garbage."""

_WORD = re.compile(r"[^\W\d_]{2,}")
_VOWELS = frozenset("aeiouyAEIOUY")
_UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Co", "Cn", "Cs"})


def letter_count(text: str) -> int:
    return sum(1 for character in text if character.isalpha())


def is_garbage(text: str) -> bool:
    """Text that is no language: mostly words without vowels, or unprintable characters."""
    visible = [character for character in text if not character.isspace()]
    if not visible:
        return False
    unprintable = sum(1 for character in visible if _is_unprintable(character))
    if unprintable / len(visible) > MAX_UNPRINTABLE_SHARE:
        return True
    words = _WORD.findall(text)
    if len(words) < MIN_WORDS_TO_JUDGE:
        return False
    wordlike = sum(1 for word in words if _has_vowel(word))
    return wordlike / len(words) < MIN_WORDLIKE_SHARE


def needs_ocr(text: str, shows_picture: Callable[[], bool]) -> bool:
    """Whether a page with this text layer should be read by OCR instead.

    A page without a single letter is read whatever it shows: it is blank (OCR finds nothing,
    in well under a second), or its text was drawn as outlines. ``shows_picture`` is asked
    only for sparse pages, since finding a page's images means walking its resources.
    """
    if is_garbage(text):
        return True
    letters = letter_count(text)
    return letters == 0 or (letters < MIN_LETTERS and shows_picture())


def _is_unprintable(character: str) -> bool:
    return character == "\ufffd" or unicodedata.category(character) in _UNPRINTABLE_CATEGORIES


def _has_vowel(word: str) -> bool:
    """Accented vowels count: "é" decomposes to "e" and a combining mark."""
    return any(base in _VOWELS for base in unicodedata.normalize("NFD", word))
