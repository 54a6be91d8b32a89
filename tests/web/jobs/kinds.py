"""Job functions for the tests, registered as kinds by the `kinds` fixture."""

from __future__ import annotations

from typing import Any

from chiso.web.jobs.models import Job
from chiso.web.jobs.progress import JobError


def count(*, job: Any, params: dict[str, Any], report: Any) -> dict[str, Any]:
    """Count to params["n"], reporting every step; record what the database showed midway."""
    n = params["n"]
    seen = []
    for i in range(n):
        report(i, n, f"bước {i + 1}")
        row = Job.objects.get(pk=job.pk)
        seen.append([row.state, row.progress_done, row.progress_total])
    report(n, n, "xong")
    return {"counted": n, "seen": seen}


def crash(*, job: Any, params: dict[str, Any], report: Any) -> dict[str, Any]:
    report(1, 4, "đang đọc")
    raise RuntimeError("bí mật nội bộ: đường dẫn /srv/secret")


def refuse(*, job: Any, params: dict[str, Any], report: Any) -> dict[str, Any]:
    raise JobError("Dòng 12, cột “value”: giá trị “abc” không phải là số.")


def cancelled_midway(*, job: Any, params: dict[str, Any], report: Any) -> dict[str, Any]:
    report(1, 3, "bước 1")
    # The user presses "cancel" while step 2 runs.
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    report(3, 3, "bước 3")
    return {"unreachable": True}


def positive(params: dict[str, Any]) -> dict[str, Any]:
    from django.core.exceptions import ValidationError

    if not isinstance(params.get("n"), int) or params["n"] < 1:
        raise ValidationError("n phải là số nguyên dương.")
    return {"n": params["n"]}
