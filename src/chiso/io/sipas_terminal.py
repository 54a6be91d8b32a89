"""SIPAS estimates on a terminal: how the answers were weighted, one table of units (per channel
with ``--by channel``) with the overall index, its interval, the sample size (and Kish's
effective sample size when weighted) and rank, the neighbours whose difference is not
significant, and on request every node and the shares of answers to the choice items."""

from __future__ import annotations

from typing import Any

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
    shares: bool = False,
    weighting: dict[str, Any] | None = None,
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
    if weighting is not None:
        console.print(_weighting_line(weighting, vi), highlight=False)
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
        console.print(_units_table(heading, units, questionnaire.min_sample, vi, result.weighted))
        if nodes:
            console.print(_nodes_table(questionnaire, node_rows, vi))
        _print_pairs(console, pairs, vi)
    if shares:
        console.print(shares_table(questionnaire, result, vi))


def _units_table(
    title: str | None, units: pl.DataFrame, min_sample: int, vi: bool, weighted: bool
) -> Table:
    heads = (
        ["Hạng", "Đơn vị", "Chỉ số %", "Khoảng tin cậy", "Số phiếu", "Ghi chú"]
        if vi
        else ["Rank", "Unit", "Index %", "Interval", "n", "Note"]
    )
    if weighted:
        heads.insert(5, "n hiệu dụng" if vi else "n eff.")
    table = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for i, head in enumerate(heads):
        left = i in (1, len(heads) - 1)
        table.add_column(head, justify="left" if left else "right", no_wrap=True)
    ordered = units.sort(
        ["rank", "overall", "unit"], descending=[False, True, False], nulls_last=True
    )
    for row in ordered.iter_rows(named=True):
        note = ""
        if row["n"] < min_sample:
            note = "chưa đủ mẫu" if vi else "sample too small"
        elif row["overall"] is None:
            note = "không có câu trả lời" if vi else "no answers"
        cells = [
            "—" if row["rank"] is None else str(row["rank"]),
            row["unit"],
            _number(row["overall"]),
            _interval(row["low"], row["high"]),
            str(row["n"]),
            note,
        ]
        if weighted:
            cells.insert(5, _number(row["n_eff"]))
        table.add_row(*cells)
    return table


def weighting_document(raked: Any, result: SipasResult) -> dict[str, Any] | None:
    """How the estimates were weighted, for the JSON output and the terminal: None when the
    answers carry no weights; the raking's margins and convergence when they were raked."""
    if raked is None:
        return {"method": "design weights"} if result.weighted else None
    raking = raked.raking
    return {
        "method": "raking",
        "start": "design weights" if raked.design_weights else "equal weights",
        "margins": list(raked.margins),
        "iterations": raking.iterations,
        "converged": raking.converged,
        "max_relative_error": raking.max_relative_error,
        "respondents": raking.frame.height,
        "weight_sum": float(raking.frame["raked_weight"].sum()),
    }


def _weighting_line(weighting: dict[str, Any], vi: bool) -> str:
    if weighting["method"] != "raking":
        return (
            "Ước lượng có trọng số (trọng số thiết kế trong tệp câu trả lời)."
            if vi
            else "Weighted estimates (design weights from the answers file)."
        )
    margins = ", ".join(weighting["margins"])
    error = f"{weighting['max_relative_error']:.1e}"
    n, total, rounds = weighting["respondents"], weighting["weight_sum"], weighting["iterations"]
    if vi:
        design = weighting["start"] == "design weights"
        start = "trọng số thiết kế" if design else "trọng số bằng nhau"
        return (
            f"Ước lượng có trọng số: hiệu chỉnh (raking) từ {start} theo tổng thể của {margins}; "
            f"hội tụ sau {rounds} vòng (sai số tương đối lớn nhất {error}); tổng trọng số "
            f"{total:,.0f} trên {n} người trả lời."
        )
    return (
        f"Weighted estimates: raked from {weighting['start']} to the totals of {margins}; "
        f"converged after {rounds} iterations (largest relative error {error}); weights sum "
        f"to {total:,.0f} over {n} respondents."
    )


def shares_table(questionnaire: Questionnaire, result: SipasResult, vi: bool) -> Table:
    """The shares of answers to the choice items: one row per unit × item × option."""
    heads = (
        ["Đơn vị", "Câu hỏi", "Trả lời", "Tỷ lệ %", "Khoảng tin cậy", "Số người", "Số phiếu"]
        if vi
        else ["Unit", "Item", "Answer", "Share %", "Interval", "Chose", "n"]
    )
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for i, head in enumerate(heads):
        table.add_column(head, justify="left" if i < 3 else "right")
    labels = {
        (c.code, v.value): (v.label if vi else (v.label_en or v.label))
        for c in questionnaire.choices
        for v in questionnaire.answer_list(c.scale).values
    }
    for row in result.shares.iter_rows(named=True):
        unit = row["unit"] if result.by is None else f"{row['unit']} ({row['channel']})"
        table.add_row(
            unit,
            row["item"],
            labels.get((row["item"], row["value"]), str(row["value"])),
            _number(row["share"]),
            _interval(row["low"], row["high"]),
            str(row["count"]),
            str(row["n"]),
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
