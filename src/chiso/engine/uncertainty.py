"""Rank intervals: how sure is a published rank, given the error of the survey?

A province ranks units on the index to full precision, but part of the index is a survey
estimate with a standard error: two departments 0.1 points apart are not meaningfully ordered
when the survey component alone is uncertain by several points. This module answers "which
ranks could this unit plausibly hold, and which neighbours are really apart?" by a seeded Monte
Carlo over the components that carry a standard error.

Each draw perturbs every (unit, component) that has a standard error with a normal draw, clips
the component to [0, the unit's max of that component], recomputes

    total = Σ components + bonus − penalty      index = 100 × total / max

and ranks the units of each block again, exactly as the point ranking does (full-precision index
compared at `numbers.COMPARE_DECIMALS` decimals, the method's tie rule for what is still equal).
Only units ranked in the point result take part. Everything is vectorised: one draws × units
matrix, one argsort per block.

The engine stays pure: randomness comes only from `numpy.random.default_rng(seed)`, so the same
method, result, standard errors, draws and seed give the same frames, byte for byte.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from chiso.engine.framework import Method, TieRule
from chiso.engine.numbers import COMPARE_DECIMALS, comparable
from chiso.engine.par import ParResult

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

CHUNK = 1024
"""Draws are made and ranked this many at a time, so memory stays bounded for any `draws`.
The normal stream is consumed in order, so the result does not depend on the chunk size."""


@dataclass(frozen=True)
class RankIntervals:
    """Rank intervals of the ranked units of one result.

    - `units`: unit, block, rank (the point rank of the result), rank_median, rank_low,
      rank_high (the central `level` interval of the rank over the draws; rank_low is the best,
      numerically smallest, rank), p_top (share of draws in which the unit is ranked 1st of its
      block, shared 1st places included)
    - `pairs`: block, unit_above, unit_below, p_order, distinguishable — one row per pair of
      neighbours in the point ranking of a block. `p_order` is the share of draws in which
      unit_above stays strictly ahead (a tie in a draw does not count);
      `distinguishable` is `p_order ≥ 1 − (1 − level) / 2` (0.95 at level 0.90): the upper unit
      is ahead in at least the upper tail share of a two-sided `level` interval.

    The quantiles are "inverted CDF" quantiles of the integer ranks: rank_low is the smallest
    rank r with at least (1 − level) / 2 of the draws at rank ≤ r, rank_high the smallest r with
    at least 1 − (1 − level) / 2 of them, rank_median the smallest with at least half. They are
    always ranks a unit actually held.
    """

    units: pl.DataFrame
    pairs: pl.DataFrame
    draws: int
    seed: int
    level: float
    method_hash: str
    inputs_hash: str


@dataclass(frozen=True)
class _Base:
    """The point result as arrays over the ranked units, in result row order."""

    units: list[str]
    blocks: list[str]
    ranks: IntArray
    components: FloatArray  # ranked units × method components
    component_max: FloatArray
    bonus: FloatArray
    penalty: FloatArray
    max: FloatArray
    keys: FloatArray  # the point index as the point ranking compared it


@dataclass(frozen=True)
class _Noise:
    """The (unit, component) cells that carry a standard error, in a fixed order."""

    rows: IntArray  # index into _Base.units
    columns: IntArray  # index into method.components
    se: FloatArray


def rank_intervals(
    method: Method,
    result: ParResult,
    standard_errors: Mapping[tuple[str, str], float],
    *,
    draws: int,
    seed: int,
    level: float = 0.90,
) -> RankIntervals:
    """Monte Carlo rank intervals for every unit ranked in `result`.

    `standard_errors` maps (unit code, component code) to the standard error of that
    component's points for that unit (e.g. the survey component's standard error from its
    sample). Cells not named have no error. A standard error on a unit that `result` does not
    rank is accepted and has no effect.

    Ties inside a draw follow `method.ranking.ties`: `shared` and `dense` as in the point
    ranking. A `secondary` method falls back to `shared` inside draws (secondary keys are not
    redrawn), so units the point ranking split only by a secondary key are counted as tied in
    the draws: their intervals cover the shared rank and their pair is not distinguishable.

    Raises `ValueError` for an unknown unit or component, a negative or non-finite standard
    error, `draws < 1`, a `level` outside (0, 1), or a `result` computed with another method.
    """
    _check_arguments(method, result, standard_errors, draws, level)
    base = _base(method, result)
    noise = _noise(method, base, standard_errors)
    ties: TieRule = "dense" if method.ranking.ties == "dense" else "shared"
    rng = np.random.default_rng(seed)
    tallies = _tallies(method, base)
    for start in range(0, draws, CHUNK):
        keys = _draw_keys(base, noise, min(CHUNK, draws - start), rng)
        for tally in tallies:
            tally.add(keys, ties)
    units, pairs = _summaries(base, tallies, draws, level)
    return RankIntervals(
        units=units,
        pairs=pairs,
        draws=draws,
        seed=seed,
        level=level,
        method_hash=result.method_hash,
        inputs_hash=result.inputs_hash,
    )


# --- arguments and the point result -------------------------------------------------------------


def _check_arguments(
    method: Method,
    result: ParResult,
    standard_errors: Mapping[tuple[str, str], float],
    draws: int,
    level: float,
) -> None:
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise ValueError(f"draws must be a whole number ≥ 1, not {draws!r}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), e.g. 0.90, not {level!r}")
    if result.method_hash != method.hash:
        raise ValueError(
            f"the result was computed with method {result.method_id} ({result.method_hash}), "
            f"not with {method.id} ({method.hash})"
        )
    known_units = set(result.units["unit"].to_list())
    known_components = {c.code for c in method.components}
    for key, se in standard_errors.items():
        unit, component = key
        if unit not in known_units:
            raise ValueError(f"standard error for unknown unit {unit!r}")
        if component not in known_components:
            raise ValueError(
                f"standard error for unknown component {component!r} "
                f"(the method has {', '.join(sorted(known_components))})"
            )
        if not math.isfinite(se) or se < 0:
            raise ValueError(
                f"standard error of ({unit}, {component}) must be a finite number ≥ 0, not {se!r}"
            )


def _base(method: Method, result: ParResult) -> _Base:
    ranked = result.units.filter(pl.col("ranked"))
    units = ranked["unit"].to_list()
    cells = {
        (unit, component): (points, max_)
        for unit, component, points, max_ in result.components.select(
            "unit", "component", "points", "max"
        ).iter_rows()
    }
    codes = [c.code for c in method.components]
    points = np.array([[cells[u, c][0] for c in codes] for u in units], dtype=np.float64)
    component_max = np.array([[cells[u, c][1] for c in codes] for u in units], dtype=np.float64)
    index = ranked["index"].to_numpy().astype(np.float64)
    return _Base(
        units=units,
        blocks=ranked["block"].to_list(),
        ranks=ranked["rank"].to_numpy().astype(np.int64),
        components=points,
        component_max=component_max,
        bonus=ranked["bonus"].to_numpy().astype(np.float64),
        penalty=ranked["penalty"].to_numpy().astype(np.float64),
        max=ranked["max"].to_numpy().astype(np.float64),
        keys=np.array([comparable(float(v)) for v in index]),
    )


def _noise(method: Method, base: _Base, standard_errors: Mapping[tuple[str, str], float]) -> _Noise:
    """The cells with a positive standard error, ordered by unit then component, so that the
    random stream does not depend on the mapping's order or on zero and unranked entries."""
    row_of = {u: i for i, u in enumerate(base.units)}
    column_of = {c.code: k for k, c in enumerate(method.components)}
    cells = sorted(
        (row_of[unit], column_of[component], float(se))
        for (unit, component), se in standard_errors.items()
        if se > 0 and unit in row_of
    )
    return _Noise(
        rows=np.array([c[0] for c in cells], dtype=np.int64),
        columns=np.array([c[1] for c in cells], dtype=np.int64),
        se=np.array([c[2] for c in cells], dtype=np.float64),
    )


# --- the draws ----------------------------------------------------------------------------------


def _draw_keys(base: _Base, noise: _Noise, draws: int, rng: np.random.Generator) -> FloatArray:
    """draws × units: the index of every draw, rounded as the point ranking compares it.

    A unit with no error keeps its point key exactly, so with no standard errors every draw
    repeats the point ranking. Totals are summed component by component in the method's order,
    as `compute_par` sums them, with the drawn value where a cell has an error."""
    keys = np.broadcast_to(base.keys, (draws, len(base.units))).copy()
    if noise.se.size == 0:
        return keys
    z = rng.standard_normal((draws, noise.se.size))
    high = base.component_max[noise.rows, noise.columns]
    drawn = np.clip(base.components[noise.rows, noise.columns] + z * noise.se, 0.0, high)
    del z
    noisy = np.unique(noise.rows)
    position = np.searchsorted(noisy, noise.rows)
    total = np.zeros((draws, noisy.size))
    for k in range(base.components.shape[1]):
        column = np.broadcast_to(base.components[noisy, k], (draws, noisy.size)).copy()
        cells = np.flatnonzero(noise.columns == k)  # at most one cell per unit and component
        column[:, position[cells]] = drawn[:, cells]
        total += column
    total += base.bonus[noisy]
    total -= base.penalty[noisy]
    index = 100.0 * total / base.max[noisy]
    keys[:, noisy] = np.round(index, COMPARE_DECIMALS)
    return keys


def rank_rows(keys: FloatArray, ties: TieRule) -> IntArray:
    """Rank 1 = highest key, per row of `keys` (draws × units of one block).

    `shared`: equal keys take the best rank of their group and the next rank skips (1, 1, 3);
    `dense`: the next rank does not skip (1, 1, 2). Other rules are ranked as `shared`."""
    n_draws, n_units = keys.shape
    order = np.argsort(-keys, axis=1, kind="stable")
    ordered = np.take_along_axis(keys, order, axis=1)
    new = np.ones((n_draws, n_units), dtype=bool)
    new[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    if ties == "dense":
        ranked = np.cumsum(new, axis=1)
    else:
        start = np.where(new, np.arange(1, n_units + 1), 0)
        ranked = np.maximum.accumulate(start, axis=1)
    ranks = np.empty((n_draws, n_units), dtype=np.int64)
    np.put_along_axis(ranks, order, ranked.astype(np.int64), axis=1)
    return ranks


# --- tallies and summaries ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Tally:
    """One block's counts over the draws so far (the arrays are updated in place)."""

    block: str
    members: IntArray  # rows of _Base, in point-rank order
    counts: IntArray  # members × (n + 1): draws at each rank 1..n (column 0 unused)
    ahead: IntArray  # neighbours j, j + 1: draws in which j stays strictly ahead

    def add(self, keys: FloatArray, ties: TieRule) -> None:
        block_keys = keys[:, self.members]
        ranks = rank_rows(block_keys, ties)
        n_units = self.members.size
        width = n_units + 1
        flat = (np.arange(n_units) * width)[None, :] + ranks
        self.counts[:] += np.bincount(flat.reshape(-1), minlength=n_units * width).reshape(
            n_units, width
        )
        self.ahead[:] += (block_keys[:, :-1] > block_keys[:, 1:]).sum(axis=0)


def _tallies(method: Method, base: _Base) -> list[_Tally]:
    """One tally per block with ranked units, blocks in the method's order."""
    order = {b.code: k for k, b in enumerate(method.blocks)}
    tallies = []
    for block in sorted(dict.fromkeys(base.blocks), key=lambda b: order.get(b, len(order))):
        members = np.array([i for i, b in enumerate(base.blocks) if b == block], dtype=np.int64)
        members = members[np.argsort(base.ranks[members], kind="stable")]
        n = members.size
        counts = np.zeros((n, n + 1), dtype=np.int64)
        tallies.append(_Tally(block, members, counts, np.zeros(max(n - 1, 0), dtype=np.int64)))
    return tallies


def _summaries(
    base: _Base, tallies: Sequence[_Tally], draws: int, level: float
) -> tuple[pl.DataFrame, pl.DataFrame]:
    tail = (1.0 - level) / 2.0
    unit_rows: list[dict[str, object]] = []
    pair_rows: list[dict[str, object]] = []
    for tally in tallies:
        low, median, high = _quantiles(tally.counts, draws, (tail, 0.5, 1.0 - tail))
        for j, i in enumerate(tally.members):
            unit_rows.append(
                {
                    "unit": base.units[i],
                    "block": tally.block,
                    "rank": int(base.ranks[i]),
                    "rank_median": int(median[j]),
                    "rank_low": int(low[j]),
                    "rank_high": int(high[j]),
                    "p_top": float(tally.counts[j, 1] / draws),
                }
            )
        for j, ahead in enumerate(tally.ahead):
            p_order = float(ahead / draws)
            pair_rows.append(
                {
                    "block": tally.block,
                    "unit_above": base.units[tally.members[j]],
                    "unit_below": base.units[tally.members[j + 1]],
                    "p_order": p_order,
                    "distinguishable": p_order >= 1.0 - tail - 1e-12,
                }
            )
    return _frame(unit_rows, _UNIT_SCHEMA), _frame(pair_rows, _PAIR_SCHEMA)


def _quantiles(counts: IntArray, draws: int, shares: Sequence[float]) -> list[IntArray]:
    """Inverted-CDF quantiles of each unit's rank from its count table (no sort needed)."""
    cumulative = np.cumsum(counts, axis=1)
    out = []
    for share in shares:
        needed = max(1, math.ceil(share * draws - 1e-9))
        out.append(np.argmax(cumulative >= needed, axis=1).astype(np.int64))
    return out


_UNIT_SCHEMA: Mapping[str, type[pl.DataType]] = {
    "unit": pl.String,
    "block": pl.String,
    "rank": pl.Int64,
    "rank_median": pl.Int64,
    "rank_low": pl.Int64,
    "rank_high": pl.Int64,
    "p_top": pl.Float64,
}
_PAIR_SCHEMA: Mapping[str, type[pl.DataType]] = {
    "block": pl.String,
    "unit_above": pl.String,
    "unit_below": pl.String,
    "p_order": pl.Float64,
    "distinguishable": pl.Boolean,
}


def _frame(rows: list[dict[str, object]], schema: Mapping[str, type[pl.DataType]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=dict(schema))
