"""Charts: each spec is valid Vega-Lite (vl-convert draws it), carries its data, and gives the
same bytes every time."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso.reports import charts
from chiso.reports.chart_data import dodge, period_label
from chiso.reports.chart_style import NARROW_FONT, NARROW_WIDTH, shortened, text_width, wrap
from tests.reports import published

SVG = "{http://www.w3.org/2000/svg}"


def all_specs() -> dict[str, dict[str, Any]]:
    ranking = published.ranking()
    return {
        "ranking": charts.ranking_spec(ranking),
        "heatmap": charts.field_heatmap_spec(ranking, published.fields()),
        "slope": charts.slope_spec(ranking),
        "history": charts.history_spec(published.unit()),
        "sipas": charts.sipas_spec(published.SIPAS, title="Chỉ số hài lòng theo yếu tố"),
        "trend": charts.trend_spec(published.SERVICE, title="Chỉ tiêu theo tháng"),
    }


@pytest.fixture(scope="module")
def specs() -> dict[str, dict[str, Any]]:
    return all_specs()


@pytest.fixture(scope="module")
def svgs(specs: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {name: charts.render_svg(spec) for name, spec in specs.items()}


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(SVG + "text")]


@pytest.mark.parametrize("name", ["ranking", "heatmap", "slope", "history", "sipas", "trend"])
def test_every_chart_is_an_accessible_svg_with_vietnamese_title_and_description(
    svgs: dict[str, str], specs: dict[str, dict[str, Any]], name: str
) -> None:
    root = ET.fromstring(svgs[name])
    assert root.tag == SVG + "svg" and root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    title = root.find(f"{SVG}title[@id='{title_id}']")
    desc = root.find(f"{SVG}desc[@id='{desc_id}']")
    assert title is not None and title.text == specs[name]["title"]["text"]
    assert desc is not None and desc.text == specs[name]["description"]
    assert specs[name]["config"]["font"] == charts.FONT
    assert specs[name]["$schema"].startswith("https://vega.github.io/schema/vega-lite/v5")


def test_ranking_bars_carry_every_unit_in_rank_order_coloured_by_band(
    specs: dict[str, dict[str, Any]], svgs: dict[str, str]
) -> None:
    ranking = published.ranking()
    rows = specs["ranking"]["data"]["values"]
    assert [r["unit"] for r in rows] == [u["unit"] for u in ranking["units"]]
    # Plotted to 6 decimals (a result's last binary digit must not change the chart's bytes).
    assert [r["index"] for r in rows] == [round(u["index"], 6) for u in ranking["units"]]
    assert rows[0] == {**rows[0], "label": "Sở Công Thương", "index_text": "90,90"}
    scale = specs["ranking"]["layer"][0]["encoding"]["color"]["scale"]
    assert scale["domain"] == [b["label"] for b in ranking["bands"]]
    assert scale["range"] == [b["color"] for b in ranking["bands"]]
    drawn = texts(svgs["ranking"])
    assert "Sở Công Thương" in drawn and "90,90" in drawn and "Xếp loại" in drawn
    # Three excellent departments: three bars in the excellent band's colour.
    assert svgs["ranking"].count('fill="#1a9850"') == 3 + 1  # the bars and the legend swatch


def test_heatmap_has_one_cell_per_unit_and_field(specs: dict[str, dict[str, Any]]) -> None:
    rows = specs["heatmap"]["data"]["values"]
    assert len(rows) == 19 * 8
    cell = next(r for r in rows if r["label"] == "Sở Công Thương" and r["field"].startswith("3."))
    stored = next(f for f in published.fields() if f["unit"] == "TN.SCT" and f["field"] == "3")
    assert cell["index"] == round(stored["index"], 6)
    assert cell["field"] == f"3. {stored['title']}"


def test_slope_names_the_biggest_movers_with_their_change(
    specs: dict[str, dict[str, Any]], svgs: dict[str, str]
) -> None:
    ranking = published.ranking()
    rows = specs["slope"]["layer"][0]["data"]["values"]
    assert {r["year"] for r in rows} == {"2023", "2024"}
    assert len(rows) == 2 * sum(u["index_previous"] is not None for u in ranking["units"])
    best = max(ranking["units"], key=lambda u: u["index_change"])
    notes = specs["slope"]["layer"][1]["data"]["values"]
    assert any(n["unit"] == best["unit"] and "(+" in n["text"] for n in notes)
    assert any(n["text"].startswith(best["name"]) for n in notes)
    assert any(best["name"] in t for t in texts(svgs["slope"]))


def test_sipas_and_trend_charts_plot_the_rows_given(
    specs: dict[str, dict[str, Any]], svgs: dict[str, str]
) -> None:
    points = specs["sipas"]["data"]["values"]
    assert [(p["estimate"], p["low"], p["high"]) for p in points] == [
        (r["estimate"], r["low"], r["high"]) for r in published.SIPAS
    ]
    assert "Tiếp cận dịch vụ (n = 412)" in texts(svgs["sipas"])
    trend = specs["trend"]["data"]["values"]
    assert len(trend) == len(published.SERVICE)
    assert {"01/2024", "12/2024", "Hồ sơ nộp trực tuyến (%)"} <= set(texts(svgs["trend"]))


def test_same_spec_same_svg_bytes_whatever_was_drawn_before(
    specs: dict[str, dict[str, Any]], svgs: dict[str, str]
) -> None:
    # Vega numbers gradients with a counter that runs across charts: draw others in between.
    for name in ("trend", "heatmap", "ranking", "heatmap"):
        charts.render_svg(specs[name])
        assert charts.render_svg(specs["heatmap"]) == svgs["heatmap"]
    again = {name: charts.render_svg(spec) for name, spec in all_specs().items()}
    assert again == svgs
    assert charts.render_png(specs["sipas"]) == charts.render_png(specs["sipas"])


def test_two_charts_on_one_page_share_no_id(svgs: dict[str, str]) -> None:
    ids = [set(re.findall(r'id="([^"]+)"', svg)) for svg in svgs.values()]
    assert all(ids)
    assert sum(len(i) for i in ids) == len(set().union(*ids))


def test_png_for_word_is_drawn_at_print_resolution(specs: dict[str, dict[str, Any]]) -> None:
    png = charts.render_png(specs["history"])
    assert png.startswith(b"\x89PNG")
    width = int.from_bytes(png[16:20], "big")
    svg_width = float(ET.fromstring(charts.render_svg(specs["history"])).get("width", "0"))
    assert width == pytest.approx(svg_width * charts.PNG_PPI / 72, rel=0.02)


def test_a_chart_without_data_still_draws() -> None:
    spec = charts.sipas_spec([], title="Chưa có phiếu")
    assert ET.fromstring(charts.render_svg(spec)).get("role") == "img"


@given(st.lists(st.floats(min_value=0, max_value=100), max_size=8), st.floats(0.1, 5))
def test_dodged_labels_are_apart_and_keep_their_order(values: list[float], gap: float) -> None:
    placed = dodge(values, gap)
    order = sorted(range(len(values)), key=lambda i: (values[i], i))
    ys = [placed[i] for i in order]
    assert all(b - a >= gap - 1e-9 for a, b in itertools.pairwise(ys))


def test_period_labels() -> None:
    assert [period_label(p) for p in ("2024-03", "2024-Q1", "2024")] == [
        "03/2024",
        "Q1/2024",
        "2024",
    ]


# --- the phone layout ---------------------------------------------------------------------------


def narrow_specs() -> dict[str, dict[str, Any]]:
    ranking = published.ranking()
    rows = [{**r, "ranked": i % 3 != 2} for i, r in enumerate(published.SIPAS)]
    return {
        "ranking": charts.ranking_spec(ranking, narrow=True),
        "heatmap": charts.field_heatmap_spec(ranking, published.fields(), narrow=True),
        "slope": charts.slope_spec(ranking, narrow=True),
        "history": charts.history_spec(published.unit(), narrow=True),
        "sipas": charts.sipas_spec(rows, title="Chỉ số hài lòng theo yếu tố", narrow=True),
    }


@pytest.fixture(scope="module")
def narrow_svgs() -> dict[str, str]:
    return {name: charts.render_svg(spec) for name, spec in narrow_specs().items()}


@pytest.mark.parametrize("name", ["ranking", "heatmap", "slope", "history", "sipas"])
def test_the_phone_layout_fits_a_phone_with_readable_letters(
    narrow_svgs: dict[str, str], name: str
) -> None:
    wide = all_specs()[name]
    root = ET.fromstring(narrow_svgs[name])
    assert float(root.get("width", "0")) <= NARROW_WIDTH
    sizes = [float(t.get("font-size", "0")[:-2]) for t in root.iter(SVG + "text")]
    assert sizes and min(sizes) >= NARROW_FONT
    # The same chart: the same title (wrapped over lines) and description.
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == wide["title"]["text"]
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text == wide["description"]


def test_the_phone_layout_keeps_every_name_whole_or_says_it_was_cut(
    narrow_svgs: dict[str, str],
) -> None:
    ranking = published.ranking()
    drawn = texts(narrow_svgs["ranking"])
    assert all(u["name"] in drawn for u in ranking["units"])
    # The slope's labels are wrapped, never cut: every word of a mover's name is there.
    slope = " ".join(
        " ".join(t.itertext()) for t in ET.fromstring(narrow_svgs["slope"]).iter(SVG + "text")
    )
    for note in narrow_specs()["slope"]["layer"][1]["data"]["values"]:
        assert all(word in slope for word in " ".join(note["text"]).split())
    # The SIPAS rows keep their n, and the unranked rows are hollow.
    assert "Tiếp cận dịch vụ (n = 412)" in texts(narrow_svgs["sipas"])
    assert "điểm rỗng" in narrow_specs()["sipas"]["title"]["subtitle"][-1]


@given(st.text(alphabet=st.sampled_from("aăâbcđ ếơưỡWM,.-"), max_size=200), st.integers(60, 400))
def test_wrapped_lines_fit_and_keep_every_word(text: str, width: int) -> None:
    lines = wrap(text, width, 12)
    assert [w for line in lines for w in line.split()] == text.split()
    assert all(text_width(line, 12) <= width or " " not in line for line in lines)


def test_a_shortened_name_keeps_its_suffix() -> None:
    long = "Sở Lao động - Thương binh và Xã hội tỉnh Thái Nguyên"
    short = shortened(long, " (n = 37)", 200, 12)
    assert short.endswith("… (n = 37)") and text_width(short, 12) <= 200
    assert short.startswith("Sở Lao động")
    assert shortened("Sở Y tế", " (n = 24)", 200, 12) == "Sở Y tế (n = 24)"


def test_text_is_measured_as_vega_measures_it(narrow_svgs: dict[str, str]) -> None:
    # A Vietnamese letter measures as its base letter; "m" is wider than "i".
    assert text_width("ệ", 12) == text_width("e", 12)
    assert text_width("m", 12) > text_width("i", 12)
    assert text_width("Sở Công Thương", 12, bold=True) > text_width("Sở Công Thương", 12)
