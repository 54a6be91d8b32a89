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
