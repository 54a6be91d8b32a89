"""`manage.py chiso_seed_demo`: the demo data, idempotent."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from chiso.web.accounts.models import Role, RoleAssignment
from chiso.web.audit.models import AuditEvent
from chiso.web.evaluations.models import Assessment, Period, PeriodState
from chiso.web.publishing.demo_seed import DEMO_PASSWORD
from chiso.web.publishing.models import Snapshot
from chiso.web.publishing.services import snapshot_recompute
from chiso.web.units.models import Unit

pytestmark = pytest.mark.db


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
    }
    for username, role in roles.items():
        user = get_user_model().objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert RoleAssignment.objects.filter(user=user, role=role).exists()
    officer = RoleAssignment.objects.get(user__username="canbo.sct")
    assert officer.unit is not None and officer.unit.code == "TN.SCT"
