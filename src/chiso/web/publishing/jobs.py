"""Background job "snapshot.recompute": recompute and verify every published snapshot of a year.

Each snapshot is recomputed from its own stored method file and inputs (`snapshot_recompute`)
and must give back exactly what was published. A difference is a finding, not a failure: the
job ends "done" and its result lists the blocks that differ, with a CSV report to archive.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_noop

from chiso.engine import InputError, MethodError
from chiso.web.jobs.outputs import output_write
from chiso.web.jobs.texts import JobText
from chiso.web.publishing.models import Snapshot
from chiso.web.publishing.services import snapshot_recompute

__all__ = ["recompute_params", "snapshots_recompute_year"]

REPORT_COLUMNS = ("year", "block", "block_title", "method_hash", "inputs_hash", "identical", "note")


def recompute_params(params: dict[str, Any]) -> dict[str, Any]:
    """`{"year": 2024}` for a year that has published snapshots; else a ValidationError."""
    raw = params.get("year")
    try:
        year = int(str(raw))
    except ValueError:
        raise ValidationError(
            gettext("Năm “%(value)s” không hợp lệ: hãy nhập một năm, ví dụ 2024.") % {"value": raw}
        ) from None
    if not Snapshot.objects.filter(period__year=year).exists():
        raise ValidationError(
            gettext("Năm %(year)d chưa có kết quả nào được công bố để kiểm tra.") % {"year": year}
        )
    return {"year": year}


def snapshots_recompute_year(*, job: Any, params: dict[str, Any], report: Any) -> dict[str, Any]:
    """Recompute each snapshot of `params["year"]`, one block at a time, reporting after each."""
    year = params["year"]
    ids = list(
        Snapshot.objects.filter(period__year=year).order_by("block").values_list("pk", flat=True)
    )
    total = len(ids)
    rows = []
    for done, pk in enumerate(ids):
        # One snapshot in memory at a time: each holds every leaf of every unit.
        snapshot = Snapshot.objects.select_related("period").get(pk=pk)
        block = snapshot.block_title
        report(done, total, JobText(gettext_noop("Đang tính lại khối %(block)s"), block=block))
        rows.append(_check(snapshot))
    report(total, total, JobText(gettext_noop("Đã kiểm tra %(n)d khối."), n=total))
    different = [row["block"] for row in rows if not row["identical"]]
    return {
        "year": year,
        "checked": total,
        "identical": total - len(different),
        "different": different,
        "blocks": rows,
        "file": output_write(job, f"kiem-tra-ket-qua-{year}.csv", _report_csv(year, rows)),
    }


def _check(snapshot: Snapshot) -> dict[str, Any]:
    note = ""
    try:
        identical = snapshot_recompute(snapshot)
    except (MethodError, InputError) as exc:
        # The stored method or inputs no longer pass today's engine: not reproducible.
        identical = False
        note = "; ".join(p.render("vi") for p in exc.problems[:5])
    if not identical and not note:
        note = gettext("Kết quả tính lại khác kết quả đã công bố.")
    return {
        "block": snapshot.block,
        "block_title": snapshot.block_title,
        "method_hash": snapshot.method_hash,
        "inputs_hash": snapshot.inputs_hash,
        "identical": identical,
        "note": note,
    }


def _report_csv(year: int, rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REPORT_COLUMNS)
    for row in rows:
        writer.writerow([year, *(row[c] for c in REPORT_COLUMNS[1:])])
    # A BOM, so Excel reads the Vietnamese block names as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")
