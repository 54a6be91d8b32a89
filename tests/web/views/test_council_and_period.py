"""The council's review and the chair's approval; the admin's period moves and survey import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.web.evaluations.models import Period, PeriodState
from chiso.web.evaluations.services import score_appraise
from chiso.web.publishing.models import Snapshot
from tests.web.evaluations.helpers import claim_all, score_of
from tests.web.views.helpers import text

pytestmark = pytest.mark.db


@pytest.fixture
def reviewing(period: Period, move: Any, appraiser: Any) -> Period:
    for unit in ("TN.SNV", "TN.STP", "TN.BDT"):
        claim_all(period, unit)
    period = move(period, "appraisal")
    score = score_of(period, "TN.SNV", "1.1.1")
    score_appraise(
        score=score, value="cham", reason="Ban hành quá hạn.", version=score.version, by=appraiser
    )
    return move(period, "council_review")


def test_the_council_sees_draft_results_and_every_change(
    client: Any, reviewing: Period, chair: Any
) -> None:
    client.force_login(chair)
    page = text(client.get(reverse("evaluations:council")))
    assert "Khối sở, ban, ngành" in page
    assert "Sở Nội vụ" in page and "Sở Tư pháp" in page and "Ban Dân tộc" in page
    assert "Ban hành quá hạn." in page
    assert "Phê duyệt và công bố" in page


def test_leadership_sees_the_results_but_cannot_publish(
    client: Any, reviewing: Period, leadership: Any
) -> None:
    client.force_login(leadership)
    assert "Phê duyệt và công bố" not in text(client.get(reverse("evaluations:council")))
    assert client.post(reverse("evaluations:council_publish")).status_code == 403
    assert not Snapshot.objects.exists()


def test_the_chairs_approval_publishes(client: Any, reviewing: Period, chair: Any) -> None:
    client.force_login(chair)
    response = client.post(reverse("evaluations:council_publish"), {"confirm": "1"})
    assert response.status_code == 302
    reviewing.refresh_from_db()
    assert reviewing.state == PeriodState.PUBLISHED
    snapshot = Snapshot.objects.get(period=reviewing, block="so")
    assert snapshot.approved_by == chair
    # The page the chair lands on no longer calls the published results a draft.
    page = text(client.get(response["Location"]))
    assert "Kết quả đã công bố" in page and "chưa công bố" not in page
    assert "Phê duyệt và công bố" not in page


def test_the_admin_moves_the_period_one_legal_step(
    client: Any, period: Period, admin_user: Any
) -> None:
    client.force_login(admin_user)
    page = text(client.get(reverse("evaluations:period_admin")))
    assert 'name="to" value="appraisal"' in page
    assert 'value="council_review"' not in page
    url = reverse("evaluations:period_move")
    assert client.post(url, {"to": "council_review"}).status_code == 302
    period.refresh_from_db()
    assert period.state == PeriodState.SELF_ASSESSMENT  # refused: not a next state
    # No unit has submitted: the page lists them and asks first (tests/web/evaluations/
    # test_period_move.py has the details); confirmed, the move is made.
    assert client.post(url, {"to": "appraisal"}).status_code == 200
    period.refresh_from_db()
    assert period.state == PeriodState.SELF_ASSESSMENT
    confirmed = {"to": "appraisal", "confirm": "1", "not_ready": ["TN.BDT", "TN.SNV", "TN.STP"]}
    assert client.post(url, confirmed).status_code == 302
    period.refresh_from_db()
    assert period.state == PeriodState.APPRAISAL


def csv_file(rows: str) -> SimpleUploadedFile:
    content = ("unit,criterion,value\n" + rows).encode()
    return SimpleUploadedFile("dieu-tra.csv", content, content_type="text/csv")


def test_survey_import_lists_errors_with_their_place(
    client: Any, period: Period, admin_user: Any
) -> None:
    client.force_login(admin_user)
    url = reverse("evaluations:survey_import")
    bad = csv_file("TN.SNV,8.1.1,85\nTN.SNV,1.1.1,90\nTN.XYZ,8.1.1,80\n")
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    page = text(response)
    assert "dieu-tra.csv dòng 3" in page and "1.1.1" in page and "TN.XYZ" in page
    assert score_of(period, "TN.SNV", "8.1.1").appraised_value == ""  # all or nothing

    response = client.post(url, {"file": csv_file("TN.SNV,8.1.1,85\n")})
    assert response.status_code == 302
    assert score_of(period, "TN.SNV", "8.1.1").appraised_value == "85"


def test_council_shows_rank_intervals_once_survey_errors_are_imported(
    client: Any, chair: Any, admin_user: Any, period: Any, move: Any, tmp_path: Path
) -> None:
    from chiso.web.evaluations.services import survey_import

    period = move(period, "appraisal")
    path = tmp_path / "khao-sat.csv"
    path.write_text(
        "unit,criterion,value,se\nTN.SNV,8.1.1,90,3\nTN.STP,8.1.1,88,3\n", encoding="utf-8"
    )
    survey_import(period=period, path=path, by=admin_user)
    client.force_login(chair)
    page = client.get("/quan-ly/hoi-dong/").content.decode()
    assert "Khoảng hạng (90%)" in page
    for code in ("TN.SNV", "TN.STP", "TN.BDT"):
        claim_all(period, code)
    move(period, "council_review")
    client.post(reverse("evaluations:council_publish"), {"confirm": "1"})
    snapshot = Snapshot.objects.get(period=period, block="so")
    intervals = snapshot.extras["rank_intervals"]
    assert intervals is not None and len(intervals["units"]) == 3
