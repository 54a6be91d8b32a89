"""The reform office sets up a year from the web: creates the period, gives each block its
method file (uploaded or shipped) while the period is a draft, and sets the calendar."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.web.audit.models import AuditEvent
from chiso.web.evaluations.models import Period, PeriodMethod
from chiso.web.evaluations.services import period_create
from tests.web.views.helpers import text

pytestmark = pytest.mark.db

ADMIN = reverse("evaluations:period_admin")
NEW = reverse("evaluations:period_new")
CALENDAR = reverse("evaluations:period_calendar")


def method_url(block: str) -> str:
    return reverse("evaluations:period_method", args=[block])


def yaml_file(content: str, name: str = "bo-tieu-chi.yaml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode(), content_type="application/x-yaml")


@pytest.fixture
def draft(admin_user: Any, units: Any) -> Period:
    return period_create(year=2025, title="Chỉ số CCHC năm 2025", by=admin_user)


def test_an_admin_with_no_period_is_offered_to_create_one(client: Any, admin_user: Any) -> None:
    client.force_login(admin_user)
    home = text(client.get(reverse("evaluations:home")))
    assert NEW in home
    page = client.get(ADMIN)
    assert page.status_code == 200
    assert 'name="year"' in text(page) and NEW in text(page)


def test_the_admin_creates_a_period(client: Any, admin_user: Any) -> None:
    client.force_login(admin_user)
    response = client.post(NEW, {"year": "2025", "title": "Chỉ số CCHC năm 2025"})
    assert response.status_code == 302 and response["Location"] == ADMIN
    period = Period.objects.get(year=2025)
    assert period.title == "Chỉ số CCHC năm 2025" and period.state == "draft"
    assert AuditEvent.objects.filter(action="period.create").count() == 1
    assert NEW in text(client.get(ADMIN))


def test_a_second_period_of_the_same_year_is_refused(
    client: Any, admin_user: Any, draft: Period
) -> None:
    client.force_login(admin_user)
    response = client.post(NEW, {"year": "2025", "title": "Lần nữa"})
    assert response.status_code == 400
    assert "Đã có kỳ đánh giá năm 2025." in text(response)
    assert Period.objects.count() == 1


def test_a_missing_title_is_shown_next_to_the_field(client: Any, admin_user: Any) -> None:
    client.force_login(admin_user)
    response = client.post(NEW, {"year": "2025", "title": ""})
    assert response.status_code == 400
    assert "id_title-error" in text(response)
    assert not Period.objects.exists()


def test_a_valid_method_upload_is_stored_and_shown_with_its_hash(
    client: Any, admin_user: Any, draft: Period, method_yaml: str
) -> None:
    client.force_login(admin_user)
    page = text(client.get(ADMIN))
    assert method_url("so") in page  # the block of the unit list gets a form
    response = client.post(method_url("so"), {"so-file": yaml_file(method_yaml)})
    assert response.status_code == 302
    stored = PeriodMethod.objects.get(period=draft, block="so")
    assert stored.method_yaml == method_yaml
    page = text(client.get(ADMIN))
    assert stored.title in page and stored.method_id in page
    assert stored.method_hash.removeprefix("sha256:")[:12] in page


def test_a_shipped_method_may_be_chosen(client: Any, admin_user: Any, draft: Period) -> None:
    client.force_login(admin_user)
    response = client.post(method_url("so"), {"so-shipped": "par/model-2024-so"})
    assert response.status_code == 302
    assert PeriodMethod.objects.get(period=draft, block="so").title.startswith("Bộ tiêu chí")


def test_a_shipped_method_without_the_block_is_refused(
    client: Any, admin_user: Any, draft: Period
) -> None:
    client.force_login(admin_user)
    response = client.post(method_url("so"), {"so-shipped": "par/model-2025-xa"})
    assert response.status_code == 400
    assert "không có khối &#x27;so&#x27;" in text(response)
    assert not PeriodMethod.objects.exists()


def test_upload_and_choice_together_are_refused(
    client: Any, admin_user: Any, draft: Period, method_yaml: str
) -> None:
    client.force_login(admin_user)
    posted = {"so-file": yaml_file(method_yaml), "so-shipped": "par/model-2024-so"}
    response = client.post(method_url("so"), posted)
    assert response.status_code == 400
    assert "chỉ một trong hai" in text(response)
    assert not PeriodMethod.objects.exists()


def test_a_broken_method_lists_every_problem_and_stores_nothing(
    client: Any, admin_user: Any, draft: Period, method_yaml: str
) -> None:
    broken = method_yaml.replace("max: 10", "max: -10", 1).replace(
        "format: chiso.method/1", "format: chiso.method/1\nextra_key: 1", 1
    )
    client.force_login(admin_user)
    response = client.post(method_url("so"), {"so-file": yaml_file(broken)})
    assert response.status_code == 400
    page = text(response)
    for code in ("PAR002", "PAR017", "PAR012"):
        assert f"<code>{code}</code>" in page
    assert "<td>tiêu chí 1</td>" in page and "extra_key" in page
    assert not PeriodMethod.objects.exists()


def test_unreadable_yaml_is_refused_with_its_place(
    client: Any, admin_user: Any, draft: Period
) -> None:
    client.force_login(admin_user)
    response = client.post(method_url("so"), {"so-file": yaml_file("id: [x\n")})
    assert response.status_code == 400
    assert "<code>PAR000</code>" in text(response) and "dòng 2" in text(response)
    assert not PeriodMethod.objects.exists()


def test_methods_are_read_only_after_draft(
    client: Any, admin_user: Any, period: Period, method_yaml: str
) -> None:
    client.force_login(admin_user)
    page = text(client.get(ADMIN))
    stored = PeriodMethod.objects.get(period=period, block="so")
    assert stored.method_hash.removeprefix("sha256:")[:12] in page
    assert method_url("so") not in page
    assert CALENDAR in page  # deadlines may still be extended until publication
    response = client.post(method_url("so"), {"so-shipped": "par/thuathienhue-2021-so"})
    assert response.status_code == 400
    assert "thay đổi bộ tiêu chí" in text(response)
    stored.refresh_from_db()
    assert stored.method_yaml == method_yaml


def test_the_calendar_is_saved_and_a_wrong_order_refused(
    client: Any, admin_user: Any, draft: Period
) -> None:
    client.force_login(admin_user)
    page = text(client.get(ADMIN))
    assert 'type="date"' in page and "Hạn nộp tự đánh giá" in page
    dates = {"self_assessment_opens": "2025-03-01", "self_assessment_closes": "2025-03-31"}
    assert client.post(CALENDAR, dates).status_code == 302
    draft.refresh_from_db()
    assert str(draft.self_assessment_closes) == "2025-03-31"
    assert 'value="2025-03-31"' in text(client.get(ADMIN))

    wrong = {**dates, "appraisal_closes": "2025-03-15"}
    response = client.post(CALENDAR, wrong)
    assert response.status_code == 400
    assert "không được trước ngày" in text(response)
    draft.refresh_from_db()
    assert draft.appraisal_closes is None


NEW_URLS = [
    ("get", NEW),
    ("post", NEW),
    ("post", method_url("so")),
    ("post", CALENDAR),
]


@pytest.mark.parametrize("who", ["officer", "appraiser", "chair", "leadership"])
@pytest.mark.parametrize(("verb", "url"), NEW_URLS)
def test_other_roles_may_not_set_up_a_period(
    client: Any, draft: Period, who: str, verb: str, url: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(who))
    posted = {"year": "2026", "title": "x", "so-shipped": "par/model-2024-so"}
    response = getattr(client, verb)(url, posted if verb == "post" else None)
    assert response.status_code == 403
    assert Period.objects.count() == 1 and not PeriodMethod.objects.exists()


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [
        (
            "en",
            ["<td>criterion 1</td>", "unknown key &#x27;extra_key&#x27;", "max must be above 0"],
            ["tiêu chí 1", "khóa không được hỗ trợ", "điểm tối đa phải lớn hơn 0"],
        ),
        (
            "vi",
            ["<td>tiêu chí 1</td>", "khóa không được hỗ trợ", "điểm tối đa phải lớn hơn 0"],
            ["criterion 1", "unknown key", "max must be above 0"],
        ),
    ],
)
def test_a_broken_method_s_problems_are_said_in_the_reader_s_language(
    client: Any,
    admin_user: Any,
    draft: Period,
    method_yaml: str,
    language: str,
    said: list[str],
    not_said: list[str],
) -> None:
    broken = method_yaml.replace("max: 10", "max: -10", 1).replace(
        "format: chiso.method/1", "format: chiso.method/1\nextra_key: 1", 1
    )
    client.force_login(admin_user)
    client.cookies["django_language"] = language
    page = text(client.post(method_url("so"), {"so-file": yaml_file(broken)}))
    assert [s for s in said if s not in page] == []
    assert [s for s in not_said if s in page] == []


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [
        ("en", "<td>line 2, column 1</td>", "dòng 2"),
        ("vi", "<td>dòng 2, cột 1</td>", "line 2"),
    ],
)
def test_unreadable_yaml_is_placed_in_the_reader_s_language(
    client: Any, admin_user: Any, draft: Period, language: str, said: str, not_said: str
) -> None:
    client.force_login(admin_user)
    client.cookies["django_language"] = language
    page = text(client.post(method_url("so"), {"so-file": yaml_file("id: [x\n")}))
    assert "<code>PAR000</code>" in page and said in page and not_said not in page
