"""Fixtures for the survey tests (models imported inside: this file loads before Django)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def admin(db: None) -> Any:
    from chiso.web.accounts.models import Role
    from tests.web.factories import RoleAssignmentFactory

    return RoleAssignmentFactory(role=Role.ADMIN).user


@pytest.fixture
def second_admin(db: None) -> Any:
    from chiso.web.accounts.models import Role
    from tests.web.factories import RoleAssignmentFactory

    return RoleAssignmentFactory(role=Role.ADMIN).user


@pytest.fixture
def units(db: None) -> dict[str, Any]:
    from tests.web.factories import UnitFactory

    return {code: UnitFactory(code=code, name=f"Sở {code}") for code in ("SA", "SB")}


@pytest.fixture
def tn_units(db: None) -> dict[str, Any]:
    """The three Thái Nguyên units that `helpers.PLAN` surveys."""
    from tests.web.evaluations.helpers import example_units
    from tests.web.surveys.helpers import PLAN

    return {u.code: u for u in example_units(PLAN)}


@pytest.fixture
def chair(db: None) -> Any:
    from tests.web.factories import RoleAssignmentFactory

    return RoleAssignmentFactory(chair=True).user


@pytest.fixture
def data_dir(settings: Any, tmp_path: Any) -> Any:
    """Kept drafts of this test only (the estimate tests use it for every test)."""
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.fixture(autouse=True)
def _ratelimit_cache(settings: Any, tmp_path: Any) -> None:
    """A fresh rate-limit store per test, so counts never leak between tests."""
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "ratelimit"),
        },
    }
