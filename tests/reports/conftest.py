"""The Thái Nguyên example as publication documents, built without a database: the engine's
snapshot contents wrapped in unsaved `Snapshot` rows and assembled as the web app does."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chiso.reports.layout import PublicationSettings

YEARS = (2023, 2024)
BLOCKS = ("so", "huyen")


def published_at(year: int) -> datetime:
    return datetime(year + 1, 3, 20, 2, 30, tzinfo=UTC)


@pytest.fixture(scope="session")
def documents() -> dict[int, dict[str, Any]]:
    from chiso.web.evaluations.models import Period, PeriodState
    from chiso.web.publishing.build import snapshot_build
    from chiso.web.publishing.downloads import assemble
    from chiso.web.publishing.models import Snapshot
    from tests.web.publishing.helpers import example_rows, example_units, method_yaml

    snapshots: dict[tuple[int, str], Snapshot] = {}
    documents = {}
    for year in YEARS:
        period = Period(year=year, title=f"{year}", state=PeriodState.PUBLISHED)
        for block in BLOCKS:
            previous = snapshots.get((year - 1, block))
            units = example_units(block)
            built = snapshot_build(
                method_yaml=method_yaml(block),
                units=units,
                rows=example_rows(year, block),
                previous=previous,
                standard_errors={(u.code, "survey"): 1.0 for u in units},
                draws=200,
                seed=year,
            )
            snapshots[(year, block)] = Snapshot(
                period=period,
                block=block,
                block_title=built["extras"]["method"]["blocks"][block],
                method_yaml=method_yaml(block),
                method_hash=built["method_hash"],
                inputs_hash=built["inputs_hash"],
                inputs=built["inputs"],
                results=built["results"],
                ranking=built["results"]["units"],
                extras=built["extras"],
                published_at=published_at(year),
            )
        pairs = [(snapshots[(year, b)], snapshots.get((year - 1, b))) for b in BLOCKS]
        documents[year] = assemble(year, pairs)
    return documents


@pytest.fixture(scope="session")
def document(documents: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """2024, compared with 2023."""
    return documents[2024]


@pytest.fixture
def settings() -> PublicationSettings:
    return PublicationSettings(province="Thái Nguyên")
