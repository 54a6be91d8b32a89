"""Reading units, and turning them into the engine's values (the adapter at the edge)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date

from django.db.models import Q, QuerySet

from chiso.engine.history import Lineage, LineageLink
from chiso.engine.inputs import Unit as EngineUnit
from chiso.web.units.models import Unit, UnitLineage

__all__ = ["engine_lineage", "engine_units", "units_of_block"]


def units_of_block(block: str, *, on: date | None = None) -> QuerySet[Unit]:
    """The units ranked in `block`, by code; with `on`, only those in force on that day."""
    units = Unit.objects.filter(block=block).order_by("code")
    if on is not None:
        units = units.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        units = units.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    return units


def engine_units(units: Iterable[Unit]) -> list[EngineUnit]:
    """The engine's `Unit` values for these rows (tags split on ';')."""
    return [
        EngineUnit(code=u.code, name=u.name, block=u.block, kind=u.kind, tags=u.tag_list)
        for u in units
    ]


def engine_lineage(*, previous_codes: Collection[str] = ()) -> Lineage:
    """Every recorded link, as the engine's `Lineage` of unit codes.

    A unit that absorbed others while keeping its own code (Sở Nội vụ absorbing Sở Lao động in
    2025) is also one of its own predecessors, but the database cannot link a row to itself.
    Give `previous_codes` (the units of the year compared against) and such a unit gets its
    self link back, so its "last year" is the mean over all the merged units, itself included.
    """
    rows = UnitLineage.objects.select_related("current", "previous").order_by("id")
    links = [
        LineageLink(current=row.current.code, previous=row.previous.code, relation=row.relation)
        for row in rows
    ]
    merged = dict.fromkeys(link.current for link in links if link.relation == "merged")
    links += [LineageLink(code, code, "merged") for code in merged if code in previous_codes]
    return Lineage.of(links)
