"""Reading unit lineage and a previous year's results for year-over-year comparison."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from chiso.engine.history import RELATIONS, Lineage, LineageLink
from chiso.engine.problems import InputError, Problem
from chiso.io.tables import read_table


def read_lineage(path: Path) -> Lineage:
    """CSV/XLSX with columns current, previous, relation (same | renamed | merged | split)."""
    table = read_table(path)
    names = [h.strip().lower() for h in table.header]
    missing = [c for c in ("current", "previous", "relation") if c not in names]
    if missing:
        raise InputError([Problem("INP001", path.name, {"column": c}) for c in missing])
    cols = [names.index(c) for c in ("current", "previous", "relation")]
    links, problems = [], []
    for number, cells in table.rows:
        current, previous, relation = (str(cells[c] or "").strip() for c in cols)
        if relation not in RELATIONS:
            problems.append(
                Problem(
                    "INP009",
                    table.where(number, cols[2]),
                    {"relation": relation, "known": ", ".join(RELATIONS)},
                )
            )
            continue
        links.append(LineageLink(current, previous, relation))
    if problems:
        raise InputError(problems)
    return Lineage.of(links)


def read_previous(path: Path) -> pl.DataFrame:
    """Last year's results: at least the columns unit, index and rank (as `chiso compute
    --format csv` writes them)."""
    table = read_table(path)
    names = [h.strip().lower() for h in table.header]
    missing = [c for c in ("unit", "index", "rank") if c not in names]
    if missing:
        raise InputError([Problem("INP001", path.name, {"column": c}) for c in missing])
    unit, index, rank = (names.index(c) for c in ("unit", "index", "rank"))
    rows, problems = [], []
    for number, cells in table.rows:
        try:
            rows.append(
                {
                    "unit": str(cells[unit]).strip(),
                    "index": _number(cells[index]),
                    "rank": None
                    if _number(cells[rank]) is None
                    else int(_number(cells[rank]) or 0),
                }
            )
        except ValueError as exc:
            problems.append(
                Problem(
                    "INP004",
                    table.where(number, index),
                    {"value": cells[index], "criterion": "index", "detail": str(exc)},
                )
            )
    if problems:
        raise InputError(problems)
    return pl.DataFrame(rows, schema={"unit": pl.String, "index": pl.Float64, "rank": pl.Int64})


def _number(cell: object) -> float | None:
    if cell is None or str(cell).strip() == "":
        return None
    return float(str(cell).strip().replace(",", "."))
