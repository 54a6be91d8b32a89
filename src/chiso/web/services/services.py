"""Writes of the service-quality app: start the store's jobs, freeze a computation as a
snapshot, publish it. Each checks the policy, runs in a transaction and is audited; the long
work itself runs in the background (`jobs.py`).

Decisions:
- one job at a time writes the store (uploads and the synthetic province share one dedupe
  key); a second upload while one runs is refused, not queued behind it, because its files
  would be checked against a store about to change;
- the synthetic province replaces the whole store, so it is refused over a store that holds
  imported records: a demo button must never wipe a province's real data;
- a snapshot is never changed; publishing sets who and when, once. Public pages show the latest
  published snapshot of a period, so a correction is a new computation, published in turn.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.io.dossiers import IMPORTABLE
from chiso.web.accounts.policy import Action, require
from chiso.web.audit.services import audit_record
from chiso.web.jobs.models import Job
from chiso.web.jobs.services import job_start
from chiso.web.services import build
from chiso.web.services.compute import Computation
from chiso.web.services.models import ServiceSnapshot, ServiceSnapshotUnit
from chiso.web.services.store import store_summary, uploads_root

__all__ = [
    "dossiers_upload",
    "snapshot_compute_start",
    "snapshot_create",
    "snapshot_publish",
    "synthetic_generate_start",
]

STORE_JOBS = "service.store"
STORE_TARGET = "dossier-store"
SUFFIXES = (".csv", ".xlsx", ".json", ".jsonl", ".ndjson", ".parquet")


def dossiers_upload(*, files: Sequence[tuple[str, UploadedFile]], by: Any) -> Job:
    """Save the uploaded files (table, file) and start the job that imports them, all or
    nothing. Refused while another job is writing the store."""
    require(by, Action.SERVICE_MANAGE)
    if not files:
        raise ValidationError(_("Chưa chọn tệp nào để tải lên."))
    for table, upload in files:
        _check_upload(table, upload)
    folder = uploads_root() / uuid.uuid4().hex
    saved = [_save(folder, upload) for _, upload in files]
    params = {
        "files": [
            {"table": table, "path": str(path), "name": upload.name or path.name}
            for (table, upload), path in zip(files, saved, strict=True)
        ]
    }
    job = job_start(
        kind="service.import", params=params, by=by, dedupe_key=STORE_JOBS, target=STORE_TARGET
    )
    if job.params != params:  # the job under way is another one
        shutil.rmtree(folder, ignore_errors=True)
        raise ValidationError(_busy(job))
    return job


def _check_upload(table: str, upload: UploadedFile) -> None:
    if table not in IMPORTABLE:
        raise ValidationError(
            _("Bảng “%(table)s” không có trong dữ liệu hồ sơ.") % {"table": table}
        )
    name = upload.name or ""
    if PurePosixPath(name.lower()).suffix not in SUFFIXES:
        raise ValidationError(
            _("Tệp “%(name)s”: chỉ nhận CSV, XLSX, JSON hoặc Parquet.") % {"name": name}
        )


def _save(folder: Path, upload: UploadedFile) -> Path:
    """The upload under `folder`, written to a temporary name and renamed."""
    folder.mkdir(parents=True, exist_ok=True)
    name = PurePosixPath((upload.name or "tep").replace("\\", "/")).name.lstrip(".") or "tep"
    target = folder / name
    if target.exists():
        target = folder / f"{uuid.uuid4().hex[:6]}-{name}"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    with os.fdopen(fd, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    os.replace(tmp, target)
    return target


def _busy(job: Job) -> str:
    return _(
        "Đang có tác vụ #%(id)d ghi vào kho dữ liệu hồ sơ. Hãy chờ tác vụ đó xong rồi làm lại."
    ) % {"id": job.pk}


def synthetic_generate_start(
    *, dossiers: int, year: int, seed: int, by: Any, first_year: int | None = None
) -> Job:
    """Start generating the demo's synthetic province into the store (replacing it): `dossiers`
    in each year from `first_year` (None: `year` alone) to `year`."""
    require(by, Action.SERVICE_MANAGE)
    summary = store_summary()
    if summary is not None and not summary.synthetic and summary.dossiers:
        raise ValidationError(
            _("Kho đang có hồ sơ thật đã nhập (%(n)d hồ sơ): không sinh dữ liệu tổng hợp đè lên.")
            % {"n": summary.dossiers}
        )
    params = {"dossiers": dossiers, "first_year": first_year, "year": year, "seed": seed}
    job = job_start(
        kind="service.generate", params=params, by=by, dedupe_key=STORE_JOBS, target=STORE_TARGET
    )
    if job.kind != "service.generate" or job.params != params:
        raise ValidationError(_busy(job))
    return job


def snapshot_compute_start(*, spec: str, as_of: dt.date | None, by: Any) -> Job:
    """Start computing every indicator of period `spec` (as of `as_of`) into a snapshot."""
    params = {"spec": spec, "as_of": as_of.isoformat() if as_of else ""}
    return job_start(
        kind="service.compute",
        params=params,
        by=by,
        dedupe_key=f"service.compute:{spec}:{params['as_of']}",
        target=f"service:{spec}",
    )


def snapshot_create(*, computation: Computation, by: Any) -> ServiceSnapshot:
    """Freeze `computation` as a snapshot with one part per unit (audited)."""
    require(by, Action.SERVICE_MANAGE)
    from chiso.web.services.compute import period_title

    with transaction.atomic():
        snapshot = ServiceSnapshot(
            spec=computation.spec,
            title=period_title(computation.spec),
            periods=computation.periods,
            as_of=computation.as_of,
            complete=computation.complete,
            method_id=computation.method.id,
            method_title=computation.method.title[:512],
            method_status=computation.method.status,
            method_yaml=computation.method_yaml,
            method_hash=computation.method.hash,
            inputs_hash=computation.inputs_hash,
            store_version=computation.store.name,
            synthetic=bool(computation.store.manifest.get("synthetic")),
            store=build.store_info(computation),
            info=build.method_info(computation.method),
            ranking=build.ranking_rows(computation),
            overdue=build.overdue_bytes(computation),
            overdue_count=computation.overdue.height,
            seconds=round(computation.seconds, 3),
            created_by=by,
            created_at=timezone.now(),
        )
        snapshot.save()
        ServiceSnapshotUnit.objects.bulk_create(
            (
                ServiceSnapshotUnit(
                    snapshot=snapshot,
                    unit=part["unit"]["unit"],
                    name=part["unit"]["name"],
                    level=part["unit"]["level"],
                    block=part["unit"]["block"],
                    parent=part["unit"]["parent"],
                    document=part,
                )
                for part in build.unit_parts(computation)
            ),
            batch_size=200,
        )
        audit_record(
            actor=by,
            action="service.snapshot_create",
            target=f"service-snapshot:{snapshot.pk} {snapshot.spec}",
            new={
                "spec": snapshot.spec,
                "as_of": snapshot.as_of.isoformat(),
                "method_hash": snapshot.method_hash,
                "inputs_hash": snapshot.inputs_hash,
                "store_version": snapshot.store_version,
                "synthetic": snapshot.synthetic,
            },
        )
    return snapshot


def snapshot_publish(*, snapshot: ServiceSnapshot, by: Any) -> ServiceSnapshot:
    """Publish `snapshot`: from now on the public pages of its period show it."""
    require(by, Action.SERVICE_PUBLISH)
    with transaction.atomic():
        locked = (
            ServiceSnapshot.objects.select_for_update()
            .only("pk", "spec", "published_at")
            .get(pk=snapshot.pk)
        )
        if locked.published_at is not None:
            raise ValidationError(_("Kết quả này đã được công bố."))
        now = timezone.now()
        ServiceSnapshot.objects.filter(pk=locked.pk).update(published_at=now, published_by=by)
        audit_record(
            actor=by,
            action="service.publish",
            target=f"service-snapshot:{locked.pk} {locked.spec}",
            new={"published_at": now.isoformat()},
        )
    return ServiceSnapshot.objects.defer("overdue").get(pk=snapshot.pk)
