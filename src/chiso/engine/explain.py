"""Explain one unit's result: every leaf with its points, its max and the points lost, sorted
by what fixing it would gain — the agency's improvement plan.

`gain` is in index points (the unit's index would rise by this much if the leaf were scored in
full); `next_points` is what the next better outcome of the leaf's rule would add (the next
level, the next rate band), with `next_step` saying what that outcome is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import polars as pl

from chiso.engine.framework import Criterion, Method
from chiso.engine.par import ParResult
from chiso.engine.rules import EPS, threshold_bands


@dataclass(frozen=True)
class Explanation:
    """One unit's result and its leaves, most to gain first.

    `leaves`: criterion, title, field, component, value, points, max, lost, gain, next_points,
    next_step, status (`full`, `lost`, `missing`, `excluded`, `exempt`).
    """

    unit: dict[str, Any]
    fields: pl.DataFrame
    leaves: pl.DataFrame


def explain_unit(method: Method, result: ParResult, unit: str) -> Explanation:
    units = result.units.filter(pl.col("unit") == unit)
    if units.height == 0:
        raise KeyError(f"unit {unit!r} is not in this result")
    row = units.row(0, named=True)
    leaves = result.leaves.filter(pl.col("unit") == unit)
    unit_max = row["max"]
    rows = [_leaf_row(method, leaf, unit_max) for leaf in leaves.iter_rows(named=True)]
    order = {"lost": 0, "missing": 0, "full": 1, "excluded": 2, "exempt": 3}
    rows.sort(key=lambda r: (order[r["status"]], -r["gain"], _natural(r["criterion"])))
    fields = result.fields.filter(pl.col("unit") == unit).with_columns(
        (pl.col("max") - pl.col("points")).alias("lost")
    )
    return Explanation(row, fields.drop("unit"), pl.DataFrame(rows, schema=_SCHEMA))


_SCHEMA = {
    "criterion": pl.String,
    "title": pl.String,
    "field": pl.String,
    "component": pl.String,
    "value": pl.Float64,
    "points": pl.Float64,
    "max": pl.Float64,
    "lost": pl.Float64,
    "gain": pl.Float64,
    "next_points": pl.Float64,
    "next_step": pl.String,
    "status": pl.String,
}


def _leaf_row(method: Method, leaf: dict[str, Any], unit_max: float) -> dict[str, Any]:
    node = method.nodes[leaf["criterion"]]
    points = leaf["points"]
    status = _status(leaf)
    lost = (node.max - (points or 0.0)) if status in ("lost", "missing", "full") else 0.0
    next_points, next_step = _next(node, leaf["value"], points) if lost > EPS else (None, None)
    return {
        "criterion": node.code,
        "title": node.title,
        "field": leaf["field"],
        "component": leaf["component"],
        "value": leaf["value"],
        "points": points,
        "max": node.max,
        "lost": lost,
        "gain": 100.0 * lost / unit_max if unit_max else 0.0,
        "next_points": next_points,
        "next_step": next_step,
        "status": status,
    }


def _status(leaf: dict[str, Any]) -> str:
    if not leaf["applies"]:
        return "exempt"
    if not leaf["counted"]:
        return "excluded"
    if leaf["missing"]:
        return "missing"
    return "full" if leaf["points"] >= leaf["max"] - EPS else "lost"


def _next(
    node: Criterion, value: float | None, points: float | None
) -> tuple[float | None, str | None]:
    """The next better outcome of the rule and the points it adds, where the rule has steps."""
    assert node.rule is not None
    current = points or 0.0
    kind, params = node.rule.kind, node.rule.params
    if kind == "levels":
        better = sorted(
            (lv for lv in params["levels"] if lv["points"] > current + EPS),
            key=lambda lv: lv["points"],
        )
        if better:
            return better[0]["points"] - current, str(better[0].get("label", better[0]["code"]))
    if kind == "threshold":
        better_bands = sorted(
            (b for b in threshold_bands(params) if b[1] > current + EPS), key=lambda b: b[1]
        )
        if better_bands:
            interval, band_points = better_bands[0]
            sign = "≥" if interval.lower_inclusive else ">"
            return band_points - current, f"tỷ lệ {sign} {interval.lower:g} %"
    if kind == "binary":
        return node.max - current, "thực hiện đầy đủ"
    if kind == "deduction" and value:
        return min(node.max, current + float(params["per_incident"])) - current, (
            f"bớt 1 lần vi phạm (còn {math.floor(value) - 1})"
        )
    return None, None


def _natural(code: str) -> tuple[Any, ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))
