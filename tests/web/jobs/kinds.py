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


def say(*, job: Any, params: dict[str, Any], report: Any) -> dict[str, Any]:
    """Report and fail in texts kept untranslated, as the worker (always Vietnamese) writes them."""
    from django.utils.translation import gettext_noop

    from chiso.engine.problems import Problem, Wording
    from chiso.web.jobs.texts import JobJoin, JobText, ProblemText

    report(1, 2, JobText(gettext_noop("Đang tính lại khối %(block)s"), block="Sở, ban, ngành"))
    bad = Problem(
        "INP004",
        "f.csv row 2, column 'value'",
        {
            "value": "x",
            "criterion": "2.1",
            "detail": Wording("'x' không phải là số", "'x' is not a number"),
        },
    )
    gone = JobText(gettext_noop("Năm %(year)d không còn kết quả công bố."), year=2024)
    raise JobError(JobJoin((gone, ProblemText(bad, place_first=True))))
