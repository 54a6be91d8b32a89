"""The appraisal list's filter, through HTTP: it offers the period's units and nothing else."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from chiso.web.accounts.models import Role
from chiso.web.evaluations.models import Period
from tests.web.factories import RoleAssignmentFactory, UnitFactory

pytestmark = pytest.mark.db

QUEUE = reverse("evaluations:appraisal_queue")


@pytest.fixture
def appraising(period: Period, move: Any) -> Period:
    """Departments only are evaluated; the unit list also has a district and a commune."""
    UnitFactory(code="TN.TPTN", name="UBND thành phố Thái Nguyên", kind="district", block="huyen")
    UnitFactory(code="TN.XPT", name="UBND xã Phúc Trìu", kind="commune", block="xa")
    return move(period, "appraisal")


def unit_filter(page: str) -> str:
    match = re.search(r'<select id="f-unit".*?</select>', page, re.DOTALL)
    assert match, "the page has no unit filter"
    return match.group(0)


def offered(page: str) -> list[str]:
    return re.findall(r'<option value="([^"]+)"', unit_filter(page))


def test_the_unit_filter_offers_exactly_the_periods_units(
    client: Any, appraiser: Any, appraising: Period
) -> None:
    client.force_login(appraiser)
    page = client.get(QUEUE).content.decode()
    assert offered(page) == ["TN.BDT", "TN.SNV", "TN.STP"]
    select = unit_filter(page)
    assert re.findall(r'<optgroup label="([^"]+)"', select) == ["Khối sở, ban, ngành"]
    assert "Phúc Trìu" not in select and "thành phố Thái Nguyên" not in select


def test_an_appraiser_of_some_units_is_offered_those_in_the_period(
    client: Any, units: Any, appraising: Period
) -> None:
    district = UnitFactory._meta.model.objects.get(code="TN.TPTN")
    user = RoleAssignmentFactory(role=Role.APPRAISER, unit=units["TN.SNV"]).user
    RoleAssignmentFactory(role=Role.APPRAISER, unit=district, user=user)
    client.force_login(user)
    assert offered(client.get(QUEUE).content.decode()) == ["TN.SNV"]


def test_a_unit_outside_the_period_is_not_a_filter(
    client: Any, appraiser: Any, appraising: Period
) -> None:
    client.force_login(appraiser)
    assert client.get(QUEUE, {"don_vi": "TN.TPTN"}).status_code == 404
    page = client.get(QUEUE, {"don_vi": "TN.STP"}).content.decode()
    assert '<option value="TN.STP" selected>' in page
