"""`manage.py chiso_seed_demo`: the demo data, idempotent; its published PAR reports of 2024
carry the synthetic province's service quality."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from chiso.web.accounts.models import Role, RoleAssignment
from chiso.web.audit.models import AuditEvent
from chiso.web.evaluations.models import Assessment, Period, PeriodState
from chiso.web.publishing.demo_seed import DEMO_PASSWORD
from chiso.web.publishing.models import Snapshot
from chiso.web.publishing.services import snapshot_recompute
from chiso.web.units.models import Unit
from tests.reports.reading import headings, read_docx

pytestmark = pytest.mark.db
SECTION = "Chất lượng phục vụ người dân, doanh nghiệp"


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    """Each test's own data folder: the seed writes the dossier store there."""
    settings.DATA_DIR = tmp_path
    return tmp_path


def seed() -> str:
    out = io.StringIO()
    call_command("chiso_seed_demo", stdout=out)
    return out.getvalue()


def test_the_demo_is_seeded_once_however_often_it_runs() -> None:
    output = seed()
    assert DEMO_PASSWORD in output and "chutich" in output
    counts = (Unit.objects.count(), Snapshot.objects.count(), AuditEvent.objects.count())
    assert counts[:2] == (28, 4)

    again = seed()
    assert "giữ nguyên" in again
    assert (Unit.objects.count(), Snapshot.objects.count(), AuditEvent.objects.count()) == counts

    # Every published snapshot proves itself; 2024 is compared with 2023.
    assert all(snapshot_recompute(s) for s in Snapshot.objects.all())
    so_2024 = Snapshot.objects.get(period__year=2024, block="so")
    assert so_2024.extras["history"]["previous_year"] == 2023
    assert so_2024.extras["rank_intervals"]["note"]
    sct = next(u for u in so_2024.results["units"] if u["unit"] == "TN.SCT")
    assert round(sct["index"], 1) == 90.9

    states = dict(Period.objects.values_list("year", "state"))
    assert states == {
        2023: PeriodState.PUBLISHED,
        2024: PeriodState.PUBLISHED,
        2025: PeriodState.SELF_ASSESSMENT,
    }
    live = Assessment.objects.filter(period__year=2025)
    assert live.count() == 19
    assert set(live.values_list("unit__block", flat=True)) == {"so"}
    assert "thử nghiệm" in Period.objects.get(year=2025).title


def test_every_role_has_a_demo_login() -> None:
    seed()
    roles = {
        "quantri": Role.ADMIN,
        "canbo.sct": Role.OFFICER,
        "thamdinh": Role.APPRAISER,
        "chutich": Role.CHAIR,
        "lanhdao": Role.LEADERSHIP,
        "khaosat": Role.SURVEYOR,
    }
    assert set(roles.values()) == set(Role)  # a new role gets a demo login too
    for username, role in roles.items():
        user = get_user_model().objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert RoleAssignment.objects.filter(user=user, role=role).exists()
    officer = RoleAssignment.objects.get(user__username="canbo.sct")
    assert officer.unit is not None and officer.unit.code == "TN.SCT"


def download(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content)


def has_section(document: Any) -> bool:
    return any(SECTION in heading for heading in headings(document))  # numbered: "5. Chất …"


def test_the_2024_reports_have_the_service_quality_section(client: Client) -> None:
    seed()
    unit = read_docx(download(client, "/2024/so/TN.SCT/bao-cao.docx"))
    assert has_section(unit)
    paragraphs = [p.text for p in unit.paragraphs]
    assert any(p.startswith("Dữ liệu tổng hợp (giả lập)") and "Năm 2024" in p for p in paragraphs)
    table = next(t for t in unit.tables if t.rows[0].cells[0].text == "Chỉ tiêu")
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in table.rows[1:]}
    assert rows["Tỷ lệ hồ sơ giải quyết đúng hạn (%)"][1].endswith("(12/2024)")
    province = read_docx(download(client, "/2024/bao-cao.docx"))
    assert has_section(province)
    assert any("Toàn tỉnh" in p.text for p in province.paragraphs)
    # 2023 has no Decision 766 results: its report has no such section.
    assert not has_section(read_docx(download(client, "/2023/so/TN.SCT/bao-cao.docx")))
