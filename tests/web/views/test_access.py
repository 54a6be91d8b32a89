"""Each staff page renders for the roles it serves and is refused (403) to the others."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from chiso.web.evaluations.models import Period

pytestmark = pytest.mark.db


def get(client: Any, user: Any, url: str) -> Any:
    client.force_login(user)
    return client.get(url)


def test_anonymous_users_are_sent_to_the_login_page(client: Any, period: Period) -> None:
    response = client.get(reverse("evaluations:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "who", ["officer", "other_officer", "appraiser", "chair", "admin_user", "leadership"]
)
def test_home_renders_for_every_role_with_the_period_state(
    client: Any, period: Period, who: str, request: pytest.FixtureRequest
) -> None:
    response = get(client, request.getfixturevalue(who), reverse("evaluations:home"))
    assert response.status_code == 200
    assert "Tự đánh giá" in response.content.decode()  # the state banner


def test_home_shows_an_officer_their_unit_and_progress(
    client: Any, period: Period, officer: Any
) -> None:
    page = get(client, officer, reverse("evaluations:home")).content.decode()
    assert "Sở Nội vụ" in page and "Sở Tư pháp" not in page
    assert "Đã chấm 0/" in page
    assert reverse("evaluations:self_assessment", args=["TN.SNV"]) in page


def test_home_links_the_admin_to_period_management(
    client: Any, period: Period, admin_user: Any
) -> None:
    page = get(client, admin_user, reverse("evaluations:home")).content.decode()
    assert reverse("evaluations:period_admin") in page
    assert reverse("evaluations:council") in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 200), ("appraiser", 200), ("leadership", 200), ("other_officer", 403)],
)
def test_self_assessment_page(
    client: Any, period: Period, who: str, status: int, request: pytest.FixtureRequest
) -> None:
    url = reverse("evaluations:self_assessment", args=["TN.SNV"])
    assert get(client, request.getfixturevalue(who), url).status_code == status


def test_only_the_officer_may_post_a_self_assessment(
    client: Any, period: Period, appraiser: Any
) -> None:
    client.force_login(appraiser)
    url = reverse("evaluations:self_assessment", args=["TN.SNV"])
    assert client.post(url, {"action": "save"}).status_code == 403


@pytest.mark.parametrize(("who", "status"), [("appraiser", 200), ("officer", 403), ("chair", 403)])
def test_appraisal_pages(
    client: Any, period: Period, move: Any, who: str, status: int, request: pytest.FixtureRequest
) -> None:
    move(period, "appraisal")
    user = request.getfixturevalue(who)
    assert get(client, user, reverse("evaluations:appraisal_queue")).status_code == status
    url = reverse("evaluations:appraisal", args=["TN.SNV"])
    assert get(client, user, url).status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("officer", 200), ("other_officer", 403), ("appraiser", 403)]
)
def test_explanation_page(
    client: Any, period: Period, who: str, status: int, request: pytest.FixtureRequest
) -> None:
    url = reverse("evaluations:explanation", args=["TN.SNV"])
    assert get(client, request.getfixturevalue(who), url).status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("chair", 200), ("leadership", 200), ("admin_user", 200), ("officer", 403)]
)
def test_council_page(
    client: Any, period: Period, who: str, status: int, request: pytest.FixtureRequest
) -> None:
    assert get(
        client, request.getfixturevalue(who), reverse("evaluations:council")
    ).status_code == (status)


@pytest.mark.parametrize(("who", "status"), [("admin_user", 200), ("chair", 403), ("officer", 403)])
def test_period_admin_page(
    client: Any, period: Period, who: str, status: int, request: pytest.FixtureRequest
) -> None:
    url = reverse("evaluations:period_admin")
    assert get(client, request.getfixturevalue(who), url).status_code == status


def test_pages_need_a_period(client: Any, officer: Any) -> None:
    url = reverse("evaluations:self_assessment", args=["TN.SNV"])
    assert get(client, officer, url).status_code == 404
    assert get(client, officer, reverse("evaluations:home")).status_code == 200
