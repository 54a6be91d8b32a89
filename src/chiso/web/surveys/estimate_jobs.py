"""Background job ``survey.estimate``: a large survey's draft estimates, off the web request.

Started by the draft page (`chiso.web.surveys.drafts.survey_draft`) when the survey has at least
``CHISO_SIPAS_DRAFT_BACKGROUND`` respondents and no kept draft for the options shown. It reads
and weights the answers as they are when it runs, estimates them with the function publishing
freezes and keeps the draft under its key; the page, polling, then reloads and reads it.
Progress lines and errors are stored untranslated and said in each reader's language
(`chiso.web.jobs.texts`: the worker has no request language).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chiso.web.jobs.progress import JobError
from chiso.web.jobs.texts import JobText
from chiso.web.surveys.drafts import (
    Draft,
    draft_key,
    draft_read,
    draft_write,
    options_data,
    options_query,
)
from chiso.web.surveys.estimates import (
    EstimateOptions,
    prepared_estimate,
    prepared_names,
    survey_prepared_answers,
)
from chiso.web.surveys.forms import EstimateForm
from chiso.web.surveys.models import Survey

__all__ = ["estimate_params", "survey_estimate_run"]

STEPS = 3


def estimate_params(params: dict[str, Any]) -> dict[str, Any]:
    """``{"survey": pk, "options": EstimateOptions.recorded()}`` checked as the draft page checks
    its query string; else a ValidationError saying what is wrong."""
    survey = _survey(params.get("survey"))
    if survey is None:
        raise ValidationError(_("Không có cuộc khảo sát “%(pk)s”.") % {"pk": params.get("survey")})
    options = _options(params.get("options"))
    return {"survey": survey.pk, "options": options.recorded()}


def survey_estimate_run(*, job: Any, params: dict[str, Any], report: Any) -> dict[str, Any]:
    """Prepare the answers, estimate them unless that draft is kept already, keep it."""
    survey = _survey(params["survey"])
    if survey is None:
        gone = gettext_noop("Cuộc khảo sát số %(pk)s không còn.")
        raise JobError(JobText(gone, pk=params["survey"]))
    options = _options(params["options"])
    report(0, STEPS, JobText(gettext_noop("Đang đọc phiếu trả lời và tính trọng số…")))
    try:
        prepared = survey_prepared_answers(survey, options)
    except ValidationError as exc:
        raise JobError(" ".join(exc.messages)) from None
    names = prepared_names(prepared)
    key = draft_key(survey, options, prepared, names)
    respondents = prepared.frame["respondent"].n_unique()
    found = draft_read(survey, key) is not None
    if not found:
        report(
            1,
            STEPS,
            JobText(
                gettext_noop("Đang ước lượng: %(draws)d lần bootstrap trên %(n)d người trả lời…"),
                draws=options.bootstrap,
                n=respondents,
            ),
        )
        try:
            estimate = prepared_estimate(survey, options, prepared, names=names)
        except ValidationError as exc:
            raise JobError(" ".join(exc.messages)) from None
        report(2, STEPS, JobText(gettext_noop("Đang lưu bản nháp…")))
        draft_write(survey, Draft.of(key, estimate))
    report(STEPS, STEPS, JobText(gettext_noop("Đã tính xong bản nháp ước lượng.")))
    url = reverse("surveys:estimates", args=[survey.pk])
    return {
        "survey": survey.pk,
        "title": survey.title,
        "key": key,
        "respondents": respondents,
        "already_kept": found,
        "url": f"{url}?{options_query(options)}",
    }


def _survey(pk: Any) -> Survey | None:
    try:
        return Survey.objects.filter(pk=int(str(pk))).first()
    except ValueError:
        return None


def _options(recorded: Any) -> EstimateOptions:
    if not isinstance(recorded, dict):
        raise ValidationError(_("Thiết lập ước lượng không hợp lệ."))
    data = options_data(recorded)
    form = EstimateForm(data)
    if not form.is_valid():
        problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        raise ValidationError(_("Thiết lập ước lượng không hợp lệ: %(p)s") % {"p": problems})
    return form.options()
