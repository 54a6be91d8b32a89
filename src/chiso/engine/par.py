"""PAR Index results: leaf scores → components and fields → total, index %, band and rank.

    total = Σ components (over leaves that apply) + min(bonus, cap) − min(penalty, cap)
    max   = Σ max of the leaves that apply (and are not excluded for missing input)
    index = 100 × total / max

Everything is kept at full precision; rounding is for display only (`numbers.display`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from chiso.engine.framework import Adjustment, Band, Criterion, Display, Method
from chiso.engine.inputs import Inputs, Unit
from chiso.engine.ranking import assign_bands, rank_in_blocks
from chiso.engine.rules import RULES

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

FLAG_MISSING = "missing_input"
FLAG_NOTHING_APPLIES = "no_applicable_criteria"


@dataclass(frozen=True)
class ParResult:
    """What a province publishes, and more: one frame per level of detail.

    - `units`: unit, name, block, kind, bonus, penalty, total, max, index, band, band_label,
      rank, ranked, flags
    - `components`: unit, component, points, max
    - `fields`: unit, field, title, points, max, index
    - `leaves`: unit, criterion, field, component, value, points, max, applies, counted,
      missing (points are empty where the leaf does not count toward the unit's max)
    """

    method_id: str
    method_hash: str
    method_status: str
    inputs_hash: str
    display: Display
    units: pl.DataFrame
    components: pl.DataFrame
    fields: pl.DataFrame
    leaves: pl.DataFrame


@dataclass(frozen=True)
class _Scored:
    points: FloatArray  # units × leaves, 0 where not counted
    counted: BoolArray  # the leaf counts toward the unit's max
    applies: BoolArray
    missing: BoolArray  # applies but no value
    unrank: npt.NDArray[np.bool_]  # per unit: a missing value leaves it unranked


def compute_par(method: Method, inputs: Inputs) -> ParResult:
    """The PAR results of every unit in `inputs` under `method`."""
    scored = _score(method, inputs)
    maxes = np.array([leaf.max for leaf in method.leaves])
    comp = _groups(
        [method.component_of(leaf).code for leaf in method.leaves],
        [c.code for c in method.components],
    )
    comp_points = _group_sums(scored.points, comp)
    comp_max = _group_sums(scored.counted * maxes, comp)
    bonus = _adjust(method.bonus, inputs.bonus, method)
    penalty = _adjust(method.penalty, inputs.penalty, method)
    total = _row_sums(comp_points) + bonus - penalty
    unit_max = _row_sums(comp_max)
    nothing = unit_max <= 0
    total[scored.unrank] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        index = np.where(nothing, np.nan, 100.0 * total / unit_max)
    fields = _fields(method, scored, maxes)
    eligible = ~np.isnan(index)
    keys = [index, *_secondary(method, comp_points, fields, total)]
    blocks = [u.block for u in inputs.units]
    ranks = rank_in_blocks(keys, blocks, eligible, method.ranking.ties)
    bands = assign_bands(method.banding, index, ranks, blocks, method.display)
    flags = _flags(scored.unrank, nothing)
    return ParResult(
        method_id=method.id,
        method_hash=method.hash,
        method_status=method.status,
        inputs_hash=inputs.hash,
        display=method.display,
        units=_units_frame(
            inputs.units, bonus, penalty, total, unit_max, index, bands, ranks, flags
        ),
        components=_long(
            inputs.units,
            [c.code for c in method.components],
            "component",
            points=comp_points,
            max=comp_max,
        ),
        fields=_fields_frame(method, inputs.units, fields),
        leaves=_leaves_frame(method, inputs, scored, maxes),
    )


# --- scoring ------------------------------------------------------------------------------------


def score_leaves(leaves: Sequence[Criterion], values: FloatArray) -> FloatArray:
    """Points per unit × leaf from each rule's input domain; NaN stays NaN (no value)."""
    out = np.full_like(values, np.nan)
    for j, leaf in enumerate(leaves):
        assert leaf.rule is not None
        column = values[:, j]
        present = ~np.isnan(column)
        if present.any():
            rule = RULES[leaf.rule.kind]
            out[present, j] = rule.score(leaf.rule.params, leaf.max, column[present])
    return out


def applicability(method: Method, units: Sequence[Unit]) -> BoolArray:
    """units × leaves: True where the leaf applies to the unit (not exempted)."""
    applies = np.ones((len(units), len(method.leaves)), dtype=bool)
    column = {leaf.code: j for j, leaf in enumerate(method.leaves)}
    for exemption in method.exemptions:
        leaves = [
            column[leaf.code] for code in exemption.criteria for leaf in method.nodes[code].leaves()
        ]
        for i, unit in enumerate(units):
            if unit.code in exemption.units or unit.is_of(exemption.unit_kinds):
                applies[i, leaves] = False
    return applies


def _score(method: Method, inputs: Inputs) -> _Scored:
    raw = score_leaves(method.leaves, inputs.leaves)
    applies = applicability(method, inputs.units)
    missing = np.isnan(raw) & applies
    rule = np.array([method.component_of(leaf).missing_input for leaf in method.leaves])
    counted = applies & ~(missing & (rule == "exclude"))
    points = np.where(counted & ~missing, raw, 0.0)
    unrank = (missing & (rule == "unrank")).any(axis=1)
    return _Scored(points, counted, applies, missing, unrank)


def _adjust(adjustment: Adjustment | None, values: FloatArray, method: Method) -> FloatArray:
    """Capped sum of bonus (or penalty) items; an item with no value adds nothing."""
    if adjustment is None:
        return np.zeros(values.shape[0])
    points = np.nan_to_num(score_leaves(adjustment.items, values), nan=0.0)
    capped: FloatArray = np.minimum(_row_sums(points), adjustment.cap)
    return capped


def _groups(labels: Sequence[str], columns: Sequence[str]) -> list[list[int]]:
    """For each of `columns`, the positions of the leaves labelled with it."""
    return [[j for j, label in enumerate(labels) if label == column] for column in columns]


def _group_sums(values: FloatArray, groups: Sequence[Sequence[int]]) -> FloatArray:
    """units × groups: each unit's values summed over each group's leaves, added one leaf
    after another in the method's order — not by a matrix product, whose order of addition
    depends on the processor's BLAS kernel: published scores must be the same to the last
    digit on every machine. (Each addition is one vector operation over all units.)"""
    out = np.zeros((values.shape[0], len(groups)))
    for k, members in enumerate(groups):
        for j in members:
            out[:, k] += values[:, j]
    return out


def _row_sums(values: FloatArray) -> FloatArray:
    """Each row's values added left to right (see `_group_sums`)."""
    return _group_sums(values, [range(values.shape[1])])[:, 0]


@dataclass(frozen=True)
class _Fields:
    codes: list[str]
    points: FloatArray
    max: FloatArray
    index: FloatArray


def _fields(method: Method, scored: _Scored, maxes: FloatArray) -> _Fields:
    codes = [f.code for f in method.criteria]
    groups = _groups([method.field_of[leaf.code] for leaf in method.leaves], codes)
    points = _group_sums(scored.points, groups)
    field_max = _group_sums(scored.counted * maxes, groups)
    missing = _group_sums(scored.missing.astype(np.float64), groups)
    unranked_missing = (missing > 0) & scored.unrank[:, None]
    points[unranked_missing] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        index = np.where(field_max > 0, 100.0 * points / field_max, np.nan)
    return _Fields(codes, points, field_max, index)


def _secondary(
    method: Method, comp_points: FloatArray, fields: _Fields, total: FloatArray
) -> list[FloatArray]:
    components = [c.code for c in method.components]
    keys = []
    for key in method.ranking.secondary:
        kind, _, code = key.partition(":")
        if kind == "component":
            keys.append(comp_points[:, components.index(code)])
        elif kind == "field":
            keys.append(fields.index[:, fields.codes.index(code)])
        else:
            keys.append(total)
    return keys


def _flags(unrank: BoolArray, nothing: BoolArray) -> list[str]:
    return [
        ";".join(name for name, on in ((FLAG_MISSING, u), (FLAG_NOTHING_APPLIES, n)) if on)
        for u, n in zip(unrank, nothing, strict=True)
    ]


# --- frames -------------------------------------------------------------------------------------


def _nan_to_none(values: FloatArray) -> list[float | None]:
    return [None if np.isnan(v) else float(v) for v in values]


def _units_frame(
    units: Sequence[Unit],
    bonus: FloatArray,
    penalty: FloatArray,
    total: FloatArray,
    unit_max: FloatArray,
    index: FloatArray,
    bands: Sequence[Band | None],
    ranks: FloatArray,
    flags: Sequence[str],
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "unit": [u.code for u in units],
            "name": [u.name for u in units],
            "block": [u.block for u in units],
            "kind": [u.kind for u in units],
            "bonus": bonus.tolist(),
            "penalty": penalty.tolist(),
            "total": _nan_to_none(total),
            "max": unit_max.tolist(),
            "index": _nan_to_none(index),
            "band": [b.code if b else None for b in bands],
            "band_label": [b.label if b else None for b in bands],
            "rank": [None if np.isnan(r) else int(r) for r in ranks],
            "ranked": (~np.isnan(ranks)).tolist(),
            "flags": list(flags),
        },
        schema_overrides={
            "rank": pl.Int64,
            "total": pl.Float64,
            "index": pl.Float64,
            "band": pl.String,
            "band_label": pl.String,
        },
    )


def _long(
    units: Sequence[Unit], codes: Sequence[str], name: str, **matrices: FloatArray
) -> pl.DataFrame:
    """One row per unit × code; NaN (no value) becomes null."""
    n = len(codes)
    columns = [
        pl.Series("unit", [u.code for u in units]).repeat_by(n).explode(),
        pl.Series(name, list(codes) * len(units), dtype=pl.String),
    ]
    columns += [
        pl.Series(column, matrix.reshape(-1), dtype=pl.Float64, nan_to_null=True)
        for column, matrix in matrices.items()
    ]
    return pl.DataFrame(columns)


def _fields_frame(method: Method, units: Sequence[Unit], fields: _Fields) -> pl.DataFrame:
    frame = _long(
        units, fields.codes, "field", points=fields.points, max=fields.max, index=fields.index
    )
    titles = {f.code: f.title for f in method.criteria}
    return frame.with_columns(
        pl.col("field").replace_strict(titles, return_dtype=pl.String).alias("title")
    ).select("unit", "field", "title", "points", "max", "index")


def _leaves_frame(
    method: Method, inputs: Inputs, scored: _Scored, maxes: FloatArray
) -> pl.DataFrame:
    codes = [leaf.code for leaf in method.leaves]
    n_units, _n_leaves = scored.points.shape
    frame = _long(
        inputs.units,
        codes,
        "criterion",
        value=inputs.leaves,
        points=np.where(scored.counted, scored.points, np.nan),
        max=np.tile(maxes, n_units),
    )
    field = [method.field_of[c] for c in codes]
    component = [method.component_of(leaf).code for leaf in method.leaves]
    return frame.with_columns(
        pl.Series("field", field * n_units),
        pl.Series("component", component * n_units),
        pl.Series("applies", scored.applies.reshape(-1)),
        pl.Series("counted", scored.counted.reshape(-1)),
        pl.Series("missing", scored.missing.reshape(-1)),
    ).select(
        "unit",
        "criterion",
        "field",
        "component",
        "value",
        "points",
        "max",
        "applies",
        "counted",
        "missing",
    )
