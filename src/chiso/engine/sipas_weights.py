"""Weights for SIPAS answers: raking the respondents to known population totals.

The answers frame has one row per respondent × item; raking works on respondents. A respondent's
margin categories (`unit`, and `channel` or `procedure` when the answers carry them) and starting
weight (the design weight in the `weight` column, or 1 without one) are taken once per
respondent, raked with `chiso.engine.weighting.rake` to the totals (margin → category → total,
e.g. the dossiers that received a result, by unit and by channel), and written back to every row
of that respondent as the `weight` column that `chiso.engine.sipas.estimate_sipas` uses.

`check_totals` reports, with stable codes, every reason the totals cannot be raked to — a margin
that is not a column, a category with respondents but no total or with a total but no
respondents, margins that describe populations of different sizes — so that `rake` is only ever
called on totals it can meet in principle. Whether it then converges is reported by
`RakedAnswers.raking` (`converged`, `iterations`, `max_relative_error`); a caller that publishes
should refuse non-converged weights (the CLI does, with SIP056).

Pure: no I/O, no clock, no randomness.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from chiso.engine.problems import InputError, Problem
from chiso.engine.weighting import RAKED_WEIGHT, RakingResult, rake

MARGINS = ("unit", "channel", "procedure")
"""The answer columns weights can be raked to (one value per respondent)."""

Totals = Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class RakedAnswers:
    """The answers with `weight` set to each respondent's raked weight, whether they started
    from design weights, the margins raked to, and the raking's diagnostics (its frame: one row
    per respondent, with `raked_weight`)."""

    answers: pl.DataFrame
    design_weights: bool
    raking: RakingResult
    margins: tuple[str, ...]


def respondents(answers: pl.DataFrame) -> pl.DataFrame:
    """One row per respondent: respondent, the margin columns present, weight (1 without one)."""
    margins = [m for m in MARGINS if m in answers.columns]
    weight = pl.col("weight").cast(pl.Float64) if "weight" in answers.columns else pl.lit(1.0)
    return (
        answers.select(
            pl.col("respondent").cast(pl.String),
            *[pl.col(m).cast(pl.String) for m in margins],
            weight.alias("weight"),
        )
        .unique("respondent", keep="first")
        .sort("respondent")
    )


def check_totals(answers: pl.DataFrame, totals: Totals, *, tolerance: float) -> list[Problem]:
    """Every reason the answers cannot be raked to `totals` (SIP050, SIP051, SIP053–SIP055)."""
    return _check(respondents(answers), totals, tolerance)


def _check(people: pl.DataFrame, totals: Totals, tolerance: float) -> list[Problem]:
    known = ", ".join(m for m in MARGINS if m in people.columns)
    problems: list[Problem] = []
    sums: dict[str, float] = {}
    for margin, categories in totals.items():
        if margin not in MARGINS or margin not in people.columns:
            problems.append(Problem("SIP051", "totals", {"margin": margin, "known": known}))
            continue
        for category, total in categories.items():
            if not (math.isfinite(total) and total > 0):
                where = f"totals {margin}/{category}"
                problems.append(Problem("SIP050", where, {"value": total}))
        seen = set(people[margin].unique().to_list())
        for category in sorted(seen - set(categories)):
            params = {"margin": margin, "category": category}
            problems.append(Problem("SIP053", f"totals {margin}", params))
        for category in sorted(set(categories) - seen):
            params = {"margin": margin, "category": category}
            problems.append(Problem("SIP054", f"totals {margin}", params))
        sums[margin] = math.fsum(categories.values())
    if sums and all(math.isfinite(s) for s in sums.values()):
        reference, reference_total = next(iter(sums.items()))
        for margin, total in sums.items():
            if abs(total - reference_total) > tolerance * reference_total:
                params = {
                    "margin": margin,
                    "total": f"{total:g}",
                    "reference": reference,
                    "reference_total": f"{reference_total:g}",
                }
                problems.append(Problem("SIP055", f"totals {margin}", params))
    return problems


def rake_answers(
    answers: pl.DataFrame, totals: Totals, *, max_iterations: int, tolerance: float
) -> RakedAnswers:
    """The answers with raked weights; `InputError` when `check_totals` finds a problem."""
    people = respondents(answers)
    problems = _check(people, totals, tolerance)
    if problems:
        raise InputError(problems)
    margins = {m: {str(c): float(t) for c, t in cats.items()} for m, cats in totals.items()}
    raking = rake(
        people, margins, weight="weight", max_iterations=max_iterations, tolerance=tolerance
    )
    weights = raking.frame.select("respondent", pl.col(RAKED_WEIGHT).alias("weight"))
    raked = (
        answers.drop("weight", strict=False)
        .with_columns(pl.col("respondent").cast(pl.String))
        .join(weights, on="respondent", how="left", maintain_order="left")
    )
    return RakedAnswers(raked, "weight" in answers.columns, raking, tuple(margins))


def weight_summary(answers: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Per unit (or key): respondents, sum of weights, Kish n_eff, smallest and largest weight,
    and the design effect of weighting n / n_eff."""
    people = answers.select(*keys, "respondent", "weight").unique([*keys, "respondent"])
    summary = people.group_by(keys).agg(
        pl.len().cast(pl.Int64).alias("n"),
        pl.col("weight").sum().alias("weight_sum"),
        (pl.col("weight").sum() ** 2 / (pl.col("weight") ** 2).sum()).alias("n_eff"),
        pl.col("weight").min().alias("weight_min"),
        pl.col("weight").max().alias("weight_max"),
    )
    deff = pl.col("n").cast(pl.Float64) / pl.col("n_eff")
    return summary.with_columns(deff.alias("deff")).sort(keys)
