"""Checks that a baseline computes what the engine computes, before any time is reported.

A speed comparison against a baseline that computes something else is worthless, so
`benchmarks.run` and `tests/benchmarks` both call these and stop on a disagreement.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from benchmarks.baseline_par import UnitResult


class Disagreement(AssertionError):
    """The baseline and the engine do not compute the same thing."""


def check_par(engine_units: pl.DataFrame, baseline: dict[str, UnitResult]) -> int:
    """Index equal to 1e-9 and ranks equal for every unit; returns the number of units."""
    rows = engine_units.select("unit", "index", "rank").iter_rows()
    checked = 0
    for unit, index, rank in rows:
        ours = baseline[unit]
        if index is None or abs(index - ours.index) > 1e-9:
            raise Disagreement(f"{unit}: engine index {index}, baseline {ours.index}")
        if rank != ours.rank:
            raise Disagreement(f"{unit}: engine rank {rank}, baseline {ours.rank}")
        checked += 1
    if checked != len(baseline):
        raise Disagreement(f"engine has {checked} units, baseline {len(baseline)}")
    return checked


@dataclass(frozen=True)
class MedianAgreement:
    units: int
    equal: int  # units whose median rank is the same in both
    max_difference: int
    mean_difference: float
    max_p_top_difference: float


def compare_mc(
    engine_units: pl.DataFrame, baseline: dict[str, dict[str, float]]
) -> MedianAgreement:
    """How close the engine's and the baseline's Monte Carlo summaries are (different random
    streams, so close within Monte Carlo error, not equal)."""
    differences = []
    p_top = []
    for unit, median, top in engine_units.select("unit", "rank_median", "p_top").iter_rows():
        differences.append(abs(median - int(baseline[unit]["rank_median"])))
        p_top.append(abs(top - baseline[unit]["p_top"]))
    return MedianAgreement(
        units=len(differences),
        equal=sum(1 for d in differences if d == 0),
        max_difference=max(differences, default=0),
        mean_difference=sum(differences) / max(1, len(differences)),
        max_p_top_difference=max(p_top, default=0.0),
    )


def check_mc(agreement: MedianAgreement, max_difference: int = 2, mean: float = 0.5) -> None:
    if agreement.max_difference > max_difference or agreement.mean_difference > mean:
        raise Disagreement(f"median ranks differ too much: {agreement}")
