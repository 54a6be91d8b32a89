"""Periods: the method file (checked, frozen after draft), the calendar, opening assessments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from chiso.engine import content_hash
from chiso.io.method_files import parse_yaml
from chiso.web.audit.models import AuditEvent
from chiso.web.evaluations.models import Assessment, PeriodMethod, PeriodState, Score
from chiso.web.evaluations.selectors import period_method
from chiso.web.evaluations.services import (
    period_create,
    period_set_calendar,
    period_set_method,
)
from chiso.web.evaluations.workflow import WorkflowError
from tests.web.factories import UnitFactory

pytestmark = pytest.mark.db
S = PeriodState


def test_a_method_is_stored_with_its_id_hash_and_title(draft_period: Any, method_yaml: str) -> None:
    stored = PeriodMethod.objects.get(period=draft_period, block="so")
    assert stored.method_id == "thainguyen-par-2024-so-model"
    assert stored.method_hash == content_hash(parse_yaml(method_yaml))
    assert stored.method_yaml == method_yaml
    assert period_method(draft_period, "so").hash == stored.method_hash
    event = AuditEvent.objects.get(action="period.set_method")
    assert stored.method_hash in event.new


def test_an_invalid_method_is_refused_with_every_problem(
    draft_period: Any, admin_user: Any, method_yaml: str
) -> None:
    broken = method_yaml.replace("total_points: 100", "total_points: 99").replace(
        "ties: ", "ties: coin_toss_"
    )
    with pytest.raises(ValidationError) as caught:
        period_set_method(period=draft_period, block="so", method_yaml=broken, by=admin_user)
    codes = {e.code for e in caught.value.error_list}
    assert "PAR016" in codes and len(codes) >= 2
    assert any("PAR016 total_points" in m for m in caught.value.messages)
    stored = PeriodMethod.objects.get(period=draft_period, block="so")
    assert stored.method_yaml == method_yaml


def test_a_yaml_syntax_error_is_located(draft_period: Any, admin_user: Any) -> None:
    with pytest.raises(ValidationError, match=r"PAR000 dòng 2"):
        period_set_method(
            period=draft_period, block="so", method_yaml="a: 1\nb: : c\n", by=admin_user
        )


def test_the_block_must_be_one_of_the_methods(
    draft_period: Any, admin_user: Any, method_yaml: str
) -> None:
    with pytest.raises(ValidationError, match="không có khối 'xa'"):
        period_set_method(period=draft_period, block="xa", method_yaml=method_yaml, by=admin_user)


def test_the_method_is_frozen_once_scoring_starts(
    period: Any, admin_user: Any, method_yaml: str
) -> None:
    changed = method_yaml.replace("(mô phỏng)", "(sửa)")
    with pytest.raises(WorkflowError) as caught:
        period_set_method(period=period, block="so", method_yaml=changed, by=admin_user)
    assert "Chuẩn bị" in caught.value.vi
    assert PeriodMethod.objects.get(period=period).method_yaml == method_yaml


def test_one_period_per_year(draft_period: Any, admin_user: Any) -> None:
    with pytest.raises(ValidationError, match="2024"):
        period_create(year=2024, title="Lần hai", by=admin_user)


def test_the_calendar_is_set_in_order_and_audited(draft_period: Any, admin_user: Any) -> None:
    period = period_set_calendar(
        period=draft_period,
        by=admin_user,
        self_assessment_opens=dt.date(2024, 11, 1),
        self_assessment_closes=dt.date(2024, 12, 10),
    )
    assert period.self_assessment_closes == dt.date(2024, 12, 10)
    events = AuditEvent.objects.filter(action="period.set_calendar")
    assert sorted(e.target for e in events) == ["self_assessment_closes", "self_assessment_opens"]
    with pytest.raises(ValidationError, match="không được trước"):
        period_set_calendar(period=period, by=admin_user, appraisal_closes=dt.date(2024, 12, 1))
    with pytest.raises(TypeError):
        period_set_calendar(period=period, by=admin_user, results_day=dt.date(2025, 1, 1))


def test_opening_the_self_assessment_creates_every_row(
    draft_period: Any, units: Any, move: Any
) -> None:
    UnitFactory(code="TN.CU", block="so", valid_to=dt.date(2024, 6, 30))  # merged away
    UnitFactory(code="TN.TPTN", block="huyen", kind="district")  # a block with no method
    period = move(draft_period, S.SELF_ASSESSMENT)
    method = period_method(period, "so")
    opened = Assessment.objects.filter(period=period)
    assert sorted(a.unit.code for a in opened) == ["TN.BDT", "TN.SNV", "TN.STP"]
    expected = {leaf.code for leaf in method.leaves}
    expected |= {i.code for i in method.bonus.items} | {i.code for i in method.penalty.items}
    assert len(expected) == 106
    for assessment in opened:
        codes = list(
            Score.objects.filter(assessment=assessment).values_list("criterion", flat=True)
        )
        assert sorted(codes) == sorted(expected)
    assert Score.objects.filter(assessment__period=period).exclude(self_value="").count() == 0
    event = AuditEvent.objects.get(action="period.transition", new=S.SELF_ASSESSMENT)
    assert "3" in event.reason
