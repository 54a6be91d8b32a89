"""SIPAS ranking: units by their overall index with the minimum-sample rule, and whether
neighbours differ significantly (see `chiso.engine.sipas` for the definitions)."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import numpy.typing as npt
import polars as pl

from chiso.engine.numbers import comparable
from chiso.engine.sipas_method import OVERALL, Questionnaire

FloatArray = npt.NDArray[np.float64]


def rank_units(
    q: Questionnaire,
    nodes: pl.DataFrame,
    draws: dict[tuple[str, ...], FloatArray],
    keys: list[str],
    level: float,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    partition = keys[:-1]  # [] or ["channel"]: units are ranked within each channel
    overall_col = len(q.nodes) - 1
    units = (
        nodes.filter(pl.col("node") == OVERALL)
        .select(*keys, pl.col("estimate").alias("overall"), "low", "high", "n", "n_eff")
        .with_columns(
            ((pl.col("n") >= q.min_sample) & pl.col("overall").is_not_null()).alias("ranked")
        )
        .with_columns(
            pl.col("overall").map_elements(comparable, return_dtype=pl.Float64).alias("_cmp")
        )
    )
    ranked = units.filter("ranked")
    rank = pl.col("_cmp").rank(method="min", descending=True).cast(pl.Int64)
    ranked = ranked.with_columns(rank.over(partition) if partition else rank)
    units = (
        units.join(ranked.select(*keys, pl.col("_cmp").alias("rank")), on=keys, how="left")
        .drop("_cmp")
        .sort([*partition, "rank", "unit"], nulls_last=True)
    )
    tail = (1 - level) / 2
    pair_rows: list[dict[str, object]] = []
    ordered = units.filter("ranked")
    for part, group in (
        ordered.group_by(partition, maintain_order=True) if partition else [((), ordered)]
    ):
        prefix = tuple(str(p) for p in part)
        names = group["unit"].to_list()
        overall = dict(zip(names, group["overall"].to_list(), strict=True))
        for above, below in pairwise(names):
            diff = draws[(*prefix, above)][:, overall_col] - draws[(*prefix, below)][:, overall_col]
            diff = diff[np.isfinite(diff)]
            low, high = np.quantile(diff, [tail, 1 - tail]) if diff.size else (np.nan, np.nan)
            pair_rows.append(
                {
                    **dict(zip(partition, prefix, strict=True)),
                    "unit_above": above,
                    "unit_below": below,
                    "difference": overall[above] - overall[below],
                    "low": float(low),
                    "high": float(high),
                    "significant": not (low <= 0 <= high),
                }
            )
    pair_schema = {
        **{p: pl.String for p in partition},
        "unit_above": pl.String,
        "unit_below": pl.String,
        "difference": pl.Float64,
        "low": pl.Float64,
        "high": pl.Float64,
        "significant": pl.Boolean,
    }
    return units, pl.DataFrame(pair_rows, schema=pair_schema, orient="row")
