"""`chiso sipas …`: check SIPAS questionnaires, estimate satisfaction from answers.

The group lives apart from `chiso.cli` because it has its own subject (questionnaires, answers,
weights); `chiso.cli` registers it at import and the commands use its `Context` (language, exit
codes: 1 invalid questionnaire, 3 invalid answers or totals).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import click

from chiso.cli import EXIT_INPUT, EXIT_METHOD, SHEET, Context, _report_check, pass_context
from chiso.engine.problems import InputError, MethodError, Problem

QUESTIONNAIRE = click.argument("questionnaire", metavar="QUESTIONNAIRE")


@click.group()
def sipas() -> None:
    """SIPAS satisfaction surveys: check questionnaires, estimate indices from answers."""


@sipas.command("check")
@QUESTIONNAIRE
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Problems as text lines or a JSON list.",
)
@pass_context
def sipas_check(ctx: Context, questionnaire: str, fmt: str) -> None:
    """Validate QUESTIONNAIRE (a YAML file, or the name of a shipped one: service-user-2024,
    resident-2024, commune-short-2024) and report every problem.

    Each problem has a stable code (SIP…), the key it concerns, and a message.
    Exits 1 if there is any error; warnings alone exit 0.
    """
    from chiso.io.questionnaire_files import check_questionnaire_file, resolve_questionnaire

    path = resolve_questionnaire(questionnaire)
    problems = check_questionnaire_file(path)
    _report_check(ctx, path, problems, fmt)


@sipas.command("estimate")
@QUESTIONNAIRE
@click.argument("answers", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@SHEET
@click.option(
    "--by",
    type=click.Choice(["channel"]),
    help="Estimate and rank within each channel (needs a channel column).",
)
@click.option(
    "--totals",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Population totals to rake the weights to (CSV/XLSX: margin, category, total; margins "
    "unit, channel, procedure). Raking starts from the weight column if there is one.",
)
@click.option(
    "--rake-iterations",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Most raking cycles over the margins before giving up (exit 3).",
)
@click.option(
    "--rake-tolerance",
    type=click.FloatRange(0, 1, min_open=True),
    default=1e-6,
    show_default=True,
    help="Raking stops when every margin is met within this relative error.",
)
@click.option(
    "--level",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.95,
    show_default=True,
    help="Coverage of the intervals.",
)
@click.option(
    "--bootstrap",
    type=click.IntRange(min=1),
    default=2000,
    show_default=True,
    help="Bootstrap draws for the intervals of factors, contents and the overall index.",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Random seed of the bootstrap (recorded in the output).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: the terminal).",
)
@click.option(
    "--nodes",
    "show_nodes",
    is_flag=True,
    help="Every factor and content of every unit, not only the overall index.",
)
@click.option(
    "--shares",
    "show_shares",
    is_flag=True,
    help="The shares of answers to the choice items (perceptions, needs) with intervals.",
)
@pass_context
def sipas_estimate(ctx: Context, questionnaire: str, answers: Path, **options: Any) -> None:
    """Estimate the satisfaction index of every unit in ANSWERS under QUESTIONNAIRE.

    ANSWERS is CSV or XLSX, one row per respondent and item: respondent, unit, item, value
    (a level of the scale or answer list, or its no-answer value), optionally channel,
    procedure and weight (Vietnamese headers nguoi_tra_loi, don_vi, cau_hoi, gia_tri, kenh,
    thu_tuc, trong_so also work). Indices are % satisfied with bootstrap intervals; units below
    the questionnaire's minimum sample are not ranked; neighbours whose difference is not
    significant are listed. With --totals the weights are raked to the known totals first and
    every estimate is weighted, with its Kish effective sample size.
    """
    from chiso.engine.sipas import estimate_sipas
    from chiso.io.answers import read_answers

    the_questionnaire = _load_questionnaire(ctx, questionnaire)
    try:
        frame = read_answers(answers, the_questionnaire, options["sheet"])
        raked = _rake(ctx, frame, options) if options["totals"] else None
        result = estimate_sipas(
            the_questionnaire,
            frame if raked is None else raked.answers,
            level=options["level"],
            bootstrap=options["bootstrap"],
            seed=options["seed"],
            by="channel" if options["by"] else None,
        )
    except InputError as exc:
        ctx.fail(exc.problems, EXIT_INPUT)
        raise  # unreachable: fail() exits
    _write(ctx, the_questionnaire, result, raked, options)


def _rake(ctx: Context, frame: Any, options: dict[str, Any]) -> Any:
    """The answers raked to the totals file; exits 3 when raking cannot or does not converge."""
    from chiso.engine.sipas_weights import rake_answers
    from chiso.io.totals import read_totals

    totals = read_totals(options["totals"])
    raked = rake_answers(
        frame,
        totals,
        max_iterations=options["rake_iterations"],
        tolerance=options["rake_tolerance"],
    )
    if not raked.raking.converged:
        params = {
            "iterations": raked.raking.iterations,
            "error": f"{raked.raking.max_relative_error:.3g}",
        }
        raise InputError([Problem("SIP056", options["totals"].name, params)])
    return raked


def _write(
    ctx: Context, questionnaire: Any, result: Any, raked: Any, options: dict[str, Any]
) -> None:
    from chiso.io.sipas_terminal import print_sipas, weighting_document

    fmt, output = options["fmt"], options["output"]
    weighting = weighting_document(raked, result)
    if fmt == "table" and output is None:
        print_sipas(
            ctx.out,
            questionnaire,
            result,
            ctx.lang,
            nodes=options["show_nodes"],
            shares=options["show_shares"],
            weighting=weighting,
        )
        return
    frame_name = (
        "shares" if options["show_shares"] else "nodes" if options["show_nodes"] else "units"
    )
    frame_out = getattr(result, frame_name)
    if fmt in ("csv", "table"):
        text = frame_out.write_csv()
    else:
        doc = {
            "questionnaire": result.questionnaire,
            "questionnaire_hash": result.questionnaire_hash,
            "level": result.level,
            "bootstrap": result.bootstrap,
            "seed": result.seed,
            "by": result.by,
            "weighting": weighting,
            frame_name: frame_out.to_dicts(),
            "pairs": result.pairs.to_dicts(),
        }
        text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        _write_file(output, text)


def _write_file(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written output."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _load_questionnaire(ctx: Context, name: str) -> Any:
    from chiso.io.questionnaire_files import load_questionnaire, resolve_questionnaire

    path = resolve_questionnaire(name)
    if not path.exists():
        raise click.BadParameter(
            f"no file '{name}' and no shipped questionnaire of that name",
            param_hint="QUESTIONNAIRE",
        )
    try:
        return load_questionnaire(path)
    except MethodError as exc:
        ctx.fail(exc.problems, EXIT_METHOD)
        raise  # unreachable: fail() exits
