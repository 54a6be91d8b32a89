"""Shares of answers to the choice items (perceptions, needs), with Wilson intervals.

For one unit (or unit × channel) and one choice item, with `w_r` respondent r's weight (1 when
unweighted), `a_r` = 1 when r gave the item at least one answer from its list (the no-answer
value does not count) and `c_ro` = 1 when one of r's answers is option o::

    n = Σ_r a_r                 count_o = Σ_r c_ro                    (unweighted counts)
    share_o = 100 × Σ_r w_r c_ro / Σ_r w_r a_r
    n_eff = (Σ_r w_r a_r)² / Σ_r w_r² a_r         (Kish; = n unweighted)

and the Wilson interval of `share_o` over `n_eff`, as for item rates. Every option of the list
gets a row, chosen or not (share 0). For an item with `multiple: true` the shares are of
respondents and may add up past 100 %; otherwise they add up to 100 %.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from chiso.engine.sipas_method import Questionnaire

SCHEMA_TAIL = {
    "item": pl.String,
    "value": pl.Int64,
    "n": pl.Int64,
    "count": pl.Int64,
    "n_eff": pl.Float64,
    "share": pl.Float64,
    "low": pl.Float64,
    "high": pl.Float64,
}


def estimate_shares(
    questionnaire: Questionnaire, answers: pl.DataFrame, keys: list[str], z: float
) -> pl.DataFrame:
    """[channel], unit, item, value, n, count, n_eff, share, low, high — sorted by key, item
    (in file order) and option (in list order)."""
    from chiso.engine.sipas import wilson  # the one Wilson formula of the estimates

    schema = {**{k: pl.String for k in keys}, **SCHEMA_TAIL}
    options = _options(questionnaire)
    if options.height == 0:
        return pl.DataFrame(schema=schema)
    weight = pl.col("weight").cast(pl.Float64) if "weight" in answers.columns else pl.lit(1.0)
    rows = (
        answers.select(
            *[pl.col(k).cast(pl.String) for k in keys],
            pl.col("respondent").cast(pl.String),
            pl.col("item").cast(pl.String),
            pl.col("value").cast(pl.Int64),
            weight.alias("w"),
        )
        .join(options.select("item", "value"), on=["item", "value"], how="semi")
        .unique([*keys, "respondent", "item", "value"])
    )
    per_item = (
        rows.unique([*keys, "respondent", "item"])
        .group_by([*keys, "item"])
        .agg(
            pl.len().cast(pl.Int64).alias("n"),
            pl.col("w").sum().alias("sw"),
            (pl.col("w") ** 2).sum().alias("sw2"),
        )
    )
    chosen = rows.group_by([*keys, "item", "value"]).agg(
        pl.len().cast(pl.Int64).alias("count"), pl.col("w").sum().alias("sws")
    )
    table = (
        per_item.join(options, on="item")
        .join(chosen, on=[*keys, "item", "value"], how="left")
        .with_columns(pl.col("count").fill_null(0), pl.col("sws").fill_null(0.0))
        .sort([*keys, "_item_order", "_option_order"])
    )
    sw, sws, sw2 = (table[c].to_numpy().astype(np.float64) for c in ("sw", "sws", "sw2"))
    p = sws / sw
    n_eff = sw * sw / sw2
    low, high = wilson(p, n_eff, z)
    return table.select(*keys, "item", "value", "n", "count").with_columns(
        pl.Series("n_eff", n_eff),
        pl.Series("share", 100 * p),
        pl.Series("low", 100 * low),
        pl.Series("high", 100 * high),
    )


def _options(questionnaire: Questionnaire) -> pl.DataFrame:
    """item, value and their display order, for every option of every choice item."""
    rows = [
        (choice.code, option.value, i, j)
        for i, choice in enumerate(questionnaire.choices)
        for j, option in enumerate(questionnaire.answer_list(choice.scale).values)
    ]
    return pl.DataFrame(
        rows,
        schema={
            "item": pl.String,
            "value": pl.Int64,
            "_item_order": pl.Int64,
            "_option_order": pl.Int64,
        },
        orient="row",
    )
