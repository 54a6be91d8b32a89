"""What a closed survey's answers become: the year's published SIPAS, and the PAR Index's
survey leaves.

- `survey_sipas_publish` publishes the survey's answers, weighted as the draft page showed them,
  through `chiso.web.publishing.sipas.sipas_publish` (the council's chair: `period.approve`).
  It is two steps, so that the page never estimates in the request: `survey_publication`
  checks and prepares the answers and finds the kept draft of exactly these answers and
  options (`chiso.web.surveys.drafts`); `survey_publication_publish` freezes that draft — or,
  without one, estimates first (what the background job ``survey.publish`` does, see
  `chiso.web.surveys.publish_jobs`);
- `survey_link_period` names the evaluation period the survey feeds;
- `survey_feed_par` fills that period's `sipas` leaves from the **published** document of the
  survey's year (`chiso.web.evaluations.sipas_feed.survey_feed_sipas`; the reform office:
  `survey.import`). Points in the PAR Index therefore always come from numbers anyone can read
  and re-check on `/<year>/sipas.json`, never from a draft.

Keyword-only, permission first, one transaction, audited; every refusal is a `ValidationError`
with a message that says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from chiso.web.accounts.policy import Action, require
from chiso.web.audit.services import audit_record
from chiso.web.evaluations.models import Period
from chiso.web.evaluations.sipas_feed import SipasFeed, survey_feed_sipas
from chiso.web.publishing.models import SipasSnapshot
from chiso.web.publishing.selectors import sipas_snapshot_of
from chiso.web.publishing.sipas import sipas_publish
from chiso.web.surveys.drafts import Draft, draft_key, draft_read, draft_write
from chiso.web.surveys.estimates import (
    EstimateOptions,
    PreparedAnswers,
    prepared_estimate,
    prepared_names,
    survey_prepared_answers,
)
from chiso.web.surveys.models import Survey, SurveyState


def _target(survey: Survey) -> str:
    return f"survey {survey.pk} ({survey.year})"


@dataclass(frozen=True)
class SurveyPublication:
    """A closed survey's answers ready to publish with `options`, checked: the prepared
    answers, their units' names, the draft key, and the kept draft of exactly these (or None:
    the estimate is still to be made)."""

    survey: Survey
    options: EstimateOptions
    prepared: PreparedAnswers
    names: dict[str, str]
    key: str
    draft: Draft | None


def survey_sipas_publish(
    *,
    survey: Survey,
    options: EstimateOptions,
    by: Any,
    expected_answers_hash: str | None = None,
) -> SipasSnapshot:
    """Publish the survey's year's SIPAS from its answers, estimated with `options`: the kept
    draft of these answers and options if there is one, else estimated now."""
    publication = survey_publication(
        survey=survey, options=options, by=by, expected_answers_hash=expected_answers_hash
    )
    return survey_publication_publish(publication=publication, by=by)


def survey_publication(
    *,
    survey: Survey,
    options: EstimateOptions,
    by: Any,
    expected_answers_hash: str | None = None,
) -> SurveyPublication:
    """Check that the survey's year may be published from its answers and prepare them.

    Only a closed survey is published (its answers are final). `expected_answers_hash` is the
    hash of the answers the draft showed; if responses came in since, nothing is published and
    the draft has to be looked at again."""
    require(by, Action.PERIOD_APPROVE)
    survey = Survey.objects.get(pk=survey.pk)
    if survey.state != SurveyState.CLOSED:
        raise ValidationError(
            _(
                "Chỉ công bố kết quả khi cuộc khảo sát đã kết thúc (hiện đang ở trạng thái "
                "“%(state)s”): còn nhận phiếu thì kết quả chưa phải cuối cùng."
            )
            % {"state": SurveyState(survey.state).label}
        )
    if sipas_snapshot_of(survey.year) is not None:
        raise ValidationError(
            _("Năm %(year)s đã công bố kết quả SIPAS; kết quả đã công bố không sửa được.")
            % {"year": survey.year}
        )
    prepared = survey_prepared_answers(survey, options)
    if expected_answers_hash and prepared.answers_hash != expected_answers_hash:
        raise ValidationError(
            _(
                "Dữ liệu trả lời đã thay đổi từ khi bản nháp được tính; chưa công bố gì. "
                "Hãy xem lại bản nháp rồi công bố."
            )
        )
    names = prepared_names(prepared)
    key = draft_key(survey, options, prepared, names)
    return SurveyPublication(survey, options, prepared, names, key, draft_read(survey, key))


def survey_publication_estimate(publication: SurveyPublication) -> SurveyPublication:
    """The publication with its estimate made and kept as the draft (the slow step: the
    bootstrap); as it is when the draft was kept already."""
    if publication.draft is not None:
        return publication
    survey, options = publication.survey, publication.options
    estimate = prepared_estimate(survey, options, publication.prepared, names=publication.names)
    draft = Draft.of(publication.key, estimate)
    draft_write(survey, draft)
    return replace(publication, draft=draft)


def survey_publication_publish(*, publication: SurveyPublication, by: Any) -> SipasSnapshot:
    """Publish the survey's year's SIPAS: freeze the publication's draft (estimated first when
    there is none), with the survey and its weighting as the source. One transaction: on any
    refusal nothing is stored."""
    publication = survey_publication_estimate(publication)
    assert publication.draft is not None
    survey, options, prepared = publication.survey, publication.options, publication.prepared
    source = {
        "survey": survey.pk,
        "survey_title": survey.title,
        "options": options.recorded(),
        "raking": prepared.raking_summary(),
    }
    return sipas_publish(
        year=survey.year,
        title=survey.title,
        questionnaire_yaml=survey.questionnaire_yaml,
        answers=prepared.frame,
        names=publication.names,
        seed=options.seed,
        bootstrap=options.bootstrap,
        level=options.level,
        min_sample=survey.min_sample,
        weighting=prepared.weighting,
        source=source,
        estimated=publication.draft.document,
        by=by,
    )


def survey_link_period(*, survey: Survey, period: Period | None, by: Any) -> Survey:
    """Name the evaluation period whose survey leaves this survey feeds (None: no period)."""
    require(by, Action.SURVEY_MANAGE)
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.period_id == (period.pk if period else None):
            return survey
        old = survey.period.year if survey.period else None
        survey.period = period
        survey.save(update_fields=["period"])
        audit_record(
            actor=by,
            action="survey.period",
            target=_target(survey),
            old={"period": old},
            new={"period": period.year if period else None},
        )
    return survey


def survey_feed_par(*, survey: Survey, by: Any) -> SipasFeed:
    """Fill the linked period's `sipas` leaves from the year's published SIPAS document."""
    require(by, Action.SURVEY_IMPORT)
    survey = Survey.objects.select_related("period").get(pk=survey.pk)
    period = survey.period
    if period is None:
        raise ValidationError(
            _("Cuộc khảo sát chưa gắn với kỳ đánh giá nào: hãy chọn kỳ đánh giá nhận điểm trước.")
        )
    snapshot = sipas_snapshot_of(survey.year)
    if snapshot is None:
        raise ValidationError(
            _(
                "Chưa công bố kết quả SIPAS năm %(year)s: điểm đưa vào Chỉ số CCHC phải là số "
                "đã công bố, hãy công bố trước."
            )
            % {"year": survey.year}
        )
    published_from = (snapshot.estimation.get("source") or {}).get("survey")
    if published_from is not None and published_from != survey.pk:
        raise ValidationError(
            _(
                "Kết quả SIPAS năm %(year)s đã công bố là của cuộc khảo sát khác (số "
                "%(other)s), không phải cuộc này."
            )
            % {"year": survey.year, "other": published_from}
        )
    date = formats.date_format(snapshot.published_at, "d/m/Y")
    source = f"{snapshot.title}, công bố ngày {date} (/{snapshot.year}/sipas/)"
    with transaction.atomic():
        feed = survey_feed_sipas(period=period, document=snapshot.document, source=source, by=by)
        audit_record(
            actor=by,
            action="survey.feed_par",
            period=period,
            target=_target(survey),
            new={
                "sipas": snapshot.year,
                "changed": feed.changed,
                "filled": sorted({unit for unit, _criterion in feed.filled}),
                "below_min_sample": sorted(feed.below_min_sample),
                "without_estimate": sorted(feed.without_estimate),
                "exempt": sorted({unit for unit, _criterion in feed.exempt}),
            },
            reason=source,
        )
    return feed
