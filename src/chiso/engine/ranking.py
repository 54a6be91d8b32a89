"""Ranks within blocks, with the method's named tie rule, and bands or rank groups.

Ranks are decided on the full-precision index (see `numbers.COMPARE_DECIMALS`), never on the
rounded value shown, so two units printed as 90.02 can rank 2nd and 3rd as published tables do.
What is still exactly equal is settled by the method's tie rule.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from chiso.engine.framework import Band, Banding, Display, TieRule
from chiso.engine.intervals import Interval
from chiso.engine.numbers import comparable, display

FloatArray = npt.NDArray[np.float64]


def rank_in_blocks(
    keys: Sequence[FloatArray],
    blocks: Sequence[str],
    eligible: npt.NDArray[np.bool_],
    ties: TieRule,
) -> FloatArray:
    """Rank 1 = best (highest keys) within each block; NaN for units not eligible.

    `keys` are compared in order (the index first, then any secondary keys); with `shared` or
    `dense` only the first key is used.
    """
    used = keys if ties == "secondary" else keys[:1]
    ranks = np.full(len(blocks), np.nan)
    for block in dict.fromkeys(blocks):
        members = [i for i, b in enumerate(blocks) if b == block and eligible[i]]
        key_of = {i: tuple(_key(float(k[i])) for k in used) for i in members}
        order = sorted(members, key=lambda i: tuple(-x for x in key_of[i]))
        _assign(ranks, order, [key_of[i] for i in order], ties)
    return ranks


def _key(value: float) -> float:
    return -math.inf if math.isnan(value) else comparable(float(value))


def _assign(
    ranks: FloatArray, order: list[int], keys: list[tuple[float, ...]], ties: TieRule
) -> None:
    distinct = 0
    for position, unit in enumerate(order):
        if position and keys[position] == keys[position - 1]:
            ranks[unit] = ranks[order[position - 1]]
            continue
        distinct += 1
        ranks[unit] = distinct if ties == "dense" else position + 1


def assign_bands(
    banding: Banding,
    index: FloatArray,
    ranks: FloatArray,
    blocks: Sequence[str],
    shown: Display,
) -> list[Band | None]:
    """The band of every unit (None where there is none: no banding, or not ranked)."""
    if banding.kind == "none":
        return [None] * len(index)
    if banding.kind == "bands":
        return [_band_of(banding, value, shown) for value in index]
    sizes = {b: int(np.sum((np.asarray(blocks) == b) & ~np.isnan(ranks))) for b in set(blocks)}
    return [
        None if math.isnan(rank) else _group_of(banding, int(rank), sizes[block])
        for rank, block in zip(ranks, blocks, strict=True)
    ]


def _band_of(banding: Banding, value: float, shown: Display) -> Band | None:
    if math.isnan(value):
        return None
    if banding.compare == "displayed":
        value = float(display(value, shown.index_decimals, shown.rounding))
    value = comparable(value)
    for band in banding.bands:
        assert band.lower is not None and band.upper is not None
        interval = Interval(
            band.lower.value, band.lower.inclusive, band.upper.value, band.upper.inclusive
        )
        if interval.contains(value):
            return band
    return None


def _group_of(banding: Banding, rank: int, block_size: int) -> Band:
    groups = banding.bands
    if banding.kind == "quantiles":
        return groups[min(len(groups) - 1, (rank - 1) * len(groups) // block_size)]
    taken = 0
    for group in groups[:-1]:
        taken += group.size or 0
        if rank <= taken:
            return group
    return groups[-1]
