"""Reading SIPAS answers from CSV or XLSX into the frame `chiso.engine.sipas` expects.

One row per respondent × item (× answer, for a multiple-answer choice item): ``respondent, unit,
item, value`` and optionally ``channel``, ``procedure`` and ``weight`` (one value per respondent).
Vietnamese headers are accepted (``nguoi_tra_loi``, ``ma_don_vi``/``don_vi``, ``cau_hoi``,
``gia_tri``/``diem``, ``kenh``, ``thu_tuc``, ``trong_so``).

Every problem is reported at once, each with its place in the file (row and column as a
spreadsheet shows them); the whole-file checks of `check_answers` (an item answered twice, a
respondent in two units) name the rows involved.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import polars as pl

from chiso.engine.problems import InputError, Problem
from chiso.engine.sipas import check_answers
from chiso.engine.sipas_method import Questionnaire
from chiso.io.tables import Table, read_table

ALIASES = {
    "respondent": ("respondent", "nguoi_tra_loi", "ma_phieu", "phieu"),
    "unit": ("unit", "ma_don_vi", "don_vi"),
    "item": ("item", "cau_hoi", "ma_cau_hoi", "tieu_chi"),
    "value": ("value", "gia_tri", "diem", "tra_loi"),
    "channel": ("channel", "kenh"),
    "procedure": ("procedure", "thu_tuc", "ma_thu_tuc"),
    "weight": ("weight", "trong_so"),
}
REQUIRED = ("respondent", "unit", "item", "value")
MAX_ROWS_NAMED = 5


def read_answers(
    path: Path, questionnaire: Questionnaire, sheet: str | None = None
) -> pl.DataFrame:
    """The answers of `path` as a frame (respondent, unit, item: String; value: Int64;
    channel: String; weight: Float64), or `InputError` with every problem located."""
    table = read_table(path, sheet)
    cols = {role: _column(table, role) for role in ALIASES}
    missing = [role for role in REQUIRED if cols[role] is None]
    if missing:
        raise InputError([Problem("SIP040", path.name, {"column": role}) for role in missing])
    present = {role: col for role, col in cols.items() if col is not None}
    allowed = questionnaire.allowed_values()
    problems: list[Problem] = []
    records: dict[str, list[Any]] = {role: [] for role in (*present, "row")}
    for n, cells in table.rows:
        row: dict[str, Any] = {}
        for role, col in present.items():
            text = _text(cells[col] if col < len(cells) else None)
            if not text:
                problems.append(Problem("SIP046", table.where(n, col), {"column": role}))
            row[role] = text or None
        item, value = row["item"], row["value"]
        if item is not None and item not in allowed:
            problems.append(Problem("SIP041", table.where(n, present["item"]), {"item": item}))
        if value is not None:
            number = _integer(value)
            if number is None or number not in allowed.get(item or "", (number,)):
                where = table.where(n, present["value"])
                problems.append(Problem("SIP042", where, {"value": value, "item": item or "?"}))
            row["value"] = number
        if row.get("weight") is not None:
            weight = _float(row["weight"])
            if weight is None or not math.isfinite(weight) or weight <= 0:
                where = table.where(n, present["weight"])
                problems.append(Problem("SIP045", where, {"respondent": row["respondent"]}))
            row["weight"] = weight
        for role in present:
            records[role].append(row[role])
        records["row"].append(n)
    frame = pl.DataFrame(records, schema=_schema(present))
    if not problems:
        problems = _located(check_answers(questionnaire, frame.drop("row")), frame, path.name)
    if problems:
        raise InputError(problems)
    return frame.drop("row")


def _column(table: Table, role: str) -> int | None:
    names = [h.strip().lower() for h in table.header]
    for alias in ALIASES[role]:
        if alias in names:
            return names.index(alias)
    return None


def _schema(present: dict[str, int]) -> dict[str, Any]:
    types: dict[str, Any] = {"value": pl.Int64, "weight": pl.Float64, "row": pl.Int64}
    return {role: types.get(role, pl.String) for role in (*present, "row")}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _integer(text: str) -> int | None:
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _float(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _located(problems: list[Problem], frame: pl.DataFrame, name: str) -> list[Problem]:
    """The whole-file problems of `check_answers`, placed at the rows they concern."""
    rows: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for respondent, item, n in frame.select("respondent", "item", "row").iter_rows():
        rows[(respondent, item)].append(n)
        rows[(respondent,)].append(n)
    located = []
    for p in problems:
        key = (p.params.get("respondent", ""),)
        if p.code == "SIP043":
            key = (p.params["respondent"], p.params["item"])
        found = rows.get(key)
        if found and p.code in ("SIP043", "SIP044", "SIP045"):
            shown = ", ".join(str(n) for n in found[:MAX_ROWS_NAMED])
            more = " …" if len(found) > MAX_ROWS_NAMED else ""
            column = "item" if p.code == "SIP043" else p.params.get("column", p.where)
            p = Problem(p.code, f"{name} rows {shown}{more}, column '{column}'", p.params)
        located.append(p)
    return located
