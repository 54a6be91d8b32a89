"""`chiso …` — the engine from the shell.

Exit codes scripts can rely on:

\b
  0  success (warnings may have been printed)
  1  the method file is invalid or unreadable (every problem is printed)
  2  wrong usage: unknown option, missing argument, file not found
  3  the input data (units, scores, lineage) is invalid or unreadable
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from chiso.engine.explain import explain_unit
from chiso.engine.framework import Method
from chiso.engine.history import compare_years
from chiso.engine.inputs import Inputs, prepare_inputs
from chiso.engine.par import ParResult, compute_par
from chiso.engine.problems import InputError, MethodError, Problem, errors_only
from chiso.io.method_files import check_method_file, load_method, resolve_method, shipped_methods
from chiso.io.results import ranking_table, render_text, write_table
from chiso.io.tables import read_scores, read_units
from chiso.io.terminal import print_explanation, print_problems, print_ranking

EXIT_METHOD, EXIT_INPUT = 1, 3
NOTHING_COMPUTED = ("không tính toán", "nothing computed")


class Context:
    def __init__(self, lang: str):
        self.lang = lang
        self.out = Console(soft_wrap=False, width=None)
        self.err = Console(stderr=True, soft_wrap=True)

    def fail(
        self,
        problems: list[Problem] | tuple[Problem, ...],
        code: int,
        *,
        outcome: tuple[str, str] = NOTHING_COMPUTED,
    ) -> None:
        """Print every problem, then how many errors and what the command therefore did not
        do (`outcome`, Vietnamese and English: a command that imports says nothing was
        imported, not that nothing was computed), and exit with `code`."""
        print_problems(self.err, problems, self.lang)
        count = len(errors_only(problems))
        vi, en = outcome
        self.err.print(
            f"{count} lỗi — {vi}." if self.lang == "vi" else f"{count} error(s) — {en}.",
            highlight=False,
        )
        sys.exit(code)


pass_context = click.make_pass_decorator(Context)
METHOD = click.argument("method", metavar="METHOD")
SCORES = click.argument("scores", type=click.Path(exists=True, dir_okay=False, path_type=Path))
UNITS = click.option(
    "--units",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Unit list (CSV/XLSX: unit, name, block, kind). Default: the unit "
    "columns of SCORES, or every unit in SCORES in the method's only block.",
)
SHEET = click.option("--sheet", help="XLSX sheet to read (default: the first).")


@click.group(help=__doc__)
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default="vi",
    envvar="CHISO_LANG",
    show_default=True,
    help="Language of messages and tables (env CHISO_LANG).",
)
@click.version_option(package_name="chiso")
@click.pass_context
def main(ctx: click.Context, lang: str) -> None:
    ctx.obj = Context(lang)


@main.command()
@METHOD
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Problems as text lines or a JSON list.",
)
@pass_context
def check(ctx: Context, method: str, fmt: str) -> None:
    """Validate METHOD (a YAML file, or the name of a shipped one) and report every problem.

    Each problem has a stable code (PAR…), the criterion or key it concerns, and a message.
    Exits 1 if there is any error; warnings alone exit 0.
    """
    path = resolve_method(method)
    problems = check_method_file(path)
    _report_check(ctx, path, problems, fmt)


def _report_check(ctx: Context, path: Path, problems: list[Problem], fmt: str) -> None:
    """Print a check's problems (text or JSON) and exit 1 if any is an error."""
    if fmt == "json":
        click.echo(
            json.dumps([_problem_json(p, ctx.lang) for p in problems], ensure_ascii=False, indent=2)
        )
    else:
        print_problems(ctx.out, problems, ctx.lang)
        if not errors_only(problems):
            ok = "hợp lệ" if ctx.lang == "vi" else "is valid"
            ctx.out.print(f"{path}: {ok} ({len(problems)} warning(s))", highlight=False)
    sys.exit(EXIT_METHOD if errors_only(problems) else 0)


def _problem_json(problem: Problem, lang: str) -> dict[str, Any]:
    return {
        "code": problem.code,
        "severity": problem.severity,
        "where": problem.where,
        "message": problem.message(lang),
    }


@main.command()
@METHOD
@SCORES
@UNITS
@SHEET
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Last year's results (a CSV written by `chiso compute --format csv`) for "
    "the change in index and rank.",
)
@click.option(
    "--lineage",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Unit lineage (CSV: current, previous, relation = same|renamed|merged|split).",
)
@click.option("--fields", is_flag=True, help="Add one index column per field.")
@click.option(
    "--se",
    "standard_errors",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Standard errors of components (CSV: unit, component, se) for rank "
    "intervals by seeded Monte Carlo.",
)
@click.option(
    "--draws",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Monte Carlo draws for rank intervals.",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Random seed for rank intervals (recorded in the output).",
)
@click.option(
    "--level",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.9,
    show_default=True,
    help="Coverage of the rank intervals.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "xlsx"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (required for xlsx; default: the terminal).",
)
@pass_context
def compute(
    ctx: Context,
    method: str,
    scores: Path,
    units: Path | None,
    sheet: str | None,
    previous: Path | None,
    lineage: Path | None,
    fields: bool,
    standard_errors: Path | None,
    draws: int,
    seed: int,
    level: float,
    fmt: str,
    output: Path | None,
) -> None:
    """Compute totals, index %, bands and ranks of every unit in SCORES under METHOD.

    SCORES is CSV or XLSX, long (unit, criterion, value) or wide (unit + one column per
    criterion code). Values are what each criterion's rule reads: points, a level code, a rate
    in %, a number of incidents, a survey option.
    """
    the_method = _load(ctx, method)
    result = compute_par(the_method, _inputs(ctx, the_method, scores, units, sheet))
    history = _history(ctx, result, previous, lineage) if previous else None
    intervals = None
    if standard_errors:
        intervals = _intervals(ctx, the_method, result, standard_errors, draws, seed, level)
    table = ranking_table(the_method, result, history, fields=fields, intervals=intervals)
    if fmt == "table" and output is None:
        print_ranking(ctx.out, the_method, table, ctx.lang, intervals)
        return
    fmt = "csv" if fmt == "table" else fmt
    if output is not None:
        write_table(the_method, result, table, fmt, output, intervals)
    elif fmt == "xlsx":
        raise click.UsageError("--format xlsx needs -o FILE")
    else:
        click.echo(render_text(the_method, result, table, fmt, intervals), nl=False)


@main.command()
@METHOD
@SCORES
@click.argument("unit")
@UNITS
@SHEET
@click.option("--limit", type=int, help="Show only the first N criteria.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@pass_context
def explain(
    ctx: Context,
    method: str,
    scores: Path,
    unit: str,
    units: Path | None,
    sheet: str | None,
    limit: int | None,
    fmt: str,
) -> None:
    """Explain UNIT's result: every criterion with its points, max and lost points, sorted by
    what fixing it would gain in index points — the unit's improvement plan."""
    the_method = _load(ctx, method)
    result = compute_par(the_method, _inputs(ctx, the_method, scores, units, sheet))
    try:
        explanation = explain_unit(the_method, result, unit)
    except KeyError:
        message = f"unit '{unit}' is not in {scores.name}"
        raise click.BadParameter(message, param_hint="UNIT") from None
    if fmt == "table":
        print_explanation(ctx.out, the_method, explanation, ctx.lang, limit)
    elif fmt == "csv":
        click.echo(explanation.leaves.write_csv(), nl=False)
    else:
        doc = {"unit": explanation.unit, "leaves": explanation.leaves.to_dicts()}
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))


@main.command("import-criteria")
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@SHEET
@click.option(
    "--settings",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML with every key except `criteria` (id, title, year, blocks, bands, "
    "ranking, display, missing_input …).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The method file to write (YAML).",
)
@pass_context
def import_criteria_command(
    ctx: Context, table: Path, sheet: str | None, settings: Path | None, output: Path
) -> None:
    """Draft a method file from a criteria annex TABLE (XLSX or CSV with STT, nội dung tiêu
    chí, điểm tối đa, cách chấm).

    The tree is built from the numbering (I / 1 / 1.1 / a); the scoring text is kept as
    guidance; rules are inferred only where the text is unambiguous, and listed for review.
    Rows that could not be placed are listed with their row numbers. Then run `chiso check`.
    """
    from chiso.io.criteria_import import CriteriaImportError, dump_method_yaml, import_criteria

    vi = ctx.lang == "vi"
    try:
        extra = _settings(ctx, settings) if settings else None
        imported = import_criteria(table, sheet=sheet, settings=extra)
    except CriteriaImportError as exc:
        ctx.err.print(f"INP008 {table.name}: {exc.vi if vi else exc.en}", highlight=False)
        sys.exit(EXIT_INPUT)
    output.write_text(dump_method_yaml(imported.data, imported=imported), encoding="utf-8")
    for row in imported.unplaced:
        reason = row.reason_vi if vi else row.reason_en
        ctx.err.print(
            f"[yellow]{table.name} row {row.row}[/]: {reason} — "
            f"{' | '.join(c for c in row.cells if c)}",
            highlight=False,
        )
    _report_import(ctx, imported, output)


def _settings(ctx: Context, path: Path) -> Any:
    from chiso.io.method_files import read_method_data

    data, problems = read_method_data(path)
    if problems:
        ctx.fail(problems, EXIT_INPUT)
    return data


def _report_import(ctx: Context, imported: Any, output: Path) -> None:
    leaves = sum(1 for _ in _leaves_of(imported.data.get("criteria", [])))
    problems = check_method_file(output)
    if ctx.lang == "vi":
        ctx.out.print(
            f"Đã ghi {output}: {leaves} tiêu chí lá, {len(imported.guessed)} cách chấm "
            f"suy ra cần rà soát, {len(imported.unplaced)} dòng không xếp được, "
            f"{len(errors_only(problems))} lỗi khi kiểm tra (chiso check).",
            highlight=False,
        )
    else:
        ctx.out.print(
            f"Wrote {output}: {leaves} leaves, {len(imported.guessed)} inferred rules to "
            f"review, {len(imported.unplaced)} rows not placed, "
            f"{len(errors_only(problems))} errors from `chiso check`.",
            highlight=False,
        )


def _leaves_of(nodes: list[Any]) -> Any:
    for node in nodes:
        if node.get("children"):
            yield from _leaves_of(node["children"])
        else:
            yield node


@main.command("methods")
def list_methods() -> None:
    """List the method files shipped with chiso."""
    for path in shipped_methods():
        click.echo(f"{path.parent.name}/{path.stem}\t{path}")


@main.command()
@pass_context
def demo(ctx: Context) -> None:
    """Compute the Thái Nguyên example year (synthetic scores) and explain one unit."""
    from chiso.demo import run_demo

    run_demo(ctx.out, ctx.lang)


# --- shared steps -------------------------------------------------------------------------------


def _load(ctx: Context, name: str) -> Method:
    path = resolve_method(name)
    if not path.exists():
        raise click.BadParameter(
            f"no file '{name}' and no shipped method of that name (see `chiso methods`)",
            param_hint="METHOD",
        )
    try:
        return load_method(path)
    except MethodError as exc:
        ctx.fail(exc.problems, EXIT_METHOD)
        raise  # unreachable: fail() exits


def _inputs(
    ctx: Context, method: Method, scores: Path, units: Path | None, sheet: str | None
) -> Inputs:
    try:
        return load_inputs(method, scores, units, sheet)
    except InputError as exc:
        ctx.fail(exc.problems, EXIT_INPUT)
        raise


def load_inputs(
    method: Method, scores: Path, units: Path | None = None, sheet: str | None = None
) -> Inputs:
    """Read SCORES (and the unit list) and check them against `method`."""
    from chiso.engine.inputs import Unit

    data = read_scores(scores, sheet)
    unit_list = _units_of_method(method, read_units(units), data.rows) if units else data.units
    if not unit_list:
        if len(method.blocks) != 1:
            raise InputError([Problem("INP001", scores.name, {"column": "block"})])
        codes = dict.fromkeys(row.unit for row in data.rows)
        unit_list = [Unit(code, code, method.blocks[0].code) for code in codes if code]
    return prepare_inputs(method, unit_list, data.rows)


def _intervals(
    ctx: Context, method: Method, result: ParResult, path: Path, draws: int, seed: int, level: float
) -> Any:
    from chiso.engine.uncertainty import rank_intervals
    from chiso.io.standard_errors import read_standard_errors

    try:
        errors = read_standard_errors(path)
        return rank_intervals(method, result, errors, draws=draws, seed=seed, level=level)
    except InputError as exc:
        ctx.fail(exc.problems, EXIT_INPUT)
    except ValueError as exc:  # an unknown unit or component in the file
        ctx.err.print(f"INP004 {path.name}: {exc}", highlight=False)
        sys.exit(EXIT_INPUT)


def _units_of_method(method: Method, units: list[Any], rows: list[Any]) -> list[Any]:
    """A province's unit list covers every block; keep the units this method ranks, and any
    unit with scores (so that a scored unit of a foreign block is still reported)."""
    scored = {row.unit for row in rows}
    return [u for u in units if method.block(u.block) is not None or u.code in scored]


def _history(ctx: Context, result: ParResult, previous: Path, lineage: Path | None) -> Any:
    from chiso.io.lineage import read_lineage, read_previous

    try:
        return compare_years(
            result.units, read_previous(previous), read_lineage(lineage) if lineage else None
        )
    except InputError as exc:
        ctx.fail(exc.problems, EXIT_INPUT)


# --- the web app --------------------------------------------------------------------------------


@main.group()
def web() -> None:
    """The web app (Django): the demo server."""


@web.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("var") / "demo-web",
    show_default=True,
    help="Where the demo's SQLite database and static files live.",
)
@click.option("--no-serve", is_flag=True, help="Migrate and seed only; do not start the server.")
def web_demo(host: str, port: int, data_dir: Path, no_serve: bool) -> None:
    """Migrate, seed the Thái Nguyên demo (2023 and 2024 published, 2025 open) and serve it
    with waitress, DEBUG off. Uses its own SQLite file, never DATABASE_URL."""
    from chiso.web.publishing import demo_server

    demo_server.configure(data_dir, host)
    demo_server.prepare(click.echo)
    click.echo("")
    for line in demo_server.logins():
        click.echo(line)
    if no_serve:
        return
    shown = f"[{host}]" if ":" in host else host
    click.echo("")
    click.echo(f"chiso đang chạy tại http://{shown}:{port}/  (Ctrl+C để dừng)")
    click.echo(f"  Trang công khai: http://{shown}:{port}/")
    click.echo(f"  Đăng nhập:       http://{shown}:{port}/tai-khoan/dang-nhap/")
    demo_server.serve(host, port)


# --- service quality (Decision 766): its own module, registered here ----------------------------

from chiso.cli_service import service  # noqa: E402  (registered after main is defined)

main.add_command(service)

# --- SIPAS: its own module, registered here ----------------------------------------------------

from chiso.cli_sipas import sipas  # noqa: E402  (registered after main is defined)

main.add_command(sipas)
