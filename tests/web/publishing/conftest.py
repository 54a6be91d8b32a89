"""Fixtures shared by the publishing and public-site tests (Django imports inside)."""

from __future__ import annotations

import time
from collections.abc import Mapping
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


@pytest.fixture
def drawings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The title of every chart drawn from now on; each drawing takes a little longer, so that
    requests made together do overlap."""
    from chiso.reports.charts import render_svg
    from chiso.web.public import charts

    drawn: list[str] = []

    def counted(spec: Mapping[str, Any]) -> str:
        drawn.append(str(spec.get("title", "")))
        time.sleep(0.05)
        return render_svg(spec)

    monkeypatch.setattr(charts, "render_svg", counted)
    return drawn
