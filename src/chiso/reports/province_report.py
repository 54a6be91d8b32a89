"""The province report of a year: for every block, its ranking with bands, the units per band,
who rose and fell most, and a field-by-field comparison of the units (a heatmap); then, where
given, the SIPAS results by unit and the service-quality indicators.

Built from the year's publication document (`chiso.publication.year/1`: every published block's
ranking document with its field scores) — the same document the decision annex is written
from — plus the optional SIPAS rows (`{factor, estimate, low, high, n}`, one per unit) and
service-quality rows (`{period, indicator, value}`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chiso.reports import charts, render_docx, render_pdf
from chiso.reports.chart_data import NO_BAND_COLOUR
from chiso.reports.figures import block_figures, fallers, risers
from chiso.reports.layout import PublicationSettings, parse_timestamp, rank_move
from chiso.reports.model import Cell, Column, Figure, Paragraph, Report, Section, Table, cells
from chiso.reports.sections import (
    Numbers,
    natural,
    numbered,
    service_section,
    sipas_table,
    source_note,
    status_notices,
)


def province_report(
    publication: Mapping[str, Any],
    *,
    sipas: Sequence[Mapping[str, Any]] | None = None,
    sipas_level: float = 0.95,
    service: Sequence[Mapping[str, Any]] | None = None,
    service_note: str = "",
) -> Report:
    """The report's content (see the module docstring for the inputs)."""
    blocks = publication["blocks"]
    province = publication["province"]
    sections = [_overview(blocks)]
    for block in blocks:
        sections += _block_sections(block)
    if sipas:
        sections.append(_sipas_section(sipas, sipas_level))
    if service:
        sections.append(service_section(service, f"tỉnh {province}", service_note))
    return Report(
        title=f"Kết quả Chỉ số cải cách hành chính năm {publication['year']}",
        subtitle=f"Báo cáo tổng hợp các cơ quan, đơn vị tỉnh {province}",
        authority=PublicationSettings(province=province).authority,
        published_at=parse_timestamp(publication["published_at"]),
        facts=tuple((b["block_title"], f"{len(b['units'])} đơn vị") for b in blocks),
        notices=status_notices(blocks),
        sections=numbered(sections),
        source=source_note(blocks),
    )


def write_pdf(publication: Mapping[str, Any], **options: Any) -> bytes:
    """The province report as PDF (options as `province_report`)."""
    return render_pdf.write(province_report(publication, **options))


def write_docx(publication: Mapping[str, Any], **options: Any) -> bytes:
    """The province report as DOCX (options as `province_report`)."""
    return render_docx.write(province_report(publication, **options))


# --- overview -----------------------------------------------------------------------------------


def _overview(blocks: Sequence[Mapping[str, Any]]) -> Section:
    paragraphs = [Paragraph(_summary(block)) for block in blocks]
    return Section("Tổng quan", (*paragraphs, _band_table(blocks)))


def _summary(block: Mapping[str, Any]) -> str:
    numbers = Numbers.of(block)
    figures = block_figures(dict(block))
    text = f"{block['block_title']}: {figures.units} đơn vị"
    if figures.mean_index is not None:
        text += f", chỉ số bình quân {numbers.percent(figures.mean_index)}"
        if figures.previous_mean_index is not None:
            text += (
                f" (năm {figures.previous_year}: {numbers.percent(figures.previous_mean_index)})"
            )
    leaders = [u for u in block["units"] if u["rank"] == 1]
    if leaders:
        names = ", ".join(u["name"] for u in leaders)
        text += f"; dẫn đầu: {names} ({numbers.percent(leaders[0]['index'])})"
    if figures.worst is not None:
        text += f"; thấp nhất {numbers.percent(figures.worst)}"
    return text + "."


def _band_table(blocks: Sequence[Mapping[str, Any]]) -> Table:
    """Units per band in each block (the bands of the first block's method, in its order)."""
    labels: list[str] = []
    for block in blocks:
        labels += [b["label"] for b in block["bands"] if b["label"] not in labels]
    rows = []
    for block in blocks:
        counts = {c.label: c.count for c in block_figures(dict(block)).bands}
        rows.append(
            cells(
                block["block_title"],
                *(str(counts.get(label, 0)) for label in labels),
                str(len(block["units"])),
            )
        )
    share = 0.6 / (len(labels) + 1)
    return Table(
        (
            Column("Khối", width=0.4),
            *(Column(label, True, share) for label in labels),
            Column("Tổng số", True, share),
        ),
        tuple(rows),
        caption="Số đơn vị theo xếp loại",
    )


# --- one block ----------------------------------------------------------------------------------


def _block_sections(block: Mapping[str, Any]) -> list[Section]:
    sections = [
        Section(
            block["block_title"],
            (Figure(charts.ranking_spec(block), name="xep-hang"), _ranking_table(block)),
            new_page=True,
        )
    ]
    movers = _movers_section(block)
    if movers is not None:
        sections.append(movers)
    heatmap = _heatmap_section(block)
    if heatmap is not None:
        sections.append(heatmap)
    return sections


def _ranking_table(block: Mapping[str, Any]) -> Table:
    numbers = Numbers.of(block)
    colours = {b["code"]: b.get("color") or NO_BAND_COLOUR for b in block["bands"]}
    change = block.get("previous_year") is not None
    rows = []
    for u in block["units"]:
        row = [
            str(u["rank"]) if u["rank"] is not None else "—",
            u["name"],
            numbers.points(u["total"]),
            numbers.index(u["index"]),
            Cell(u.get("band_label") or "—", fill=colours.get(u["band"], "") if u["band"] else ""),
        ]
        if change:
            row += [numbers.signed(u.get("index_change")), rank_move(u.get("rank_change"))]
        rows.append(cells(*row))
    # Wide enough in Word too (larger type, wider cell margins than the PDF): "Hạng" on one
    # line, a rank change ("▲ 12") on one line.
    columns = [
        Column("Hạng", True, 0.09),
        Column("Đơn vị", width=0.33 if change else 0.54),
        Column("Tổng điểm", True, 0.12),
        Column("Chỉ số (%)", True, 0.12),
        Column("Xếp loại", width=0.13),
    ]
    if change:
        columns += [Column("Tăng/giảm chỉ số", True, 0.11), Column("Tăng/giảm hạng", width=0.1)]
    caption = f"Bảng xếp hạng {block['block_title']} năm {block['year']}"
    return Table(tuple(columns), tuple(rows), caption=caption)


def _movers_section(block: Mapping[str, Any]) -> Section | None:
    if block.get("previous_year") is None:
        return None
    up, down = risers(dict(block)), fallers(dict(block))
    numbers = Numbers.of(block)
    rows = tuple(
        cells(
            u["name"],
            numbers.index(u["index_previous"]),
            numbers.index(u["index"]),
            Cell(numbers.signed(u["index_change"]), strong=True),
            rank_move(u.get("rank_change")),
        )
        for u in (*up, *down)
    )
    table = Table(
        (
            Column("Đơn vị", width=0.44),
            Column(f"Chỉ số {block['previous_year']}", True, 0.14),
            Column(f"Chỉ số {block['year']}", True, 0.14),
            Column("Tăng/giảm", True, 0.14),
            Column("Hạng", width=0.14),
        ),
        rows,
    )
    intro = (
        f"So với năm {block['previous_year']}: {len(up)} đơn vị tăng nhiều nhất và "
        f"{len(down)} đơn vị giảm nhiều nhất về chỉ số (đơn vị có kết quả cả hai năm)."
    )
    spec = charts.slope_spec(block)
    return Section(
        "Đơn vị tăng, giảm nhiều nhất", (Paragraph(intro), Figure(spec, name="tang-giam"), table), 2
    )


def _heatmap_section(block: Mapping[str, Any]) -> Section | None:
    scores = block.get("field_scores")
    if not scores:
        return None
    titles = {str(f["field"]): f["title"] for f in block.get("fields", ())}
    rows = [{**s, "title": titles.get(str(s["field"]), "")} for s in scores]
    legend = "; ".join(f"{code}. {titles[code]}" for code in sorted(titles, key=natural))
    intro = (
        "Chỉ số (%) của từng đơn vị ở từng lĩnh vực: mỗi ô là điểm đạt so với điểm tối đa "
        "của lĩnh vực đó; đơn vị xếp theo thứ hạng chung."
    )
    return Section(
        "So sánh theo lĩnh vực",
        (
            Paragraph(intro),
            Figure(charts.field_heatmap_spec(block, rows), name="linh-vuc"),
            Paragraph(f"Các lĩnh vực: {legend}.", note=True),
        ),
        2,
    )


# --- SIPAS --------------------------------------------------------------------------------------


def _sipas_section(rows: Sequence[Mapping[str, Any]], level: float) -> Section:
    spec = charts.sipas_spec(
        rows, title="Chỉ số hài lòng của người dân, tổ chức theo đơn vị", level=level
    )
    intro = (
        "Mức độ hài lòng của người dân, tổ chức với dịch vụ hành chính công của từng đơn vị "
        "(SIPAS), với khoảng tin cậy; hai đơn vị có khoảng chồng lên nhau chưa chắc khác nhau."
    )
    return Section(
        "Mức độ hài lòng của người dân, tổ chức (SIPAS)",
        (Paragraph(intro), Figure(spec, name="sipas-don-vi"), sipas_table(rows, "Đơn vị", level)),
        new_page=True,
    )
