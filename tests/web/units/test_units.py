"""Units: import from CSV/XLSX, the 2025 communes, lineage, the engine adapters, the command."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from chiso.engine.inputs import Unit as EngineUnit
from chiso.web.accounts.models import Role
from chiso.web.audit.models import AuditEvent
from chiso.web.units.models import Unit, UnitKind, UnitLineage
from chiso.web.units.selectors import engine_lineage, engine_units, units_of_block
from chiso.web.units.services import (
    lineage_import,
    unit_save,
    units_import,
    units_load_communes,
)
from tests.web.factories import RoleAssignmentFactory, UnitFactory

pytestmark = pytest.mark.db

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "thai-nguyen"
HEADER = ["unit", "name", "block", "kind", "tags", "parent", "valid_from", "valid_to"]


@pytest.fixture
def admin() -> object:
    return RoleAssignmentFactory(role=Role.ADMIN).user


def _csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])
    return path


# --- Import -------------------------------------------------------------------------------------


def test_the_example_unit_list_imports_once_and_reimports_as_unchanged(admin: object) -> None:
    report = units_import(path=EXAMPLES / "units-2024.csv", by=admin)

    assert report.ok and (report.created, report.updated) == (28, 0)
    assert Unit.objects.filter(block="so").count() == 19
    assert AuditEvent.objects.filter(action="unit.create").count() == 28

    again = units_import(path=EXAMPLES / "units-2024.csv", by=admin)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 28)
    assert Unit.objects.count() == 28


def test_reimport_updates_by_code_and_audits_old_and_new(tmp_path: Path, admin: object) -> None:
    UnitFactory(code="TN.SNV", name="Sở Nội vụ", block="so")
    rows = [["TN.SNV", "Sở Nội vụ tỉnh Thái Nguyên", "so", "department", "a; b", "", "", ""]]

    report = units_import(path=_csv(tmp_path / "u.csv", rows), by=admin)

    assert (report.created, report.updated) == (0, 1)
    unit = Unit.objects.get(code="TN.SNV")
    assert (unit.name, unit.tags) == ("Sở Nội vụ tỉnh Thái Nguyên", "a;b")
    event = AuditEvent.objects.get(action="unit.update")
    assert (event.actor, event.unit, event.target) == (admin, unit, "TN.SNV")
    assert '"name": "Sở Nội vụ"' in event.old and "tỉnh Thái Nguyên" in event.new


def test_xlsx_with_vietnamese_headers_and_a_parent_in_a_later_row(
    tmp_path: Path, admin: object
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã đơn vị", "Tên đơn vị", "Khối", "Loại", "Đơn vị cha", "Hiệu lực từ"])
    sheet.append(["X1", "Xã Một", "xa", "xã", "T", "01/07/2025"])
    sheet.append(["T", "Tỉnh Thái Nguyên", "tinh", "province", None, date(2025, 7, 1)])
    book.save(tmp_path / "u.xlsx")

    report = units_import(path=tmp_path / "u.xlsx", by=admin)

    assert report.ok, [str(e) for e in report.errors]
    commune = Unit.objects.get(code="X1")
    assert (commune.kind, commune.parent.code, commune.valid_from) == (
        UnitKind.COMMUNE,
        "T",
        date(2025, 7, 1),
    )


def test_every_bad_row_is_reported_and_nothing_is_written(tmp_path: Path, admin: object) -> None:
    rows = [
        ["A", "Sở A", "so", "department", "", "", "", ""],  # row 2: good
        ["B", "", "so", "department", "", "", "", ""],  # 3: no name
        ["C", "Sở C", "so", "ministry", "", "", "", ""],  # 4: unknown kind
        ["D", "Sở D", "so", "department", "", "", "2025-13-01", ""],  # 5: bad date
        ["A", "Sở A lần hai", "so", "department", "", "", "", ""],  # 6: duplicate code
        ["E", "Sở E", "so", "department", "", "KHONG", "", ""],  # 7: unknown parent
        ["F", "Sở F", "so", "department", "", "G", "", ""],  # 8: cycle F → G → F
        ["G", "Sở G", "so", "department", "", "F", "", ""],  # 9: cycle
        ["H", "Sở H", "so", "department", "", "", "2025-07-01", "2024-01-01"],  # 10: dates
    ]

    report = units_import(path=_csv(tmp_path / "u.csv", rows), by=admin)

    assert not report.ok
    assert sorted({e.row for e in report.errors}) == [3, 4, 5, 6, 7, 8, 9, 10]
    messages = "\n".join(str(e) for e in report.errors)
    assert "Dòng 3: thiếu tên đơn vị." in messages
    assert "ministry" in messages and "2025-13-01" in messages and "vòng lặp" in messages
    assert Unit.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_missing_column_is_reported_without_a_row(tmp_path: Path, admin: object) -> None:
    path = _csv(tmp_path / "u.csv", [["A", "Sở A"]], header=["unit", "name"])

    report = units_import(path=path, by=admin)

    assert [(e.row, str(e)) for e in report.errors] == [
        (None, "thiếu cột 'block'."),
        (None, "thiếu cột 'kind'."),
    ]


def test_only_the_admin_may_import(tmp_path: Path) -> None:
    officer = RoleAssignmentFactory(officer=True).user
    with pytest.raises(PermissionDenied):
        units_import(path=EXAMPLES / "units-2024.csv", by=officer)
    assert Unit.objects.count() == 1  # the officer's own unit


def test_unit_save_reports_what_it_did() -> None:
    unit = Unit(code="Q", name="Q", kind=UnitKind.DEPARTMENT, block="so")
    assert unit_save(unit=unit, by=None) == "created"
    assert unit_save(unit=unit, by=None) == "unchanged"
    unit.block = "khac"
    assert unit_save(unit=unit, by=None) == "updated"
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        "unit.update",
        "unit.create",
    ]


# --- The 2025 communes --------------------------------------------------------------------------


def test_thai_nguyen_has_77_communes_and_15_wards(admin: object) -> None:
    report = units_load_communes(province_code=19, block="xa", by=admin)

    assert (report.created, report.ok) == (92, True)
    kinds = list(Unit.objects.filter(block="xa").values_list("kind", flat=True))
    assert (kinds.count(UnitKind.COMMUNE), kinds.count(UnitKind.WARD)) == (77, 15)
    ward = Unit.objects.get(code="TN.X.05443")
    assert (ward.name, ward.kind, ward.valid_from) == (
        "Phường Phan Đình Phùng",
        UnitKind.WARD,
        date(2025, 7, 1),
    )
    example = {row["unit"] for row in csv.DictReader((EXAMPLES / "units-2025-xa.csv").open())}
    assert set(Unit.objects.filter(block="xa").values_list("code", flat=True)) == example

    again = units_load_communes(province_code=19, block="xa", by=admin)
    assert (again.created, again.unchanged) == (0, 92)


# --- Lineage ------------------------------------------------------------------------------------


def test_the_example_lineage_imports_and_becomes_the_engines(admin: object) -> None:
    units_import(path=EXAMPLES / "units-2024.csv", by=admin)
    for code in ("TN.SNNMT", "TN.SDTTG"):
        UnitFactory(code=code)

    report = lineage_import(path=EXAMPLES / "lineage-2025.csv", by=admin)

    assert report.ok, [str(e) for e in report.errors]
    assert (report.created, report.unchanged) == (7, 4)  # four rows link a unit to itself
    assert UnitLineage.objects.count() == 7
    assert AuditEvent.objects.filter(action="lineage.create").count() == 7

    previous = set(Unit.objects.filter(block__in=["so", "huyen"]).values_list("code", flat=True))
    lineage = engine_lineage(previous_codes=previous)
    assert {link.previous for link in lineage.predecessors("TN.SNV")} == {
        "TN.SNV",
        "TN.SLDTBXH",
    }
    assert [link.relation for link in lineage.predecessors("TN.SDTTG")] == ["renamed"]
    assert {link.previous for link in engine_lineage().predecessors("TN.SNV")} == {"TN.SLDTBXH"}
    assert lineage_import(path=EXAMPLES / "lineage-2025.csv", by=admin).created == 0


def test_bad_lineage_rows_are_reported(tmp_path: Path, admin: object) -> None:
    UnitFactory(code="A")
    UnitFactory(code="B")
    rows = [
        ["A", "B", "đổi tên"],
        ["A", "KHONG", "merged"],
        ["B", "A", "bought"],
        ["A", "A", "split"],
    ]
    path = _csv(tmp_path / "l.csv", rows, header=["current", "previous", "relation"])

    report = lineage_import(path=path, by=admin)

    assert sorted({e.row for e in report.errors}) == [3, 4, 5]
    assert UnitLineage.objects.count() == 0


# --- Selectors ----------------------------------------------------------------------------------


def test_units_of_block_in_force_on_a_day_and_as_engine_units() -> None:
    UnitFactory(code="OLD", block="so", valid_to=date(2025, 6, 30))
    UnitFactory(code="NEW", block="so", valid_from=date(2025, 7, 1), tags="no_procedures; x")
    UnitFactory(code="XA", block="xa")

    assert [u.code for u in units_of_block("so")] == ["NEW", "OLD"]
    assert [u.code for u in units_of_block("so", on=date(2025, 12, 31))] == ["NEW"]
    (unit,) = engine_units(units_of_block("so", on=date(2025, 12, 31)))
    assert unit == EngineUnit(
        code="NEW", name=unit.name, block="so", kind="department", tags=("no_procedures", "x")
    )


# --- The management command ---------------------------------------------------------------------


def test_the_command_imports_and_fails_loudly_on_bad_rows(tmp_path: Path, capsys: object) -> None:
    call_command("chiso_import_units", str(EXAMPLES / "units-2024.csv"))
    assert Unit.objects.count() == 28
    assert AuditEvent.objects.filter(actor=None).count() == 28

    bad = _csv(tmp_path / "u.csv", [["Z", "", "so", "department", "", "", "", ""]])
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("chiso_import_units", str(bad))


def test_the_command_loads_the_communes_and_grants_roles() -> None:
    call_command("chiso_import_units", "--communes", "19", "--block", "xa")
    call_command("chiso_grant_role", RoleAssignmentFactory(officer=True).user.username, "admin")

    assert Unit.objects.filter(block="xa").count() == 92
    assert AuditEvent.objects.filter(action="role.assign", actor=None).count() == 1
