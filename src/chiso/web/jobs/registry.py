"""The job kinds: name → the function that does the work, like the rule-kind registry.

A kind's function lives with its domain (publishing, services, …) and is named here by its
dotted path, so this module imports none of them and the worker imports only what it runs.
The function is called as ``func(job=job, params=job.params, report=report)`` and returns the
job's result, a JSON-serialisable dict. `docs/architecture.md` ("How to add a job kind") walks
through adding one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from chiso.web.accounts.policy import Action

__all__ = ["JOB_KINDS", "JobKind", "kind_get"]


@dataclass(frozen=True)
class JobKind:
    """One kind of background job.

    - `func`: dotted path of ``func(*, job, params, report) -> dict``;
    - `title`: what the job pages call it (lazy gettext, Vietnamese msgid);
    - `action`: the policy action needed to start one (the reform office's by default);
    - `check`: optional dotted path of ``check(params) -> dict``, run by `job_start` before
      anything is stored: it returns the cleaned parameters or raises `ValidationError` with a
      Vietnamese message saying what is wrong;
    - `result_template`: optional template that shows the result on the job page.
    """

    name: str
    func: str
    title: Any
    action: Action = Action.JOBS_MANAGE
    check: str = ""
    result_template: str = ""

    def function(self) -> Callable[..., dict[str, Any]]:
        return import_string(self.func)  # type: ignore[no-any-return]

    def clean(self, params: dict[str, Any]) -> dict[str, Any]:
        if not self.check:
            return params
        return import_string(self.check)(params)  # type: ignore[no-any-return]


JOB_KINDS: dict[str, JobKind] = {
    kind.name: kind
    for kind in [
        JobKind(
            name="snapshot.recompute",
            func="chiso.web.publishing.jobs.snapshots_recompute_year",
            check="chiso.web.publishing.jobs.recompute_params",
            title=_("Tính lại và kiểm tra kết quả đã công bố"),
            result_template="jobs/results/snapshot_recompute.html",
        ),
        JobKind(
            name="publication.generate",
            func="chiso.web.publishing.publication_jobs.publication_generate",
            check="chiso.web.publishing.publication_jobs.generate_params",
            title=_("Tạo các tệp công bố (phụ lục, dữ liệu mở, báo cáo)"),
            action=Action.PERIOD_MANAGE,
        ),
        # Started by the chair's publication: the public pages' charts drawn ahead.
        JobKind(
            name="publication.charts",
            func="chiso.web.publishing.publication_jobs.publication_charts",
            check="chiso.web.publishing.publication_jobs.charts_params",
            title=_("Vẽ trước biểu đồ của các trang kết quả công bố"),
            action=Action.PERIOD_APPROVE,
        ),
        # Decision 766 service quality (chiso.web.services.jobs).
        JobKind(
            name="service.import",
            func="chiso.web.services.jobs.store_import",
            check="chiso.web.services.jobs.upload_params",
            title=_("Nhập dữ liệu hồ sơ một cửa"),
            action=Action.SERVICE_MANAGE,
            result_template="services/job_import.html",
        ),
        JobKind(
            name="service.generate",
            func="chiso.web.services.jobs.store_generate",
            check="chiso.web.services.jobs.generate_params",
            title=_("Sinh dữ liệu hồ sơ tổng hợp (demo)"),
            action=Action.SERVICE_MANAGE,
            result_template="services/job_generate.html",
        ),
        JobKind(
            name="service.compute",
            func="chiso.web.services.jobs.snapshot_compute",
            check="chiso.web.services.jobs.compute_params",
            title=_("Tính chỉ số chất lượng phục vụ (Quyết định 766)"),
            action=Action.SERVICE_MANAGE,
            result_template="services/job_compute.html",
        ),
        # A large survey's SIPAS draft (chiso.web.surveys.estimate_jobs).
        JobKind(
            name="survey.estimate",
            func="chiso.web.surveys.estimate_jobs.survey_estimate_run",
            check="chiso.web.surveys.estimate_jobs.estimate_params",
            title=_("Ước lượng SIPAS (bản nháp) của cuộc khảo sát"),
            action=Action.SURVEY_ESTIMATES,
            result_template="surveys/job_estimate.html",
        ),
        # Publishing a survey's SIPAS when its estimate is not kept
        # (chiso.web.surveys.publish_jobs).
        JobKind(
            name="survey.publish",
            func="chiso.web.surveys.publish_jobs.survey_publish_run",
            check="chiso.web.surveys.publish_jobs.publish_params",
            title=_("Ước lượng và công bố SIPAS của cuộc khảo sát"),
            action=Action.PERIOD_APPROVE,
            result_template="surveys/job_publish.html",
        ),
    ]
}


def kind_get(name: str) -> JobKind:
    """The registered kind called `name`; KeyError names the known ones."""
    try:
        return JOB_KINDS[name]
    except KeyError:
        known = ", ".join(sorted(JOB_KINDS))
        raise KeyError(f"unknown job kind {name!r}; known: {known}") from None
