"""Result tables for people and programs: the wide ranking table, and writers for CSV, JSON
and XLSX.

Files carry full precision (a program can recompute from them); the displayed, rounded values
are what the terminal shows, and XLSX cells hold full precision with a number format that shows
the method's decimals — as a province's own spreadsheet would.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from chiso.engine.framework import Method
from chiso.engine.par import ParResult
from chiso.engine.uncertainty import RankIntervals

STATUS_LABELS = {
    "official": ("Bộ tiêu chí chính thức", "Official criteria set"),
    "reproduction": ("Tái lập từ bảng kết quả đã công bố", "Reproduced from a published table"),
    "modelled": (
        "Bộ tiêu chí mô phỏng — dữ liệu minh họa, không phải kết quả chính thức",
        "Modelled criteria set — illustrative data, not an official result",
    ),
}

HEADERS = {
    "rank": ("Xếp hạng", "Rank"),
    "unit": ("Mã đơn vị", "Unit code"),
    "name": ("Đơn vị", "Unit"),
    "block": ("Khối", "Block"),
    "bonus": ("Điểm thưởng", "Bonus"),
    "penalty": ("Điểm trừ", "Penalty"),
    "total": ("Tổng điểm", "Total"),
    "max": ("Điểm tối đa", "Max"),
    "index": ("Chỉ số (%)", "Index (%)"),
    "band_label": ("Xếp loại", "Band"),
    "index_change": ("Tăng/giảm chỉ số", "Index change"),
    "rank_change": ("Tăng/giảm hạng", "Rank change"),
    "rank_median": ("Hạng trung vị", "Median rank"),
    "rank_low": ("Hạng tốt nhất trong khoảng", "Best rank in interval"),
    "rank_high": ("Hạng kém nhất trong khoảng", "Worst rank in interval"),
    "p_top": ("Xác suất đứng đầu", "Share of draws ranked first"),
    "flags": ("Ghi chú", "Flags"),
}


def ranking_table(
    method: Method,
    result: ParResult,
    history: pl.DataFrame | None = None,
    *,
    fields: bool = False,
    intervals: RankIntervals | None = None,
) -> pl.DataFrame:
    """One row per unit, ranked within blocks: components, bonus, penalty, total, index, band;
    with `intervals`, the median rank and the rank interval of each unit."""
    components = result.components.pivot(on="component", index="unit", values="points")
    table = result.units.join(components, on="unit", how="left")
    if intervals is not None:
        table = table.join(intervals.units.drop("block", "rank"), on="unit", how="left")
    if fields:
        per_field = result.fields.with_columns(("field_" + pl.col("field")).alias("key"))
        table = table.join(per_field.pivot(on="key", index="unit", values="index"), on="unit")
    if history is not None:
        table = table.join(history.drop("previous"), on="unit", how="left")
    block_order = {b.code: i for i, b in enumerate(method.blocks)}
    return (
        table.with_columns(
            pl.col("block").replace_strict(block_order, return_dtype=pl.Int64).alias("_block")
        )
        .sort(["_block", "rank", "unit"], nulls_last=True)
        .drop("_block")
    )


def export_columns(method: Method, table: pl.DataFrame) -> list[str]:
    first = ["rank", "unit", "name", "block", "kind"]
    components = [c.code for c in method.components]
    rest = ["bonus", "penalty", "total", "max", "index", "band", "band_label", "ranked", "flags"]
    extra = [c for c in table.columns if c not in {*first, *components, *rest}]
    return [c for c in [*first, *components, *rest, *extra] if c in table.columns]


def result_document(
    method: Method, result: ParResult, table: pl.DataFrame, intervals: RankIntervals | None = None
) -> dict[str, Any]:
    """The JSON form: provenance, then the units (and the rank-interval settings and pairs)."""
    document = {
        "method": {
            "id": method.id,
            "title": method.title,
            "year": method.year,
            "status": method.status,
            "hash": result.method_hash,
        },
        "inputs_hash": result.inputs_hash,
        "display": {
            "points_decimals": method.display.points_decimals,
            "index_decimals": method.display.index_decimals,
            "rounding": method.display.rounding,
        },
        "units": table.select(export_columns(method, table)).to_dicts(),
    }
    if intervals is not None:
        document["rank_intervals"] = {
            "draws": intervals.draws,
            "seed": intervals.seed,
            "level": intervals.level,
            "pairs": intervals.pairs.to_dicts(),
        }
    return document


def render_text(
    method: Method,
    result: ParResult,
    table: pl.DataFrame,
    fmt: str,
    intervals: RankIntervals | None = None,
) -> str:
    """The ranking as CSV or JSON text."""
    if fmt == "csv":
        return table.select(export_columns(method, table)).write_csv()
    if fmt == "json":
        document = result_document(method, result, table, intervals)
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"unknown text format {fmt!r}")


def write_table(
    method: Method,
    result: ParResult,
    table: pl.DataFrame,
    fmt: str,
    out: Path,
    intervals: RankIntervals | None = None,
) -> None:
    if fmt == "xlsx":
        write_xlsx(method, result, table.select(export_columns(method, table)), out)
    else:
        out.write_text(render_text(method, result, table, fmt, intervals), encoding="utf-8")


def write_xlsx(
    method: Method, result: ParResult, table: pl.DataFrame, out: Path, lang: str = "vi"
) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Kết quả" if lang == "vi" else "Results"
    sheet.append([method.title])
    sheet.append([STATUS_LABELS[method.status][0 if lang == "vi" else 1]])
    sheet.append([f"method {method.id} {result.method_hash}; inputs {result.inputs_hash}"])
    sheet.append([header(c, method, lang) for c in table.columns])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    formats = _number_formats(method, table.columns)
    for row in table.iter_rows():
        sheet.append(list(row))
        for cell, fmt in zip(sheet[sheet.max_row], formats, strict=True):
            if fmt:
                cell.number_format = fmt
    sheet.freeze_panes = "A5"
    book.save(out)


def _number_formats(method: Method, columns: Sequence[str]) -> list[str | None]:
    def fmt(decimals: int) -> str:
        return "0" if decimals == 0 else "0." + "0" * decimals

    points = {"bonus", "penalty", "total", "max", *(c.code for c in method.components)}
    out: list[str | None] = []
    for column in columns:
        if column in points:
            out.append(fmt(method.display.points_decimals))
        elif column in ("index", "index_change", "index_previous") or column.startswith("field_"):
            out.append(fmt(method.display.index_decimals))
        else:
            out.append(None)
    return out


def header(column: str, method: Method, lang: str) -> str:
    i = 0 if lang == "vi" else 1
    if column in HEADERS:
        return HEADERS[column][i]
    titles: Mapping[str, tuple[str, str]] = {
        c.code: (c.title, c.title_en or c.title) for c in method.components
    }
    if column in titles:
        return titles[column][i]
    if column.startswith("field_"):
        return ("Lĩnh vực " if lang == "vi" else "Field ") + column.removeprefix("field_")
    return column
