"""Checking a SIPAS answers frame against its questionnaire, every problem at once.

One row per respondent × item (× answer, for a choice item with `multiple: true`): columns
`respondent`, `unit`, `item`, `value`, and optionally `channel`, `procedure` (the margins weights
can be raked to) and `weight`, each of them one value per respondent.
"""

from __future__ import annotations

import polars as pl

from chiso.engine.problems import Problem
from chiso.engine.sipas_method import Questionnaire

REQUIRED = ("respondent", "unit", "item", "value")
OPTIONAL = ("channel", "procedure", "weight")


def check_answers(questionnaire: Questionnaire, answers: pl.DataFrame) -> list[Problem]:
    """Every problem of an answers frame (columns, items, values, one value per respondent)."""
    problems = [
        Problem("SIP040", "answers", {"column": c}) for c in REQUIRED if c not in answers.columns
    ]
    if problems:
        return problems
    optional = [c for c in OPTIONAL if c in answers.columns]
    for column in (*REQUIRED, *optional):
        if answers[column].null_count():
            problems.append(Problem("SIP046", column, {"column": column}))
    frame = answers.drop_nulls([*REQUIRED, *optional]).with_columns(
        pl.col("item").cast(pl.String), pl.col("respondent").cast(pl.String)
    )
    allowed = questionnaire.allowed_values()
    unknown = frame.filter(~pl.col("item").is_in(list(allowed)))["item"].unique().sort()
    problems += [Problem("SIP041", "item", {"item": str(i)}) for i in unknown]
    problems += _values(frame.filter(pl.col("item").is_in(list(allowed))), allowed)
    problems += _twice(questionnaire, frame)
    problems += _one_value_each(frame, ["unit", *optional])
    if "weight" in optional:
        weight = pl.col("weight").cast(pl.Float64, strict=False)
        bad = frame.filter(weight.is_null() | ~weight.is_finite() | (weight <= 0))
        problems += [
            Problem("SIP045", "weight", {"respondent": str(r)})
            for r in bad["respondent"].unique().sort()
        ]
    return problems


def _one_value_each(frame: pl.DataFrame, columns: list[str]) -> list[Problem]:
    """SIP044: a respondent with several values of a per-respondent column (one pass)."""
    counts = frame.group_by("respondent").agg(pl.col(c).n_unique() for c in columns)
    return [
        Problem("SIP044", "answers", {"respondent": str(respondent), "column": column})
        for column in columns
        for respondent in counts.filter(pl.col(column) > 1)["respondent"].sort()
    ]


def _values(frame: pl.DataFrame, allowed: dict[str, tuple[int, ...]]) -> list[Problem]:
    """SIP042 for every (item, value) that is not an answer of that item."""
    pairs = pl.DataFrame(
        [(item, value) for item, values in allowed.items() for value in values],
        schema={"item": pl.String, "_v": pl.Int64},
        orient="row",
    )
    typed = frame.select("item", "value", pl.col("value").cast(pl.Int64, strict=False).alias("_v"))
    off = typed.join(pairs, on=["item", "_v"], how="anti").unique(["item", "value"])
    return [
        Problem("SIP042", "value", {"value": row["value"], "item": row["item"]})
        for row in off.sort(["item", "value"]).iter_rows(named=True)
    ]


def _twice(questionnaire: Questionnaire, frame: pl.DataFrame) -> list[Problem]:
    """SIP043: an item answered twice (for a multiple-answer item: the same answer twice)."""
    multiple = [c.code for c in questionnaire.choices if c.multiple]
    if multiple:
        value = pl.col("value").cast(pl.Int64, strict=False).fill_null(-1)
        answer = pl.when(pl.col("item").is_in(multiple)).then(value).otherwise(-1)
        key = pl.struct("respondent", "item", answer.alias("_answer"))
    else:
        key = pl.struct("respondent", "item")
    twice = frame.filter(key.is_duplicated()).unique(["respondent", "item"])
    return [
        Problem("SIP043", "answers", {"respondent": str(r), "item": str(i)})
        for r, i in twice.sort("respondent", "item").select("respondent", "item").iter_rows()
    ]
