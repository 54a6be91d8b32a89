"""Parts shared by the unit and the province report: number formats, the method-status
notices, the source note, the optional SIPAS and service-quality sections, and the criterion
appendix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chiso.reports import charts
from chiso.reports.chart_data import period_label
from chiso.reports.layout import number, parse_timestamp, percent, short_date, signed
from chiso.reports.model import Cell, Column, Figure, Paragraph, Section, Table, cells

HASH_SHOWN = 19  # "sha256:" and the first 12 hex digits


@dataclass(frozen=True)
class Numbers:
    """The method's display rules (decimals, rounding), as text with a decimal comma."""

    points_decimals: int
    index_decimals: int
    rounding: str

    @classmethod
    def of(cls, document: Mapping[str, Any]) -> Numbers:
        d = document["display"]
        return cls(d["points_decimals"], d["index_decimals"], d["rounding"])

    def points(self, value: float | None) -> str:
        return number(value, self.points_decimals, self.rounding)

    def index(self, value: float | None) -> str:
        return number(value, self.index_decimals, self.rounding)

    def percent(self, value: float | None) -> str:
        return percent(value, self.index_decimals, self.rounding)

    def signed(self, value: float | None) -> str:
        return signed(value, self.index_decimals, self.rounding)


def natural(code: str) -> tuple[Any, ...]:
    """'2.10' after '2.9'."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))


def numbered(sections: Sequence[Section | None]) -> tuple[Section, ...]:
    """The sections given (None: left out), top-level headings numbered '1. …', '2. …' in
    order; appendix headings ('Phụ lục…') keep theirs."""
    out, n = [], 0
    for section in sections:
        if section is None:
            continue
        if section.level == 1 and not section.heading.startswith("Phụ lục"):
            n += 1
            section = Section(f"{n}. {section.heading}", section.blocks, 1, section.new_page)
        out.append(section)
    return tuple(out)


def status_notices(documents: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """What a modelled or reproduced method must say next to its numbers, once each."""
    notices: list[str] = []
    for document in documents:
        method = document["method"]
        if method["status"] != "official" and method["status_label"] not in notices:
            notices.append(method["status_label"])
    return tuple(notices)


def source_note(documents: Sequence[Mapping[str, Any]]) -> str:
    """Where the numbers come from: the published snapshots, their method and input hashes."""
    parts = [
        f"{d['block_title']}: bộ tiêu chí {d['method']['id']} "
        f"({d['method']['hash'][:HASH_SHOWN]}…), dữ liệu {d['inputs_hash'][:HASH_SHOWN]}…, "
        f"công bố ngày {short_date(parse_timestamp(d['published_at']))}"
        for d in documents
    ]
    return (
        "Nguồn: kết quả đã công bố (" + "; ".join(parts) + "). Tài liệu được tạo tự động từ "
        "bản công bố, không tính lại điểm; số liệu làm tròn theo quy định của bộ tiêu chí. "
        "Văn bản có giá trị pháp lý là quyết định công bố kết quả của UBND tỉnh."
    )


# --- SIPAS --------------------------------------------------------------------------------------


def sipas_table(rows: Sequence[Mapping[str, Any]], first: str, level: float) -> Table:
    """Estimate, interval and number of answers per row ({factor, estimate, low, high, n})."""
    percent_level = round(100 * level)
    body = tuple(
        cells(
            str(r["factor"]),
            number(r["estimate"], 2),
            f"{number(r.get('low'), 2)}–{number(r.get('high'), 2)}"
            if r.get("low") is not None and r.get("high") is not None
            else "—",
            str(r["n"]),
        )
        for r in rows
    )
    return Table(
        (
            Column(first, width=0.5),
            Column("Chỉ số hài lòng (%)", True, 0.18),
            Column(f"Khoảng tin cậy {percent_level} %", True, 0.2),
            Column("Số phiếu", True, 0.12),
        ),
        body,
    )


def sipas_unit_section(rows: Sequence[Mapping[str, Any]], name: str, level: float) -> Section:
    spec = charts.sipas_spec(rows, title=f"Chỉ số hài lòng theo yếu tố: {name}", level=level)
    intro = (
        "Mức độ hài lòng của người dân, tổ chức với dịch vụ hành chính công của đơn vị theo "
        "từng yếu tố, với khoảng tin cậy của ước lượng; khoảng càng rộng khi số phiếu càng ít."
    )
    return Section(
        "Mức độ hài lòng của người dân, tổ chức (SIPAS)",
        (Paragraph(intro), Figure(spec, name="sipas"), sipas_table(rows, "Yếu tố", level)),
    )


# --- service quality ----------------------------------------------------------------------------


def service_section(rows: Sequence[Mapping[str, Any]], name: str, note: str = "") -> Section:
    """A trend chart of the indicators and a table of each one's first and latest value;
    `note` says where the values come from (e.g. that they are synthetic)."""
    spec = charts.trend_spec(
        rows, title=f"Chỉ tiêu chất lượng phục vụ theo kỳ: {name}", y_title="Giá trị"
    )
    series: dict[str, list[Mapping[str, Any]]] = {}
    for row in sorted(rows, key=lambda r: str(r["period"])):
        if row.get("value") is not None:
            series.setdefault(str(row["indicator"]), []).append(row)
    body = tuple(
        cells(
            indicator,
            f"{number(values[0]['value'], 2)} ({period_label(str(values[0]['period']))})",
            f"{number(values[-1]['value'], 2)} ({period_label(str(values[-1]['period']))})",
            signed(values[-1]["value"] - values[0]["value"], 2),
        )
        for indicator, values in series.items()
    )
    table = Table(
        (
            Column("Chỉ tiêu", width=0.46),
            Column("Kỳ đầu", True, 0.19),
            Column("Kỳ gần nhất", True, 0.19),
            Column("Thay đổi", True, 0.16),
        ),
        body,
    )
    intro = (
        "Các chỉ tiêu chất lượng phục vụ người dân, doanh nghiệp (Bộ chỉ số theo Quyết định "
        "766/QĐ-TTg) tính từ dữ liệu hồ sơ, theo từng kỳ."
    )
    blocks = (
        Paragraph(intro),
        *((Paragraph(note, note=True),) if note else ()),
        Figure(spec, name="chat-luong-phuc-vu"),
        table,
    )
    return Section("Chất lượng phục vụ người dân, doanh nghiệp", blocks)


# --- criteria appendix --------------------------------------------------------------------------


def criteria_sections(
    leaves: Sequence[Mapping[str, Any]], titles: Mapping[str, str], numbers: Numbers
) -> list[Section]:
    """An appendix: every criterion's points, one table per field, with a subtotal row for
    each criterion above the leaves."""
    by_field: dict[str, list[Mapping[str, Any]]] = {}
    for leaf in sorted(leaves, key=lambda r: natural(str(r["criterion"]))):
        by_field.setdefault(str(leaf["field"]), []).append(leaf)
    sections = [
        Section(
            "Phụ lục: điểm từng tiêu chí",
            (
                Paragraph(
                    "Điểm của đơn vị ở từng tiêu chí như trong kết quả đã công bố; dòng in đậm "
                    "là tổng của các tiêu chí thành phần bên dưới."
                ),
            ),
            new_page=True,
        )
    ]
    for field in sorted(by_field, key=natural):
        heading = f"Lĩnh vực {field}. {titles.get(field, '')}".rstrip(". ")
        sections.append(Section(heading, (_criteria_table(by_field[field], titles, numbers),), 2))
    return sections


def _criteria_table(
    leaves: Sequence[Mapping[str, Any]], titles: Mapping[str, str], numbers: Numbers
) -> Table:
    rows: list[tuple[Cell, ...]] = []
    seen: set[str] = set()
    for leaf in leaves:
        code = str(leaf["criterion"])
        parent = ".".join(code.split(".")[:2])
        if parent != code and parent not in seen:
            seen.add(parent)
            group = [x for x in leaves if _under(str(x["criterion"]), parent)]
            points = sum((x["points"] or 0.0) for x in group if x.get("counted", True))
            most = sum(x["max"] for x in group if x.get("counted", True))
            rows.append(
                tuple(
                    Cell(t, strong=True)
                    for t in (
                        parent,
                        titles.get(parent, ""),
                        numbers.points(points),
                        numbers.points(most),
                        "",
                    )
                )
            )
        rows.append(
            cells(
                code,
                str(leaf.get("title") or titles.get(code, "")),
                numbers.points(leaf["points"]) if leaf.get("counted", True) else "—",
                numbers.points(leaf["max"]),
                _leaf_note(leaf),
            )
        )
    return Table(
        (
            Column("Mã", width=0.1),
            Column("Tiêu chí", width=0.56),
            Column("Điểm", True, 0.11),
            Column("Tối đa", True, 0.11),
            Column("Ghi chú", width=0.12),
        ),
        tuple(rows),
    )


def _under(code: str, parent: str) -> bool:
    return code == parent or code.startswith(parent + ".")


def _leaf_note(leaf: Mapping[str, Any]) -> str:
    if not leaf.get("applies", True):
        return "miễn"
    if not leaf.get("counted", True):
        return "không tính"
    if leaf.get("missing"):
        return "thiếu số liệu"
    return ""
