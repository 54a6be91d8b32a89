"""SIPAS estimates on a terminal: one table of units (per channel with ``--by channel``), the
overall index with its interval, the sample size and rank, then the neighbours whose difference
is not significant."""

from __future__ import annotations

import polars as pl
from rich import box
from rich.console import Console
from rich.table import Table

from chiso.engine.sipas import SipasResult
from chiso.engine.sipas_method import Questionnaire

DECIMALS = 1


def print_sipas(
    console: Console,
    questionnaire: Questionnaire,
    result: SipasResult,
    lang: str,
    *,
    nodes: bool = False,
) -> None:
    vi = lang == "vi"
    title = questionnaire.title if vi else (questionnaire.title_en or questionnaire.title)
    console.print(f"[bold]{title}[/bold]", highlight=False)
    level = f"{result.level:.0%}"
    console.print(
        f"Chỉ số hài lòng (% hài lòng), khoảng tin cậy {level} theo {result.bootstrap} lần "
        f"bootstrap (seed {result.seed}); xếp hạng khi có từ {questionnaire.min_sample} phiếu."
        if vi
        else f"Satisfaction index (% satisfied), {level} intervals from {result.bootstrap} "
        f"bootstrap draws (seed {result.seed}); ranked from {questionnaire.min_sample} "
        "respondents.",
        highlight=False,
    )
    groups = (
        [(None, result.units, result.pairs, result.nodes)]
        if result.by is None
        else [
            (
                channel,
                result.units.filter(pl.col("channel") == channel),
                result.pairs.filter(pl.col("channel") == channel),
                result.nodes.filter(pl.col("channel") == channel),
            )
            for channel in result.units["channel"].unique().sort()
        ]
    )
    for channel, units, pairs, node_rows in groups:
        heading = None if channel is None else (f"Kênh: {channel}" if vi else f"Channel: {channel}")
        console.print(_units_table(heading, units, questionnaire.min_sample, vi))
        if nodes:
            console.print(_nodes_table(questionnaire, node_rows, vi))
        _print_pairs(console, pairs, vi)


def _units_table(title: str | None, units: pl.DataFrame, min_sample: int, vi: bool) -> Table:
    heads = (
        ["Hạng", "Đơn vị", "Chỉ số %", "Khoảng tin cậy", "Số phiếu", "Ghi chú"]
        if vi
        else ["Rank", "Unit", "Index %", "Interval", "n", "Note"]
    )
    table = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for i, head in enumerate(heads):
        table.add_column(head, justify="left" if i in (1, 5) else "right", no_wrap=True)
    ordered = units.sort(
        ["rank", "overall", "unit"], descending=[False, True, False], nulls_last=True
    )
    for row in ordered.iter_rows(named=True):
        note = ""
        if row["n"] < min_sample:
            note = "chưa đủ mẫu" if vi else "sample too small"
        elif row["overall"] is None:
            note = "không có câu trả lời" if vi else "no answers"
        table.add_row(
            "—" if row["rank"] is None else str(row["rank"]),
            row["unit"],
            _number(row["overall"]),
            _interval(row["low"], row["high"]),
            str(row["n"]),
            note,
        )
    return table


def _nodes_table(questionnaire: Questionnaire, nodes: pl.DataFrame, vi: bool) -> Table:
    titles = {n.code: (n.title if vi else (n.title_en or n.title)) for n in questionnaire.nodes}
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    heads = (
        ["Đơn vị", "Mã", "Nội dung", "Chỉ số %", "Khoảng tin cậy", "Số phiếu"]
        if vi
        else ["Unit", "Code", "Title", "Index %", "Interval", "n"]
    )
    for i, head in enumerate(heads):
        table.add_column(head, justify="left" if i < 3 else "right")
    for row in nodes.iter_rows(named=True):
        table.add_row(
            row["unit"],
            row["node"],
            titles.get(row["node"], ""),
            _number(row["estimate"]),
            _interval(row["low"], row["high"]),
            str(row["n"]),
        )
    return table


def _print_pairs(console: Console, pairs: pl.DataFrame, vi: bool) -> None:
    close = pairs.filter(~pl.col("significant"))
    if close.height == 0:
        console.print(
            "Mọi cặp liền kề đều khác biệt có ý nghĩa."
            if vi
            else "Every pair of neighbours differs significantly.",
            highlight=False,
        )
        return
    console.print(
        "Các cặp liền kề khác biệt không có ý nghĩa:"
        if vi
        else "Neighbours not significantly different:",
        highlight=False,
    )
    for pair in close.iter_rows(named=True):
        console.print(
            f"  {pair['unit_above']} ~ {pair['unit_below']} "
            f"({'chênh lệch' if vi else 'difference'} {_number(pair['difference'])}, "
            f"{_interval(pair['low'], pair['high'])})",
            highlight=False,
        )


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.{DECIMALS}f}"


def _interval(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "—"
    return f"{low:.{DECIMALS}f}–{high:.{DECIMALS}f}"
