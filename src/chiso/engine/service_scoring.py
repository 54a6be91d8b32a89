"""Scores from counts: every indicator's numerator and denominator → rate → points, then groups,
total, index, band and rank. Shared by both entry points (records and counts).

    rate    share: 100 × n / d; complement: max(0, 100 − 100 × n / d); mean: n / d
            × rate(times_rate_of) / 100 where the method says so
    points  linear: P × R / 100; target: min(P, P × R / T); shown: none
            d = 0 → the indicator's `when_no_data`; a level it does not apply to → the
            method's `not_applicable`; no counts given at all → not measured (no points)
    group   Σ points of its indicators; total = Σ groups; index = 100 × total / max

Roll-up sums a unit's counts with every descendant's *before* scoring, so a parent's rate is
the pooled rate of its tree (not a mean of its children's scores). Points are rounded per the
method (`round_points`), with decimal rounding that float noise cannot tip.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import polars as pl

from chiso.engine.framework import TieRule
from chiso.engine.problems import InputError, Problem
from chiso.engine.ranking import assign_bands, rank_in_blocks
from chiso.engine.service_method import ServiceMethod
from chiso.engine.service_schema import LEVELS

COUNT_KEYS = ("period", "unit", "indicator")
STATUSES = ("measured", "no_data", "not_applicable", "not_measured")


@dataclass(frozen=True)
class ServiceUnit:
    """A unit that handles dossiers: its level decides which indicators apply; its parent
    receives its counts in the roll-up; its block (or level) is where it is ranked."""

    code: str
    name: str
    level: str
    parent: str | None = None
    block: str = ""


@dataclass(frozen=True)
class ServiceScores:
    """Scores of every unit and period.

    - `units`: period, unit, name, level, block, parent, total, max, index, band, band_label,
      rank (total and rank empty when an indicator was not measured)
    - `groups`: period, unit, group, points, max
    - `indicators`: period, unit, group, indicator, numerator, denominator, rate, points, max,
      status (`measured`, `no_data`, `not_applicable`, `not_measured`)
    """

    units: pl.DataFrame
    groups: pl.DataFrame
    indicators: pl.DataFrame


def check_units(units: Sequence[ServiceUnit]) -> list[Problem]:
    """Unknown levels and parents, duplicate codes and cycles, each with its unit."""
    problems: list[Problem] = []
    codes = [u.code for u in units]
    parents = {u.code: u.parent for u in units}
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(Problem("INP007", f"unit {code}", {"unit": code}))
    for unit in units:
        if unit.level not in LEVELS:
            params = {"level": unit.level, "known": ", ".join(LEVELS)}
            problems.append(Problem("SVC046", f"unit {unit.code}", params))
        if unit.parent and unit.parent not in parents:
            problems.append(Problem("SVC044", f"unit {unit.code}", {"parent": unit.parent}))
        elif unit.code in _ancestors(unit.code, parents, limit=len(units) + 1)[1:]:
            problems.append(Problem("SVC045", f"unit {unit.code}", {"unit": unit.code}))
    return problems


def _ancestors(code: str, parents: dict[str, str | None], limit: int) -> list[str]:
    """`code`, its parent, its grandparent … (stops at an unknown parent or after `limit`)."""
    chain = [code]
    while len(chain) <= limit:
        parent = parents.get(chain[-1])
        if not parent or parent not in parents:
            break
        chain.append(parent)
    return chain


def roll_up(
    counts: pl.DataFrame, units: Sequence[ServiceUnit], keys: Sequence[str]
) -> pl.DataFrame:
    """Each unit's counts plus all its descendants' (`keys` are the other grouping columns)."""
    problems = check_units(units)
    if problems:
        raise InputError(problems)
    parents = {u.code: u.parent for u in units}
    pairs = [(u.code, a) for u in units for a in _ancestors(u.code, parents, len(units))]
    closure = pl.DataFrame(pairs, schema={"unit": pl.String, "ancestor": pl.String}, orient="row")
    return (
        counts.join(closure, on="unit", how="inner")
        .group_by(["ancestor", *keys])
        # each sum over sorted values: float sums depend on their order, the rows' does not
        .agg(pl.col("numerator").sort().sum(), pl.col("denominator").sort().sum())
        .rename({"ancestor": "unit"})
    )


def score_counts(
    method: ServiceMethod,
    counts: pl.DataFrame,
    units: Sequence[ServiceUnit],
    periods: Sequence[str],
    *,
    missing: str,
) -> ServiceScores:
    """Score `counts` (period, unit, indicator, numerator, denominator; already rolled up) for
    every unit and period. `missing` says what a unit × indicator absent from `counts` is:
    `zero` (records: nothing happened) or `not_measured` (a counts file that left it out)."""
    grid = _grid(method, units, periods)
    table = grid.join(
        counts.select(*COUNT_KEYS, "numerator", "denominator"), on=COUNT_KEYS, how="left"
    )
    if missing == "zero":
        table = table.with_columns(pl.col("numerator", "denominator").fill_null(0.0))
    table = _with_rates(table, ["period", "unit"])
    table = _with_points(method, table)
    indicators = table.select(
        "period",
        "unit",
        "group",
        "indicator",
        "numerator",
        "denominator",
        "rate",
        "points",
        "max",
        "status",
    ).sort("period", "unit", pl.col("indicator").replace_strict(_order(method)))
    groups = _groups(method, table)
    return ServiceScores(_units(method, groups, units), groups, indicators)


def _order(method: ServiceMethod) -> dict[str, int]:
    return {i.code: n for n, i in enumerate(method.indicators)}


def _meta(method: ServiceMethod) -> pl.DataFrame:
    """The method's indicators as a frame, one row each (columns prefixed `_` are internal)."""
    rows = [
        (
            i.code,
            i.group,
            i.points,
            i.rate,
            i.scoring,
            i.target,
            i.when_no_data,
            list(i.applies_to),
            i.times_rate_of,
        )
        for i in method.indicators
    ]
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "indicator": pl.String,
        "group": pl.String,
        "_points": pl.Float64,
        "_rate": pl.String,
        "_kind": pl.String,
        "_target": pl.Float64,
        "_no_data": pl.String,
        "_applies": pl.List(pl.String),
        "_times": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _grid(
    method: ServiceMethod, units: Sequence[ServiceUnit], periods: Sequence[str]
) -> pl.DataFrame:
    unit_frame = pl.DataFrame(
        [(u.code, u.level) for u in units],
        schema={"unit": pl.String, "_level": pl.String},
        orient="row",
    )
    period_frame = pl.DataFrame({"period": list(periods)}, schema={"period": pl.String})
    return period_frame.join(unit_frame, how="cross").join(_meta(method), how="cross")


def procedure_rates(method: ServiceMethod, counts: pl.DataFrame) -> pl.DataFrame:
    """The drill-down: counts by period, unit, procedure and indicator with their rate."""
    keys = ["period", "unit", "procedure"]
    table = counts.join(_meta(method).select("indicator", "_rate", "_times"), on="indicator")
    return (
        _with_rates(table, keys)
        .select(*keys, "indicator", "numerator", "denominator", "rate")
        .sort(*keys, pl.col("indicator").replace_strict(_order(method)))
    )


def _with_rates(table: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    n, d = pl.col("numerator"), pl.col("denominator")
    share = 100.0 * n / d
    own = (
        pl.when(d.is_null() | (d == 0))
        .then(None)
        .when(pl.col("_rate") == "share")
        .then(share)
        .when(pl.col("_rate") == "complement")
        .then(pl.max_horizontal(0.0, 100.0 - share))
        .otherwise(n / d)
    )
    table = table.with_columns(own.alias("_own"))
    other = table.select(
        *keys,
        pl.col("indicator").alias("_times"),
        pl.col("_own").alias("_other"),
        pl.col("denominator").alias("_other_d"),
    )
    table = table.join(other, on=[*keys, "_times"], how="left")
    times = pl.col("_times").is_not_null()
    return table.with_columns(
        pl.when(times)
        .then(pl.col("_own") * pl.col("_other") / 100.0)
        .otherwise(pl.col("_own"))
        .alias("rate"),
        # A product with a rate that is not measured, or has nothing to measure, is the same.
        pl.when(times & pl.col("_other_d").is_null())
        .then(None)
        .when(times & (pl.col("_other_d") == 0))
        .then(0.0)
        .otherwise(d)
        .alias("_d"),
    )


def _with_points(method: ServiceMethod, table: pl.DataFrame) -> pl.DataFrame:
    points, rate = pl.col("_points"), pl.col("rate")
    applies = pl.col("_applies").list.contains(pl.col("_level"))
    status = (
        pl.when(~applies)
        .then(pl.lit("not_applicable"))
        .when(pl.col("_d").is_null())
        .then(pl.lit("not_measured"))
        .when(pl.col("_d") == 0)
        .then(pl.lit("no_data"))
        .otherwise(pl.lit("measured"))
    )
    measured = (
        pl.when(pl.col("_kind") == "linear")
        .then(points * rate / 100.0)
        .when(pl.col("_kind") == "target")
        .then(pl.min_horizontal(points, points * rate / pl.col("_target")))
        .otherwise(None)
    )
    excluded = method.not_applicable == "excluded_from_max"
    shown = pl.col("_kind") == "shown"
    table = table.with_columns(status.alias("status"))
    st = pl.col("status")
    value = (
        pl.when(shown)
        .then(None)
        .when(st == "not_applicable")
        .then(None if excluded else points)
        .when(st == "no_data")
        .then(pl.when(pl.col("_no_data") == "full").then(points).otherwise(0.0))
        .when(st == "measured")
        .then(measured)
        .otherwise(None)
    )
    if method.round_points == "indicator":
        value = round_half(value, method.display.points_decimals, method.display.rounding)
    counted = ~shown & ~((st == "not_applicable") & excluded)
    return table.with_columns(
        value.alias("points"),
        pl.when(counted).then(points).otherwise(0.0).alias("max"),
        (counted & (st == "not_measured")).alias("_missing"),
        pl.when(st == "not_applicable").then(None).otherwise(rate).alias("rate"),
    )


def round_half(value: pl.Expr, decimals: int, mode: str) -> pl.Expr:
    """Decimal rounding of non-negative values: half up (or half to even) at `decimals`, after
    taking float noise off at 6 more decimals — so 2.675 (stored as 2.67499…) gives 2.68."""
    scale = 10.0**decimals
    scaled = (value * scale).round(6)
    floor = scaled.floor()
    fraction = scaled - floor
    if mode == "half_up":
        whole = pl.when(fraction >= 0.5).then(floor + 1).otherwise(floor)
    else:
        whole = (
            pl.when(fraction > 0.5)
            .then(floor + 1)
            .when(fraction < 0.5)
            .then(floor)
            .otherwise(floor + floor % 2)
        )
    # polars divides by multiplying with the reciprocal (406 / 100 → 4.0600000000000005); a last
    # round gives the double nearest the decimal.
    return (whole / scale).round(decimals)


def _groups(method: ServiceMethod, table: pl.DataFrame) -> pl.DataFrame:
    order = {g.code: n for n, g in enumerate(method.groups)}
    grouped = table.group_by("period", "unit", "group").agg(
        pl.col("points").sum().alias("points"),
        pl.col("max").sum().alias("max"),
        pl.col("_missing").any().alias("_incomplete"),
    )
    points = pl.when(pl.col("_incomplete")).then(None).otherwise(pl.col("points"))
    if method.round_points == "indicator":
        points = round_half(points, method.display.points_decimals, method.display.rounding)
    return (
        grouped.with_columns(points.alias("points"))
        .drop("_incomplete")
        .sort(
            pl.col("period"),
            pl.col("unit"),
            pl.col("group").replace_strict(order, return_dtype=pl.Int64),
        )
    )


def _units(
    method: ServiceMethod, groups: pl.DataFrame, units: Sequence[ServiceUnit]
) -> pl.DataFrame:
    totals = groups.group_by("period", "unit").agg(
        pl.col("points").sum().alias("total"),
        pl.col("points").is_null().any().alias("_incomplete"),
        pl.col("max").sum().alias("max"),
    )
    total = pl.when(pl.col("_incomplete")).then(None).otherwise(pl.col("total"))
    if method.round_points == "indicator":
        total = round_half(total, method.display.points_decimals, method.display.rounding)
    info = pl.DataFrame(
        [(u.code, u.name, u.level, u.block or u.level, u.parent) for u in units],
        schema={
            "unit": pl.String,
            "name": pl.String,
            "level": pl.String,
            "block": pl.String,
            "parent": pl.String,
        },
        orient="row",
    )
    frame = (
        totals.with_columns(total.alias("total"))
        .drop("_incomplete")
        .join(info, on="unit", how="left")
        .with_columns(
            pl.when(pl.col("max") > 0).then(100.0 * pl.col("total") / pl.col("max")).alias("index")
        )
        .sort("period", "unit")
    )
    if method.within == "level":
        frame = frame.with_columns(pl.col("level").alias("block"))
    return _ranked(method, frame)


def _ranked(method: ServiceMethod, frame: pl.DataFrame) -> pl.DataFrame:
    index = frame["index"].fill_null(np.nan).to_numpy().astype(np.float64)
    keys = [f"{p}\x1f{b}" for p, b in zip(frame["period"], frame["block"], strict=True)]
    eligible = ~np.isnan(index)
    ranks = rank_in_blocks([index], keys, eligible, cast(TieRule, method.ties))
    bands = assign_bands(method.banding, index, ranks, keys, method.display)
    return frame.with_columns(
        pl.Series("band", [b.code if b else None for b in bands], dtype=pl.String),
        pl.Series("band_label", [b.label if b else None for b in bands], dtype=pl.String),
        pl.Series("rank", ranks).cast(pl.Int64, strict=False),
    ).select(
        "period",
        "unit",
        "name",
        "level",
        "block",
        "parent",
        "total",
        "max",
        "index",
        "band",
        "band_label",
        "rank",
    )


def counts_hash(counts: pl.DataFrame, units: Sequence[ServiceUnit]) -> str:
    """sha256 of what scoring reads: the counts and the units, sorted (row order is no input)."""
    digest = hashlib.sha256()
    for line in _canonical(counts, units):
        digest.update(line.encode("utf-8"))
    return "sha256:" + digest.hexdigest()


def _canonical(counts: pl.DataFrame, units: Sequence[ServiceUnit]) -> Iterator[str]:
    for u in sorted(units, key=lambda u: u.code):
        yield f"unit\x1f{u.code}\x1f{u.name}\x1f{u.level}\x1f{u.parent or ''}\x1f{u.block}\n"
    rows = counts.select(*COUNT_KEYS, "numerator", "denominator").sort(COUNT_KEYS).iter_rows()
    for period, unit, indicator, numerator, denominator in rows:
        yield f"count\x1f{period}\x1f{unit}\x1f{indicator}\x1f{numerator!r}\x1f{denominator!r}\n"
