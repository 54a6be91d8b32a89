"""The survey's draft estimates page, publishing the year's SIPAS from it and feeding the PAR
Index: the draft is what is published, the numbers are checked by hand, every refusal says why."""

from __future__ import annotations

import math
from pathlib import Path
from statistics import NormalDist
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from chiso.web.audit.models import AuditEvent
from chiso.web.evaluations.models import Period
from chiso.web.publishing.models import SipasSnapshot
from chiso.web.surveys import collection, services
from chiso.web.surveys.estimates import EstimateOptions, survey_estimate
from chiso.web.surveys.models import SurveyState
from chiso.web.surveys.results import survey_feed_par, survey_link_period, survey_sipas_publish
from chiso.web.surveys.selectors import survey_questionnaire
from tests.web.evaluations.helpers import score_of
from tests.web.surveys.helpers import PLAN, QUICK, answered_survey

pytestmark = [pytest.mark.db, pytest.mark.usefixtures("data_dir")]


@pytest.fixture
def period(admin: Any, tn_units: Any) -> Period:
    """2025's period with the department method, open for self-assessment (survey leaves are
    fed in that state)."""
    from chiso.io.method_files import resolve_method
    from chiso.web.evaluations.services import period_create, period_set_method, period_transition

    period = period_create(year=2025, title="Chỉ số CCHC năm 2025", by=admin)
    yaml = resolve_method("model-2024-so").read_text(encoding="utf-8")
    period_set_method(period=period, block="so", method_yaml=yaml, by=admin)
    return period_transition(period=period, to="self_assessment", by=admin)


def wilson(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson's score interval, written out independently of the engine."""
    z = NormalDist().inv_cdf(0.5 + level / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (centre - half), 100 * (centre + half)


def vn(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def chart_points(html: str) -> int:
    """The points of the page's interval chart (the shared Vega-Lite spec, drawn to SVG), in
    both its layouts (wide and phone), which must agree."""
    figure = html[html.index('<figure class="chart">') : html.index("</figure>")]
    symbols = figure.split('class="mark-symbol role-mark')[1:]
    assert len(symbols) == 2
    wide, narrow = (group.split("</g>", 1)[0].count("<path") for group in symbols)
    assert wide == narrow
    return wide


def test_the_draft_page_shows_hand_checked_estimates(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN)
    client = Client()
    client.force_login(chair)
    page = client.get(f"/quan-ly/khao-sat/{survey.pk}/uoc-luong/", QUICK)
    assert page.status_code == 200
    html = page.content.decode()

    # Overall, by factor: 7 of 8 satisfied on every item → 87.5 everywhere in TN.SNV.
    assert vn(87.5) in html
    # Item rates with Wilson intervals, checked against the formula.
    low, high = wilson(7, 8)
    assert f"{vn(low)} – {vn(high)}" in html
    # TN.BDT has three respondents: below the survey's minimum sample (5), not ranked, said why.
    assert "3 người trả lời, dưới cỡ mẫu tối thiểu 5" in html
    # TN.SNV and TN.STP answered identically: their difference is not significant.
    assert "≈ đơn vị liền sau" in html
    # Paper and phone side by side.
    assert "Phiếu giấy" in html and "Điện thoại" in html
    # The interval chart is the shared spec: one point per unit.
    assert chart_points(html) == 3
    assert "Chỉ số hài lòng và khoảng tin cậy của từng đơn vị (bản nháp)</title>" in html
    # Every node of the tree has a column headed by the questionnaire's title, not its code.
    table = html[html.index('id="node-table"') : html.index('<h2 id="items">')]
    for node in survey_questionnaire(survey).nodes:
        assert f">{node.title}</th>" in table
        assert f">{node.code}</th>" not in table and f">{node.code}<" not in table
    assert ">overall<" not in html


def test_the_draft_is_exactly_what_is_published(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN)
    options = EstimateOptions(weighting="design", bootstrap=200, seed=3)
    draft = survey_estimate(survey, options)
    assert draft.estimate.document["about"]["min_sample"] == 5  # the survey's setting

    client = Client()
    client.force_login(chair)
    post = {
        "weighting": "design",
        "level": "0.95",
        "bootstrap": "200",
        "seed": "3",
        "margins": ["unit"],
        "answers_hash": draft.estimate.document["about"]["answers_hash"],
    }
    # No draft kept with these settings: a background job estimates and publishes.
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/quan-ly/khao-sat/{survey.pk}/uoc-luong/cong-bo/", post)
    assert done.status_code == 302 and done["Location"].startswith("/quan-ly/tac-vu/")
    snapshot = SipasSnapshot.objects.get(year=2025)
    assert snapshot.document == draft.estimate.document
    assert snapshot.estimation["source"]["survey"] == survey.pk
    assert snapshot.document["about"]["weighting"] == "weights"
    public = client.get("/2025/sipas/").content.decode()
    assert chart_points(public) == 3
    # Opened again without settings, the draft shows what was published.
    first = snapshot.document["units"][0]
    draft_page = client.get(f"/quan-ly/khao-sat/{survey.pk}/uoc-luong/").content.decode()
    assert f"{vn(first['low'])} – {vn(first['high'])}" in draft_page
    assert f"{vn(first['low'])} – {vn(first['high'])}" in public
    event = AuditEvent.objects.get(action="sipas.publish")
    assert f'"survey": {survey.pk}' in event.new


def test_publishing_refuses_with_a_reason(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN, close=False)
    options = EstimateOptions(weighting="none", bootstrap=100, seed=1)
    with pytest.raises(PermissionDenied):
        survey_sipas_publish(survey=survey, options=options, by=admin)
    with pytest.raises(ValidationError, match="đã kết thúc"):
        survey_sipas_publish(survey=survey, options=options, by=chair)
    services.survey_transition(survey=survey, to=SurveyState.CLOSED, by=admin)
    with pytest.raises(ValidationError, match="đã thay đổi"):
        survey_sipas_publish(
            survey=survey, options=options, expected_answers_hash="sha256:old", by=chair
        )
    assert not SipasSnapshot.objects.exists()
    survey_sipas_publish(survey=survey, options=options, by=chair)
    with pytest.raises(ValidationError, match="đã công bố"):
        survey_sipas_publish(survey=survey, options=options, by=chair)
    assert SipasSnapshot.objects.count() == 1


def test_a_refused_publication_comes_back_to_the_draft_with_its_message(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN, close=False)
    client = Client()
    client.force_login(chair)
    url = f"/quan-ly/khao-sat/{survey.pk}/uoc-luong/cong-bo/"
    page = client.post(url, {**QUICK, "answers_hash": "x"}, follow=True)
    assert "Chỉ công bố kết quả khi cuộc khảo sát đã kết thúc" in page.content.decode()
    back = page.redirect_chain[-1][0]
    assert "seed=7" in back and "bootstrap=200" in back and "answers_hash" not in back
    staff = Client()
    staff.force_login(admin)
    assert staff.post(url, QUICK).status_code == 403


def test_raking_to_the_frame_meets_its_totals(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN)
    options = EstimateOptions(weighting="raking", margins=("unit", "procedure"), bootstrap=100)
    draft = survey_estimate(survey, options)
    weights = draft.weights()
    assert weights is not None
    # Every unit's weights add up to its 20 dossiers in the frame.
    assert weights["weight_sum"].to_list() == pytest.approx([20.0, 20.0, 20.0])
    summary = draft.prepared.raking_summary()
    assert summary is not None and summary["converged"]
    assert summary["weight_sum"] == pytest.approx(60.0)
    assert draft.estimate.document["about"]["weighting"] == "raking"


def test_raking_by_procedure_needs_the_sample_alone(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN, close=False)
    kiosk = services.kiosk_create(survey=survey, unit=tn_units["TN.SNV"], label="Q", by=admin)
    answers = {f"q-{i.code}": "4" for i in survey_questionnaire(survey).items}
    collection.response_submit_kiosk(kiosk=kiosk, dossier_code="TN.SNV-HS0019", data=answers)
    procedure = EstimateOptions(weighting="raking", margins=("unit", "procedure"), bootstrap=100)
    with pytest.raises(ValidationError, match="không gắn với người trong mẫu"):
        survey_estimate(survey, procedure)
    sampled = EstimateOptions(
        weighting="raking", margins=("unit", "procedure"), sampled_only=True, bootstrap=100
    )
    assert survey_estimate(survey, sampled).prepared.raked is not None
    # By unit alone the kiosk response is raked with the rest.
    by_unit = survey_estimate(survey, EstimateOptions(weighting="raking", bootstrap=100))
    assert by_unit.prepared.frame["respondent"].n_unique() == 20


def test_nothing_to_estimate_is_said_on_the_page(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path
) -> None:
    survey = answered_survey(admin, tmp_path, {"TN.SNV": []}, close=False)
    client = Client()
    client.force_login(chair)
    html = client.get(f"/quan-ly/khao-sat/{survey.pk}/uoc-luong/").content.decode()
    assert "Chưa có phiếu trả lời nào" in html
    assert "Công bố SIPAS năm" not in html


def test_feeding_the_par_index_from_the_published_document(
    admin: Any, chair: Any, tn_units: Any, period: Period, tmp_path: Path
) -> None:
    # TN.STP answers too little; TN.BDT answers, but the method exempts it from SIPAS criteria.
    plan = {"TN.SNV": PLAN["TN.SNV"], "TN.STP": [4, 4, 2], "TN.BDT": PLAN["TN.STP"]}
    survey = answered_survey(admin, tmp_path, plan)
    with pytest.raises(ValidationError, match="chưa gắn với kỳ đánh giá"):
        survey_feed_par(survey=survey, by=admin)
    survey_link_period(survey=survey, period=period, by=admin)
    assert AuditEvent.objects.filter(action="survey.period").count() == 1
    with pytest.raises(ValidationError, match="Chưa công bố kết quả SIPAS năm 2025"):
        survey_feed_par(survey=survey, by=admin)
    with pytest.raises(PermissionDenied):
        survey_feed_par(survey=survey, by=chair)
    snapshot = survey_sipas_publish(
        survey=survey, options=EstimateOptions(weighting="none", bootstrap=200), by=chair
    )

    client = Client()
    client.force_login(admin)
    page = client.post(f"/quan-ly/khao-sat/{survey.pk}/uoc-luong/chi-so-cchc/")
    assert page.status_code == 200
    html = page.content.decode()
    snv = next(u for u in snapshot.document["units"] if u["unit"] == "TN.SNV")
    score = score_of(period, "TN.SNV", "8.1.1")
    assert float(score.appraised_value) == pytest.approx(snv["nodes"]["TCDV"]["estimate"])
    assert float(score.appraised_value) == pytest.approx(87.5)
    assert "/2025/sipas/" in score.appraisal_reason
    # Below the minimum sample, or exempt: listed with the reason, not fed.
    assert score_of(period, "TN.STP", "8.1.1").appraised_value == ""
    assert score_of(period, "TN.BDT", "8.1.1").appraised_value == ""
    assert "Dưới cỡ mẫu tối thiểu (5 người trả lời)" in html
    assert "Tiêu chí 8.1.1 không áp dụng cho đơn vị" in html
    assert "8.1.1, 8.1.2, 8.1.3, 8.1.4" in html
    event = AuditEvent.objects.get(action="survey.feed_par")
    assert '"below_min_sample": ["TN.STP"]' in event.new
    assert '"exempt": ["TN.BDT"]' in event.new
    assert '"filled": ["TN.SNV"]' in event.new


def test_the_survey_page_links_the_draft(admin: Any, tn_units: Any, tmp_path: Path) -> None:
    survey = answered_survey(admin, tmp_path, {"TN.SNV": [4]}, close=False)
    client = Client()
    client.force_login(admin)
    html = client.get(f"/quan-ly/khao-sat/{survey.pk}/").content.decode()
    assert f"/quan-ly/khao-sat/{survey.pk}/uoc-luong/" in html
