"""Row checks of an import, as lazy polars queries: each yields one problem row per bad cell.

The staged file has, for every contract column present, its text (``<name>__raw``) and its typed
value (``<name>``), and the row number (`ROW`). Each check below is a query over it returning
``row, column, code, value, other``; `problem_rows` concatenates them, so the whole file is
checked in one pass however many rows are wrong, and nothing is computed for a good row twice.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final

import polars as pl

from chiso.engine.service_tables import Table
from chiso.io.dossier_parse import RAW
from chiso.io.dossier_read import ROW

SCHEMA: Final = {
    "row": pl.Int64,
    "column": pl.String,
    "code": pl.String,
    "value": pl.String,
    "other": pl.String,
}
# later column, earlier column: the later one may not come first
DATE_ORDER: Final = {
    "dossiers": (
        ("received_at", "submitted_at"),
        ("finished_at", "received_at"),
        ("returned_at", "finished_at"),
        ("due_at", "received_at"),
    ),
    "feedback": (
        ("transferred_at", "sent_at"),
        ("received_at", "sent_at"),
        ("rejected_at", "sent_at"),
        ("supplement_requested_at", "sent_at"),
        ("handled_at", "sent_at"),
        ("published_at", "handled_at"),
    ),
}
# the smallest value allowed, and whether it is allowed itself
MINIMUM: Final = {
    "legal_limit": (0, False),
    "seq": (1, True),
    "likes": (0, True),
    "dislikes": (0, True),
}


@dataclass(frozen=True)
class Reference:
    column: str
    table: str  # the table whose key it must name
    key: str
    code: str


REFERENCES: Final = {
    "units": (Reference("parent_code", "units", "unit_code", "DOS012"),),
    "unit_procedures": (
        Reference("unit_code", "units", "unit_code", "DOS007"),
        Reference("procedure_code", "procedures", "procedure_code", "DOS008"),
    ),
    "dossiers": (
        Reference("unit_code", "units", "unit_code", "DOS007"),
        Reference("procedure_code", "procedures", "procedure_code", "DOS008"),
    ),
    "dossier_events": (Reference("dossier_id", "dossiers", "dossier_id", "DOS009"),),
    "feedback": (Reference("unit_code", "units", "unit_code", "DOS007"),),
}


def problem_rows(
    staged: pl.LazyFrame,
    table: Table,
    present: list[str],
    known: Mapping[str, pl.LazyFrame],
) -> pl.LazyFrame:
    """Every row-level problem of the staged file. `known` holds, per referenced table, its
    keys (a ``key`` column) as the store has them — only for tables the store has; for
    ``unit_procedures``, its pairs (``unit_code, procedure_code``)."""
    checks = [
        *_cells(staged, table, present),
        *_duplicates(staged, table, present),
        *_order(staged, table.name, present),
        *_references(staged, table.name, present, known),
    ]
    if table.name == "dossier_events" and {"dossier_id", "seq", "at"} <= set(present):
        checks.append(_event_order(staged))
    pair = {"unit_code", "procedure_code"}
    if table.name == "dossiers" and "unit_procedures" in known and pair <= set(present):
        checks.append(_authority(staged, known["unit_procedures"]))
    if not checks:
        return pl.LazyFrame(schema=SCHEMA)
    return pl.concat(checks, how="vertical")


def _rows(
    frame: pl.LazyFrame, code: str, column: str | None, value: pl.Expr, other: pl.Expr | None = None
) -> pl.LazyFrame:
    return frame.select(
        pl.col(ROW).cast(pl.Int64).alias("row"),
        pl.lit(column, dtype=pl.String).alias("column"),
        pl.lit(code).alias("code"),
        value.cast(pl.String).alias("value"),
        (other if other is not None else pl.lit(None)).cast(pl.String).alias("other"),
    )


def _cells(staged: pl.LazyFrame, table: Table, present: list[str]) -> Iterator[pl.LazyFrame]:
    for column in table.columns:
        name = column.name
        if name not in present:
            continue
        raw, typed = pl.col(name + RAW), pl.col(name)
        if column.required:
            yield _rows(staged.filter(raw.is_null()), "DOS003", name, pl.lit(None))
        if column.values:
            bad = raw.is_not_null() & ~typed.is_in(list(column.values))
            yield _rows(staged.filter(bad), "DOS005", name, raw)
        else:
            yield _rows(staged.filter(raw.is_not_null() & typed.is_null()), "DOS004", name, raw)
        limit = MINIMUM.get(name)
        if limit is not None:
            low, inclusive = limit
            out = typed < low if inclusive else typed <= low
            yield _rows(staged.filter(out), "DOS013", name, raw)


def _duplicates(staged: pl.LazyFrame, table: Table, present: list[str]) -> Iterator[pl.LazyFrame]:
    key = list(table.key)
    if not set(key) <= set(present):
        return
    keyed = staged.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in key))
    marked = keyed.with_columns(pl.col(ROW).min().over(key).alias("__first"))
    text = pl.concat_str([pl.col(k).cast(pl.String) for k in key], separator=" / ")
    yield _rows(
        marked.filter(pl.col(ROW) != pl.col("__first")), "DOS006", None, text, pl.col("__first")
    )


def _order(staged: pl.LazyFrame, table: str, present: list[str]) -> Iterator[pl.LazyFrame]:
    for later, earlier in DATE_ORDER.get(table, ()):
        if later in present and earlier in present:
            wrong = staged.filter(pl.col(later) < pl.col(earlier))
            other = pl.concat_str([pl.lit(earlier + "="), pl.col(earlier + RAW)])
            yield _rows(wrong, "DOS010", later, pl.col(later + RAW), other)


def _references(
    staged: pl.LazyFrame, table: str, present: list[str], known: Mapping[str, pl.LazyFrame]
) -> Iterator[pl.LazyFrame]:
    for ref in REFERENCES.get(table, ()):
        if ref.column not in present or ref.table not in known:
            continue
        keys = known[ref.table]
        if ref.table == table:  # a parent unit may be in the same file
            keys = pl.concat([keys, staged.select(pl.col(ref.key).alias("key"))]).unique()
        named = staged.filter(pl.col(ref.column).is_not_null())
        unknown = named.join(keys, left_on=ref.column, right_on="key", how="anti")
        yield _rows(unknown, ref.code, ref.column, pl.col(ref.column + RAW))


def _event_order(staged: pl.LazyFrame) -> pl.LazyFrame:
    ordered = staged.filter(pl.col("seq").is_not_null() & pl.col("at").is_not_null()).sort(
        "dossier_id", "seq"
    )
    previous = ordered.with_columns(
        pl.col("at").shift(1).over("dossier_id").alias("__previous_at"),
        pl.col("at" + RAW).shift(1).over("dossier_id").alias("__previous"),
    )
    wrong = previous.filter(pl.col("at") < pl.col("__previous_at"))
    other = pl.concat_str([pl.col("seq" + RAW), pl.lit(" "), pl.col("__previous")])
    return _rows(wrong, "DOS011", "at", pl.col("at" + RAW), other)


def _authority(staged: pl.LazyFrame, pairs: pl.LazyFrame) -> pl.LazyFrame:
    """Dossiers of a procedure the unit has no authority for (a warning)."""
    named = staged.filter(
        pl.col("unit_code").is_not_null() & pl.col("procedure_code").is_not_null()
    )
    unlisted = named.join(pairs, on=["unit_code", "procedure_code"], how="anti")
    return _rows(
        unlisted, "DOS015", "procedure_code", pl.col("procedure_code"), pl.col("unit_code")
    )
