"""Reading the population totals SIPAS weights are raked to, from CSV or XLSX.

One row per margin category: ``margin, category, total`` (Vietnamese headers ``bien``,
``nhom``, ``tong`` also work). A margin is a column of the answers that holds one value per
respondent: ``unit`` (``don_vi``), ``channel`` (``kenh``) or ``procedure`` (``thu_tuc``); the
category is a value of that column; the total is the number of people in the population of that
category — for the service-user survey, the dossiers that received a result in the period::

    margin,category,total
    unit,XA-AN-BINH,1840
    unit,XA-HOA-LAC,1210
    channel,truc_tiep,2100
    channel,truc_tuyen,950

Every margin must add up to the same population (checked when raking). Every problem is
reported at once with its row and column.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from chiso.engine.problems import InputError, Problem
from chiso.engine.sipas_weights import MARGINS
from chiso.io.tables import Table, read_table

ALIASES = {
    "margin": ("margin", "bien"),
    "category": ("category", "nhom"),
    "total": ("total", "tong", "tong_the"),
}
MARGIN_ALIASES = {
    "unit": "unit",
    "don_vi": "unit",
    "channel": "channel",
    "kenh": "channel",
    "procedure": "procedure",
    "thu_tuc": "procedure",
}


def read_totals(path: Path, sheet: str | None = None) -> dict[str, dict[str, float]]:
    """Margin → category → total, or `InputError` with every problem located."""
    table = read_table(path, sheet)
    cols = {role: _column(table, role) for role in ALIASES}
    missing = [role for role, col in cols.items() if col is None]
    if missing:
        raise InputError([Problem("SIP040", path.name, {"column": role}) for role in missing])
    margin_col, category_col, total_col = (c for c in cols.values() if c is not None)
    totals: dict[str, dict[str, float]] = {}
    problems: list[Problem] = []
    for n, cells in table.rows:
        columns = dict(zip(ALIASES, (margin_col, category_col, total_col), strict=True))
        texts = {role: _text(cells, col) for role, col in columns.items()}
        margin_text, category, total_text = texts.values()
        empty = [(role, columns[role]) for role, text in texts.items() if not text]
        for role, col in empty:
            problems.append(Problem("SIP046", table.where(n, col), {"column": role}))
        if empty:
            continue
        margin = MARGIN_ALIASES.get(margin_text.lower())
        if margin is None:
            known = ", ".join(MARGINS)
            where = table.where(n, margin_col)
            problems.append(Problem("SIP051", where, {"margin": margin_text, "known": known}))
            continue
        total = _number(total_text)
        if total is None or not math.isfinite(total) or total <= 0:
            problems.append(Problem("SIP050", table.where(n, total_col), {"value": total_text}))
            continue
        if category in totals.setdefault(margin, {}):
            where = table.where(n, category_col)
            problems.append(Problem("SIP052", where, {"margin": margin, "category": category}))
            continue
        totals[margin][category] = total
    if problems:
        raise InputError(problems)
    return totals


def _column(table: Table, role: str) -> int | None:
    names = [h.strip().lower() for h in table.header]
    for alias in ALIASES[role]:
        if alias in names:
            return names.index(alias)
    return None


def _text(cells: list[Any], col: int) -> str:
    value = cells[col] if col < len(cells) else None
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None
