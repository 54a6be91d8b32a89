"""SIPAS estimates fill the PAR method's `sipas` leaves: points = max × rate / 100, with the SE."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chiso.engine.sipas import estimate_sipas
from chiso.io.questionnaire_files import load_questionnaire, resolve_questionnaire
from chiso.io.sipas_document import sipas_document
from chiso.web.audit.models import AuditEvent
from chiso.web.evaluations.models import Period
from chiso.web.evaluations.sipas_feed import sipas_leaves, survey_feed_sipas
from tests.web.evaluations.helpers import officer_of, score_of

pytestmark = pytest.mark.db


def answers(plan: dict[str, tuple[int, int]]) -> pl.DataFrame:
    """unit → (respondents, value): everyone in a unit gives every item the same value,
    except the first respondent, who gives 1 — so estimates differ and intervals are real."""
    questionnaire = load_questionnaire(resolve_questionnaire("service-user-2024"))
    rows = []
    for unit, (count, value) in plan.items():
        for r in range(count):
            for item in questionnaire.items:
                rows.append((f"{unit}-{r}", unit, item.code, 1 if r == 0 else value))
    return pl.DataFrame(rows, schema=["respondent", "unit", "item", "value"], orient="row")


@pytest.fixture
def document() -> dict[str, Any]:
    questionnaire = load_questionnaire(resolve_questionnaire("service-user-2024"))
    frame = answers({"TN.SNV": (40, 5), "TN.STP": (10, 4), "TN.XYZ": (40, 2)})
    result = estimate_sipas(questionnaire, frame, bootstrap=300, seed=5)
    return sipas_document(questionnaire, result, names={}, answers_hash="x")


def test_the_model_method_names_four_sipas_nodes(period: Period) -> None:
    leaves = dict(sipas_leaves(period)["so"])
    assert leaves == {"8.1.1": "TCDV", "8.1.2": "TTHC", "8.1.3": "CC", "8.1.4": "KQ"}


def test_ranked_units_are_filled_with_rate_and_standard_error(
    period: Period, admin_user: Any, document: dict[str, Any]
) -> None:
    feed = survey_feed_sipas(
        period=period, document=document, source="khảo sát 2024", by=admin_user
    )
    snv = {row["unit"]: row for row in document["units"]}["TN.SNV"]["nodes"]["TCDV"]
    score = score_of(period, "TN.SNV", "8.1.1")
    assert float(score.appraised_value) == pytest.approx(snv["estimate"], abs=1e-4)
    assert snv["estimate"] == pytest.approx(100 * 39 / 40)  # one of 40 was dissatisfied
    assert score.appraised_points == pytest.approx(1.5 * snv["estimate"] / 100, abs=1e-5)
    assert score.appraised_se == pytest.approx(1.5 * snv["se"] / 100)
    assert "khảo sát 2024" in score.appraisal_reason
    assert feed.changed == 4 and len(feed.filled) == 4
    assert AuditEvent.objects.filter(action="score.survey_import").count() == 4


def test_units_below_the_minimum_sample_or_without_answers_are_listed_not_fed(
    period: Period, admin_user: Any, document: dict[str, Any]
) -> None:
    feed = survey_feed_sipas(period=period, document=document, source="s", by=admin_user)
    assert feed.below_min_sample == {"TN.STP"}  # 10 respondents < min_sample 30
    assert score_of(period, "TN.STP", "8.1.1").appraised_value == ""
    without = {**document, "units": [u for u in document["units"] if u["unit"] != "TN.SNV"]}
    feed = survey_feed_sipas(period=period, document=without, source="s", by=admin_user)
    assert feed.without_estimate == {"TN.SNV"}


def test_a_criterion_the_unit_is_exempt_from_is_skipped_with_the_reason(
    period: Period, admin_user: Any
) -> None:
    # Ban Dân tộc is exempt from the SIPAS criteria in the model method; an estimate for it
    # (e.g. from a province-wide survey) is not written and the refusal does not stop the rest.
    questionnaire = load_questionnaire(resolve_questionnaire("service-user-2024"))
    frame = answers({"TN.SNV": (40, 5), "TN.BDT": (40, 4)})
    result = estimate_sipas(questionnaire, frame, bootstrap=100, seed=5)
    document = sipas_document(questionnaire, result, names={}, answers_hash="x")
    feed = survey_feed_sipas(period=period, document=document, source="s", by=admin_user)
    assert {u for u, _ in feed.filled} == {"TN.SNV"}
    assert set(feed.exempt) == {("TN.BDT", c) for c in ("8.1.1", "8.1.2", "8.1.3", "8.1.4")}
    assert all(feed.exempt.values())  # the method's reason
    assert "TN.BDT" not in feed.without_estimate | feed.below_min_sample
    assert score_of(period, "TN.BDT", "8.1.1").appraised_value == ""


def test_feeding_twice_changes_nothing_the_second_time(
    period: Period, admin_user: Any, document: dict[str, Any]
) -> None:
    survey_feed_sipas(period=period, document=document, source="s", by=admin_user)
    again = survey_feed_sipas(period=period, document=document, source="s", by=admin_user)
    assert again.changed == 0


def test_a_node_the_questionnaire_lacks_is_refused_and_nothing_saved(
    period: Period, admin_user: Any, document: dict[str, Any]
) -> None:
    broken = {**document, "nodes": [n for n in document["nodes"] if n["code"] != "KQ"]}
    with pytest.raises(ValidationError, match="KQ"):
        survey_feed_sipas(period=period, document=broken, source="s", by=admin_user)
    assert score_of(period, "TN.SNV", "8.1.1").appraised_value == ""


def test_only_the_reform_office_feeds(
    period: Period, units: dict[str, Any], document: dict[str, Any]
) -> None:
    with pytest.raises(PermissionDenied):
        survey_feed_sipas(
            period=period, document=document, source="s", by=officer_of(units["TN.SNV"])
        )
