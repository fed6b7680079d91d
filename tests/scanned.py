"""Scanned pages made from real text, for the OCR tests and benchmark.

A scan is simulated the way one is made: the text is typeset on an A4 page at 200 dpi with a
Debian font, and the picture alone goes into the PDF, so the file has no text layer. The
degraded variant adds what a cheap office scanner adds (a slight skew, blur, sensor noise),
with a fixed seed so that every run reads the same pixels.

The source text is kept beside each picture: OCR output is scored against exactly what was
drawn (``character_error_rate``), not against the Markdown file it came from.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SAMPLE_DOCUMENTS = Path(__file__).resolve().parents[1] / "sample" / "documents"
INDONESIAN_STATUTE = SAMPLE_DOCUMENTS / "id_uu_18_2017_pelindungan_pekerja_migran_indonesia.md"
ENGLISH_TREATY = SAMPLE_DOCUMENTS / "un_protocol_trafficking_in_persons_2000_en_nl.md"

FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DPI = 200
A4_INCHES = (8.27, 11.69)
MARGIN_INCHES = 1.0
FONT_POINTS = 12
LINE_SPACING = 1.4


@dataclass(frozen=True)
class ScannedPage:
    image: Image.Image
    text: str
    """What was drawn, line by line."""


def source_text(path: Path) -> str:
    """The running text of a sample document: provenance line, Markdown and HTML marks and the
    OCR carets of the statute transcripts removed, whitespace collapsed into single spaces."""
    lines = path.read_text(encoding="utf-8").splitlines()
    body = [line for line in lines if not line.startswith("Source:") and not line.lstrip().startswith("<")]
    text = " ".join(body)
    text = text.replace("^", "")
    text = re.sub(r"#+", " ", text)
    text = re.sub(r"[*_`|]", " ", text)
    return " ".join(text.split())


def page_texts(path: Path, pages: int, *, skip_pages: int = 0) -> list[str]:
    """``pages`` consecutive page-fuls of a sample document's text, as the lines each page shows."""
    font = _font()
    words = source_text(path).split()
    result: list[str] = []
    for index in range(skip_pages + pages):
        lines, words = _fill_page(words, font)
        if not lines:
            break
        if index >= skip_pages:
            result.append("\n".join(lines))
    return result


def render_page(text: str, *, degraded: bool = False, seed: int = 0) -> ScannedPage:
    """A white A4 page at 200 dpi with ``text`` (already cut into lines) typeset in black."""
    width, height = (round(side * DPI) for side in A4_INCHES)
    margin = round(MARGIN_INCHES * DPI)
    font = _font()
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    y = margin
    for line in text.splitlines():
        draw.text((margin, y), line, font=font, fill=0)
        y += _line_height(font)
    if degraded:
        image = degrade(image, seed=seed)
    return ScannedPage(image=image, text=text)


def degrade(image: Image.Image, *, seed: int = 0) -> Image.Image:
    """A 1 degree skew, a slight blur and sensor noise, as from a cheap flatbed scanner."""
    skewed = image.rotate(1.0, resample=Image.BICUBIC, fillcolor=255, expand=False)
    blurred = skewed.filter(ImageFilter.GaussianBlur(radius=1.0))
    pixels = np.asarray(blurred, dtype=np.float32)
    noise = np.random.default_rng(seed).normal(0.0, 25.0, pixels.shape)
    return Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8), mode="L")


def image_only_pdf(pages: list[Image.Image]) -> bytes:
    """A PDF of pictures and nothing else, sized so that each page is A4 at 200 dpi."""
    buffer = io.BytesIO()
    first, *rest = pages
    first.save(buffer, format="PDF", resolution=DPI, save_all=True, append_images=rest)
    return buffer.getvalue()


def make_scanned_pdf(path: Path, texts: list[str], *, degraded: bool = False) -> Path:
    images = [render_page(text, degraded=degraded, seed=index).image for index, text in enumerate(texts)]
    path.write_bytes(image_only_pdf(images))
    return path


def make_mixed_pdf(path: Path, pages: list[tuple[str, str]]) -> Path:
    """A PDF whose pages are ``("text", ...)`` (a real text layer) or ``("scan", ...)`` (a picture)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=11)
    for kind, text in pages:
        pdf.add_page()
        if kind == "text":
            pdf.multi_cell(0, 6, text)
        else:
            picture = io.BytesIO()
            render_page(text).image.save(picture, format="PNG")
            pdf.image(picture, x=0, y=0, w=pdf.w, h=pdf.h)
    path.write_bytes(bytes(pdf.output()))
    return path


def phrase_from(page_text: str, words: int = 9) -> str:
    """``words`` words from two thirds down a page, to search for that page: a chunk holding
    them starts on that page, since a chunk is about a third of a page and takes the page
    it starts on."""
    lines = page_text.splitlines()
    return " ".join(" ".join(lines[len(lines) * 2 // 3 :]).split()[:words])


# -------------------------------------------------------------------- scoring


def normalized_for_scoring(text: str) -> str:
    """Whitespace and typographic variants do not count as errors: a line break read as a
    space, or a curly quote read as a straight one, changes nothing a reader or search sees."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"}))
    return " ".join(text.split())


def character_error_rate(reference: str, hypothesis: str) -> float:
    """Levenshtein distance between the normalised texts, divided by the reference length."""
    expected, read = normalized_for_scoring(reference), normalized_for_scoring(hypothesis)
    if not expected:
        return 0.0 if not read else 1.0
    return edit_distance(expected, read) / len(expected)


def edit_distance(first: str, second: str) -> int:
    """Levenshtein distance, one numpy row at a time: a page of text takes milliseconds.

    Within a row, insertions chain (``d[j] = min(d[j], d[j-1] + 1)``); that recurrence is
    ``j + running minimum of (d[k] - k)``, which numpy computes without a Python loop.
    """
    if not first or not second:
        return max(len(first), len(second))
    codes = np.frombuffer(second.encode("utf-32-le"), dtype=np.uint32)
    columns = np.arange(len(second) + 1)
    previous = columns.copy()
    for row, character in enumerate(first, start=1):
        substitution = previous[:-1] + (codes != ord(character))
        current = np.empty_like(previous)
        current[0] = row
        current[1:] = np.minimum(previous[1:] + 1, substitution)
        previous = np.minimum.accumulate(current - columns) + columns
    return int(previous[-1])


# -------------------------------------------------------------------- typesetting


def _font() -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), size=round(FONT_POINTS * DPI / 72))


def _line_height(font: ImageFont.FreeTypeFont) -> int:
    return round(font.size * LINE_SPACING)


def _fill_page(words: list[str], font: ImageFont.FreeTypeFont) -> tuple[list[str], list[str]]:
    """Wrap ``words`` into the lines one page holds; returns those lines and the words left."""
    width, height = (round(side * DPI) for side in A4_INCHES)
    margin = round(MARGIN_INCHES * DPI)
    line_width = width - 2 * margin
    max_lines = (height - 2 * margin) // _line_height(font)
    lines: list[str] = []
    position = 0
    while position < len(words) and len(lines) < max_lines:
        line = words[position]
        position += 1
        while position < len(words) and font.getlength(f"{line} {words[position]}") <= line_width:
            line = f"{line} {words[position]}"
            position += 1
        lines.append(line)
    return lines, words[position:]
