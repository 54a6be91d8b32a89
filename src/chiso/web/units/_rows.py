"""Reading unit and lineage rows: header aliases, cell parsing, one message per bad cell."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext

from chiso.io.tables import Table
from chiso.web.units.models import LineageRelation, UnitKind

# Headers are compared without case, accents or spacing: "Mã đơn vị" matches "ma_don_vi".
UNIT_COLUMNS: dict[str, tuple[str, ...]] = {
    "unit": ("unit", "code", "ma_don_vi", "ma", "don_vi"),
    "name": ("name", "ten_don_vi", "ten"),
    "block": ("block", "khoi", "nhom"),
    "kind": ("kind", "loai", "loai_don_vi"),
    "tags": ("tags", "nhan"),
    "parent": ("parent", "don_vi_cha", "ma_don_vi_cha", "truc_thuoc"),
    "valid_from": ("valid_from", "hieu_luc_tu", "tu_ngay"),
    "valid_to": ("valid_to", "hieu_luc_den", "den_ngay"),
}
LINEAGE_COLUMNS: dict[str, tuple[str, ...]] = {
    "current": ("current", "don_vi_moi", "ma_moi", "hien_tai"),
    "previous": ("previous", "don_vi_cu", "ma_cu", "truoc_day"),
    "relation": ("relation", "quan_he"),
    "since": ("since", "tu_ngay", "hieu_luc_tu"),
}
KIND_ALIASES = {
    "so": UnitKind.DEPARTMENT,
    "so_ban_nganh": UnitKind.DEPARTMENT,
    "huyen": UnitKind.DISTRICT,
    "ubnd_cap_huyen": UnitKind.DISTRICT,
    "xa": UnitKind.COMMUNE,
    "ubnd_xa": UnitKind.COMMUNE,
    "phuong": UnitKind.WARD,
    "ubnd_phuong": UnitKind.WARD,
    "tinh": UnitKind.PROVINCE,
}
RELATION_ALIASES = {
    "doi_ten": LineageRelation.RENAMED,
    "hop_nhat": LineageRelation.MERGED,
    "sap_nhap": LineageRelation.MERGED,
    "chia_tach": LineageRelation.SPLIT,
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


@dataclass(frozen=True)
class RowError:
    row: int | None  # the row number as the user sees it in the file; None: the whole file
    message: str

    def __str__(self) -> str:
        return (
            self.message
            if self.row is None
            else gettext("Dòng %(row)s: %(msg)s")
            % {
                "row": self.row,
                "msg": self.message,
            }
        )


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def normalise(text: str) -> str:
    """Lower case, no accents, words joined by '_': 'Mã đơn vị' → 'ma_don_vi'."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return "_".join(text.replace("-", " ").replace("_", " ").split())


def columns_of(header: list[str], columns: dict[str, tuple[str, ...]]) -> dict[str, int]:
    names = [normalise(str(h)) for h in header]
    found = {}
    for role, aliases in columns.items():
        for alias in aliases:
            if alias in names:
                found[role] = names.index(alias)
                break
    return found


def records(table: Table, found: dict[str, int]) -> list[tuple[int, dict[str, Any]]]:
    def cell(cells: list[Any], col: int) -> Any:
        value = cells[col] if col < len(cells) else None
        if isinstance(value, str):
            value = value.strip()
        if isinstance(value, float) and value.is_integer():
            value = str(int(value))
        return "" if value is None else value

    return [(n, {role: cell(cells, col) for role, col in found.items()}) for n, cells in table.rows]


def unit_fields(values: dict[str, Any], report: Any, row: int) -> dict[str, Any]:
    """The model fields of one unit row; each problem is added to `report` with the row."""
    errors: list[str] = []
    fields: dict[str, Any] = {
        "code": str(values.get("unit", "")),
        "name": str(values.get("name", "")),
        "block": str(values.get("block", "")),
        "tags": ";".join(t.strip() for t in str(values.get("tags", "")).split(";") if t.strip()),
        "parent": str(values.get("parent", "")),
    }
    missing = {
        "code": gettext("thiếu mã đơn vị."),
        "name": gettext("thiếu tên đơn vị."),
        "block": gettext("thiếu khối."),
    }
    errors.extend(message for key, message in missing.items() if not fields[key])
    fields["kind"] = _kind(str(values.get("kind", "")), errors)
    fields["valid_from"] = _date(values.get("valid_from"), "valid_from", errors)
    fields["valid_to"] = _date(values.get("valid_to"), "valid_to", errors)
    if fields["valid_from"] and fields["valid_to"] and fields["valid_to"] < fields["valid_from"]:
        errors.append(gettext("ngày hết hiệu lực trước ngày bắt đầu hiệu lực."))
    if fields["parent"] and fields["parent"] == fields["code"]:
        errors.append(gettext("đơn vị không thể là đơn vị cha của chính nó."))
    _report(report, row, errors)
    return fields


def lineage_fields(
    values: dict[str, Any], units: dict[str, Any], report: Any, row: int
) -> dict[str, Any]:
    errors: list[str] = []
    fields: dict[str, Any] = {}
    for key in ("current", "previous"):
        code = str(values.get(key, ""))
        fields[key] = units.get(code)
        if fields[key] is None:
            errors.append(
                gettext("không tìm thấy đơn vị '%(code)s' (%(col)s).")
                % {
                    "code": code,
                    "col": key,
                }
            )
    fields["relation"] = _choice(
        str(values.get("relation", "")), LineageRelation, RELATION_ALIASES, errors
    )
    is_self = fields["current"] is not None and fields["current"] == fields["previous"]
    if is_self and fields["relation"] != LineageRelation.MERGED:
        errors.append(gettext("đơn vị chỉ có thể kế thừa chính nó khi hợp nhất (merged)."))
    fields["since"] = _date(values.get("since"), "since", errors)
    _report(report, row, errors)
    return fields


def _report(report: ImportReport, row: int, errors: list[str]) -> None:
    report.errors.extend(RowError(row, message) for message in errors)


def _kind(raw: str, errors: list[str]) -> str:
    return _choice(raw, UnitKind, KIND_ALIASES, errors)


def _choice(raw: str, choices: Any, aliases: dict[str, Any], errors: list[str]) -> Any:
    key = normalise(raw)
    by_label = {normalise(str(label)): value for value, label in choices.choices}
    found = aliases.get(key) or by_label.get(key) or (key if key in choices.values else None)
    if found is None:
        errors.append(
            gettext("giá trị '%(raw)s' không hợp lệ; dùng một trong: %(ok)s.")
            % {"raw": raw, "ok": ", ".join(choices.values)}
        )
        return ""
    return choices(found)


def _date(raw: Any, column: str, errors: list[str]) -> date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(str(raw), fmt).date()
        except ValueError:
            continue
    errors.append(
        gettext("ngày '%(raw)s' ở cột %(col)s không đọc được; dùng YYYY-MM-DD hoặc DD/MM/YYYY.")
        % {"raw": raw, "col": column}
    )
    return None
