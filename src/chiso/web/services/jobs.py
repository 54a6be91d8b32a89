"""Background jobs of the service-quality app (registered in `chiso.web.jobs.registry`):

- ``service.import``: import uploaded files into the store, all or nothing, every bad row on
  the job page;
- ``service.generate``: the demo's synthetic province into the store;
- ``service.compute``: every indicator of a period into a snapshot.

Progress lines and errors are stored untranslated and said in each reader's language
(`chiso.web.jobs.texts`: the worker has no request language).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chiso.engine.problems import MethodError, Problem
from chiso.engine.service_periods import periods_of
from chiso.io.dossier_store import StoreConflict, StoreError, open_store
from chiso.io.dossiers import IMPORTABLE
from chiso.web.audit.services import audit_record
from chiso.web.jobs.progress import JobError
from chiso.web.jobs.texts import JobJoin, JobText, ProblemText, Said
from chiso.web.services.compute import ComputeError, compute
from chiso.web.services.services import STORE_TARGET, snapshot_create
from chiso.web.services.store import (
    Upload,
    UploadOutcome,
    UploadRejected,
    import_uploads,
    store_root,
    uploads_root,
)

MAX_LINES = 200  # problem lines on the job page (each file's listing is capped by the importer)


# --- import -------------------------------------------------------------------------------------


def upload_params(params: dict[str, Any]) -> dict[str, Any]:
    files = params.get("files")
    if not isinstance(files, list) or not files:
        raise ValidationError(_("Chưa chọn tệp nào để tải lên."))
    root = uploads_root().resolve()
    for entry in files:
        path = Path(str(entry.get("path", ""))).resolve()
        if entry.get("table") not in IMPORTABLE or root not in path.parents:
            raise ValidationError(_("Tham số tải lên không hợp lệ."))
    return {"files": [{k: str(e[k]) for k in ("table", "path", "name")} for e in files]}


def store_import(*, job: Any, params: dict[str, Any], report: Any) -> dict[str, Any]:
    uploads = [Upload(f["table"], Path(f["path"]), f["name"]) for f in params["files"]]

    def say(upload: Upload) -> JobText:
        checking = gettext_noop("Đang kiểm tra tệp %(name)s (bảng %(table)s)…")
        return JobText(checking, name=upload.name, table=upload.table)

    try:
        outcome = import_uploads(store_root(), uploads, report, say)
    except UploadRejected as exc:
        raise JobError(rejected_message(exc.outcome)) from None
    except StoreConflict:
        raise JobError(
            JobText(
                gettext_noop("Kho dữ liệu vừa được ghi bởi một lần nhập khác; hãy tải lên lại.")
            )
        ) from None
    except StoreError as exc:
        unusable = gettext_noop("Không dùng được kho dữ liệu hồ sơ: %(e)s")
        raise JobError(JobText(unusable, e=str(exc))) from None
    finally:
        _remove_uploads(uploads)
    result = import_result(outcome)
    audit_record(
        actor=job.started_by,
        action="service.store_import",
        target=STORE_TARGET,
        new={"version": outcome.version, "files": result["files"]},
    )
    return result


def _remove_uploads(uploads: list[Upload]) -> None:
    root = uploads_root().resolve()
    for folder in {u.path.resolve().parent for u in uploads}:
        if root in folder.parents:
            shutil.rmtree(folder, ignore_errors=True)


def import_result(outcome: UploadOutcome) -> dict[str, Any]:
    return {
        "version": outcome.version,
        "files": [
            {
                "name": upload.name,
                "table": r.table,
                "rows": r.rows,
                "new": r.new,
                "updated": r.updated,
                "total": r.total,
                "already": r.already,
                "warnings": [_line(p) for p in r.problems if p.severity != "error"],
            }
            for upload, r in outcome.reports
        ],
    }


def rejected_message(outcome: UploadOutcome) -> JobJoin:
    """Every rejected file with its bad rows, one per line."""
    rejected, total = len(outcome.rejected), len(outcome.rejected) + len(outcome.reports)
    nothing = gettext_noop("Không nhập gì — kho dữ liệu giữ nguyên: %(n)d/%(total)d tệp có lỗi.")
    lines: list[Said] = [JobText(nothing, n=rejected, total=total)]
    for upload, problems, bad_rows in outcome.rejected:
        file = gettext_noop("Tệp %(name)s (bảng %(table)s)")
        header: list[Said] = [JobText(file, name=upload.name, table=upload.table)]
        if bad_rows:
            header.append(JobText(gettext_noop(": %(n)d dòng lỗi"), n=bad_rows))
        lines.append(JobJoin((*header, ":"), sep=""))
        lines += [JobJoin(("• ", ProblemText(p, place_first=True)), sep="") for p in problems]
    if len(lines) > MAX_LINES:
        hidden = len(lines) - MAX_LINES
        more = JobText(gettext_noop("… và %(n)d dòng nữa."), n=hidden)
        lines = [*lines[:MAX_LINES], more]
    return JobJoin(tuple(lines))


def _line(problem: Problem) -> str:
    return f"{problem.place('vi')}: {problem.message('vi')} ({problem.code})"


# --- the synthetic province ---------------------------------------------------------------------


# Years one synthetic province spans at most: enough to show a trend, a job of minutes.
GENERATE_MAX_YEARS = 5


def generate_params(params: dict[str, Any]) -> dict[str, Any]:
    """The synthetic province's size, years and seed, checked: whole numbers, at most
    5,000,000 dossiers a year, a first year (None: the last year alone) not after the last and
    at most `GENERATE_MAX_YEARS` years before it, and a working-day calendar for every year
    from the first to the one after the last (deadlines run into it)."""
    from chiso.io.calendar_files import shipped_calendar_years

    try:
        dossiers, year, seed = (int(str(params[k])) for k in ("dossiers", "year", "seed"))
        given = params.get("first_year")
        first_year = None if given in (None, "") else int(str(given))
    except (KeyError, ValueError):
        raise ValidationError(_("Số hồ sơ, năm và hạt giống phải là số nguyên.")) from None
    if not 0 <= dossiers <= 5_000_000:
        raise ValidationError(_("Số hồ sơ phải từ 0 đến 5.000.000."))
    first = year if first_year is None else first_year
    if first > year:
        raise ValidationError(
            _("Năm đầu %(first)d ở sau năm cuối %(year)d.") % {"first": first, "year": year}
        )
    if year - first + 1 > GENERATE_MAX_YEARS:
        raise ValidationError(
            _("Mỗi lần sinh tối đa %(max)d năm; từ năm %(first)d đến năm %(year)d là %(n)d năm.")
            % {"max": GENERATE_MAX_YEARS, "first": first, "year": year, "n": year - first + 1}
        )
    shipped = shipped_calendar_years()
    missing = [y for y in range(first, year + 2) if y not in shipped]
    if missing:
        raise ValidationError(
            _(
                "Chưa có lịch ngày làm việc năm %(missing)s: cần lịch của mọi năm sinh dữ liệu "
                "và của năm sau năm cuối (có: %(years)s)."
            )
            % {"missing": ", ".join(map(str, missing)), "years": ", ".join(map(str, shipped))}
        )
    return {"dossiers": dossiers, "first_year": first_year, "year": year, "seed": seed}


def store_generate(*, job: Any, params: dict[str, Any], report: Any) -> dict[str, Any]:
    from chiso.io.calendar_files import load_calendar
    from chiso.io.synthetic_store import write_synthetic
    from chiso.web.services.synthetic import DemoSpec, demo_data

    report(0, 2, JobText(gettext_noop("Đang sinh dữ liệu tổng hợp…")))
    spec = DemoSpec(
        dossiers=params["dossiers"],
        year=params["year"],
        seed=params["seed"],
        first_year=params.get("first_year"),  # absent from the jobs of before it was asked
    )
    data = demo_data(spec, load_calendar(spec.years[0], spec.year + 1))
    try:
        version = write_synthetic(data, store_root())
    except StoreError as exc:
        unwritable = gettext_noop("Không ghi được kho dữ liệu hồ sơ: %(e)s")
        raise JobError(JobText(unwritable, e=str(exc))) from None
    report(2, 2, JobText(gettext_noop("Đã sinh dữ liệu tổng hợp.")))
    result = {
        "version": version.name,
        "synthetic": True,
        **params,
        "tables": {t: version.rows(t) for t in version.manifest.get("tables", {})},
    }
    audit_record(
        actor=job.started_by, action="service.store_generate", target=STORE_TARGET, new=result
    )
    return result


# --- computation --------------------------------------------------------------------------------


def compute_params(params: dict[str, Any]) -> dict[str, Any]:
    spec = str(params.get("spec", "")).strip()
    try:
        periods = periods_of(spec)
    except ValueError:
        raise ValidationError(
            _("Kỳ “%(spec)s” không hợp lệ: nhập năm (2025), quý (2025-Q3) hoặc tháng (2025-07).")
            % {"spec": spec}
        ) from None
    raw = str(params.get("as_of") or "").strip()
    as_of = None
    if raw:
        try:
            as_of = dt.date.fromisoformat(raw)
        except ValueError:
            raise ValidationError(_("Ngày “%(d)s” không hợp lệ.") % {"d": raw}) from None
        if as_of < periods[0].first:
            raise ValidationError(_("Ngày tính đến phải từ ngày đầu của kỳ trở đi."))
        if as_of >= periods[-1].last:
            as_of = None  # the whole period
    return {"spec": spec, "as_of": as_of.isoformat() if as_of else ""}


def snapshot_compute(*, job: Any, params: dict[str, Any], report: Any) -> dict[str, Any]:
    as_of = dt.date.fromisoformat(params["as_of"]) if params.get("as_of") else None
    says = {
        "month": gettext_noop("Đang tính các chỉ tiêu theo tháng…"),
        "quarter": gettext_noop("Đang tính các chỉ tiêu theo quý…"),
        "year": gettext_noop("Đang tính các chỉ tiêu cả năm…"),
        "procedures": gettext_noop("Đang tính theo từng thủ tục…"),
        "overdue": gettext_noop("Đang lập danh sách hồ sơ trễ hạn…"),
        "done": gettext_noop("Đang lưu kết quả…"),
    }
    steps = [0]

    def step(done: int, total: int, stage: str) -> None:
        steps[0] = total + 1  # the last step saves the snapshot
        report(done, total + 1, JobText(says[stage]))

    if open_store(store_root()) is None:
        empty = gettext_noop(
            "Kho dữ liệu hồ sơ chưa có dữ liệu: hãy tải lên các tệp hoặc sinh dữ liệu tổng hợp."
        )
        raise JobError(JobText(empty))
    try:
        computation = compute(store_root(), params["spec"], as_of, step)
    except (ComputeError, MethodError) as exc:
        raise JobError(JobJoin(tuple(ProblemText(p) for p in exc.problems))) from None
    except StoreError as exc:
        raise JobError(str(exc)) from None
    snapshot = snapshot_create(computation=computation, by=job.started_by)
    report(steps[0], steps[0], JobText(gettext_noop("Đã lưu kết quả #%(id)d."), id=snapshot.pk))
    return {
        "snapshot": snapshot.pk,
        "spec": snapshot.spec,
        "as_of": snapshot.as_of.isoformat(),
        "units": len(snapshot.ranking),
        "overdue": snapshot.overdue_count,
        "synthetic": snapshot.synthetic,
        "seconds": snapshot.seconds,
        "computed_at": timezone.localtime(snapshot.created_at).isoformat(),
    }
