"""Fixtures for the staff page tests: the shipped department method, three units, a period in
self-assessment, and one user per role. Setup goes through the services or the ORM; what the
tests check goes through HTTP.

Django models are imported inside the fixtures: this file is loaded before Django is set up.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def method_yaml() -> str:
    from chiso.io.method_files import resolve_method

    return resolve_method("model-2024-so").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "files"


def _user(**traits: Any) -> Any:
    from tests.web.factories import RoleAssignmentFactory

    return RoleAssignmentFactory(**traits).user


@pytest.fixture
def admin_user(db: None) -> Any:
    from chiso.web.accounts.models import Role

    return _user(role=Role.ADMIN)


@pytest.fixture
def appraiser(db: None) -> Any:
    return _user(appraiser=True)


@pytest.fixture
def chair(db: None) -> Any:
    return _user(chair=True)


@pytest.fixture
def leadership(db: None) -> Any:
    return _user(leadership=True)


@pytest.fixture
def units(db: None) -> dict[str, Any]:
    """Sở Nội vụ, Sở Tư pháp, and Ban Dân tộc (exempt from the procedure criteria)."""
    from tests.web.evaluations.helpers import example_units

    return {u.code: u for u in example_units(["TN.SNV", "TN.STP", "TN.BDT"])}


@pytest.fixture
def officer(units: dict[str, Any]) -> Any:
    from tests.web.evaluations.helpers import officer_of

    return officer_of(units["TN.SNV"])


@pytest.fixture
def other_officer(units: dict[str, Any]) -> Any:
    from tests.web.evaluations.helpers import officer_of

    return officer_of(units["TN.STP"])


@pytest.fixture
def move(admin_user: Any) -> Callable[[Any, str], Any]:
    """Move a period forward through every state up to `to` (units not ready confirmed)."""
    from tests.web.evaluations.helpers import ORDER, move_on

    def move(period: Any, to: str) -> Any:
        period.refresh_from_db()
        for state in ORDER[ORDER.index(period.state) + 1 : ORDER.index(to) + 1]:
            period = move_on(period, state, admin_user)
        return period

    return move


@pytest.fixture
def period(admin_user: Any, method_yaml: str, units: Any, move: Any) -> Any:
    """The 2024 period with its self-assessment open for the three units."""
    from chiso.web.evaluations.services import period_create, period_set_method

    period = period_create(year=2024, title="Chỉ số CCHC năm 2024", by=admin_user)
    period_set_method(period=period, block="so", method_yaml=method_yaml, by=admin_user)
    return move(period, "self_assessment")
