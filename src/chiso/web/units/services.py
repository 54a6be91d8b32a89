"""Writing units and their lineage: one unit at a time, a list from a file, the 2025 communes.

Every write checks `units.manage` (unless `by` is None: the operator at the shell, who already
holds every power a management command has) and leaves an audit event with the old and the new
values. Imports are all-or-nothing: every row is checked first and every bad row is reported
with its number; nothing is written unless all rows are good.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from chiso.engine.problems import InputError
from chiso.io.tables import read_table
from chiso.web.accounts.policy import Action, require
from chiso.web.audit.services import audit_record
from chiso.web.units import _rows
from chiso.web.units._rows import ImportReport, RowError
from chiso.web.units.models import LineageRelation, Unit, UnitKind, UnitLineage

__all__ = [
    "ImportReport",
    "RowError",
    "lineage_import",
    "unit_save",
    "units_import",
    "units_load_communes",
]

# The two-tier local government (no districts) took effect on this day.
COMMUNES_VALID_FROM = date(2025, 7, 1)
AUDITED_FIELDS = ("name", "kind", "block", "tags", "parent", "valid_from", "valid_to")


# --- One unit -----------------------------------------------------------------------------------


def unit_save(*, unit: Unit, by: Any) -> str:
    """Create or update `unit` (a new or changed instance); audit the difference.

    Returns ``"created"``, ``"updated"`` or ``"unchanged"`` (nothing written)."""
    if by is not None:
        require(by, Action.UNITS_MANAGE)
    before = _unit_state(Unit.objects.get(pk=unit.pk)) if unit.pk else None
    after = _unit_state(unit)
    if before == after:
        return "unchanged"
    unit.full_clean(validate_unique=False, validate_constraints=True)
    unit.save()
    action = "unit.update" if before else "unit.create"
    old = {k: v for k, v in (before or {}).items() if after[k] != v}
    new = {k: v for k, v in after.items() if before is None or before[k] != v}
    audit_record(actor=by, action=action, unit=unit, target=unit.code, old=old or "", new=new)
    return "updated" if before else "created"


def _unit_state(unit: Unit) -> dict[str, Any]:
    state = {name: getattr(unit, name) for name in AUDITED_FIELDS if name != "parent"}
    state["parent"] = unit.parent.code if unit.parent_id else None
    state["code"] = unit.code
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in state.items()}


# --- A unit list from CSV/XLSX ------------------------------------------------------------------


def units_import(*, path: Path, by: Any) -> ImportReport:
    """Import or update units from a table with columns ``unit`` (or ``code``), ``name``,
    ``block``, ``kind``, and optionally ``tags`` (``;``-separated), ``parent`` (a unit code, in
    the file or already known), ``valid_from``, ``valid_to``. Units are matched by code."""
    if by is not None:
        require(by, Action.UNITS_MANAGE)
    report = ImportReport()
    rows = _read(path, _rows.UNIT_COLUMNS, ("unit", "name", "block", "kind"), report)
    if not report.ok:
        return report
    parsed = [(n, _rows.unit_fields(values, report, n)) for n, values in rows]
    _check_units(parsed, report)
    if report.ok:
        with transaction.atomic():
            _write_units([fields for _, fields in parsed], by, report)
    return report


def _read(
    path: Path, columns: dict[str, tuple[str, ...]], required: tuple[str, ...], report: ImportReport
) -> list[tuple[int, dict[str, Any]]]:
    try:
        table = read_table(Path(path))
    except InputError as exc:
        report.errors.extend(RowError(None, str(p)) for p in exc.problems)
        return []
    found = _rows.columns_of(table.header, columns)
    for role in required:
        if role not in found:
            report.errors.append(
                RowError(None, gettext("thiếu cột '%(col)s'.") % {"col": columns[role][0]})
            )
    return _rows.records(table, found)


def _check_units(parsed: list[tuple[int, dict[str, Any]]], report: ImportReport) -> None:
    seen: dict[str, int] = {}
    for n, fields in parsed:
        code = fields.get("code")
        if not code:
            continue
        if code in seen:
            report.errors.append(
                RowError(
                    n,
                    gettext("mã %(code)s trùng với dòng %(other)s.")
                    % {
                        "code": code,
                        "other": seen[code],
                    },
                )
            )
        seen.setdefault(code, n)
    parents = {f["code"]: f.get("parent") or None for _, f in parsed if f.get("code")}
    known = set(
        Unit.objects.filter(code__in=[p for p in parents.values() if p]).values_list(
            "code", flat=True
        )
    )
    for n, fields in parsed:
        _check_parent(n, fields, parents, known, report)


def _check_parent(
    n: int, fields: dict[str, Any], parents: dict[str, str | None], known: set[str], report: Any
) -> None:
    parent = fields.get("parent")
    if not parent:
        return
    if parent not in parents and parent not in known:
        report.errors.append(
            RowError(n, gettext("không tìm thấy đơn vị cha %(p)s.") % {"p": parent})
        )
        return
    # Walk up the parents given in the file: a chain that comes back to this unit is a cycle.
    code, steps = parent, 0
    while code is not None and steps <= len(parents):
        if code == fields["code"]:
            report.errors.append(RowError(n, gettext("đơn vị cha tạo thành vòng lặp.")))
            return
        code, steps = parents.get(code), steps + 1


def _write_units(rows: list[dict[str, Any]], by: Any, report: ImportReport) -> None:
    codes = [r["code"] for r in rows] + [r["parent"] for r in rows if r.get("parent")]
    known = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    for row in _parents_first(rows):
        unit = known.get(row["code"]) or Unit(code=row["code"])
        for name in ("name", "kind", "block", "tags", "valid_from", "valid_to"):
            setattr(unit, name, row[name])
        unit.parent = known[row["parent"]] if row.get("parent") else None
        report.count(unit_save(unit=unit, by=by))
        known[unit.code] = unit


def _parents_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows ordered so that a parent given in the file is saved before its children
    (cycles were refused earlier)."""
    by_code = {row["code"]: row for row in rows}
    ordered: dict[str, dict[str, Any]] = {}

    def visit(row: dict[str, Any]) -> None:
        parent = by_code.get(row.get("parent") or "")
        if parent is not None and parent["code"] not in ordered:
            visit(parent)
        ordered.setdefault(row["code"], row)

    for row in rows:
        visit(row)
    return list(ordered.values())


# --- The 2025 communes and wards from `vietnam-provinces` -----------------------------------------


def units_load_communes(
    *, province_code: int, block: str, by: Any, prefix: str | None = None
) -> ImportReport:
    """Create or update the commune-level units (xã, phường, đặc khu) of a province as of the
    2025 reorganisation. Codes are ``<prefix>.X.<5-digit code>`` (e.g. ``TN.X.05443``); the
    prefix defaults to the initials of the province's name (Thái Nguyên → ``TN``)."""
    from vietnam_provinces import Province, ProvinceCode, VietNamDivisionType, Ward

    if by is not None:
        require(by, Action.UNITS_MANAGE)
    province = Province.from_code(ProvinceCode(province_code))
    prefix = prefix or "".join(word[0] for word in province.codename.split("_")).upper()
    kinds = {VietNamDivisionType.PHUONG: UnitKind.WARD}
    report = ImportReport()
    with transaction.atomic():
        existing = {u.code: u for u in Unit.objects.filter(code__startswith=f"{prefix}.X.")}
        for ward in Ward.iter_by_province(province.code):
            code = f"{prefix}.X.{int(ward.code):05d}"
            unit = existing.get(code) or Unit(code=code, valid_from=COMMUNES_VALID_FROM)
            unit.name, unit.block = ward.name, block
            unit.kind = kinds.get(ward.division_type, UnitKind.COMMUNE)
            # A special zone (đặc khu) is commune-level but not a xã: the tag lets a method
            # exempt or single it out.
            is_zone = ward.division_type == VietNamDivisionType.DAC_KHU
            unit.tags = "dac_khu" if is_zone else unit.tags
            report.count(unit_save(unit=unit, by=by))
    return report


# --- Lineage ------------------------------------------------------------------------------------


def lineage_import(*, path: Path, by: Any) -> ImportReport:
    """Import links ``current, previous, relation`` (renamed / merged / split, or the Vietnamese
    đổi tên / hợp nhất / chia tách) and optionally ``since``. Re-import updates by the pair.

    A row linking a merged unit to itself (it kept its code) is accepted and counted as
    unchanged: it is implied, and `engine_lineage(previous_codes=…)` restores it."""
    if by is not None:
        require(by, Action.UNITS_MANAGE)
    report = ImportReport()
    rows = _read(path, _rows.LINEAGE_COLUMNS, ("current", "previous", "relation"), report)
    if not report.ok:
        return report
    codes = {v.get(k) for _, v in rows for k in ("current", "previous")}
    units = {u.code: u for u in Unit.objects.filter(code__in=[c for c in codes if c])}
    links = [(n, _rows.lineage_fields(values, units, report, n)) for n, values in rows]
    if report.ok:
        with transaction.atomic():
            for _, link in links:
                is_self = link["current"] == link["previous"]
                report.count("unchanged" if is_self else _lineage_save(**link, by=by))
    return report


def _lineage_save(
    *, current: Unit, previous: Unit, relation: LineageRelation, since: date | None, by: Any
) -> str:
    link = UnitLineage.objects.filter(current=current, previous=previous).first()
    old = {"relation": link.relation, "since": link.since} if link else None
    new = {"relation": str(relation), "since": since}
    if old == new:
        return "unchanged"
    link = link or UnitLineage(current=current, previous=previous)
    link.relation, link.since = relation, since
    link.full_clean(validate_unique=False)
    link.save()
    target = f"{previous.code} → {current.code}"
    action = "lineage.update" if old else "lineage.create"
    audit_record(actor=by, action=action, unit=current, target=target, old=old or "", new=new)
    return "updated" if old else "created"
