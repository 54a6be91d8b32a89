"""The rows of the staff pages: the criteria tree of one unit as page groups and rows, each
editable row with its form, and the council's draft results as display rows.

Views build these from the selectors' results and hand them to the templates; nothing here
writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl
from django.http import Http404
from django.utils.translation import gettext as _

from chiso.engine import Method, ParResult, compare_years, rank_intervals
from chiso.engine.numbers import display
from chiso.web.evaluations import selectors
from chiso.web.evaluations.forms import AppraisalForm, value_text
from chiso.web.evaluations.models import Assessment, Evidence, ExplanationRequest, Period, Score


@dataclass
class Progress:
    assessment: Assessment
    done: int
    total: int
    points: float

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def progress(assessment: Assessment) -> Progress:
    return Progress(assessment, *selectors.assessment_progress(assessment))


# --- criterion rows -----------------------------------------------------------------------------


@dataclass
class Row:
    """One row of a criteria page: the tree row, its input form when editable, and the outcome
    of the last save (saved, or someone else's newer value)."""

    tree: selectors.TreeRow
    form: Any = None
    evidence: list[Evidence] = field(default_factory=list)
    explanations: list[ExplanationRequest] = field(default_factory=list)
    saved: bool = False
    conflict: Score | None = None
    errors: list[str] = field(default_factory=list)
    # What the one-stop-shop records measured for a `data` leaf (a services.MeasuredLeaf).
    measured: Any = None

    @property
    def code(self) -> str:
        return self.tree.node.code

    @property
    def claim_text(self) -> str:
        score = self.tree.score
        return value_text(self.tree.node, score.self_value) if score else ""

    @property
    def appraised_text(self) -> str:
        score = self.tree.score
        return value_text(self.tree.node, score.appraised_value) if score else ""

    @property
    def conflict_text(self) -> str:
        if self.conflict is None:
            return ""
        value = self.conflict.appraised_value if self.appraising else self.conflict.self_value
        return value_text(self.tree.node, value)

    @property
    def appraising(self) -> bool:
        return isinstance(self.form, AppraisalForm)

    @property
    def measured_text(self) -> str:
        return value_text(self.tree.node, self.measured.value) if self.measured else ""

    @property
    def measured_differs(self) -> bool:
        """Whether the unit's own claim differs from the value the records measured."""
        score, measured = self.tree.score, self.measured
        if score is None or measured is None or not measured.value or not score.self_value:
            return False
        return selectors.value_differs(self.tree.node, score.self_value, measured.value)


@dataclass
class Group:
    code: str
    title: str
    max: float
    rows: list[Row]
    editable: bool = False


FormFactory = Callable[[selectors.TreeRow, Any], Any]


def groups(
    assessment: Assessment, make_form: FormFactory | None, editable: Callable[[str], bool]
) -> list[Group]:
    """The unit's criteria tree as page groups; `make_form(tree_row, data)` for editable rows."""
    files = _by_score(Evidence.objects.filter(score__assessment=assessment).order_by("id"))
    asked = _by_score(
        ExplanationRequest.objects.filter(score__assessment=assessment).order_by("requested_at")
    )
    groups = []
    for g in selectors.assessment_tree(assessment):
        may = editable(g.code)
        rows = []
        for tree in g.rows:
            row = Row(tree)
            if tree.score is not None:
                row.evidence = files.get(tree.score.pk, [])
                row.explanations = asked.get(tree.score.pk, [])
                if may and make_form and tree.applies and tree.self_assessed:
                    row.form = make_form(tree, None)
            rows.append(row)
        groups.append(Group(g.code, g.title, g.max, rows, may))
    return groups


def attach_measured(groups: list[Group], measured: dict[str, Any]) -> None:
    """Put beside each leaf what the records measured for it (criterion → MeasuredLeaf)."""
    for group in groups:
        for row in group.rows:
            row.measured = measured.get(row.code)


def _by_score(objects: Iterable[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {}
    for obj in objects:
        grouped.setdefault(obj.score_id, []).append(obj)
    return grouped


def editable_rows(groups: list[Group]) -> Iterable[Row]:
    return (row for g in groups for row in g.rows if row.form is not None)


def posted_rows(groups: list[Group], data: Any) -> Iterable[Row]:
    """The editable rows the browser posted (a row added since the page was read is not)."""
    return (row for row in editable_rows(groups) if f"{row.code}-version" in data)


def rebind(row: Row, make_form: FormFactory, data: Any) -> None:
    row.form = make_form(row.tree, data)


def keep_input(row: Row, data: Any, make_form: FormFactory, fresh: Score, seen: str) -> None:
    """After a conflict: keep what the user typed, but on the newer version, so that saving
    again is a deliberate choice to replace the other person's value."""
    data = data.copy()
    data[f"{row.code}-version"] = fresh.version
    data[f"{row.code}-seen"] = seen
    row.conflict = fresh
    rebind(row, make_form, data)


def find_row(groups: list[Group], code: str) -> Row:
    for row in editable_rows(groups):
        if row.code == code:
            return row
    raise Http404(_("Không có tiêu chí này hoặc tiêu chí không nhập điểm được."))


def refresh_row(row: Row, make_form: FormFactory) -> None:
    """Re-read a saved row so it shows the new value, points, version and files."""
    score = Score.objects.get(pk=row.tree.score.pk)  # type: ignore[union-attr]
    row.evidence = list(score.evidence.order_by("id"))
    row.tree = replace(row.tree, score=score, evidence_count=len(row.evidence))
    row.saved = True
    rebind(row, make_form, None)


def block_table(period: Period, block: str) -> dict[str, Any]:
    """One block's draft results as display rows: rank, unit, index, band, field indices."""
    method = selectors.period_method(period, block)
    result = selectors.period_results(period, block)
    d = result.display

    def fmt(value: float | None) -> str:
        return display(value, d.index_decimals, d.rounding).replace(".", ",")

    fields = [f.code for f in method.criteria]
    by_unit: dict[str, dict[str, str]] = {}
    for row in result.fields.iter_rows(named=True):
        by_unit.setdefault(row["unit"], {})[row["field"]] = fmt(row["index"])
    units = sorted(result.units.iter_rows(named=True), key=_rank_key)
    changes = _changes(period, block, result)
    intervals = _intervals(period, block, method, result)
    rows = [
        {
            **u,
            **changes.get(u["unit"], {}),
            "interval": intervals.get(u["unit"], ""),
            "index_text": fmt(u["index"]),
            "total_text": display(u["total"], d.points_decimals, d.rounding).replace(".", ","),
            "fields": [by_unit.get(u["unit"], {}).get(f, "") for f in fields],
        }
        for u in units
    ]
    block_info = method.block(block)
    return {
        "code": block,
        "title": block_info.title if block_info else block,
        "fields": method.criteria,
        "rows": rows,
        "has_history": bool(changes),
        "has_intervals": bool(intervals),
    }


def _changes(period: Period, block: str, result: ParResult) -> dict[str, dict[str, Any]]:
    """Change in index and rank against last year's published result of the block."""
    from chiso.web.publishing.services import lineage_of, snapshot_published

    previous = snapshot_published(year=period.year - 1, block=block)
    if previous is None:
        return {}
    before = pl.DataFrame(previous.results["units"]).select("unit", "index", "rank")
    history = compare_years(
        result.units, before, lineage_of(selectors.period_inputs(period, block)[1])
    )
    d = result.display
    return {
        row["unit"]: {
            "index_change_text": _signed(row["index_change"], d.index_decimals, d.rounding),
            "rank_change": row["rank_change"],
        }
        for row in history.iter_rows(named=True)
    }


def _signed(value: float | None, decimals: int, rounding: str) -> str:
    if value is None:
        return ""
    text = display(value, decimals, rounding).replace(".", ",")
    return text if text.startswith("-") else f"+{text}"


def _intervals(period: Period, block: str, method: Method, result: ParResult) -> dict[str, str]:
    """90 % rank intervals from the survey's standard errors, where any were imported."""
    errors = selectors.period_standard_errors(period, block)
    if not errors:
        return {}
    intervals = rank_intervals(method, result, errors, draws=10_000, seed=period.year)
    return {
        row["unit"]: str(row["rank_low"])
        if row["rank_low"] == row["rank_high"]
        else f"{row['rank_low']}–{row['rank_high']}"
        for row in intervals.units.iter_rows(named=True)
    }


def _rank_key(row: dict[str, Any]) -> tuple[bool, float, str]:
    rank = row.get("rank")
    return (rank is None, rank if rank is not None else 0, row["unit"])
