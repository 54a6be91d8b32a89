"""The decision annex (*Phụ lục kèm theo Quyết định số …/QĐ-UBND*) as one format-neutral model.

`build_annex` turns a year's publication document (every block's published ranking, see
`chiso.web.publishing.downloads`) and the province's settings into an `Annex`: the header
block, the title, and one table per block with its band counts and average under it. The XLSX,
DOCX and PDF writers only lay this model out, so the three files always say the same thing.

Each cell carries the published number rounded as the method's display rules say (`value`, for
a spreadsheet) and the same number written the Vietnamese way (`text`, "90,90").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chiso.reports import figures
from chiso.reports.layout import (
    Header,
    PublicationSettings,
    attached_to,
    header,
    number,
    parse_timestamp,
    rank_move,
    rounded,
    signed,
)

# Usable width of an A4 page with the decree's margins (left 30 mm, right 15 mm), in cm.
PORTRAIT_WIDTH_CM = 16.5
LANDSCAPE_WIDTH_CM = 25.2
ANNEX_NOTES = (
    "Xếp hạng trong từng khối: 1 là cao nhất; các đơn vị có chỉ số bằng nhau cùng thứ hạng.",
    "Chỉ số (±): chênh lệch chỉ số so với năm trước, tính bằng điểm phần trăm; "
    "thứ hạng: ▲ tăng, ▼ giảm số bậc, = giữ nguyên.",
)
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str  # int | text | points | index | change | move
    width_cm: float
    group: str = ""  # a merged header cell above this column and its neighbours of one group


@dataclass(frozen=True)
class Cell:
    value: float | int | str | None
    text: str
    kind: str


@dataclass(frozen=True)
class HeaderCell:
    """One cell of a table's header: at `row`, `column` (from 0), spanning `rows` × `columns`."""

    row: int
    column: int
    rows: int
    columns: int
    text: str


@dataclass(frozen=True)
class AnnexTable:
    title: str
    heading: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    summary: tuple[str, ...]
    legend: tuple[str, ...]
    decimals: dict[str, int]

    @property
    def width_cm(self) -> float:
        return sum(c.width_cm for c in self.columns)

    @property
    def grouped(self) -> bool:
        """Whether the header has two rows (a merged group cell over some columns)."""
        return any(c.group for c in self.columns)

    @property
    def header_rows(self) -> int:
        return 2 if self.grouped else 1

    def header_cells(self) -> list[HeaderCell]:
        """The header's cells: a grouped column gets its group's merged cell above its own
        title; the others span both header rows."""
        cells, i, rows = [], 0, self.header_rows
        while i < len(self.columns):
            column = self.columns[i]
            if not column.group:
                cells.append(HeaderCell(0, i, rows, 1, column.title))
                i += 1
                continue
            span = 1
            while i + span < len(self.columns) and self.columns[i + span].group == column.group:
                span += 1
            cells.append(HeaderCell(0, i, 1, span, column.group))
            cells += [HeaderCell(1, i + j, 1, 1, self.columns[i + j].title) for j in range(span)]
            i += span
        return cells

    @property
    def compared(self) -> bool:
        """Whether the table shows the change from last year."""
        return any(c.kind == "change" for c in self.columns)


@dataclass(frozen=True)
class Annex:
    header: Header
    title: tuple[str, ...]
    attached_to: str
    notes: tuple[str, ...]
    tables: tuple[AnnexTable, ...]
    footnotes: tuple[str, ...]
    landscape: bool
    published_at: datetime
    author: str
    subject: str
    font_pt: int = 13
    table_font_pt: int = 12


def build_annex(
    document: dict[str, Any], settings: PublicationSettings, *, with_fields: bool = False
) -> Annex:
    """The annex of one published year; `with_fields` adds the points of each field."""
    year = document["year"]
    tables = tuple(
        _table(block, i, with_fields=with_fields) for i, block in enumerate(document["blocks"])
    )
    widest = max((t.width_cm for t in tables), default=0.0)
    return Annex(
        header=header(settings),
        title=("PHỤ LỤC", f"KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}"),
        attached_to=attached_to(settings),
        notes=tuple(figures.method_statuses(document)),
        tables=tables,
        footnotes=ANNEX_NOTES if any(t.compared for t in tables) else ANNEX_NOTES[:1],
        landscape=widest > PORTRAIT_WIDTH_CM,
        published_at=parse_timestamp(document["published_at"]),
        author=settings.authority_name,
        subject=f"Chỉ số cải cách hành chính năm {year} — {settings.authority_name}",
        table_font_pt=11 if with_fields else 12,
    )


# --- one block ----------------------------------------------------------------------------------


def _table(block: dict[str, Any], position: int, *, with_fields: bool) -> AnnexTable:
    fields = block.get("fields", []) if with_fields else []
    columns = _columns(block, fields)
    scores = _field_scores(block) if fields else {}
    rows = tuple(
        tuple(_cell(c, row, i, block, scores) for c in columns)
        for i, row in enumerate(block["units"], start=1)
    )
    numeral = ROMAN[position] if position < len(ROMAN) else str(position + 1)
    return AnnexTable(
        title=block["block_title"],
        heading=f"{numeral}. {block['block_title'].upper()}",
        columns=columns,
        rows=rows,
        summary=_summary(block),
        legend=tuple(f"LV{f['field']}: {f['title']}" for f in fields),
        decimals={
            "points": block["display"]["points_decimals"],
            "index": block["display"]["index_decimals"],
        },
    )


def _columns(block: dict[str, Any], fields: list[dict[str, Any]]) -> tuple[Column, ...]:
    narrow = bool(fields)
    columns = [
        Column("stt", "STT", "int", 1.0 if narrow else 1.2),
        Column("name", "Đơn vị", "text", 5.0 if narrow else 6.2),
        Column("total", "Điểm đạt", "points", 1.7 if narrow else 2.1),
        Column("index", "Chỉ số (%)", "index", 1.7 if narrow else 2.1),
        Column("band", "Xếp loại", "text", 1.9 if narrow else 2.4),
        Column("rank", "Xếp hạng", "int", 1.3 if narrow else 1.8),
    ]
    previous = block.get("previous_year")
    if previous is not None:
        group = f"So với năm {previous}"
        columns += [
            Column("index_change", "Chỉ số (±)", "change", 1.6 if narrow else 2.1, group),
            Column("rank_change", "Thứ hạng", "move", 1.4 if narrow else 1.9, group),
        ]
    columns += [
        Column(f"field:{f['field']}", f"LV{f['field']}", "points", 1.2, "Điểm theo lĩnh vực")
        for f in fields
    ]
    return tuple(columns)


def _cell(
    column: Column,
    row: dict[str, Any],
    position: int,
    block: dict[str, Any],
    scores: dict[tuple[str, str], float | None],
) -> Cell:
    display = block["display"]
    rounding = display["rounding"]
    key, kind = column.key, column.kind
    if key == "stt":
        return Cell(position, str(position), kind)
    if key.startswith("field:"):
        value = scores.get((row["unit"], key.removeprefix("field:")))
        return _decimal(value, display["points_decimals"], rounding, kind)
    if key == "name":
        return Cell(row["name"], row["name"], kind)
    if key == "band":
        return Cell(row["band_label"] or "", row["band_label"] or "", kind)
    if kind == "int":
        return Cell(row[key], "" if row[key] is None else str(row[key]), kind)
    if kind == "move":
        return Cell(row[key], rank_move(row[key]), kind)
    decimals = display["points_decimals"] if kind == "points" else display["index_decimals"]
    if kind == "change":
        value = rounded(row[key], decimals, rounding)
        return Cell(value, signed(row[key], decimals, rounding), kind)
    return _decimal(row[key], decimals, rounding, kind)


def _decimal(value: float | None, decimals: int, rounding: str, kind: str) -> Cell:
    return Cell(rounded(value, decimals, rounding), number(value, decimals, rounding), kind)


def _field_scores(block: dict[str, Any]) -> dict[tuple[str, str], float | None]:
    return {(f["unit"], f["field"]): f["points"] for f in block.get("field_scores", [])}


def _summary(block: dict[str, Any]) -> tuple[str, ...]:
    """The lines under a table: units, units per band, the block's average, best and worst."""
    fig = figures.block_figures(block)
    display = block["display"]
    decimals, rounding = display["index_decimals"], display["rounding"]
    bands = "; ".join(f"{b.label}: {b.count}" for b in fig.bands)
    lines = [f"Tổng số: {fig.units} đơn vị. Xếp loại — {bands}."]
    if fig.unbanded:
        lines.append(f"Chưa xếp loại: {fig.unbanded} đơn vị.")
    if fig.mean_index is not None:
        line = (
            f"Chỉ số bình quân của khối: {number(fig.mean_index, decimals, rounding)}%"
            f" (cao nhất {number(fig.best, decimals, rounding)}%,"
            f" thấp nhất {number(fig.worst, decimals, rounding)}%)"
        )
        if fig.previous_mean_index is not None:
            line += (
                f"; năm {fig.previous_year}: {number(fig.previous_mean_index, decimals, rounding)}%"
            )
        lines.append(line + ".")
    return tuple(lines)
