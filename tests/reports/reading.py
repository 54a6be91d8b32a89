"""Reading generated reports back: DOCX through python-docx, PDF through pypdfium2 (pages drawn
to images, text extracted)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import docx
import pypdfium2 as pdfium
from docx.document import Document as DocumentType


def read_docx(data: bytes) -> DocumentType:
    return docx.Document(io.BytesIO(data))


def headings(document: DocumentType) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def table_with(document: DocumentType, header: str) -> list[list[str]]:
    """The rows (header first) of the first table whose header row has a cell `header`."""
    for table in document.tables:
        rows = [[c.text for c in row.cells] for row in table.rows]
        if header in rows[0]:
            return rows
    raise AssertionError(f"no table with a column {header!r}")


@dataclass(frozen=True)
class Pdf:
    pages: int
    text: str
    inked: list[float]  # per page: the share of pixels that are not white


def read_pdf(data: bytes, scale: float = 0.5) -> Pdf:
    document = pdfium.PdfDocument(data)
    texts, inked = [], []
    for page in document:
        texts.append(page.get_textpage().get_text_range())
        image = page.render(scale=scale).to_pil().convert("L")
        histogram = image.histogram()
        inked.append(1 - histogram[255] / sum(histogram))
    return Pdf(len(document), "\n".join(texts), inked)
