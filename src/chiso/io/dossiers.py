"""Importing a province's records (CSV, XLSX, JSON, Parquet) into the dossier store.

One file fills one contract table (`chiso.engine.service_tables`). The import

1. reads every cell as text and matches the headers (Vietnamese names accepted,
   `chiso.io.dossier_read`), then parses the cells into the contract's types
   (`chiso.io.dossier_parse`) into a staging file, streaming, so millions of rows fit;
2. checks every row (`chiso.io.dossier_check`): missing and unreadable values, unknown codes,
   duplicate keys, impossible date orders, events out of order, units, procedures and dossiers
   the store does not know — and reports each bad row with its place, at most `MAX_LISTED` per
   kind of problem with the count of all of them;
3. lands whole or not at all: any error and the store is left exactly as it was; otherwise the
   table is rewritten with the file's rows replacing those with the same key (a dossier's
   events are replaced as a whole history) into a new store version that becomes current
   atomically (`chiso.io.dossier_store`).

Re-importing a file changes nothing: the same rows replace themselves, and a file whose SHA-256
was already imported into the same table is recognised and skipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

import polars as pl

from chiso.engine.problems import CATALOGUE, InputError, Problem
from chiso.engine.service_tables import TABLES, Table
from chiso.io.dossier_check import REFERENCES, problem_rows
from chiso.io.dossier_parse import parse_columns
from chiso.io.dossier_read import ALIASES, ROW, RawFile, read_raw
from chiso.io.dossier_store import (
    POLARS_TYPES,
    NewVersion,
    StoreError,
    StoreVersion,
    new_version,
    open_store,
    sink_table,
)

MAX_LISTED: Final = 20
IMPORTABLE: Final = {table.name: table for table in TABLES}
TYPE_WORDS: Final = {
    "BOOLEAN": ("có/không", "yes/no"),
    "INTEGER": ("số nguyên", "a whole number"),
    "DOUBLE": ("số", "a number"),
    "DATE": ("ngày (2025-01-31 hoặc 31/01/2025)", "a date (2025-01-31 or 31/01/2025)"),
    "TIMESTAMP": ("ngày giờ (2025-01-31 14:05)", "a date and time (2025-01-31 14:05)"),
}
RULES: Final = {"legal_limit": "> 0", "seq": "≥ 1", "likes": "≥ 0", "dislikes": "≥ 0"}


@dataclass(frozen=True)
class ImportReport:
    table: str
    file: Path
    sha256: str
    rows: int = 0  # data rows in the file
    new: int = 0  # rows whose key the store did not have
    updated: int = 0  # rows that replaced a row with the same key
    total: int = 0  # rows in the table after the import
    already: bool = False  # the same file was imported before: nothing done
    problems: tuple[Problem, ...] = ()  # listed, at most MAX_LISTED per code
    counts: dict[str, int] = field(default_factory=dict)  # every problem, per code
    bad_rows: int = 0
    version: str | None = None

    @property
    def errors(self) -> int:
        return sum(n for code, n in self.counts.items() if _is_error(code))


class ImportRejected(InputError):
    """The file has errors; the store is unchanged. Carries the report."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__(report.problems)


def import_file(
    path: Path, table_name: str, store: Path, *, sheet: str | None = None
) -> ImportReport:
    """Import `path` into `table_name` of the store at `store` (created if needed); raises
    `ImportRejected` with every problem when the file has an error."""
    table = IMPORTABLE[table_name]
    digest = file_hash(path)
    try:
        base = open_store(store)
    except StoreError as exc:
        raise InputError([Problem("DOS017", str(store), {"detail": str(exc)})]) from None
    if base is not None and _imported_before(base, table.name, digest):
        rows = base.rows(table.name)
        return ImportReport(table.name, path, digest, total=rows, already=True, version=base.name)
    raw = read_raw(path, table, sheet)
    header_problems = _header_problems(raw, table, base)
    with new_version(store, replace={table.name}) as version:
        staged_path = version.tmp / "_staged.parquet"
        present = list(raw.headers)
        try:
            raw.frame.select(pl.col(ROW), *parse_columns(table, present)).sink_parquet(staged_path)
        except pl.exceptions.PolarsError as exc:  # e.g. a CSV quote left open: unreadable
            unreadable = Problem("DOS000", raw.path.name, {"detail": _polars_detail(exc)})
            raise InputError([unreadable, *header_problems]) from None
        staged = pl.scan_parquet(staged_path)
        report = _checked(raw, table, present, staged, base, digest, header_problems)
        if report.errors:
            raise ImportRejected(report)
        report = _write(version, table, present, staged, base, report)
        staged_path.unlink()
        version.manifest["imports"].append(_record(report))
        committed = version.commit()
    return replace(report, version=committed.name)


def file_hash(path: Path) -> str:
    sha = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                sha.update(block)
    except OSError as exc:
        raise InputError([Problem("DOS000", str(path), {"detail": str(exc)})]) from None
    return sha.hexdigest()


def _polars_detail(exc: Exception) -> str:
    """What polars says is wrong with a file it could not parse, on one line: the reader's own
    reason ("invalid csv file: Field … is not properly escaped") rather than its first line,
    which is about the column type and ends mid-value."""
    text = str(exc)
    marker = "Original error:"
    if marker in text:
        text = text.split(marker, 1)[1]
    paragraphs = (" ".join(p.split()) for p in text.replace("`", "").split("\n\n"))
    return ": ".join(p for p in paragraphs if p) or type(exc).__name__


def _imported_before(base: StoreVersion, table: str, digest: str) -> bool:
    return any(i["table"] == table and i["sha256"] == digest for i in base.manifest["imports"])


def _header_problems(raw: RawFile, table: Table, base: StoreVersion | None) -> list[Problem]:
    problems = [
        Problem("DOS001", raw.path.name, {"column": c, "aliases": _names(c)}) for c in raw.missing
    ]
    problems += [
        Problem("DOS002", raw.path.name, {"column": c, "table": table.name}) for c in raw.unknown
    ]
    for needed in sorted(
        {r.table for r in REFERENCES.get(table.name, ()) if r.table != table.name}
    ):
        if base is None or not base.has(needed):
            problems.append(
                Problem("DOS014", raw.path.name, {"needed": needed, "table": table.name})
            )
    return problems


def _names(column: str) -> str:
    return ", ".join((column, *ALIASES.get(column, ())))


def _known(base: StoreVersion | None, table: str) -> dict[str, pl.LazyFrame]:
    known: dict[str, pl.LazyFrame] = {}
    if base is None:
        return known
    for ref in REFERENCES.get(table, ()):
        if base.has(ref.table):
            keys = pl.scan_parquet(base.glob(ref.table)).select(pl.col(ref.key).alias("key"))
            known[ref.table] = keys
    if table == "dossiers" and base.has("unit_procedures"):
        known["unit_procedures"] = pl.scan_parquet(base.glob("unit_procedures")).select(
            "unit_code", "procedure_code"
        )
    return known


def _checked(
    raw: RawFile,
    table: Table,
    present: list[str],
    staged: pl.LazyFrame,
    base: StoreVersion | None,
    digest: str,
    header_problems: list[Problem],
) -> ImportReport:
    rows_lf = problem_rows(staged, table, present, _known(base, table.name))
    counts_lf = rows_lf.group_by("code").agg(pl.len().alias("n"))
    listed_lf = rows_lf.sort("row").group_by("code", maintain_order=True).head(MAX_LISTED)
    bad_lf = rows_lf.filter(pl.col("code").is_in(list(_ERROR_ROW_CODES))).select(
        pl.col("row").n_unique()
    )
    size_lf = staged.select(pl.len())
    counts, listed, bad, size = pl.collect_all([counts_lf, listed_lf, bad_lf, size_lf])
    rows = int(size.item())
    problems = list(header_problems)
    if rows == 0:
        problems.append(Problem("DOS016", raw.path.name, {}))
    by_code = {p.code: 1 for p in problems}
    by_code.update({c: by_code.get(c, 0) + int(n) for c, n in counts.iter_rows()})
    problems += [_problem(raw, table, r) for r in listed.sort("row", "code").iter_rows(named=True)]
    return ImportReport(
        table.name,
        raw.path,
        digest,
        rows=rows,
        problems=tuple(problems),
        counts=by_code,
        bad_rows=int(bad.item()),
    )


_ERROR_ROW_CODES: Final = ("DOS003", "DOS004", "DOS005", "DOS006", "DOS007", "DOS008", "DOS009",
                           "DOS010", "DOS011", "DOS012", "DOS013")  # fmt: skip


def _problem(raw: RawFile, table: Table, row: dict[str, object]) -> Problem:
    code, column, value, other = row["code"], row["column"], row["value"], row["other"]
    where = raw.where(int(row["row"]), str(column) if column else None)  # type: ignore[call-overload]
    header = raw.headers.get(str(column), str(column))
    params: dict[str, object] = {"column": header, "value": value}
    if code == "DOS004":
        kind = table.column(str(column)).type
        params["kind_vi"], params["kind_en"] = TYPE_WORDS.get(str(kind), (kind, kind))
    elif code == "DOS005":
        params["allowed"] = ", ".join(table.column(str(column)).values)
    elif code == "DOS006":
        params = {"key": value, "first": f"{raw.unit} {other}"}
    elif code == "DOS010":
        earlier, _, earlier_value = str(other).partition("=")
        params.update(other=raw.headers.get(earlier, earlier), other_value=earlier_value)
    elif code == "DOS011":
        seq, _, previous = str(other).partition(" ")
        params.update(seq=seq, previous=previous)
    elif code == "DOS013":
        params["rule"] = RULES.get(str(column), "")
    elif code == "DOS015":
        params = {"procedure": value, "unit": other}
    return Problem(str(code), where, params)


def _typed(table: Table, present: list[str]) -> list[pl.Expr]:
    return [
        (pl.col(c.name) if c.name in present else pl.lit(None))
        .cast(POLARS_TYPES[c.type])
        .alias(c.name)
        for c in table.columns
    ]


def _write(
    version: NewVersion,
    table: Table,
    present: list[str],
    staged: pl.LazyFrame,
    base: StoreVersion | None,
    report: ImportReport,
) -> ImportReport:
    """The table with the file's rows in place of those with the same key."""
    incoming = staged.select(_typed(table, present))
    key = list(table.key)
    # a dossier's events arrive as its whole history: the file's replace all of the store's
    whole = ["dossier_id"] if table.name == "dossier_events" else key
    target = version.folder(table.name) / "part-00000.parquet"
    if base is not None and base.has(table.name):
        existing = pl.scan_parquet(base.glob(table.name)).select(_typed(table, list(table.names)))
        kept = existing.join(incoming.select(whole).unique(), on=whole, how="anti")
        merged = pl.concat([kept, incoming])
        updated = incoming.join(existing.select(key), on=key, how="semi").select(pl.len())
    else:
        merged, updated = incoming, pl.LazyFrame({"len": [0]})
    sink_table(merged, table.name, target)
    total = pl.scan_parquet(target).select(pl.len()).collect().item()
    changed = int(updated.collect().item())
    version.set_rows(table.name, int(total))
    return replace(report, new=report.rows - changed, updated=changed, total=int(total))


def _record(report: ImportReport) -> dict[str, object]:
    return {
        "table": report.table,
        "file": report.file.name,
        "sha256": report.sha256,
        "rows": report.rows,
        "new": report.new,
        "updated": report.updated,
        "warnings": report.counts,
        "at": dt.datetime.now().replace(microsecond=0).isoformat(),
    }


def _is_error(code: str) -> bool:
    return CATALOGUE[code].severity == "error"
