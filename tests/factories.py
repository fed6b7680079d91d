"""Real files made by the tests: PDFs (text, encrypted, image-only), statutes, bad input."""

from __future__ import annotations

from pathlib import Path

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)


def make_text_pdf(path: Path, pages: list[str], *, title: str | None = None) -> Path:
    """A PDF with one page per string, real text layer (core Helvetica font, Latin-1 text)."""
    from fpdf import FPDF

    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def encrypt_pdf(source: Path, target: Path, *, user_password: str) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(source)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    with target.open("wb") as handle:
        writer.write(handle)
    return target


def make_image_only_pdf(path: Path) -> Path:
    """A 'scanned' page: a picture and no text layer."""
    from fpdf import FPDF
    from PIL import Image

    image_path = path.with_suffix(".png")
    Image.new("RGB", (400, 200), "white").save(image_path)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(image_path), x=10, y=10, w=180)
    pdf.output(str(path))
    image_path.unlink()
    return path


STATUTE_NEW = """UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 2 TAHUN 2020 TENTANG PELINDUNGAN NELAYAN MIGRAN

BAB I KETENTUAN UMUM

Pasal 1 Dalam Undang-Undang ini yang dimaksud dengan nelayan migran adalah setiap warga negara yang bekerja di kapal asing.

Pasal 2 Setiap nelayan migran berhak atas upah yang layak dan asuransi kecelakaan kerja.

BAB II KETENTUAN PENUTUP

Pasal 3 Pada saat Undang-Undang ini mulai berlaku, Undang-Undang Nomor 1 Tahun 2010 tentang Nelayan Luar Negeri dicabut dan dinyatakan tidak berlaku.
"""

STATUTE_OLD = """UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 1 TAHUN 2010 TENTANG NELAYAN LUAR NEGERI

Pasal 1 Nelayan luar negeri wajib mendaftar pada dinas tenaga kerja kabupaten sebelum berangkat.

Pasal 2 Pendaftaran dilakukan paling lambat tiga puluh hari sebelum keberangkatan.
"""


def build_knowledge_base(folder: Path, documents: dict[str, str]):
    """A knowledge base in ``folder`` holding ``documents`` (file name -> text), ingested once.

    For module-scoped fixtures of tests that only read the knowledge base.
    """
    from ingest.pipeline import Ingestor
    from kb.api import KnowledgeBase
    from kb.settings import Settings

    knowledge_base = KnowledgeBase(Settings(home=folder / "kb-home", embed_batch_size=16))
    docs = folder / "docs"
    docs.mkdir()
    for name, text in documents.items():
        (docs / name).write_text(text, encoding="utf-8")
    Ingestor(knowledge_base.settings, knowledge_base.store, knowledge_base.embeddings).ingest([str(docs)])
    return knowledge_base
