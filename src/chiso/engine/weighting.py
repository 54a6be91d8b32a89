"""Raking SIPAS weights to known population totals (iterative proportional fitting).

`rake` takes one row per respondent with a starting weight (the design weight from
`sampling.design_weights`, or 1) and the margin columns (unit, procedure, channel, …), and the
known population totals per category of each margin (dossiers by unit, by channel, …). It
rescales the weights one margin at a time so that, within each category, they sum to that
category's total, and cycles over the margins until every margin matches:

    for each margin m, for each category c of m:   w_r ← w_r · T_mc / Σ_{r in c} w_r

One *iteration* is one full cycle over the margins. The error after a cycle is the largest
relative margin error, max_mc |Σ_{r in c} w_r − T_mc| / T_mc; the result is converged when it is
at most `tolerance`. The error is checked before the first cycle too, so a sample whose weights
already match the margins comes back unchanged with 0 iterations. The last margin always matches
exactly after a cycle; the others approach their totals geometrically when the problem is
feasible. Raking preserves the sample's odds ratios between margins (it is the minimum
discrimination information adjustment), which is how the tests check it independently.

Not converging is *returned*, not raised: `converged=False` with the iterations used and the
error reached. It happens when the margins cannot be met together with the sample's pattern of
empty cells (e.g. every respondent of unit A came by kiosk but the kiosk total is smaller than
unit A's) or when `max_iterations` is too small; the caller decides whether to publish
unweighted, collapse categories or stop, and the diagnostics are what it needs to decide.
Inputs that can never be raked are `ValueError`s, each naming the offending margin and
categories: a missing column, a null category, a sample category with no population total, a
population category with no respondents (its total cannot be matched), a non-positive total,
margins whose grand totals disagree by more than `tolerance` (they must describe the same
population), a missing, null, non-finite or non-positive starting weight, an empty sample.

Library decision. The issue asks for a maintained survey library where one fits. `samplics`
(the Python survey package with raking) does resolve here, but only by adding pandas, pyarrow,
scipy, statsmodels, patsy, formulaic, narwhals and more to an engine that works on polars and
numpy, to replace about thirty lines of numpy; its raking API is also built on pandas objects, so
every call would convert the frame both ways. The algorithm is textbook (Deming and Stephan
1940; R `survey::rake` does the same repeated post-stratification), and it is tested here against
an independent closed-form solution and by properties, so it is written by hand.

Pure: no I/O, no clock, no randomness.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

RAKED_WEIGHT = "raked_weight"

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class RakingResult:
    """The sample with `raked_weight` added (rows in the input order), the number of full cycles
    over the margins, whether every margin matched within the tolerance, and the largest relative
    margin error reached."""

    frame: pl.DataFrame
    iterations: int
    converged: bool
    max_relative_error: float


@dataclass(frozen=True)
class _Margin:
    column: str
    categories: tuple[str, ...]
    codes: IntArray  # per row, the index of its category in `categories`
    totals: FloatArray  # per category, the population total


def _check_settings(max_iterations: int, tolerance: float) -> None:
    if isinstance(max_iterations, bool) or not isinstance(max_iterations, int):
        raise ValueError(f"max_iterations must be an integer, got {max_iterations!r}")
    if max_iterations < 1:
        raise ValueError(f"max_iterations must be at least 1, got {max_iterations}")
    if not (math.isfinite(tolerance) and tolerance > 0):
        raise ValueError(f"tolerance must be a positive finite number, got {tolerance!r}")


def _starting_weights(sample: pl.DataFrame, weight: str) -> FloatArray:
    if weight not in sample.columns:
        raise ValueError(f"the sample has no weight column {weight!r}")
    if sample.height == 0:
        raise ValueError("the sample has no respondents")
    values = sample.get_column(weight).cast(pl.Float64, strict=False)
    array = values.to_numpy().astype(np.float64)
    bad = values.is_null().to_numpy() | ~np.isfinite(array) | (array <= 0)
    if bad.any():
        rows = np.flatnonzero(bad)[:5].tolist()
        raise ValueError(
            f"weights must be positive finite numbers: column {weight!r} has "
            f"{int(bad.sum())} that are not (rows {rows}{'…' if bad.sum() > 5 else ''})"
        )
    return array


def _margin(sample: pl.DataFrame, column: str, totals: Mapping[str, float]) -> _Margin:
    if column not in sample.columns:
        raise ValueError(f"margin {column!r} is not a column of the sample")
    if not totals:
        raise ValueError(f"margin {column!r} has no categories")
    values = sample.get_column(column).cast(pl.String)
    if values.null_count():
        raise ValueError(f"margin {column!r}: {values.null_count()} respondents have no category")
    bad_totals = sorted(
        str(c) for c, t in totals.items() if not (math.isfinite(float(t)) and float(t) > 0)
    )
    if bad_totals:
        raise ValueError(
            f"margin {column!r}: population totals must be positive finite numbers, "
            f"not for {bad_totals}"
        )
    categories = tuple(sorted(str(c) for c in totals))
    seen = set(values.unique().to_list())
    unknown = sorted(seen - set(categories))
    if unknown:
        raise ValueError(
            f"margin {column!r}: categories {unknown} occur in the sample but have no "
            "population total"
        )
    empty = sorted(set(categories) - seen)
    if empty:
        raise ValueError(
            f"margin {column!r}: categories {empty} have a population total but no "
            "respondents, so their total cannot be matched (collapse them or drop the total)"
        )
    index = {c: i for i, c in enumerate(categories)}
    codes = values.replace_strict(index, return_dtype=pl.Int64).to_numpy().astype(np.intp)
    return _Margin(
        column,
        categories,
        codes,
        np.array([float(totals[c]) for c in categories], dtype=np.float64),
    )


def _sums(margin: _Margin, weights: FloatArray) -> FloatArray:
    sums: FloatArray = np.bincount(
        margin.codes, weights=weights, minlength=len(margin.categories)
    ).astype(np.float64)
    return sums


def _max_error(margins: list[_Margin], weights: FloatArray) -> float:
    return max(float(np.max(np.abs(_sums(m, weights) - m.totals) / m.totals)) for m in margins)


def rake(
    sample: pl.DataFrame,
    margins: Mapping[str, Mapping[str, float]],
    *,
    weight: str = "weight",
    max_iterations: int,
    tolerance: float,
) -> RakingResult:
    """Rake `sample[weight]` to the population totals in `margins` (column → category → total).

    Categories are compared as strings (a column of integers matches the keys "1", "2", …).
    Returns the sample with `raked_weight`; see the module docstring for the algorithm, the
    convergence rule and the errors raised.
    """
    _check_settings(max_iterations, tolerance)
    if not margins:
        raise ValueError("no margins to rake to")
    if RAKED_WEIGHT in sample.columns:
        raise ValueError(f"the sample already has a {RAKED_WEIGHT!r} column")
    if weight in margins:
        raise ValueError(f"the weight column {weight!r} cannot also be a margin")
    weights = _starting_weights(sample, weight)
    fitted = [_margin(sample, column, totals) for column, totals in margins.items()]

    grand = {m.column: math.fsum(m.totals.tolist()) for m in fitted}
    reference = fitted[0].column
    disagree = {
        c: t for c, t in grand.items() if abs(t - grand[reference]) > tolerance * grand[reference]
    }
    if disagree:
        raise ValueError(
            "the margins' population totals disagree, so they cannot describe the same "
            f"population: {reference!r} sums to {grand[reference]:g} but "
            + ", ".join(f"{c!r} to {t:g}" for c, t in disagree.items())
        )

    error = _max_error(fitted, weights)
    iterations = 0
    while error > tolerance and iterations < max_iterations:
        for m in fitted:
            factors = m.totals / _sums(m, weights)
            weights = weights * factors[m.codes]
        iterations += 1
        error = _max_error(fitted, weights)

    frame = sample.with_columns(pl.Series(RAKED_WEIGHT, weights, dtype=pl.Float64))
    return RakingResult(
        frame=frame,
        iterations=iterations,
        converged=error <= tolerance,
        max_relative_error=error,
    )
