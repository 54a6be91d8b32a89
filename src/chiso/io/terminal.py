"""Readable tables on a terminal: one table per block, values rounded as the method says."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl
from rich import box
from rich.console import Console
from rich.table import Table

from chiso.engine.explain import Explanation
from chiso.engine.framework import Method
from chiso.engine.numbers import display
from chiso.engine.problems import Problem
from chiso.engine.uncertainty import RankIntervals
from chiso.io.results import STATUS_LABELS, header

_BAND_STYLE = {
    "xuat_sac": "bold green",
    "tot": "green",
    "kha": "yellow",
    "trung_binh": "dark_orange",
    "yeu": "red",
}


def print_problems(console: Console, problems: Iterable[Problem], lang: str) -> None:
    for problem in problems:
        style = "red" if problem.severity == "error" else "yellow"
        console.print(
            f"[{style}]{problem.code}[/] {problem.place(lang)}: {problem.message(lang)}",
            highlight=False,
            markup=True,
            soft_wrap=True,
        )


def print_ranking(
    console: Console,
    method: Method,
    table: pl.DataFrame,
    lang: str,
    intervals: RankIntervals | None = None,
) -> None:
    vi = lang == "vi"
    label = STATUS_LABELS[method.status][0 if vi else 1]
    console.print(f"[bold]{method.title}[/bold]", highlight=False)
    console.print(f"[italic]{label}[/italic]", highlight=False)
    if intervals is not None:
        table = table.with_columns(
            pl.when(pl.col("rank_low") == pl.col("rank_high"))
            .then(pl.col("rank_low").cast(pl.String))
            .otherwise(pl.format("{}–{}", "rank_low", "rank_high"))
            .alias("rank_interval")
        )
    for block in method.blocks:
        rows = table.filter(pl.col("block") == block.code)
        if rows.height:
            title = block.title if vi else (block.title_en or block.title)
            console.print(_block_table(method, title, rows, lang, console.width))
            if intervals is not None:
                _print_close_pairs(console, intervals, block.code, rows, vi)


def _print_close_pairs(
    console: Console, intervals: RankIntervals, block: str, rows: pl.DataFrame, vi: bool
) -> None:
    names = dict(zip(rows["unit"], rows["name"], strict=True))
    close = intervals.pairs.filter((pl.col("block") == block) & ~pl.col("distinguishable"))
    level = f"{intervals.level:.0%}"
    head = (
        f"Khoảng hạng {level} theo {intervals.draws} lần mô phỏng (seed {intervals.seed}). "
        if vi
        else f"{level} rank intervals from {intervals.draws} draws (seed {intervals.seed}). "
    )
    if close.height == 0:
        console.print(
            head
            + (
                "Mọi cặp liền kề đều phân biệt được."
                if vi
                else "Every pair of neighbours is distinguishable."
            ),
            highlight=False,
        )
        return
    console.print(
        head
        + ("Các cặp liền kề chưa phân biệt được:" if vi else "Neighbours not distinguishable:"),
        highlight=False,
    )
    for pair in close.iter_rows(named=True):
        console.print(
            f"  {names[pair['unit_above']]} ~ {names[pair['unit_below']]} "
            f"(p = {pair['p_order']:.2f})",
            highlight=False,
        )


SHORT = {
    "rank": ("Hạng", "Rank"),
    "name": ("Đơn vị", "Unit"),
    "bonus": ("Thưởng", "Bonus"),
    "penalty": ("Trừ", "Penalty"),
    "total": ("Tổng", "Total"),
    "max": ("Tối đa", "Max"),
    "index": ("Chỉ số %", "Index %"),
    "band_label": ("Xếp loại", "Band"),
    "index_change": ("± chỉ số", "± index"),
    "rank_change": ("± hạng", "± rank"),
    "flags": ("Ghi chú", "Flags"),
    "rank_interval": ("Khoảng hạng", "Rank interval"),
}


# Below this width the components, bonus, penalty and max are left out so the rest stays legible.
WIDE = 140


def _columns(method: Method, table: pl.DataFrame, width: int) -> list[str]:
    columns = ["rank", "name"]
    if width >= WIDE:
        columns += [c.code for c in method.components]
        if table["bonus"].abs().sum() or table["penalty"].abs().sum():
            columns += ["bonus", "penalty"]
    columns += ["total", "max", "index"] if width >= WIDE else ["total", "index"]
    if method.banding.kind != "none":
        columns.append("band_label")
    columns += [c for c in ("rank_interval", "index_change", "rank_change") if c in table.columns]
    return columns + (["flags"] if table["flags"].str.len_chars().sum() else [])


def _short(column: str, method: Method, lang: str) -> str:
    if column in SHORT:
        return SHORT[column][0 if lang == "vi" else 1]
    component = next((c for c in method.components if c.code == column), None)
    if component is not None and component.short_title and lang == "vi":
        return component.short_title
    return header(column, method, lang)


def _block_table(method: Method, title: str, rows: pl.DataFrame, lang: str, width: int) -> Table:
    columns = _columns(method, rows, width)
    out = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for column in columns:
        title = _short(column, method, lang)
        if column == "name":
            out.add_column(title, min_width=22)
        elif column in ("band_label", "flags"):
            out.add_column(title, no_wrap=True)
        else:
            out.add_column(title, justify="right")
    for row in rows.iter_rows(named=True):
        style = _BAND_STYLE.get(row.get("band") or "", "")
        out.add_row(*(_cell(method, column, row[column]) for column in columns), style=style)
    return out


def _cell(method: Method, column: str, value: object) -> str:
    if value is None:
        return "—"
    shown = method.display
    if column in ("index", "index_change"):
        text = display(float(value), shown.index_decimals, shown.rounding)  # type: ignore[arg-type]
        return ("+" + text) if column == "index_change" and float(text) > 0 else text
    if column == "rank_change":
        return f"+{value}" if int(value) > 0 else str(value)  # type: ignore[call-overload]
    if isinstance(value, float):
        return display(value, shown.points_decimals, shown.rounding)
    return str(value)


def print_explanation(
    console: Console, method: Method, explanation: Explanation, lang: str, limit: int | None
) -> None:
    unit, shown = explanation.unit, method.display
    vi = lang == "vi"
    index = display(unit["index"], shown.index_decimals, shown.rounding)
    console.print(
        f"[bold]{unit['name']}[/bold] ({unit['unit']}) — "
        f"{'chỉ số' if vi else 'index'} {index or '—'} %, "
        f"{'hạng' if vi else 'rank'} {unit['rank'] or '—'}, "
        f"{unit['band_label'] or ''}",
        highlight=False,
    )
    leaves = explanation.leaves.filter(pl.col("status").is_in(["lost", "missing"]))
    lost = leaves["lost"].sum()
    console.print(
        ("Điểm bị mất: " if vi else "Points lost: ")
        + display(lost, shown.points_decimals, shown.rounding),
        highlight=False,
    )
    table = Table(title="Kế hoạch cải thiện" if vi else "Improvement plan", title_justify="left")
    heads = (
        ["Tiêu chí", "Nội dung", "Điểm", "Tối đa", "Mất", "+ chỉ số", "Bước tiếp theo"]
        if vi
        else ["Criterion", "Title", "Points", "Max", "Lost", "+ index", "Next step"]
    )
    for i, head in enumerate(heads):
        table.add_column(head, justify="left" if i in (1, 6) else "right", overflow="fold")
    for row in leaves.head(limit or leaves.height).iter_rows(named=True):
        table.add_row(
            row["criterion"],
            row["title"],
            display(row["points"] or 0.0, shown.points_decimals, shown.rounding),
            display(row["max"], shown.points_decimals, shown.rounding),
            display(row["lost"], shown.points_decimals, shown.rounding),
            display(row["gain"], shown.index_decimals, shown.rounding),
            _next_step(row, shown.points_decimals, shown.rounding, vi),
        )
    console.print(table)


def _next_step(row: dict[str, object], decimals: int, rounding: str, vi: bool) -> str:
    if row["status"] == "missing":
        return "chưa có điểm" if vi else "no value given"
    if row["next_points"] is None:
        return ""
    gain = display(float(row["next_points"]), decimals, rounding)  # type: ignore[arg-type]
    return f"{row['next_step']}: +{gain}"
