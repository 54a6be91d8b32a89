"""The report of one unit: its published result, where it lost points and what fixing each
would gain, its history, and — where given — its SIPAS factors and service-quality indicators.

Built from the unit's public document (`chiso.public.unit/1`) and, optionally, the unit's
criterion scores as the snapshot stores them (its `leaves` rows), its SIPAS factor estimates
(`{factor, estimate, low, high, n}`) and service-quality values (`{period, indicator, value}`).
An optional part that is not given is left out, heading and all: the report never shows an
empty section.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chiso.reports import charts, render_docx, render_pdf
from chiso.reports.layout import PublicationSettings, parse_timestamp, rank_move
from chiso.reports.model import Cell, Column, Figure, Paragraph, Report, Section, Table, cells
from chiso.reports.sections import (
    Numbers,
    criteria_sections,
    natural,
    numbered,
    service_section,
    sipas_unit_section,
    source_note,
    status_notices,
)


def unit_report(
    document: Mapping[str, Any],
    *,
    province: str = "",
    criteria: Sequence[Mapping[str, Any]] | None = None,
    titles: Mapping[str, str] | None = None,
    sipas: Sequence[Mapping[str, Any]] | None = None,
    sipas_level: float = 0.95,
    service: Sequence[Mapping[str, Any]] | None = None,
    service_note: str = "",
    adjustments: Sequence[str] | None = None,
) -> Report:
    """The report's content. `criteria`: the unit's leaf rows (criterion, title, field, points,
    max, applies, counted, missing); `titles`: criterion code → title for the criteria above the
    leaves (the method's titles), used for subtotal rows; `service`: measured service-quality
    values, with `service_note` saying where they come from; `adjustments`: which of "bonus"
    and "penalty" the method has (listed under the fields even when the unit got none; not
    given: those the unit got)."""
    numbers = Numbers.of(document)
    unit = document["unit"]
    sections = [
        _fields_section(document, numbers, adjustments),
        _lost_section(document, numbers),
        _history_section(document, numbers),
    ]
    if sipas:
        sections.append(sipas_unit_section(sipas, unit["name"], sipas_level))
    if service:
        sections.append(service_section(service, unit["name"], service_note))
    if criteria:
        sections += criteria_sections(criteria, titles or {}, numbers)
    return Report(
        title=f"Kết quả Chỉ số cải cách hành chính năm {document['year']}",
        subtitle=unit["name"],
        authority=PublicationSettings(province=province).authority if province else "",
        published_at=parse_timestamp(document["published_at"]),
        facts=_facts(document, numbers),
        notices=status_notices([document]),
        sections=numbered(sections),
        source=source_note([document]),
    )


def write_pdf(document: Mapping[str, Any], **options: Any) -> bytes:
    """The unit report as PDF (options as `unit_report`)."""
    return render_pdf.write(unit_report(document, **options))


def write_docx(document: Mapping[str, Any], **options: Any) -> bytes:
    """The unit report as DOCX (options as `unit_report`)."""
    return render_docx.write(unit_report(document, **options))


# --- facts --------------------------------------------------------------------------------------


def _facts(document: Mapping[str, Any], numbers: Numbers) -> tuple[tuple[str, str], ...]:
    unit = document["unit"]
    facts = [
        ("Đơn vị", f"{unit['name']} ({unit['unit']})"),
        ("Khối", document["block_title"]),
        ("Tổng điểm", f"{numbers.points(unit['total'])} / {numbers.points(unit['max'])}"),
        ("Chỉ số", numbers.percent(unit["index"])),
        ("Xếp loại", unit.get("band_label") or "—"),
        ("Xếp hạng", _rank(document)),
    ]
    if unit.get("index_change") is not None:
        change = f"{numbers.signed(unit['index_change'])} điểm chỉ số"
        moved = unit.get("rank_change")
        if moved == 0:
            change += ", giữ nguyên thứ hạng"
        elif moved is not None:
            change += f", hạng {rank_move(moved)}"
        facts.append(("So với năm trước", change))
    facts.append(("Bộ tiêu chí", document["method"]["title"]))
    return tuple(facts)


def _rank(document: Mapping[str, Any]) -> str:
    unit = document["unit"]
    if unit.get("rank") is None:
        return "không xếp hạng"
    text = f"{unit['rank']}/{document['units_in_block']}"
    low, high = unit.get("rank_low"), unit.get("rank_high")
    if low is not None and high is not None:
        text += f" (khoảng hạng {low}–{high})" if low != high else f" (khoảng hạng {low})"
    return text


# --- sections -----------------------------------------------------------------------------------


# Bonus and penalty points: outside the fields, beside them in the table, so that its rows add up
# to the total. (name, label, sign)
ADJUSTMENTS = (("bonus", "Điểm thưởng", "+"), ("penalty", "Điểm trừ", "−"))


def _fields_section(
    document: Mapping[str, Any], numbers: Numbers, adjustments: Sequence[str] | None = None
) -> Section:
    fields = sorted(document["fields"], key=lambda f: natural(str(f["field"])))
    unit = document["unit"]
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        cells(
            f"{f['field']}. {f['title']}",
            numbers.points(f["points"]),
            numbers.points(f["max"]),
            numbers.index(f["index"]),
            numbers.points(f["max"] - (f["points"] or 0.0)),
        )
        for f in fields
    )
    listed = [
        (label, sign, unit.get(name) or 0.0)
        for name, label, sign in ADJUSTMENTS
        if (name in adjustments if adjustments is not None else unit.get(name))
    ]
    if listed:
        rows += tuple(
            cells(label, _signed(sign, value, numbers), "", "", "") for label, sign, value in listed
        )
        rows += (
            cells(
                Cell("Tổng điểm", strong=True),
                Cell(numbers.points(unit["total"]), strong=True),
                Cell(numbers.points(unit["max"]), strong=True),
                Cell(numbers.index(unit["index"]), strong=True),
                Cell(numbers.points(unit["max"] - (unit["total"] or 0.0)), strong=True),
            ),
        )
    table = Table(
        (
            Column("Lĩnh vực", width=0.52),
            Column("Điểm đạt", True, 0.12),
            Column("Tối đa", True, 0.12),
            Column("Chỉ số (%)", True, 0.12),
            Column("Điểm mất", True, 0.12),
        ),
        rows,
    )
    blocks: list[Any] = [table]
    if document["components"]:
        parts = "; ".join(
            f"{c['title']} {numbers.points(c['points'])}/{numbers.points(c['max'])}"
            for c in document["components"]
        )
        extra = "".join(
            f"; {label.lower()} {_signed(sign, value, numbers)}" for label, sign, value in listed
        )
        blocks.append(Paragraph(f"Theo thành phần: {parts}{extra}."))
    return Section("Điểm theo lĩnh vực", tuple(blocks))


def _signed(sign: str, value: float, numbers: Numbers) -> str:
    """Bonus or penalty points with their sign; none of them without (0,00, not −0,00)."""
    return (sign if value else "") + numbers.points(value)


def _lost_section(document: Mapping[str, Any], numbers: Numbers) -> Section | None:
    lost = document["lost_points"]
    if not lost:
        return None
    rows = tuple(
        cells(
            x["criterion"],
            x["title"] + (" (không có số liệu)" if x.get("missing") else ""),
            f"{numbers.points(x['points'] or 0.0)}/{numbers.points(x['max'])}",
            numbers.points(x["lost"]),
            Cell("+" + numbers.index(x["gain"]), strong=True),
        )
        for x in lost
    )
    table = Table(
        (
            Column("Mã", width=0.09),
            Column("Tiêu chí", width=0.5),
            Column("Điểm đạt", True, 0.13),
            Column("Điểm mất", True, 0.12),
            Column("Chỉ số tăng thêm", True, 0.16),
        ),
        rows,
    )
    intro = (
        "Các tiêu chí đơn vị bị mất điểm, xếp theo mức chỉ số đơn vị sẽ tăng thêm nếu đạt điểm "
        "tối đa ở tiêu chí đó (điểm chỉ số = 100 × điểm mất / điểm tối đa của đơn vị)."
    )
    return Section("Tiêu chí cần ưu tiên khắc phục", (Paragraph(intro), table))


def _history_section(document: Mapping[str, Any], numbers: Numbers) -> Section | None:
    history = document["history"]
    if not history:
        return None
    rows = tuple(
        cells(
            str(h["year"]),
            h["block_title"],
            numbers.points(h["total"]),
            numbers.index(h["index"]),
            h.get("band_label") or "—",
            str(h["rank"]) if h.get("rank") is not None else "—",
        )
        for h in history
    )
    table = Table(
        (
            Column("Năm", width=0.1),
            Column("Khối", width=0.36),
            Column("Tổng điểm", True, 0.14),
            Column("Chỉ số (%)", True, 0.14),
            Column("Xếp loại", width=0.16),
            Column("Hạng", True, 0.1),
        ),
        rows,
    )
    blocks: list[Any] = []
    if len(history) > 1:
        blocks.append(Figure(charts.history_spec(document), width=0.8, name="qua-cac-nam"))
    blocks.append(table)
    return Section("Kết quả qua các năm", tuple(blocks))
