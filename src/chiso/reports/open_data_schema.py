"""The tables of the open data package and their data dictionary: one definition per column
(name, Frictionless type, Vietnamese title and description), from which both the table schemas
in `datapackage.json` and the dictionary in `README.md` are made, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chiso.reports.layout import PublicationSettings

LICENCES = {
    "CC-BY-4.0": {
        "name": "CC-BY-4.0",
        "title": "Creative Commons Attribution 4.0 International",
        "path": "https://creativecommons.org/licenses/by/4.0/",
    },
    "CC0-1.0": {
        "name": "CC0-1.0",
        "title": "Creative Commons Zero v1.0 Universal",
        "path": "https://creativecommons.org/publicdomain/zero/1.0/",
    },
    "ODC-BY-1.0": {
        "name": "ODC-BY-1.0",
        "title": "Open Data Commons Attribution License v1.0",
        "path": "https://opendatacommons.org/licenses/by/1-0/",
    },
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    description: str

    def descriptor(self) -> dict[str, str]:
        return {
            "name": self.name,
            "type": self.type,
            "title": self.title,
            "description": self.description,
        }


@dataclass(frozen=True)
class Table:
    suffix: str
    title: str
    description: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    rows: Callable[[dict[str, Any], dict[str, Any]], list[dict[str, Any]]]


def _f(name: str, type_: str, title: str, description: str = "") -> Field:
    return Field(name, type_, title, description or title)


COMMON = (
    _f("year", "integer", "Năm đánh giá"),
    _f("block", "string", "Mã khối", "Mã khối xếp hạng (so: sở, ban, ngành; huyen; xa …)"),
    _f("unit", "string", "Mã đơn vị"),
)

RANKING = (
    *COMMON[:2],
    _f(
        "rank",
        "integer",
        "Xếp hạng",
        "Thứ hạng trong khối, 1 là cao nhất; bằng chỉ số thì cùng hạng",
    ),
    COMMON[2],
    _f("name", "string", "Tên đơn vị"),
    _f("kind", "string", "Loại đơn vị", "department, district, commune, ward …"),
    _f("total", "number", "Điểm đạt", "Tổng điểm; trống khi đơn vị không được chấm (xem flags)"),
    _f("max", "number", "Điểm tối đa", "Điểm tối đa của đơn vị (đã trừ tiêu chí không áp dụng)"),
    _f("index", "number", "Chỉ số (%)", "100 × điểm đạt / điểm tối đa"),
    _f("band", "string", "Mã xếp loại", "xuat_sac, tot, kha, trung_binh, yeu …"),
    _f("band_label", "string", "Xếp loại"),
    _f("ranked", "boolean", "Được xếp hạng", "false khi đơn vị không xếp hạng được"),
    _f("bonus", "number", "Điểm thưởng", "Điểm thưởng (sau giới hạn)"),
    _f("penalty", "number", "Điểm trừ", "Điểm trừ (sau giới hạn)"),
    _f("flags", "string", "Ghi chú", "Phân cách bằng ;: missing_input, no_applicable_criteria"),
    _f("index_previous", "number", "Chỉ số năm trước", "Của đơn vị tiền thân nếu đã sắp xếp lại"),
    _f("index_change", "number", "Thay đổi chỉ số", "Chỉ số − chỉ số năm trước, điểm phần trăm"),
    _f("rank_previous", "integer", "Xếp hạng năm trước", "Chỉ khi đơn vị giữ nguyên hoặc đổi tên"),
    _f("rank_change", "integer", "Thay đổi thứ hạng", "Số bậc tăng (âm: giảm)"),
    _f("rank_median", "integer", "Hạng trung vị", "Trung vị thứ hạng qua các lần mô phỏng sai số"),
    _f("rank_low", "integer", "Hạng tốt nhất của khoảng", "Cận trên của khoảng hạng 90 %"),
    _f("rank_high", "integer", "Hạng thấp nhất của khoảng", "Cận dưới của khoảng hạng 90 %"),
    _f("p_top", "number", "Xác suất đứng đầu", "Tỷ lệ lần mô phỏng đơn vị đứng thứ nhất (0–1)"),
)

FIELDS = (
    *COMMON,
    _f("field", "string", "Mã lĩnh vực", "Mã lĩnh vực trong bộ tiêu chí (1 … 8)"),
    _f("title", "string", "Tên lĩnh vực"),
    _f("points", "number", "Điểm đạt của lĩnh vực"),
    _f("max", "number", "Điểm tối đa của lĩnh vực", "Điểm tối đa của đơn vị trong lĩnh vực"),
    _f("index", "number", "Chỉ số lĩnh vực (%)", "100 × điểm đạt / điểm tối đa"),
)

COMPONENTS = (
    *COMMON,
    _f("component", "string", "Mã thành phần", "appraisal: điểm thẩm định; survey: điều tra …"),
    _f("title", "string", "Tên thành phần"),
    _f("points", "number", "Điểm đạt của thành phần"),
    _f("max", "number", "Điểm tối đa của thành phần"),
)

CRITERIA = (
    *COMMON,
    _f("criterion", "string", "Mã tiêu chí", "Mã tiêu chí (thành phần) lá trong bộ tiêu chí"),
    _f("title", "string", "Tên tiêu chí"),
    _f("field", "string", "Mã lĩnh vực"),
    _f("component", "string", "Mã thành phần"),
    _f("value", "number", "Giá trị đầu vào", "Giá trị đã đọc (tỷ lệ, số lần, điểm …) theo quy tắc"),
    _f("points", "number", "Điểm đạt"),
    _f("max", "number", "Điểm tối đa"),
    _f("applies", "boolean", "Áp dụng", "false: tiêu chí không áp dụng cho đơn vị"),
    _f("counted", "boolean", "Được tính", "false: không tính vào tổng (không áp dụng, loại trừ)"),
    _f("missing", "boolean", "Thiếu dữ liệu", "true: không có giá trị (chấm theo quy tắc thiếu)"),
)


def _ranking_rows(document: dict[str, Any], block: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"year": document["year"], "block": block["block"], **r} for r in block["units"]]


def _with_year(key: str) -> Callable[[dict[str, Any], dict[str, Any]], list[dict[str, Any]]]:
    def rows(document: dict[str, Any], block: dict[str, Any]) -> list[dict[str, Any]]:
        common = {"year": document["year"], "block": block["block"]}
        return [{**common, **r} for r in block[key]]

    return rows


def _field_rows(document: dict[str, Any], block: dict[str, Any]) -> list[dict[str, Any]]:
    titles = {f["field"]: f["title"] for f in block["fields"]}
    return [
        {**r, "title": titles.get(r["field"], "")}
        for r in _with_year("field_scores")(document, block)
    ]


def _component_rows(document: dict[str, Any], block: dict[str, Any]) -> list[dict[str, Any]]:
    titles = {c["component"]: c["title"] for c in block["components"]}
    rows = _with_year("component_scores")(document, block)
    return [{**r, "title": titles.get(r["component"], r["component"])} for r in rows]


TABLES = (
    Table(
        "xep-hang",
        "xếp hạng",
        "Mỗi đơn vị một dòng, theo thứ hạng: điểm, chỉ số, xếp loại, thay đổi so với năm trước "
        "và khoảng hạng.",
        RANKING,
        ("unit",),
        _ranking_rows,
    ),
    Table(
        "linh-vuc",
        "điểm theo lĩnh vực",
        "Mỗi đơn vị × lĩnh vực một dòng.",
        FIELDS,
        ("unit", "field"),
        _field_rows,
    ),
    Table(
        "thanh-phan",
        "điểm theo thành phần",
        "Mỗi đơn vị × thành phần (thẩm định, điều tra xã hội học …) một dòng.",
        COMPONENTS,
        ("unit", "component"),
        _component_rows,
    ),
    Table(
        "tieu-chi",
        "điểm theo tiêu chí",
        "Mỗi đơn vị × tiêu chí lá một dòng: giá trị đầu vào, điểm đạt, điểm tối đa.",
        CRITERIA,
        ("unit", "criterion"),
        _with_year("criteria"),
    ),
)


# --- the dictionary -----------------------------------------------------------------------------


def dictionary(
    document: dict[str, Any], settings: PublicationSettings, descriptor: dict[str, Any]
) -> str:
    """README.md of the package: what it is, its files, and every column of every table."""
    licence = descriptor["licenses"][0]
    lines = [
        f"# {descriptor['title']}",
        "",
        descriptor["description"],
        "",
        f"- Công bố: {document['published_at']}",
        f"- Nguồn: {descriptor['sources'][0]['title']}",
        f"- Giấy phép: {licence.get('title', licence['name'])} ({licence.get('path', '')})",
        "- Mô tả máy đọc được: `datapackage.json` (Frictionless Data Package, kèm mã băm sha256 "
        "của từng tệp, mã băm của tệp phương pháp và dữ liệu đầu vào).",
        "- CSV: UTF-8 có BOM, phân cách bằng dấu phẩy, số thập phân dùng dấu chấm và đủ độ "
        "chính xác; ô trống là không có giá trị; `true`/`false` cho giá trị đúng/sai.",
        "",
        "## Các tệp",
        "",
    ]
    lines += [f"- `{r['path']}` — {r['title']}" for r in descriptor["resources"]]
    for table in TABLES:
        lines += ["", f"## Bảng {table.title} (`data/<năm>-<khối>-{table.suffix}.csv`)", ""]
        lines += [table.description, "", "| cột | kiểu | ý nghĩa |", "|---|---|---|"]
        lines += [f"| `{f.name}` | {f.type} | {f.description} |" for f in table.fields]
    lines += [
        "",
        "## Tính lại kết quả",
        "",
        "Tệp `json/<năm>-<khối>.json` chứa toàn bộ kết quả của khối cùng dữ liệu đầu vào "
        "(`inputs`); `methods/*.yaml` là bộ tiêu chí đã dùng. Chạy lại phần mềm chiso với hai "
        "tệp này cho đúng kết quả đã công bố; mã băm `method.hash` và `inputs_hash` cho biết "
        "đúng tệp phương pháp và dữ liệu nào đã được chấm.",
        "",
    ]
    return "\n".join(lines)
