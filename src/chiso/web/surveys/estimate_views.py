"""The survey's estimates as a draft, and what is done with them: publish the year's SIPAS,
feed the PAR Index. Under /quan-ly/khao-sat/<pk>/uoc-luong/.

The draft is estimated with the options in the query string and kept (`drafts`): a second
view reads it back, and a large survey's is estimated by a background job while the page shows
its progress. The publish form posts the same options back, so what is published is what was
shown — the answers' hash guards against responses that arrived in between.
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chiso.engine.sipas_method import Questionnaire
from chiso.web.accounts import policy
from chiso.web.accounts.policy import Action
from chiso.web.jobs.models import Job
from chiso.web.jobs.selectors import job_visible
from chiso.web.public.charts import sipas_chart
from chiso.web.public.display import number
from chiso.web.public.sipas_display import channel_table, interval_text, ranking_rows
from chiso.web.publishing.selectors import sipas_snapshot_of
from chiso.web.surveys import drafts, forms, publish_jobs, results
from chiso.web.surveys.estimates import margin_label, prepared_names, survey_prepared_answers
from chiso.web.surveys.models import Draw, Survey
from chiso.web.surveys.selectors import survey_questionnaire

DECIMALS = 2
POLL_SECONDS = 2


def _survey(pk: int) -> Survey:
    return get_object_or_404(Survey.objects.select_related("period"), pk=pk)


def _form(survey: Survey, data: QueryDict, published: Any) -> forms.EstimateForm:
    """The options of the query string; on a first visit the options this survey's results
    were published with (so the draft shows the published numbers), else the defaults."""
    if "weighting" not in data:
        source = (published.estimation.get("source") or {}) if published else {}
        if source.get("survey") == survey.pk and source.get("options"):
            initial = dict(source["options"])
        else:
            drawn = Draw.objects.filter(survey=survey).exists()
            initial = forms.EstimateForm.defaults(drawn=drawn, seed=survey.year)
        data = QueryDict(mutable=True)
        for key, value in initial.items():
            if value is not False:
                data.setlist(
                    key, [str(v) for v in value] if isinstance(value, list) else [str(value)]
                )
    return forms.EstimateForm(data)


def _page(survey: Survey) -> str:
    return reverse("surveys:estimates", args=[survey.pk])


def _options_query(data: QueryDict) -> str:
    """The estimate options of a post as a query string (back to the draft they came from)."""
    query = QueryDict(mutable=True)
    for name in forms.EstimateForm.base_fields:
        if name in data:
            query.setlist(name, data.getlist(name))
    return query.urlencode()


@login_required
@require_GET
def estimates(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, Action.SURVEY_ESTIMATES)
    survey = _survey(pk)
    published = sipas_snapshot_of(survey.year)
    form = _form(survey, request.GET, published)
    state = None
    if form.is_valid():
        try:
            state = drafts.survey_draft(survey=survey, options=form.options(), by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    context = _context(request, survey, form, state, published)
    return render(request, "surveys/estimates.html", context)


@login_required
@require_GET
def estimates_progress(request: HttpRequest, pk: int, job: int) -> HttpResponse:
    """The progress of the draft's background estimate (polled by htmx); when it ends, htmx
    reloads the page, which then reads the kept draft."""
    policy.require(request.user, Action.SURVEY_ESTIMATES)
    survey = _survey(pk)
    run = _estimate_job(survey, job)
    context = {"survey": survey, **_job_context(request, run)}
    response = render(request, "surveys/_estimate_progress.html", context)
    if not run.is_active and request.headers.get("HX-Request") == "true":
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def estimates_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Estimate the draft in the background again, after a run that failed or was cancelled."""
    policy.require(request.user, Action.SURVEY_ESTIMATES)
    survey = _survey(pk)
    form = forms.EstimateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Thiết lập ước lượng không hợp lệ."))
        return redirect(_page(survey))
    options = form.options()
    try:
        prepared = survey_prepared_answers(survey, options)
        key = drafts.draft_key(survey, options, prepared, prepared_names(prepared))
        drafts.survey_draft_start(survey=survey, options=options, key=key, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(f"{_page(survey)}?{drafts.options_query(options)}")


def _estimate_job(survey: Survey, pk: int) -> Job:
    job = Job.objects.filter(pk=pk, kind=drafts.ESTIMATE_JOB, target=f"survey:{survey.pk}").first()
    if job is None:
        raise Http404(_("Không có tác vụ ước lượng này."))
    return job


def _job_context(request: HttpRequest, job: Job) -> dict[str, Any]:
    return {
        "job": job,
        "job_page": job_visible(request.user, job),
        "poll_seconds": POLL_SECONDS,
    }


def _context(
    request: HttpRequest,
    survey: Survey,
    form: forms.EstimateForm,
    state: drafts.DraftState | None,
    published: Any,
) -> dict[str, Any]:
    user = request.user
    estimate = state.draft if state is not None else None
    context: dict[str, Any] = {
        "survey": survey,
        "form": form,
        "published": published,
        "published_here": published is not None
        and (published.estimation.get("source") or {}).get("survey") == survey.pk,
        "period_form": forms.PeriodLinkForm(
            initial={"period": survey.period.year if survey.period else None}
        ),
        "may_publish": policy.can(user, Action.PERIOD_APPROVE),
        "may_feed": policy.can(user, Action.SURVEY_IMPORT),
        "may_manage": policy.can(user, Action.SURVEY_MANAGE),
        "estimate": estimate,
        "lost": state is not None and state.lost,
        "publish_job": publish_jobs.publish_job_of(survey) if published is None else None,
    }
    if state is not None and state.job is not None:
        context.update(_job_context(request, state.job))
    if estimate is not None:
        context.update(_draft(survey_questionnaire(survey), estimate))
    return context


def _draft(questionnaire: Questionnaire, estimate: drafts.Draft) -> dict[str, Any]:
    document = estimate.document
    names = {u["unit"]: u["name"] for u in document["units"]}
    min_sample = document["about"]["min_sample"]
    titles = {node.code: node.title for node in questionnaire.nodes}
    nodes = [
        {"code": n["code"], "title": titles.get(n["code"]) or n.get("title") or n["code"]}
        for n in document["nodes"]
    ]
    rows = []
    for row in ranking_rows(document, DECIMALS):
        row["nodes_text"] = [_node_cell(row["nodes"].get(n["code"])) for n in document["nodes"]]
        row["why_unranked"] = _why_unranked(row, min_sample)
        rows.append(row)
    raking = estimate.raking
    return {
        "doc": document,
        "nodes": nodes,
        "rows": rows,
        # Drawn only when the cached fragment is missing (a kept draft never changes).
        "chart_svg": partial(
            sipas_chart,
            document,
            title=_("Chỉ số hài lòng và khoảng tin cậy của từng đơn vị (bản nháp)"),
        ),
        "chart_key": estimate.key,
        "items": _items(questionnaire, estimate, names),
        "channels": channel_table(document["channels"], names, DECIMALS),
        "weights": _weight_rows(estimate.weights or [], names),
        "raking": raking,
        "raking_margins": ", ".join(margin_label(m) for m in (raking or {}).get("margins", ())),
        "level_percent": round(100 * document["about"]["level"]),
        "respondents": estimate.respondents,
        "answers_hash": document["about"]["answers_hash"],
    }


def _node_cell(node: dict[str, Any] | None) -> dict[str, str]:
    if node is None or node["estimate"] is None:
        return {"estimate": "—", "interval": "", "n": ""}
    return {
        "estimate": number(node["estimate"], DECIMALS),
        "interval": interval_text(node, DECIMALS),
        "n": str(node["n"]),
    }


def _why_unranked(row: dict[str, Any], min_sample: int) -> str:
    if row["ranked"]:
        return ""
    if row["overall"] is None:
        return _("không có câu trả lời hợp lệ")
    return _("%(n)s người trả lời, dưới cỡ mẫu tối thiểu %(min)s") % {
        "n": row["n"],
        "min": min_sample,
    }


def _items(
    questionnaire: Questionnaire, estimate: drafts.Draft, names: dict[str, str]
) -> list[dict[str, Any]]:
    """Per unit (in rank order), every rating item's rate with its Wilson interval."""
    texts = {item.code: item.text for item in questionnaire.items}
    order = {item.code: n for n, item in enumerate(questionnaire.items)}
    weighted = estimate.weighted
    by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in estimate.items:
        by_unit[row["unit"]].append(
            {
                "code": row["item"],
                "text": texts.get(row["item"], ""),
                "n": row["n"],
                "satisfied": row["satisfied"],
                "n_eff": number(row["n_eff"], 1) if weighted and row["n_eff"] else "",
                "rate": number(row["rate"], DECIMALS) if row["rate"] is not None else "—",
                "interval": interval_text(row, DECIMALS),
            }
        )
    units = [u["unit"] for u in estimate.document["units"]]
    return [
        {
            "unit": unit,
            "name": names.get(unit, unit),
            "rows": sorted(by_unit[unit], key=lambda r: order.get(r["code"], 0)),
        }
        for unit in units
    ]


def _weight_rows(weights: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "name": names.get(row["unit"], row["unit"]),
            "n": row["n"],
            "weight_sum": number(row["weight_sum"], 1),
            "n_eff": number(row["n_eff"], 1),
            "weight_min": number(row["weight_min"], 3),
            "weight_max": number(row["weight_max"], 3),
            "deff": number(row["deff"], 2),
        }
        for row in weights
    ]


# --- actions ----------------------------------------------------------------------------------


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the year's SIPAS with the options the draft was shown with: the kept draft at
    once; without one, a background job estimates and publishes while its page shows the
    progress (the request never runs the bootstrap)."""
    policy.require(request.user, Action.PERIOD_APPROVE)
    survey = _survey(pk)
    form = forms.EstimateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Thiết lập ước lượng không hợp lệ; chưa công bố gì."))
        return redirect(_page(survey))
    try:
        publication = results.survey_publication(
            survey=survey,
            options=form.options(),
            expected_answers_hash=request.POST.get("answers_hash", ""),
            by=request.user,
        )
        if publication.draft is None:
            job = publish_jobs.survey_publish_start(
                survey=survey,
                options=publication.options,
                answers_hash=publication.prepared.answers_hash,
                by=request.user,
            )
            return redirect(reverse("jobs:detail", args=[job.pk]))
        snapshot = results.survey_publication_publish(publication=publication, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(f"{_page(survey)}?{_options_query(request.POST)}")
    messages.success(
        request,
        _("Đã công bố kết quả SIPAS năm %(year)s: %(url)s")
        % {"year": snapshot.year, "url": f"/{snapshot.year}/sipas/"},
    )
    return redirect(_page(survey))


@login_required
@require_POST
def feed(request: HttpRequest, pk: int) -> HttpResponse:
    """Feed the linked period's survey leaves from the published document; show what was
    filled and what was left out, and why."""
    policy.require(request.user, Action.SURVEY_IMPORT)
    survey = _survey(pk)
    try:
        outcome = results.survey_feed_par(survey=survey, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_page(survey))
    snapshot = sipas_snapshot_of(survey.year)
    assert snapshot is not None and survey.period is not None  # the service checked both
    names = {u["unit"]: u["name"] for u in snapshot.document["units"]}
    names.update(_period_names(survey))
    filled: dict[str, list[str]] = defaultdict(list)
    for unit, criterion in outcome.filled:
        filled[unit].append(criterion)
    context = {
        "survey": survey,
        "period": survey.period,
        "snapshot": snapshot,
        "changed": outcome.changed,
        "filled": [
            {"unit": u, "name": names.get(u, u), "criteria": ", ".join(sorted(c))}
            for u, c in sorted(filled.items())
        ],
        "below": [{"unit": u, "name": names.get(u, u)} for u in sorted(outcome.below_min_sample)],
        "without": [{"unit": u, "name": names.get(u, u)} for u in sorted(outcome.without_estimate)],
        "exempt": [
            {"unit": u, "name": names.get(u, u), "criterion": c, "why": why}
            for (u, c), why in sorted(outcome.exempt.items())
        ],
        "min_sample": snapshot.document["about"]["min_sample"],
    }
    return render(request, "surveys/feed_result.html", context)


def _period_names(survey: Survey) -> dict[str, str]:
    assert survey.period is not None
    rows = survey.period.assessments.values_list("unit__code", "unit__name")
    return dict(rows)


@login_required
@require_POST
def link_period(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, Action.SURVEY_MANAGE)
    survey = _survey(pk)
    form = forms.PeriodLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Không có kỳ đánh giá này."))
    else:
        period = form.cleaned_data["period"]
        results.survey_link_period(survey=survey, period=period, by=request.user)
        messages.success(
            request,
            _("Đã gắn cuộc khảo sát với kỳ đánh giá năm %s.") % period.year
            if period
            else _("Đã bỏ gắn kỳ đánh giá."),
        )
    return redirect(_page(survey))
