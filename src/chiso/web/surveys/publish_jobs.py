"""Background job ``survey.publish``: publish the year's SIPAS when its estimate is not kept.

The publish button posts the options the draft was shown with. When the draft of exactly those
answers and options is kept (`chiso.web.surveys.drafts`) the page publishes it at once — the
estimate is made already. Otherwise (the draft was pruned, or the worker keeps its drafts
elsewhere) the bootstrap must run again, which takes seconds to minutes: the page starts this
job and shows its progress instead of estimating in the request.

The job checks everything again when it runs (a closed survey, the year not yet published,
the answers the chair saw, the chair's permission), estimates, keeps the draft and publishes
in one transaction (`chiso.web.publishing.sipas.sipas_publish`): on an error or a cancel
nothing is published. Its last progress report comes before the publication, so a cancel
asked for once publishing has begun does not leave a published year under a cancelled job.
Progress lines and errors are stored untranslated and said in each reader's language
(`chiso.web.jobs.texts`: the worker has no request language).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chiso.web.jobs.models import Job, JobState
from chiso.web.jobs.progress import JobError
from chiso.web.jobs.services import job_start
from chiso.web.jobs.texts import JobText
from chiso.web.surveys.estimate_jobs import estimate_params
from chiso.web.surveys.estimates import EstimateOptions
from chiso.web.surveys.models import Survey
from chiso.web.surveys.results import (
    survey_publication,
    survey_publication_estimate,
    survey_publication_publish,
)

__all__ = [
    "PUBLISH_JOB",
    "publish_job_of",
    "publish_params",
    "survey_publish_run",
    "survey_publish_start",
]

PUBLISH_JOB = "survey.publish"
STEPS = 2


def survey_publish_start(
    *, survey: Survey, options: EstimateOptions, answers_hash: str, by: Any
) -> Job:
    """Start (or join: one per year) the background publication of `survey`'s year."""
    return job_start(
        kind=PUBLISH_JOB,
        params={"survey": survey.pk, "options": options.recorded(), "answers_hash": answers_hash},
        by=by,
        dedupe_key=f"{PUBLISH_JOB}:{survey.year}",
        target=f"survey:{survey.pk}",
    )


def publish_job_of(survey: Survey) -> Job | None:
    """The survey's latest publication job, if it is under way or did not succeed (what the
    draft page shows beside the publish button)."""
    job = Job.objects.filter(kind=PUBLISH_JOB, target=f"survey:{survey.pk}").first()
    return None if job is None or job.state == JobState.DONE else job


def publish_params(params: dict[str, Any]) -> dict[str, Any]:
    """``{"survey": pk, "options": EstimateOptions.recorded(), "answers_hash": str}`` checked;
    else a ValidationError saying what is wrong."""
    checked = estimate_params({"survey": params.get("survey"), "options": params.get("options")})
    answers_hash = params.get("answers_hash")
    if not isinstance(answers_hash, str) or not answers_hash:
        raise ValidationError(_("Thiếu mã băm của dữ liệu trả lời mà bản nháp đã hiện."))
    return {**checked, "answers_hash": answers_hash}


def survey_publish_run(*, job: Any, params: dict[str, Any], report: Any) -> dict[str, Any]:
    """Check, estimate unless the draft is kept by now, keep it, publish."""
    survey = Survey.objects.filter(pk=params["survey"]).first()
    if survey is None:
        gone = gettext_noop("Cuộc khảo sát số %(pk)s không còn.")
        raise JobError(JobText(gone, pk=params["survey"]))
    # Checked by `publish_params` when the job was started.
    options = EstimateOptions(
        **{**params["options"], "margins": tuple(params["options"]["margins"])}
    )
    report(0, STEPS, JobText(gettext_noop("Đang đọc phiếu trả lời và tính trọng số…")))
    with _refusals():
        publication = survey_publication(
            survey=survey,
            options=options,
            by=job.started_by,
            expected_answers_hash=params["answers_hash"],
        )
    estimated = publication.draft is None
    if estimated:
        report(
            1,
            STEPS,
            JobText(
                gettext_noop("Đang ước lượng: %(draws)d lần bootstrap trên %(n)d người trả lời…"),
                draws=options.bootstrap,
                n=publication.prepared.frame["respondent"].n_unique(),
            ),
        )
        with _refusals():
            publication = survey_publication_estimate(publication)
    # The last report: a cancel asked for after it no longer stops the publication.
    report(STEPS, STEPS, JobText(gettext_noop("Đang công bố kết quả…")))
    with _refusals():
        snapshot = survey_publication_publish(publication=publication, by=job.started_by)
    return {
        "survey": survey.pk,
        "title": survey.title,
        "year": snapshot.year,
        "snapshot": snapshot.pk,
        "estimated": estimated,
        "url": f"/{snapshot.year}/sipas/",
    }


@contextmanager
def _refusals() -> Iterator[None]:
    """A refusal of the services becomes the job's message, as the page would show it."""
    try:
        yield
    except ValidationError as exc:
        raise JobError(" ".join(exc.messages)) from None
    except PermissionDenied as exc:
        no_right = gettext_noop(
            "Người bắt đầu tác vụ không còn quyền công bố kết quả SIPAS: %(why)s"
        )
        raise JobError(JobText(no_right, why=str(exc))) from None
