"""Rank intervals written the straightforward way: a Python loop over draws, `random.gauss`.

The baseline for `chiso.engine.uncertainty.rank_intervals`. For each draw it perturbs every
(unit, component) with a standard error, clips it to [0, that component's max], recomputes
total and index, sorts each block and records the ranks. It summarises the ranks the same way
(inverted-CDF quantiles, share ranked 1st), so its numbers can be compared with the engine's —
not draw by draw (the random streams differ) but within Monte Carlo error.
"""

from __future__ import annotations

import math
import random

from benchmarks.baseline_par import UnitResult, rank_in_blocks


def rank_draws(
    results: dict[str, UnitResult],
    standard_errors: dict[tuple[str, str], float],
    draws: int,
    seed: int,
) -> dict[str, list[int]]:
    """The rank of every unit in every draw."""
    rng = random.Random(seed)
    ranks: dict[str, list[int]] = {unit: [] for unit in results}
    for _ in range(draws):
        index = {}
        for unit, r in results.items():
            total = 0.0
            for component, points in r.components.items():
                se = standard_errors.get((unit, component), 0.0)
                if se > 0:
                    points = min(max(points + rng.gauss(0.0, se), 0.0), r.component_max[component])
                total += points
            total += r.bonus - r.penalty
            index[unit] = (r.block, 100.0 * total / r.max)
        for unit, rank in rank_in_blocks(index).items():
            ranks[unit].append(rank)
    return ranks


def quantile(values: list[int], share: float) -> int:
    """Inverted-CDF quantile: the smallest value with at least `share` of the values ≤ it."""
    ordered = sorted(values)
    needed = max(1, math.ceil(share * len(ordered) - 1e-9))
    return ordered[needed - 1]


def summarise(ranks: dict[str, list[int]], level: float) -> dict[str, dict[str, float]]:
    """Per unit: rank_low, rank_median, rank_high (central `level` interval) and p_top."""
    tail = (1.0 - level) / 2.0
    return {
        unit: {
            "rank_low": quantile(values, tail),
            "rank_median": quantile(values, 0.5),
            "rank_high": quantile(values, 1.0 - tail),
            "p_top": sum(1 for v in values if v == 1) / len(values),
        }
        for unit, values in ranks.items()
    }
