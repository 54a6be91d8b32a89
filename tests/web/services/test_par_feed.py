"""The PAR link: the PAR Index's `data` leaves that name a Decision 766 indicator take the
unit's measured rate from a published snapshot; a leaf an appraiser decided is kept; the
appraiser sees the measured value beside the unit's claim, flagged where the two differ."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from chiso.io.method_files import resolve_method
from chiso.web.audit.models import AuditEvent
from chiso.web.evaluations.models import Period, Score
from chiso.web.evaluations.services import period_create, period_set_method, period_transition
from chiso.web.services.models import MeasuredLeaf, MeasuredStatus, ServiceSnapshot
from chiso.web.services.par_feed import par_fill_measured
from tests.web.evaluations.helpers import example_units, move_on
from tests.web.factories import RoleAssignmentFactory

pytestmark = pytest.mark.db

ON_TIME = "3.3.2"  # rule: {kind: proportional, indicator: "2.1"}, max 3
DIGITISED = "3.3.4"  # indicator 6.2
WHOLE_SCORE = "3.3.5"  # indicator "index": the unit's Decision 766 score
FLAG = "Khác với điểm đơn vị tự chấm."


@pytest.fixture
def period(admin: Any) -> Period:
    """2025 open for self-assessment: two departments in the records, one not (TN.SNV)."""
    example_units(["TN.STP", "TN.SCT", "TN.SNV"])
    period = period_create(year=2025, title="Chỉ số CCHC năm 2025", by=admin)
    method = resolve_method("model-2024-so").read_text(encoding="utf-8")
    period_set_method(period=period, block="so", method_yaml=method, by=admin)
    return period_transition(period=period, to="self_assessment", by=admin)


def score(period: Period, unit: str, criterion: str) -> Score:
    return Score.objects.get(
        assessment__period=period, assessment__unit__code=unit, criterion=criterion
    )


def rate(snapshot: ServiceSnapshot, unit: str, indicator: str) -> float:
    part = snapshot.units.get(unit=unit).document
    return next(
        i["rate"]
        for i in part["indicators"]
        if i["period"] == snapshot.spec and i["indicator"] == indicator
    )


def claim(period: Period, unit: str, criterion: str, value: str) -> None:
    score_of = Score.objects.filter(
        assessment__period=period, assessment__unit__code=unit, criterion=criterion
    )
    score_of.update(self_value=value)


def test_data_leaves_are_filled_from_the_measured_rates(
    period: Period, published: ServiceSnapshot, admin: Any
) -> None:
    feed = par_fill_measured(period=period, snapshot=published, by=admin)
    on_time = rate(published, "TN.STP", "2.1")
    filled = score(period, "TN.STP", ON_TIME)
    assert filled.appraised_value == f"{on_time:.2f}"
    assert filled.appraised_points == pytest.approx(3 * round(on_time, 2) / 100)
    assert (
        "chỉ tiêu 2.1" in filled.appraisal_reason and f"#{published.pk}" in filled.appraisal_reason
    )
    assert filled.appraisal_round is None  # the appraiser still decides
    measured = MeasuredLeaf.objects.get(period=period, unit__code="TN.STP", criterion=ON_TIME)
    assert (measured.indicator, measured.status, measured.filled) == ("2.1", "measured", True)
    assert measured.denominator and measured.numerator is not None
    index = score(period, "TN.SCT", "3.3.5")  # indicator: index — the unit's 766 score
    assert (
        index.appraised_value
        == f"{published.units.get(unit='TN.SCT').document['unit']['index']:.2f}"
    )
    # A unit absent from the records is not filled; the appraiser decides by the guidance.
    absent = MeasuredLeaf.objects.get(period=period, unit__code="TN.SNV", criterion=ON_TIME)
    assert absent.status == MeasuredStatus.NOT_IN_STORE and not absent.value
    assert score(period, "TN.SNV", ON_TIME).appraised_value == ""
    assert ("TN.SNV", ON_TIME) in feed.unmeasured[MeasuredStatus.NOT_IN_STORE]
    assert AuditEvent.objects.filter(action="score.measured_fill").count() == feed.changed > 0

    # Again with nothing new: nothing changes, nothing is audited twice.
    again = par_fill_measured(period=period, snapshot=published, by=admin)
    assert again.changed == 0 and again.filled == feed.filled


def test_an_appraisers_decision_is_kept(
    period: Period, published: ServiceSnapshot, admin: Any
) -> None:
    decided = score(period, "TN.STP", DIGITISED)
    Score.objects.filter(pk=decided.pk).update(appraised_value="50", appraisal_round=1)
    feed = par_fill_measured(period=period, snapshot=published, by=admin)
    assert ("TN.STP", DIGITISED) in feed.kept
    assert score(period, "TN.STP", DIGITISED).appraised_value == "50"
    kept = MeasuredLeaf.objects.get(period=period, unit__code="TN.STP", criterion=DIGITISED)
    assert not kept.filled and kept.value == f"{rate(published, 'TN.STP', '6.2'):.2f}"


def test_only_a_published_snapshot_feeds(
    period: Period, snapshot: ServiceSnapshot, admin: Any
) -> None:
    with pytest.raises(ValidationError, match="đã công bố"):
        par_fill_measured(period=period, snapshot=snapshot, by=admin)
    assert not MeasuredLeaf.objects.exists()


def test_the_appraiser_sees_both_and_a_flag_where_they_differ(
    period: Period, published: ServiceSnapshot, admin: Any
) -> None:
    claim(period, "TN.STP", ON_TIME, "100")
    claim(period, "TN.SCT", ON_TIME, f"{rate(published, 'TN.SCT', '2.1'):.2f}")
    office = Client()
    office.force_login(admin)
    form = {"period": period.pk, "snapshot": published.pk}
    response = office.post("/quan-ly/chat-luong/dien-chi-so-cchc/", form, follow=True)
    assert "Đã điền" in response.content.decode()
    move_on(period, "appraisal", admin)  # the units have not submitted: confirmed

    appraiser = Client()
    appraiser.force_login(RoleAssignmentFactory(appraiser=True).user)
    stp = appraiser.get("/quan-ly/tham-dinh/TN.STP/").content.decode()
    measured = f"{rate(published, 'TN.STP', '2.1'):.2f}".replace(".", ",")
    assert f"Số liệu đo từ hồ sơ một cửa: <strong>{measured} %</strong>" in stp
    assert "dữ liệu tổng hợp" in stp  # the snapshot was computed from synthetic records
    assert stp.count(FLAG) == 1  # only the on-time leaf has a claim that differs
    sct = appraiser.get("/quan-ly/tham-dinh/TN.SCT/").content.decode()
    assert "Số liệu đo từ hồ sơ một cửa" in sct and FLAG not in sct


def test_the_units_whole_score_is_named_not_shown_as_an_indicator_code(
    period: Period, published: ServiceSnapshot, admin: Any
) -> None:
    # 3.3.5 reads the unit's Decision 766 score, not one indicator: it said "chỉ tiêu index".
    par_fill_measured(period=period, snapshot=published, by=admin)
    filled = score(period, "TN.STP", WHOLE_SCORE)
    assert filled.appraisal_reason.startswith("Số liệu đo từ hồ sơ một cửa — điểm Bộ chỉ số 766")
    assert "index" not in filled.appraisal_reason
    move_on(period, "appraisal", admin)  # the units have not submitted: confirmed
    appraiser = Client()
    appraiser.force_login(RoleAssignmentFactory(appraiser=True).user)
    page = appraiser.get("/quan-ly/tham-dinh/TN.STP/").content.decode()
    assert f"(điểm Bộ chỉ số 766, kết quả #{published.pk}," in page
    assert "chỉ tiêu index" not in page and "chỉ tiêu 2.1, kết quả" in page
