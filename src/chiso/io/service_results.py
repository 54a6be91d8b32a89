"""Service-quality results for people and programs: the units table (one row per unit and
period, a column per group), the indicators and procedures tables, and writers for CSV, JSON,
XLSX and the terminal.

Files carry full precision (a program can recompute from them); the terminal shows the
method's decimals; XLSX cells hold full precision with a number format showing those decimals.
Every file names the method and its hash and the inputs' hash, and a modelled method says so.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
from rich import box
from rich.console import Console
from rich.table import Table

from chiso.engine.numbers import display
from chiso.engine.service import ServiceResult
from chiso.engine.service_measures import MEASURES
from chiso.engine.service_method import ServiceMethod
from chiso.io.results import STATUS_LABELS

HEADERS = {
    "period": ("Kỳ", "Period"),
    "rank": ("Hạng", "Rank"),
    "unit": ("Mã đơn vị", "Unit code"),
    "name": ("Đơn vị", "Unit"),
    "level": ("Cấp", "Level"),
    "block": ("Khối", "Block"),
    "parent": ("Đơn vị cấp trên", "Parent unit"),
    "total": ("Tổng điểm", "Total"),
    "max": ("Điểm tối đa", "Max"),
    "index": ("Chỉ số (%)", "Index (%)"),
    "band": ("Mã xếp loại", "Band code"),
    "band_label": ("Xếp loại", "Band"),
    "group": ("Nhóm", "Group"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "title": ("Nội dung", "Title"),
    "procedure": ("Thủ tục", "Procedure"),
    "numerator": ("Tử số", "Numerator"),
    "denominator": ("Mẫu số", "Denominator"),
    "rate": ("Kết quả đo", "Measured"),
    "rate_unit": ("Đơn vị đo", "Unit"),
    "points": ("Điểm", "Points"),
    "status": ("Tình trạng", "Status"),
}
STATUS_TEXT = {
    "measured": ("đo được", "measured"),
    "no_data": ("không phát sinh", "no data"),
    "not_applicable": ("không áp dụng", "not applicable"),
    "not_measured": ("chưa có số liệu", "not measured"),
}
LEVEL_TEXT = {
    "province": ("Cấp tỉnh", "Province"),
    "department": ("Sở, ban, ngành", "Departments"),
    "commune": ("Cấp xã", "Communes"),
}
UNIT_TEXT = {"percent": ("%", "%"), "days": ("ngày", "days")}
_BAND_STYLE = {"xuat_sac": "bold green", "tot": "green", "kha": "yellow", "yeu": "red"}


def group_column(code: str) -> str:
    return f"group_{code}"


def units_table(method: ServiceMethod, result: ServiceResult) -> pl.DataFrame:
    """One row per period and unit: rank, the unit, one points column per group, total, max,
    index, band; sorted by period, level or block, rank."""
    wide = result.groups.with_columns(
        pl.col("group").map_elements(group_column, return_dtype=pl.String)
    ).pivot(on="group", index=["period", "unit"], values="points")
    table = result.units.join(wide, on=["period", "unit"], how="left")
    groups = [group_column(g.code) for g in method.groups]
    first = ["period", "rank", "unit", "name", "level", "block", "parent"]
    last = ["total", "max", "index", "band", "band_label"]
    return table.select(*first, *groups, *last).sort(
        "period", "block", "rank", "unit", nulls_last=True
    )


def rate_units(method: ServiceMethod) -> pl.DataFrame:
    """Each indicator's `rate_unit`: what its rate is in — `percent`, or a mean's own unit
    (`days` for the average processing time)."""
    return pl.DataFrame(
        {
            "indicator": [i.code for i in method.indicators],
            "rate_unit": [MEASURES[i.measure].unit for i in method.indicators],
        }
    )


def indicators_table(method: ServiceMethod, result: ServiceResult) -> pl.DataFrame:
    names = result.units.select("period", "unit", "name")
    titles = pl.DataFrame(
        {
            "indicator": [i.code for i in method.indicators],
            "title": [i.title for i in method.indicators],
        }
    ).join(rate_units(method), on="indicator")
    return (
        result.indicators.join(names, on=["period", "unit"], how="left")
        .join(titles, on="indicator", how="left")
        .select(
            "period",
            "unit",
            "name",
            "group",
            "indicator",
            "title",
            "numerator",
            "denominator",
            "rate",
            "points",
            "max",
            "status",
            "rate_unit",
        )
    )


def procedures_table(method: ServiceMethod, result: ServiceResult) -> pl.DataFrame:
    assert result.procedures is not None, "computed with by_procedure"
    return result.procedures.join(rate_units(method), on="indicator", how="left")


def service_document(method: ServiceMethod, result: ServiceResult) -> dict[str, Any]:
    """The JSON form: provenance, then the units, the indicators and any drill-down."""
    document: dict[str, Any] = {
        "method": {
            "id": method.id,
            "title": method.title,
            "status": method.status,
            "hash": result.method_hash,
        },
        "inputs_hash": result.inputs_hash,
        "periods": list(result.periods),
        "as_of": result.as_of.isoformat() if result.as_of else None,
        "display": {
            "decimals": result.display.points_decimals,
            "rounding": result.display.rounding,
        },
        "groups": [{"code": g.code, "title": g.title, "points": g.points} for g in method.groups],
        "units": units_table(method, result).to_dicts(),
        "indicators": indicators_table(method, result).to_dicts(),
    }
    if result.procedures is not None:
        document["procedures"] = procedures_table(method, result).to_dicts()
    return document


def render_service(method: ServiceMethod, result: ServiceResult, fmt: str, show: str) -> str:
    """CSV (the table `show` names: units, indicators or procedures) or JSON (everything)."""
    if fmt == "json":
        return json.dumps(service_document(method, result), ensure_ascii=False, indent=2) + "\n"
    return _shown(method, result, show).write_csv()


def _shown(method: ServiceMethod, result: ServiceResult, show: str) -> pl.DataFrame:
    if show == "indicators":
        return indicators_table(method, result)
    if show == "procedures":
        return procedures_table(method, result)
    return units_table(method, result)


def write_service(
    method: ServiceMethod, result: ServiceResult, fmt: str, show: str, out: Path, lang: str
) -> None:
    """Write to `out` through a temporary file renamed into place: never half a file."""
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(handle)
    try:
        if fmt == "xlsx":
            write_service_xlsx(method, result, Path(temporary), lang)
        else:
            Path(temporary).write_text(render_service(method, result, fmt, show), "utf-8")
        os.replace(temporary, out)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def write_service_xlsx(method: ServiceMethod, result: ServiceResult, out: Path, lang: str) -> None:
    """Sheets: units, indicators (and procedures), each under three provenance lines."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    vi = lang == "vi"
    book = Workbook()
    sheets = [
        ("Đơn vị" if vi else "Units", units_table(method, result)),
        ("Chỉ tiêu" if vi else "Indicators", indicators_table(method, result)),
    ]
    if result.procedures is not None:
        sheets.append(("Thủ tục" if vi else "Procedures", procedures_table(method, result)))
    book.remove(book.active)
    decimals = (
        "0." + "0" * method.display.points_decimals if method.display.points_decimals else "0"
    )
    for title, frame in sheets:
        sheet = book.create_sheet(title)
        sheet.append([method.title])
        sheet.append([STATUS_LABELS[method.status][0 if vi else 1]])
        sheet.append([f"method {method.id} {result.method_hash}; inputs {result.inputs_hash}"])
        sheet.append([header(c, method, lang) for c in frame.columns])
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        for row in frame.iter_rows():
            sheet.append(list(row))
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, float):
                    cell.number_format = decimals
        sheet.freeze_panes = "A5"
    book.save(out)


def header(column: str, method: ServiceMethod, lang: str) -> str:
    i = 0 if lang == "vi" else 1
    if column in HEADERS:
        return HEADERS[column][i]
    for group in method.groups:
        if column == group_column(group.code):
            title = group.title if i == 0 else (group.title_en or group.title)
            return f"{group.code}. {title}"
    return column


# --- the terminal -------------------------------------------------------------------------------


def print_service(
    console: Console, method: ServiceMethod, result: ServiceResult, lang: str, show: str
) -> None:
    vi = lang == "vi"
    console.print(
        f"[bold]{method.title if vi else method.title_en or method.title}[/bold]", highlight=False
    )
    console.print(
        f"[italic]{STATUS_LABELS[method.status][0 if vi else 1]}[/italic]", highlight=False
    )
    if result.as_of:
        console.print(
            ("Số liệu tính đến ngày " if vi else "Figures as of ") + result.as_of.isoformat(),
            highlight=False,
        )
    frame = _shown(method, result, show)
    if show == "indicators" and not vi:
        english = {i.code: i.title_en or i.title for i in method.indicators}
        frame = frame.with_columns(pl.col("indicator").replace_strict(english).alias("title"))
    # Groups no unit has points for (a counts file about one group) are left out.
    columns = [
        c
        for c in _columns(method, show)
        if frame[c].null_count() < frame.height or not c.startswith("group_")
    ]
    for key, rows in frame.group_by(_split(show), maintain_order=True):
        console.print(_table(method, rows, columns, _title(key, rows, lang), lang))


def _title(key: tuple[Any, ...], rows: pl.DataFrame, lang: str) -> str:
    period, second = key
    if "name" in rows.columns and "block" not in rows.columns:  # one unit's indicators
        second = f"{second} {rows['name'][0]}"
    elif second in LEVEL_TEXT:
        second = LEVEL_TEXT[second][0 if lang == "vi" else 1]
    return " · ".join(str(part) for part in (period, second) if part)


def _split(show: str) -> list[str]:
    return ["period", "block"] if show == "units" else ["period", "unit"]


def _columns(method: ServiceMethod, show: str) -> list[str]:
    if show == "units":
        groups = [group_column(g.code) for g in method.groups]
        return ["rank", "name", *groups, "total", "index", "band_label"]
    if show == "indicators":
        return ["indicator", "title", "numerator", "denominator", "rate", "points", "max", "status"]
    return ["procedure", "indicator", "numerator", "denominator", "rate"]


def _table(
    method: ServiceMethod, rows: pl.DataFrame, columns: list[str], title: str, lang: str
) -> Table:
    out = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for column in columns:
        text = _short(column, method, lang)
        if column in ("name", "title"):
            out.add_column(text, min_width=22, overflow="fold")
        elif column in ("band_label", "status"):
            out.add_column(text, no_wrap=True)
        else:
            out.add_column(text, justify="right", no_wrap=True)
    for row in rows.iter_rows(named=True):
        style = _BAND_STYLE.get(row.get("band") or "", "")
        out.add_row(*(_cell(method, c, row, lang) for c in columns), style=style)
    return out


def _short(column: str, method: ServiceMethod, lang: str) -> str:
    for group in method.groups:
        if column == group_column(group.code):
            return ("Nhóm " if lang == "vi" else "Group ") + group.code
    return header(column, method, lang)


def _cell(method: ServiceMethod, column: str, row: dict[str, Any], lang: str) -> str:
    value = row[column]
    if value is None:
        return "—"
    if column == "rate" and row.get("rate_unit") in UNIT_TEXT:  # 96.50 %, 6.71 days
        number = display(value, method.display.points_decimals, method.display.rounding)
        return f"{number} {UNIT_TEXT[row['rate_unit']][0 if lang == 'vi' else 1]}"
    if column == "status":
        return STATUS_TEXT[value][0 if lang == "vi" else 1]
    if isinstance(value, float):
        if column in ("numerator", "denominator") and value.is_integer():
            return f"{int(value)}"
        return display(value, method.display.points_decimals, method.display.rounding)
    return str(value)
