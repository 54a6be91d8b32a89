"""Evidence files (tài liệu kiểm chứng): checked by content, stored by hash, opened by permission.

An upload is accepted only if its first bytes say it is a PDF, a PNG, a JPEG, or a DOCX, XLSX
or ODT package (a zip with that format's members); the browser's content type and the file's
extension are never trusted, because both are chosen by the sender. Everything else is refused —
executables, HTML and SVG (which a browser would run as a page), macro-enabled Office files.
Files are stored under their sha256 in MEDIA_ROOT, outside any web root, and reach a browser
only through `evidence_open`, after a permission check.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from chiso.web.accounts import policy
from chiso.web.audit.services import audit_record
from chiso.web.evaluations.models import Evidence, PeriodState, Score
from chiso.web.evaluations.selectors import score_details
from chiso.web.evaluations.workflow import (
    WorkflowError,
    require_assessment_draft,
    require_self_assessment_open,
)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"

MAGIC = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
# An Office Open XML package is a zip with a content-types part and its main part.
OOXML = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX))


def max_bytes() -> int:
    return int(getattr(settings, "CHISO_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff(stream: IO[bytes]) -> str | None:
    """The content type the bytes prove, or None when they prove none we accept."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    for magic, content_type in MAGIC:
        if head.startswith(magic):
            return content_type
    if head.startswith(b"PK\x03\x04"):
        return _sniff_package(stream)
    return None


def _sniff_package(stream: IO[bytes]) -> str | None:
    # Only the directory and one tiny member are read, so a zip bomb costs nothing here.
    try:
        with zipfile.ZipFile(stream) as package:
            names = set(package.namelist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None  # macros: a program, not a document
            if "mimetype" in names and package.read("mimetype").strip() == ODT.encode():
                return ODT
            if "[Content_Types].xml" in names:
                return next((kind for part, kind in OOXML if part in names), None)
            return None
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return None
    finally:
        stream.seek(0)


def _sha256(upload: Any) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return digest.hexdigest(), size


def _check_upload(upload: Any) -> tuple[str, str, int]:
    """(content type, sha256, size) of an acceptable upload, or `ValidationError`."""
    limit = max_bytes()
    if upload.size > limit:
        raise ValidationError(
            f"Tệp '{upload.name}' quá lớn ({upload.size / 1e6:.1f} MB); "
            f"tối đa {limit / 1e6:.0f} MB.",
            code="too_large",
        )
    content_type = sniff(upload)
    if content_type is None:
        raise ValidationError(
            f"Tệp '{upload.name}' không phải là PDF, ảnh PNG/JPEG, DOCX, XLSX hoặc ODT; "
            "hệ thống chỉ nhận các định dạng này.",
            code="file_type",
        )
    sha256, size = _sha256(upload)
    if size > limit:  # the declared size is the sender's word; the bytes are not
        raise ValidationError(f"Tệp '{upload.name}' quá lớn.", code="too_large")
    return content_type, sha256, size


def _require_evidence_window(score: Any, period: Any) -> None:
    # Evidence backs a claim (during the self-assessment) or an explanation (when asked).
    if period.state == PeriodState.EXPLANATION:
        return
    if period.state != PeriodState.SELF_ASSESSMENT:
        raise WorkflowError(
            "Chỉ nộp tài liệu kiểm chứng khi tự đánh giá hoặc khi giải trình.",
            "Evidence is added during the self-assessment or the explanation only.",
        )
    require_self_assessment_open(period, timezone.localdate())
    require_assessment_draft(score.assessment)


def evidence_add(*, score: Score, upload: Any, by: Any) -> Evidence:
    """Attach an uploaded file (a Django `UploadedFile`) to a score as evidence."""
    with transaction.atomic():
        details = score_details(score)
        policy.require(by, policy.Action.ASSESSMENT_EDIT, unit=details.unit)
        _require_evidence_window(details.score, details.period)
        content_type, sha256, size = _check_upload(upload)
        if Evidence.objects.filter(score=details.score, sha256=sha256).exists():
            raise ValidationError(
                f"Tệp '{upload.name}' đã được nộp cho tiêu chí này.", code="duplicate"
            )
        name = PurePath(str(upload.name or "")).name[-255:] or "tai-lieu"
        evidence = Evidence(
            score=details.score,
            original_name=name,
            content_type=content_type,
            size=size,
            sha256=sha256,
            uploaded_by=by,
        )
        # A rolled-back transaction can leave the stored file behind: harmless, since the
        # name is the content's hash and nothing refers to it.
        evidence.file.save(name, upload, save=False)
        evidence.save()
        audit_record(
            actor=by,
            action="evidence.add",
            period=details.period,
            unit=details.unit,
            target=details.score.criterion,
            new={"name": name, "sha256": sha256, "size": size, "type": content_type},
        )
    return evidence


def evidence_remove(*, evidence: Evidence, by: Any) -> None:
    """Detach a file uploaded by mistake, in the same windows as adding one."""
    with transaction.atomic():
        details = score_details(evidence.score)
        policy.require(by, policy.Action.ASSESSMENT_EDIT, unit=details.unit)
        _require_evidence_window(details.score, details.period)
        old = {"name": evidence.original_name, "sha256": evidence.sha256}
        evidence.delete()  # the file stays: its content is kept with the audit trail
        audit_record(
            actor=by,
            action="evidence.remove",
            period=details.period,
            unit=details.unit,
            target=details.score.criterion,
            old=old,
        )


def evidence_open(*, evidence: Evidence, by: Any) -> File:
    """The stored file, opened for reading, for someone allowed to see the unit's evidence."""
    evidence = Evidence.objects.select_related("score__assessment__unit").get(pk=evidence.pk)
    policy.require(by, policy.Action.EVIDENCE_VIEW, unit=evidence.score.assessment.unit)
    evidence.file.open("rb")
    return evidence.file
