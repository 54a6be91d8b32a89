"""A report as plain content — headings, paragraphs, tables, charts — written once and drawn
twice: as PDF (`render_pdf`, an HTML template through WeasyPrint) and as DOCX (`render_docx`).

The unit and province reports build a `Report` from the public documents; neither renderer
decides what a report says, so the PDF and the Word file cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Cell:
    """A table cell's text, with an optional background (a band's colour)."""

    text: str
    fill: str = ""
    strong: bool = False


@dataclass(frozen=True)
class Column:
    title: str
    numeric: bool = False
    # Share of the table's width (the widths of a table's columns add up to about 1).
    width: float = 0.0


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""


@dataclass(frozen=True)
class Figure:
    """A chart: its Vega-Lite spec (title and description inside) and a caption."""

    spec: dict[str, Any]
    caption: str = ""
    # Width on the page, as a share of the text width.
    width: float = 1.0
    # Which chart it is ("xep-hang", "linh-vuc", …): the example files and tests find it by name.
    name: str = ""


@dataclass(frozen=True)
class Paragraph:
    text: str
    note: bool = False


Block = Paragraph | Table | Figure


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]
    level: int = 1
    # Start the section on a new page (long appendices).
    new_page: bool = False


@dataclass(frozen=True)
class Report:
    """Everything a report file shows. `published_at` stamps the file's metadata, so the same
    snapshot gives the same bytes."""

    title: str
    subtitle: str
    authority: str
    published_at: datetime
    facts: tuple[tuple[str, str], ...] = ()
    notices: tuple[str, ...] = ()
    sections: tuple[Section, ...] = field(default_factory=tuple)
    source: str = ""
    landscape: bool = False

    @property
    def file_title(self) -> str:
        return f"{self.title} — {self.subtitle}" if self.subtitle else self.title

    def figures(self) -> list[Figure]:
        """Every chart of the report, in order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]


def cells(*texts: str | Cell) -> tuple[Cell, ...]:
    """A row from plain texts and cells."""
    return tuple(t if isinstance(t, Cell) else Cell(t) for t in texts)
