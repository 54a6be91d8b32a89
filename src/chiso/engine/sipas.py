"""SIPAS estimates: item satisfaction rates, the questionnaire's tree, and honest uncertainty.

Input: a `Questionnaire` (`chiso.engine.sipas_method`) and the answers, one row per respondent ×
item with columns `respondent`, `unit`, `item`, `value` (an integer on the scale, or the
questionnaire's no-answer value), and optionally `channel` and `weight` (one value per respondent).
All indices are percentages (0–100). Below, for one unit (or unit × channel with `by="channel"`),
`w_r` is respondent r's weight (1 when there is no `weight` column), `v_ri` = 1 when r gave item i
a valid answer (a scale level, not the no-answer value) and `s_ri` = 1 when that answer is in the
questionnaire's satisfied set.

Items (frame `items`)::

    n_i = Σ_r v_ri                      satisfied_i = Σ_r s_ri          (unweighted counts)
    rate_i = 100 × Σ_r w_r s_ri / Σ_r w_r v_ri
    n_eff_i = (Σ_r w_r v_ri)² / Σ_r w_r² v_ri    (Kish's effective sample size; = n_i unweighted)

and the Wilson score interval with p = rate_i / 100, n = n_eff_i, z = Φ⁻¹(1 − (1 − level) / 2)::

    centre = (p + z² / 2n) / (1 + z² / n)
    half   = z / (1 + z² / n) × √(p (1 − p) / n + z² / 4n²)
    low, high = 100 × (centre ∓ half), clipped to [0, rate] and [rate, 100] against float noise

Unweighted this is exactly Wilson's interval; weighted it is the usual approximation that
replaces n by n_eff (it ignores strata and clusters of the design).

Nodes (frame `nodes`), bottom up, each by its own `aggregation`:

- `mean`: the unweighted mean of its children's indices (an item's index is rate_i); children
  with no valid answer in the unit are left out, and a node with none is null;
- `pooled`: 100 × Σ w s / Σ w v over every respondent and every item below the node.

`n` of a node is the number of respondents with at least one valid answer below it. Its interval
is a percentile bootstrap: respondents of the unit are resampled with replacement (`bootstrap`
times, the unit's respondent count each time), the whole tree is recomputed from the resampled
sums, and low/high are the (1 − level)/2 and (1 + level)/2 quantiles of the draws. Resampling
whole respondents keeps the correlation between one person's answers. The percentile interval
of a small, skewed sample can miss the point estimate; it is then widened to reach it, so that
low ≤ estimate ≤ high always holds.

Units (frame `units`) carry the overall node; a unit is `ranked` when its overall `n` reaches the
questionnaire's `min_sample` and it has an estimate. Ranked units are ranked by the overall
index, higher first, within all units (within each channel with `by="channel"`); exact ties at
`numbers.COMPARE_DECIMALS` decimals share a rank and skip the next (1, 2, 2, 4).

Pairs (frame `pairs`): for each pair of neighbours in that ranking, the difference
above − below and its percentile interval over the paired bootstrap draws (the units are
resampled independently, so draw b of one unit and draw b of the other form a draw of the
difference); `significant` is false when the interval contains 0.

Purity and reproducibility: randomness comes only from `numpy.random.default_rng`, seeded per
unit from `seed` and the unit's key, so a unit's intervals depend neither on the row order nor on
which other units are in the data. Rows are sorted before anything is computed. Everything is
vectorised: per unit one respondents × items matrix of weighted satisfied and valid answers, and
the bootstrap is a (draws × respondents) count matrix times it, made in bounded chunks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from chiso.engine.problems import InputError, Problem, errors_only
from chiso.engine.sipas_answers import REQUIRED, check_answers
from chiso.engine.sipas_method import Node, Questionnaire
from chiso.engine.sipas_ranking import rank_units
from chiso.engine.sipas_shares import estimate_shares

__all__ = ["REQUIRED", "SipasResult", "check_answers", "estimate_sipas", "tree", "wilson"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

CHUNK_CELLS = 1 << 22
"""The bootstrap count matrix is made at most this many cells (draws × respondents) at a time,
so memory stays bounded for a unit of any size."""


@dataclass(frozen=True)
class SipasResult:
    """The estimates of one questionnaire over one set of answers (see the module docstring).

    - `items`: [channel], unit, item, n, satisfied, n_eff, rate, low, high
    - `nodes`: [channel], unit, node, level (factor/content/overall), estimate, low, high, n,
      n_eff
    - `units`: [channel], unit, overall, low, high, n, n_eff, ranked, rank
    - `pairs`: [channel], unit_above, unit_below, difference, low, high, significant
    - `shares`: [channel], unit, item, value, n, count, n_eff, share, low, high — the choice
      items (`chiso.engine.sipas_shares`)

    `weighted` is true when the answers carried a `weight` column.
    """

    questionnaire: str
    questionnaire_hash: str
    level: float
    bootstrap: int
    seed: int
    by: str | None
    items: pl.DataFrame
    nodes: pl.DataFrame
    units: pl.DataFrame
    pairs: pl.DataFrame
    shares: pl.DataFrame = field(default_factory=pl.DataFrame)
    weighted: bool = False


def estimate_sipas(
    questionnaire: Questionnaire,
    answers: pl.DataFrame,
    *,
    level: float = 0.95,
    bootstrap: int = 2000,
    seed: int,
    by: Literal["channel"] | None = None,
) -> SipasResult:
    """Item rates with Wilson intervals, the tree with bootstrap intervals, ranks and pairs."""
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), not {level}")
    if bootstrap < 1:
        raise ValueError(f"bootstrap must be at least 1, not {bootstrap}")
    if by is not None and "channel" not in answers.columns:
        raise InputError([Problem("SIP040", "answers", {"column": "channel"})])
    problems = errors_only(check_answers(questionnaire, answers))
    if problems:
        raise InputError(problems)
    keys = ["channel", "unit"] if by == "channel" else ["unit"]
    frame = _prepare(questionnaire, answers, keys)
    z = NormalDist().inv_cdf(1 - (1 - level) / 2)
    items = _items(frame, keys, z)
    nodes, draws = _nodes(questionnaire, frame, keys, level, bootstrap, seed)
    units, pairs = rank_units(questionnaire, nodes, draws, keys, level)
    shares = estimate_shares(questionnaire, answers, keys, z)
    return SipasResult(
        questionnaire=questionnaire.id,
        questionnaire_hash=questionnaire.hash,
        level=level,
        bootstrap=bootstrap,
        seed=seed,
        by=by,
        items=items,
        nodes=nodes,
        units=units,
        pairs=pairs,
        shares=shares,
        weighted="weight" in answers.columns,
    )


# --- preparation ------------------------------------------------------------------------------


def _prepare(q: Questionnaire, answers: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Typed, sorted rows of the rating items with the item's column index, weight, valid and
    satisfied flags (choice items are estimated apart, as shares)."""
    item_index = {item.code: n for n, item in enumerate(q.items)}
    weight = pl.col("weight").cast(pl.Float64) if "weight" in answers.columns else pl.lit(1.0)
    value = pl.col("value").cast(pl.Int64)
    return (
        answers.filter(pl.col("item").cast(pl.String).is_in(list(item_index)))
        .select(
            *[pl.col(k).cast(pl.String) for k in keys],
            pl.col("respondent").cast(pl.String),
            pl.col("item").cast(pl.String),
            value.is_in(list(q.scale.codes)).alias("valid"),
            value.is_in(list(q.scale.satisfied)).alias("sat"),
            weight.alias("w"),
        )
        .with_columns(pl.col("item").replace_strict(item_index, return_dtype=pl.Int64).alias("col"))
        # Each respondent's rows together (the order within a respondent does not matter).
        .sort([*keys, "respondent"])
    )


# --- items: Wilson ----------------------------------------------------------------------------


def _items(frame: pl.DataFrame, keys: list[str], z: float) -> pl.DataFrame:
    valid_w = pl.col("w") * pl.col("valid")
    sums = frame.group_by([*keys, "item"]).agg(
        pl.col("valid").sum().cast(pl.Int64).alias("n"),
        pl.col("sat").sum().cast(pl.Int64).alias("satisfied"),
        valid_w.sum().alias("sw"),
        (pl.col("w") * pl.col("sat")).sum().alias("sws"),
        (valid_w * pl.col("w")).sum().alias("sw2"),
    )
    sw, sws, sw2 = (sums[c].to_numpy().astype(np.float64) for c in ("sw", "sws", "sw2"))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = sws / sw
        n_eff = sw * sw / sw2
    low, high = wilson(p, n_eff, z)
    return (
        sums.select(*keys, "item", "n", "satisfied")
        .with_columns(
            pl.Series("n_eff", n_eff).fill_nan(None),
            pl.Series("rate", 100 * p).fill_nan(None),
            pl.Series("low", 100 * low).fill_nan(None),
            pl.Series("high", 100 * high).fill_nan(None),
        )
        .sort([*keys, "item"])
    )


def wilson(p: FloatArray, n: FloatArray, z: float) -> tuple[FloatArray, FloatArray]:
    """Wilson score bounds for proportions p over (effective) sample sizes n; nan where n = 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        shrink = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / shrink
        half = z / shrink * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # The bounds contain p in exact arithmetic; the clip only removes float noise at p = 0 or 1.
    return np.clip(centre - half, 0, p), np.clip(centre + half, p, 1)


# --- nodes: the tree and the bootstrap --------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """Column indices for computing every node from item sums, in `questionnaire.nodes` order."""

    nodes: tuple[Node, ...]
    items_below: tuple[IntArray, ...]
    children: tuple[IntArray, ...]
    """For a factor: item columns; for a content or the overall: node positions."""


def _plan(q: Questionnaire) -> _Plan:
    item_col = {item.code: n for n, item in enumerate(q.items)}
    position = {node.code: n for n, node in enumerate(q.nodes)}
    below: dict[str, list[int]] = {}
    children = []
    for node in q.nodes:
        if node.level == "factor":
            below[node.code] = [item_col[c] for c in node.children]
            children.append(np.array(below[node.code], dtype=np.int64))
        else:
            below[node.code] = [i for c in node.children for i in below[c]]
            children.append(np.array([position[c] for c in node.children], dtype=np.int64))
    items_below = tuple(np.array(below[n.code], dtype=np.int64) for n in q.nodes)
    return _Plan(q.nodes, items_below, tuple(children))


def tree(plan: _Plan, sat: FloatArray, val: FloatArray) -> FloatArray:
    """Every node's index (columns, in plan order) from weighted item sums (rows = draws)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = 100 * (sat / val)
    out = np.full((sat.shape[0], len(plan.nodes)), np.nan)
    for k, node in enumerate(plan.nodes):
        if node.aggregation == "pooled":
            idx = plan.items_below[k]
            with np.errstate(invalid="ignore", divide="ignore"):
                out[:, k] = 100 * (sat[:, idx].sum(axis=1) / val[:, idx].sum(axis=1))
        else:
            source = rates if node.level == "factor" else out
            out[:, k] = _nanmean(source[:, plan.children[k]])
    return out


def _nanmean(values: FloatArray) -> FloatArray:
    """Row means over the finite entries; nan for a row with none (np.nanmean warns there)."""
    finite = np.isfinite(values)
    count = finite.sum(axis=1)
    total = np.where(finite, values, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _nodes(
    q: Questionnaire,
    frame: pl.DataFrame,
    keys: list[str],
    level: float,
    bootstrap: int,
    seed: int,
) -> tuple[pl.DataFrame, dict[tuple[str, ...], FloatArray]]:
    plan = _plan(q)
    n_items = len(q.items)
    rows: list[dict[str, object]] = []
    draws: dict[tuple[str, ...], FloatArray] = {}
    for key_t, group in _groups(frame, keys):
        sat, val, weights = _matrices(group, n_items)
        point = _tree_of_sums(plan, sat.sum(axis=0)[None, :], (val - sat).sum(axis=0)[None, :])[0]
        boot = _bootstrap(plan, sat, val, bootstrap, _rng(seed, key_t))
        draws[key_t] = boot
        low, high = _percentile(boot, level)
        answered = val > 0
        for k, node in enumerate(plan.nodes):
            estimate = float(point[k])
            has = not math.isnan(estimate)
            below = answered[:, plan.items_below[k]].any(axis=1)
            rows.append(
                {
                    **dict(zip(keys, key_t, strict=True)),
                    "node": node.code,
                    "level": node.level,
                    "estimate": estimate if has else None,
                    "low": min(float(low[k]), estimate) if has else None,
                    "high": max(float(high[k]), estimate) if has else None,
                    "n": int(below.sum()),
                    "n_eff": kish(weights[below]),
                }
            )
    schema = {
        **{k: pl.String for k in keys},
        "node": pl.String,
        "level": pl.String,
        "estimate": pl.Float64,
        "low": pl.Float64,
        "high": pl.Float64,
        "n": pl.Int64,
        "n_eff": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row"), draws


def _groups(frame: pl.DataFrame, keys: list[str]) -> list[tuple[tuple[str, ...], pl.DataFrame]]:
    """The key and rows of each unit: zero-copy slices, since the frame is sorted by key."""
    sizes = frame.group_by(keys, maintain_order=True).len()
    out = []
    offset = 0
    for row in sizes.iter_rows():
        out.append((tuple(str(k) for k in row[:-1]), frame.slice(offset, row[-1])))
        offset += row[-1]
    return out


def kish(weights: FloatArray) -> float | None:
    """Kish's effective sample size (Σw)² / Σw² (= the count when weights are equal)."""
    if weights.size == 0:
        return None
    return float(weights.sum() ** 2 / (weights * weights).sum())


def _matrices(group: pl.DataFrame, n_items: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Respondents × items matrices of w·satisfied and w·valid (rows already sorted), and each
    respondent's weight."""
    respondent = group["respondent"].to_numpy()
    starts = np.r_[True, respondent[1:] != respondent[:-1]]
    row = np.cumsum(starts) - 1
    col = group["col"].to_numpy()
    w = group["w"].to_numpy().astype(np.float64)
    sat = np.zeros((int(row[-1]) + 1, n_items))
    val = np.zeros_like(sat)
    # (respondent, item) pairs are unique (checked), so plain assignment is exact.
    sat[row, col] = w * group["sat"].to_numpy()
    val[row, col] = w * group["valid"].to_numpy()
    return sat, val, w[starts]


def _rng(seed: int, key: Sequence[str]) -> np.random.Generator:
    """A generator for one unit: from the seed and the unit's key, not from its position."""
    return np.random.default_rng([seed, *"\x00".join(key).encode("utf-8")])


def _bootstrap(
    plan: _Plan, sat: FloatArray, val: FloatArray, draws: int, rng: np.random.Generator
) -> FloatArray:
    """`draws` × nodes: the tree over respondents resampled with replacement."""
    n, k = sat.shape
    # Satisfied and valid-but-not-satisfied sums in one product; see `_tree_of_sums`.
    both = np.hstack([sat, val - sat])
    chunk = max(1, min(draws, CHUNK_CELLS // n))
    out = np.empty((draws, len(plan.nodes)))
    for start in range(0, draws, chunk):
        size = min(chunk, draws - start)
        picks = rng.integers(0, n, size=(size, n))
        # How often each respondent is drawn in each replicate, as one bincount over all rows.
        offsets = picks + (np.arange(size) * n)[:, None]
        counts = np.bincount(offsets.ravel(), minlength=size * n).reshape(size, n).astype(float)
        sums = counts @ both
        out[start : start + size] = _tree_of_sums(plan, sums[:, :k], sums[:, k:])
    return out


def _tree_of_sums(plan: _Plan, sat: FloatArray, unsat: FloatArray) -> FloatArray:
    """The tree from satisfied and not-satisfied sums. Summing the two kinds apart makes a rate
    of exactly 100 (or 0) when every answer is satisfied (or none is): the denominator is then
    the numerator plus an exact zero, whatever order the matrix product summed in."""
    return tree(plan, sat, sat + unsat)


def _percentile(draws: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    tail = (1 - level) / 2
    low = np.full(draws.shape[1], np.nan)
    high = np.full(draws.shape[1], np.nan)
    # Columns without a missing draw take the fast path; a node that is empty in some draws
    # (a respondent-less resample of its items) uses the finite draws only.
    full = np.isfinite(draws).all(axis=0)
    if full.any():
        low[full], high[full] = np.quantile(draws[:, full], [tail, 1 - tail], axis=0)
    partial = ~full & np.isfinite(draws).any(axis=0)
    if partial.any():
        low[partial] = np.nanquantile(draws[:, partial], tail, axis=0)
        high[partial] = np.nanquantile(draws[:, partial], 1 - tail, axis=0)
    return low, high
