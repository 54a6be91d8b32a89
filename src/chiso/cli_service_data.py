"""`chiso service generate` and `chiso service import`: dossier records into a store.

Registered on the `service` group by `chiso.cli_service`; kept in their own module so that the
indicator commands and these can change apart. Messages are Vietnamese unless ``--lang en``;
exit codes as in the rest of the CLI (0 success, 2 usage, 3 invalid data).
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from chiso.engine.problems import InputError, MethodError, Problem, errors_only
from chiso.engine.service_tables import TABLES

if TYPE_CHECKING:
    from chiso.cli import Context
    from chiso.engine.calendar import WorkingCalendar
    from chiso.io.dossiers import ImportReport

EXIT_USAGE, EXIT_INPUT = 2, 3
NOTHING_IMPORTED = ("không nhập gì, kho giữ nguyên", "nothing imported, the store is unchanged")
# The tables a computation needs, in the order they refer to each other; then those it can do
# without (the indicators counted from them have no data).
IMPORT_ORDER = ("units", "procedures", "unit_procedures", "dossiers")
OPTIONAL = ("dossier_events", "feedback")
MESSAGES: dict[str, tuple[str, str]] = {
    "not_empty": (
        "{out} đã có dữ liệu: hãy chọn một thư mục trống.",
        "{out} is not empty: choose an empty folder.",
    ),
    "generated": (
        "Đã sinh dữ liệu TỔNG HỢP (giả lập, hạt giống {seed}) vào {out}: {units} đơn vị, "
        "{procedures} thủ tục, {dossiers} hồ sơ, {events} bước xử lý, {feedback} phản ánh "
        "— {seconds} giây.",
        "Generated SYNTHETIC data (seed {seed}) into {out}: {units} units, {procedures} "
        "procedures, {dossiers} dossiers, {events} events, {feedback} feedback — {seconds} s.",
    ),
    "first_after": (
        "Năm đầu {first} ở sau năm {year}.",
        "The first year {first} comes after the year {year}.",
    ),
    "no_calendar": (
        "Chưa có lịch ngày làm việc năm {year} (có: {years}).",
        "No working-day calendar for {year} (shipped: {years}).",
    ),
    "weekends_only": (
        "Chưa có lịch năm {next}: hạn sau 31/12/{year} chỉ tính theo thứ Bảy, Chủ nhật.",
        "No calendar for {next}: deadlines after 31/12/{year} count weekends only.",
    ),
    "rejected": (
        "{bad} dòng lỗi trên {rows} dòng — không nhập gì, kho giữ nguyên.",
        "{bad} bad row(s) of {rows} — nothing imported, the store is unchanged.",
    ),
    "rejected_file": (
        "Tệp {file} có {errors} lỗi — không nhập gì, kho giữ nguyên.",
        "{file} has {errors} error(s) — nothing imported, the store is unchanged.",
    ),
    "already": (
        "Tệp {file} đã được nhập vào bảng {table} trước đây (SHA-256 {sha}…): không nhập lại, "
        "kho không thay đổi; bảng có {total} dòng.",
        "{file} was already imported into {table} (SHA-256 {sha}…): not imported again, the "
        "store is unchanged; the table has {total} rows.",
    ),
    "imported": (
        "Đã nhập {rows} dòng từ {file} vào bảng {table} ({new} mới, {updated} thay dòng cùng "
        "khóa); bảng có {total} dòng.",
        "Imported {rows} rows from {file} into {table} ({new} new, {updated} replacing rows "
        "with the same key); the table has {total} rows.",
    ),
    "store": (
        "Kho {store}, phiên bản {version}: {tables}.",
        "Store {store}, version {version}: {tables}.",
    ),
    "optional": (
        "Chưa nhập {tables} (không bắt buộc): chỉ tiêu nào cần đến sẽ không có dữ liệu.",
        "Not imported yet: {tables} (optional); the indicators that need them will have no data.",
    ),
    "next_import": (
        "Tiếp theo, nhập bảng {table}: {command}",
        "Next, import {table}: {command}",
    ),
    "next_compute": (
        "Tiếp theo, tính các chỉ tiêu: {command}",
        "Next, compute the indicators: {command}",
    ),
    "count": (
        "{code}: tổng cộng {count} (liệt kê {shown})",
        "{code}: {count} in all ({shown} listed)",
    ),
}


def _say(ctx: Context, key: str, *, err: bool = False, **params: Any) -> None:
    vi, en = MESSAGES[key]
    numbers = {k: _number(v, ctx.lang) for k, v in params.items()}
    text = (vi if ctx.lang == "vi" else en).format(**numbers)
    (ctx.err if err else ctx.out).print(text, highlight=False)


def _number(value: Any, lang: str) -> Any:
    """Thousands grouped as each language writes them: 1.234.567 / 1,234,567."""
    if isinstance(value, int) and not isinstance(value, bool):
        text = f"{value:,}"
        return text.replace(",", ".") if lang == "vi" else text
    if isinstance(value, float):
        text = f"{value:.1f}"
        return text.replace(".", ",") if lang == "vi" else text
    return value


@click.command("generate")
@click.option(
    "--units",
    type=click.IntRange(min=2),
    default=30,
    show_default=True,
    help="Handling units: about a fifth departments, the rest communes.",
)
@click.option(
    "--dossiers",
    type=click.IntRange(min=0),
    default=100_000,
    show_default=True,
    help="Dossiers received in each year.",
)
@click.option(
    "--year",
    type=int,
    default=2025,
    show_default=True,
    help="The (last) year (a shipped working-day calendar is needed for it).",
)
@click.option(
    "--first-year",
    type=int,
    help="The first year, for records spanning several years up to --year, each with its "
    "own dossiers (default: --year alone).",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Random seed: the same seed gives the same data.",
)
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def generate_command(
    ctx: Context,
    units: int,
    dossiers: int,
    year: int,
    first_year: int | None,
    seed: int,
    out_dir: Path,
) -> None:
    """Generate a SYNTHETIC province's records into a new store OUT_DIR: units, procedures,
    dossiers with their status history, and feedback, labelled synthetic in the store's
    manifest and README. Deterministic by seed; written block by block, so memory stays
    bounded for tens of millions of dossiers. With --first-year, the years up to --year: the
    units improve from year to year, and the last year's records are those it has alone."""
    from chiso.engine.service_synthetic import SyntheticSpec
    from chiso.engine.service_synthetic_feedback import generate
    from chiso.io.synthetic_store import write_synthetic

    if first_year is not None and first_year > year:
        _say(ctx, "first_after", first=str(first_year), year=str(year), err=True)
        sys.exit(EXIT_USAGE)
    if out_dir.exists() and any(out_dir.iterdir()):
        _say(ctx, "not_empty", out=out_dir, err=True)
        sys.exit(EXIT_USAGE)
    calendar = _calendar(ctx, year, first_year or year)
    started = time.perf_counter()
    version = write_synthetic(
        generate(SyntheticSpec(units, dossiers, year, seed, first_year), calendar), out_dir
    )
    seconds = time.perf_counter() - started
    _say(
        ctx,
        "generated",
        seed=str(seed),
        out=out_dir,
        units=version.rows("units"),
        procedures=version.rows("procedures"),
        dossiers=version.rows("dossiers"),
        events=version.rows("dossier_events"),
        feedback=version.rows("feedback"),
        seconds=seconds,
    )


def _calendar(ctx: Context, year: int, first: int) -> WorkingCalendar:
    """The calendars of `first`..`year` and of the next year; without the next, its weekends
    only (said)."""
    from chiso.io.calendar_files import load_calendar, shipped_calendar_years

    shipped = shipped_calendar_years()
    for needed in range(first, year + 1):
        if needed not in shipped:
            years = ", ".join(str(y) for y in shipped)
            _say(ctx, "no_calendar", year=str(needed), years=years, err=True)
            sys.exit(EXIT_USAGE)
    try:
        if year + 1 in shipped:
            return load_calendar(first, year + 1)
        _say(ctx, "weekends_only", year=str(year), next=str(year + 1), err=True)
        return load_calendar(first, year).extended_to(dt.date(year + 1, 12, 31))
    except MethodError as exc:
        ctx.fail(exc.problems, EXIT_INPUT, outcome=("không sinh dữ liệu", "nothing generated"))
        raise  # ctx.fail exits


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--table",
    "table",
    required=True,
    type=click.Choice([t.name for t in TABLES]),
    help="The contract table the file fills.",
)
@click.option(
    "--store",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The store folder (created if needed).",
)
@click.option("--sheet", help="XLSX sheet to read (default: the first).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="The report as text or as JSON.",
)
@click.pass_obj
def import_command(
    ctx: Context, file: Path, table: str, store: Path, sheet: str | None, fmt: str
) -> None:
    """Import FILE (CSV, XLSX, JSON or Parquet) into TABLE of the dossier store. Every bad row
    is reported with its place and reason; on any error nothing is imported (exit 3). Rows
    replace those with the same key, so importing a file again adds nothing. Then says what
    the store holds (rows per table, its version) and the command to run next: the next
    table to import, or `chiso service compute STORE --period YEAR`."""
    from chiso.io.dossiers import ImportRejected, import_file

    if _synthetic(store):
        _fail(ctx, (Problem("DOS019", str(store), {}),), fmt)
    try:
        report = import_file(file, table, store, sheet=sheet)
    except ImportRejected as exc:
        _report(ctx, exc.report, fmt)
        sys.exit(EXIT_INPUT)
    except InputError as exc:
        _fail(ctx, exc.problems, fmt)
    _report(ctx, report, fmt, _store_state(store))


def _synthetic(store: Path) -> bool:
    """Whether the store holds generated data: real records are never mixed with it (the staff
    page's upload replaces it instead; here the store is the user's folder, so it is kept)."""
    from chiso.io.dossier_store import StoreError, open_store

    try:
        version = open_store(store)
    except StoreError:
        return False  # the import says what is wrong with it (DOS017)
    return version is not None and bool(version.manifest.get("synthetic"))


def _fail(ctx: Context, problems: tuple[Problem, ...], fmt: str) -> None:
    if fmt == "json":
        listed = [_json(p, ctx.lang) for p in problems]
        click.echo(
            json.dumps({"imported": False, "problems": listed}, ensure_ascii=False, indent=2)
        )
        sys.exit(EXIT_INPUT)
    ctx.fail(problems, EXIT_INPUT, outcome=NOTHING_IMPORTED)


def _report(ctx: Context, report: ImportReport, fmt: str, state: StoreState | None = None) -> None:
    if fmt == "json":
        document = _report_json(report, ctx.lang, state)
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    from chiso.io.terminal import print_problems

    print_problems(ctx.err, report.problems, ctx.lang)
    _counts(ctx, report)
    name = report.file.name
    if report.errors and report.bad_rows:
        _say(ctx, "rejected", bad=report.bad_rows, rows=report.rows, err=True)
    elif report.errors:  # the file as a whole (its header, a table it needs): all listed
        errors = len(errors_only(report.problems))
        _say(ctx, "rejected_file", file=name, errors=errors, err=True)
    elif report.already:
        sha = report.sha256[:12]
        _say(ctx, "already", file=name, table=report.table, sha=sha, total=report.total)
    else:
        _say(
            ctx,
            "imported",
            rows=report.rows,
            file=name,
            table=report.table,
            new=report.new,
            updated=report.updated,
            total=report.total,
        )
    if state is not None and not report.errors:
        _summary(ctx, state)


# --- after an import: what the store holds and what to run next --------------------------------


@dataclass(frozen=True)
class StoreState:
    """The store after an import: its folder, version, rows per table, the latest year of
    its dossiers (None without any), and the command to run next."""

    path: Path
    version: str
    tables: dict[str, int]
    last_year: int | None

    @property
    def missing(self) -> list[str]:
        return [t for t in IMPORT_ORDER if not self.tables[t]]

    def next_command(self) -> str:
        store = shlex.quote(str(self.path))
        if self.missing:
            return f"chiso service import FILE --table {self.missing[0]} --store {store}"
        return f"chiso service compute {store} --period {self.last_year}"


def _store_state(path: Path) -> StoreState | None:
    import polars as pl

    from chiso.io.dossier_store import open_store

    version = open_store(path)
    if version is None:
        return None
    last_year = None
    if version.has("dossiers"):
        received = pl.scan_parquet(version.glob("dossiers")).select(pl.col("received_at").max())
        latest = received.collect().item()
        last_year = latest.year if latest is not None else None
    tables = {t: version.rows(t) for t in (*IMPORT_ORDER, *OPTIONAL)}
    if last_year is None:
        tables["dossiers"] = 0  # no dossier received: nothing to compute yet
    return StoreState(path, version.name, tables, last_year)


def _summary(ctx: Context, state: StoreState) -> None:
    listed = ", ".join(f"{t} {_number(n, ctx.lang)}" for t, n in state.tables.items())
    _say(ctx, "store", store=state.path, version=state.version, tables=listed)
    command = state.next_command()
    if state.missing:
        _say(ctx, "next_import", table=state.missing[0], command=command)
        return
    optional = [t for t in OPTIONAL if not state.tables[t]]
    if optional:
        _say(ctx, "optional", tables=", ".join(optional))
    _say(ctx, "next_compute", command=command)


def _counts(ctx: Context, report: ImportReport) -> None:
    """One line per kind of problem listed only in part."""
    shown: dict[str, int] = {}
    for problem in report.problems:
        shown[problem.code] = shown.get(problem.code, 0) + 1
    for code, count in sorted(report.counts.items()):
        if count > shown.get(code, 0):
            _say(ctx, "count", code=code, count=count, shown=shown.get(code, 0), err=True)


def _json(problem: Problem, lang: str) -> dict[str, Any]:
    return {
        "code": problem.code,
        "severity": problem.severity,
        "where": problem.where,
        "message": problem.message(lang),
    }


def _report_json(report: ImportReport, lang: str, state: StoreState | None) -> dict[str, Any]:
    store = None
    if state is not None and not report.errors:
        store = {
            "path": str(state.path),
            "version": state.version,
            "tables": state.tables,
            "next": state.next_command(),
        }
    return {
        "imported": not report.errors and not report.already,
        "already_imported": report.already,
        "table": report.table,
        "file": str(report.file),
        "sha256": report.sha256,
        "rows": report.rows,
        "new": report.new,
        "updated": report.updated,
        "total": report.total,
        "version": report.version,
        "bad_rows": report.bad_rows,
        "counts": report.counts,
        "problems": [_json(p, lang) for p in report.problems],
        "store": store,
    }
