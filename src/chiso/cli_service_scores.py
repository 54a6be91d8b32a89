"""`chiso service check | score | compute`: the Decision 766 indicators from counts or records.

Registered on the `service` group by `chiso.cli_service`, beside the commands that bring
records in (`chiso.cli_service_data`). Messages are Vietnamese unless ``--lang en``; exit codes
as in the rest of the CLI (0 success, 1 invalid method, 2 usage, 3 invalid data).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from chiso.engine.problems import InputError, MethodError, Problem

if TYPE_CHECKING:
    from chiso.cli import Context
    from chiso.engine.service import ServiceResult
    from chiso.engine.service_method import ServiceMethod

EXIT_METHOD, EXIT_INPUT = 1, 3
METHOD = click.option(
    "--method",
    "method_name",
    default="qd766-2022",
    show_default=True,
    help="Service method file (YAML), or the name of a shipped one.",
)
FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "xlsx"]),
    default="table",
    show_default=True,
    help="Output format (json and xlsx hold every table).",
)
OUTPUT = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (required for xlsx; default: the terminal).",
)
INDICATORS = click.option(
    "--indicators",
    is_flag=True,
    help="Show every indicator of every unit (numerator, denominator, rate, points, status) "
    "instead of the unit table.",
)


def _ctx() -> Context:
    from chiso.cli import Context

    obj = click.get_current_context().find_object(Context)
    assert obj is not None, "the service group runs under chiso"
    return obj


@click.command("check")
@click.argument("method_name", metavar="METHOD", default="qd766-2022")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Problems as text lines or a JSON list.",
)
def check_command(method_name: str, fmt: str) -> None:
    """Validate a service method (a YAML file, or the name of a shipped one; default
    qd766-2022) and report every problem with its code (SVC…) and place.

    Exits 1 if there is any error; warnings alone exit 0.
    """
    from chiso.cli import _report_check
    from chiso.io.service_method_files import check_service_method_file, resolve_service_method

    path = resolve_service_method(method_name)
    _report_check(_ctx(), path, check_service_method_file(path), fmt)


@click.command("score")
@click.argument("counts", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@METHOD
@click.option(
    "--units",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Unit list (CSV/XLSX: unit, name, level, parent, block) instead of the unit "
    "columns of COUNTS.",
)
@click.option("--sheet", help="XLSX sheet to read (default: the first).")
@click.option(
    "--no-roll-up",
    "no_roll_up",
    is_flag=True,
    help="Take each unit's counts as given (they already include their children's).",
)
@INDICATORS
@FORMAT
@OUTPUT
def score_command(
    counts: Path,
    method_name: str,
    units: Path | None,
    sheet: str | None,
    no_roll_up: bool,
    indicators: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """Score COUNTS: one row per unit and indicator with its numerator and denominator.

    \b
    Columns (Vietnamese aliases in brackets):
      unit [ma_don_vi]  indicator [chi_tieu]  numerator [tu_so]  denominator [mau_so]
      level [cap]: province|tỉnh, department|sở, commune|xã
      optional: period [ky], name [ten_don_vi, don_vi], parent [ma_don_vi_cha], block [khoi]

    A parent's counts are its own plus all its descendants' (unless --no-roll-up); an
    indicator a unit has no row for is "not measured", and leaves its group and total empty.
    Gives every indicator's rate and points, the groups, total, band and rank.
    """
    from chiso.engine.service import score_service
    from chiso.io.service_counts import read_counts

    ctx = _ctx()
    method = _load(ctx, method_name)
    try:
        data = read_counts(counts, method, units, sheet)
        result = score_service(method, data.frame, data.units, rolled_up=not no_roll_up)
    except InputError as exc:
        ctx.fail(exc.problems, EXIT_INPUT)
        raise  # unreachable: fail() exits
    _emit(ctx, method, result, fmt, "indicators" if indicators else "units", output)


@click.command("compute")
@click.argument("store", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--period",
    required=True,
    help="The period: a year (2026), a quarter (2026-Q3) or a month (2026-07).",
)
@click.option(
    "--by",
    type=click.Choice(["month", "quarter", "year"]),
    help="Cut the period into months, quarters or years (default: the period itself).",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Judge open dossiers and count records as of this date (YYYY-MM-DD), for a period "
    "not yet over.",
)
@click.option(
    "--procedure",
    "by_procedure",
    is_flag=True,
    help="Also give every indicator by unit × procedure (the drill-down behind each rate).",
)
@METHOD
@click.option(
    "--calendar-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of the province's own calendar files (<calendar>-YYYY.yaml) instead of the "
    "shipped ones.",
)
@INDICATORS
@FORMAT
@OUTPUT
def compute_command(
    store: Path,
    period: str,
    by: str | None,
    as_of: dt.datetime | None,
    by_procedure: bool,
    method_name: str,
    calendar_dir: Path | None,
    indicators: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """Compute every indicator from the dossier records in STORE (a folder made by `chiso
    service import` or `generate`), for every unit and period, rolled up to parent units.

    Working days come from the method's calendar (Vietnam's holidays, shipped per year).
    """
    from chiso.engine.service_periods import periods_of

    ctx = _ctx()
    method = _load(ctx, method_name)
    try:
        periods = periods_of(period, by, as_of.date() if as_of else None)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from None
    if not periods:
        raise click.BadParameter("the period starts after --as-of", param_hint="--as-of")
    result = _compute(ctx, store, method, periods, calendar_dir, by_procedure)
    show = "procedures" if by_procedure else "indicators" if indicators else "units"
    _emit(ctx, method, result, fmt, show, output)


def _compute(
    ctx: Context,
    store: Path,
    method: ServiceMethod,
    periods: list[Any],
    calendar_dir: Path | None,
    by_procedure: bool,
) -> ServiceResult:
    from chiso.engine.service import check_store, compute_service, required_days
    from chiso.io.calendar_files import load_calendar
    from chiso.io.dossier_store import StoreError, connect

    try:
        con = connect(store)
    except StoreError as exc:
        ctx.fail([Problem("INP008", str(store), {"detail": str(exc)})], EXIT_INPUT)
        raise
    try:
        problems = check_store(con)
        if problems:
            ctx.fail(problems, EXIT_INPUT)
        days = required_days(con, periods)
        calendar = load_calendar(
            days[0].year, days[1].year, country=method.calendar, folder=calendar_dir
        )
        return compute_service(con, method, calendar, periods, by_procedure=by_procedure, days=days)
    except MethodError as exc:  # a calendar year missing or invalid
        ctx.fail(exc.problems, EXIT_INPUT)
        raise
    except InputError as exc:
        ctx.fail(exc.problems, EXIT_INPUT)
        raise
    finally:
        con.close()


def _load(ctx: Context, name: str) -> ServiceMethod:
    from chiso.io.service_method_files import load_service_method, resolve_service_method

    if not resolve_service_method(name).exists():
        raise click.BadParameter(
            f"no file '{name}' and no shipped service method of that name", param_hint="--method"
        )
    try:
        return load_service_method(name)
    except MethodError as exc:
        ctx.fail(exc.problems, EXIT_METHOD)
        raise  # unreachable: fail() exits


def _emit(
    ctx: Context,
    method: ServiceMethod,
    result: ServiceResult,
    fmt: str,
    show: str,
    output: Path | None,
) -> None:
    from chiso.io.service_results import print_service, render_service, write_service

    if fmt == "table" and output is None:
        print_service(ctx.out, method, result, ctx.lang, show)
        return
    fmt = "csv" if fmt == "table" else fmt
    if output is not None:
        write_service(method, result, fmt, show, output, ctx.lang)
    elif fmt == "xlsx":
        raise click.UsageError("--format xlsx needs -o FILE")
    else:
        click.echo(render_service(method, result, fmt, show), nl=False)
