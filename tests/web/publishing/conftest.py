"""Fixtures shared by the publishing and public-site tests (Django imports inside)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def chair(db: None) -> Any:
    from tests.web.factories import RoleAssignmentFactory

    return RoleAssignmentFactory(chair=True).user


@pytest.fixture
def admin_user(db: None) -> Any:
    from chiso.web.accounts.models import Role
    from tests.web.factories import RoleAssignmentFactory

    return RoleAssignmentFactory(role=Role.ADMIN).user


@pytest.fixture
def two_years(chair: Any) -> dict[int, Any]:
    """2023 and 2024 of the departments published; 2024 with rank intervals."""
    from tests.web.publishing.helpers import example_units, publish_example

    errors = {(u.code, "survey"): 1.0 for u in example_units("so")}
    return {
        2023: publish_example(2023, "so", by=chair),
        2024: publish_example(2024, "so", by=chair, standard_errors=errors),
    }
