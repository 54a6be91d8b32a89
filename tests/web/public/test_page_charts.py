"""Charts on the public pages: the reports' own Vega-Lite specs, drawn to SVG on the server — the
ranking bars, the field heatmap and the slope on a block's page, the history on a unit's page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client

from chiso.reports import charts
from chiso.web.publishing.selectors import snapshot_of
from tests.web.publishing.helpers import publish_example

pytestmark = pytest.mark.db

SVG = "{http://www.w3.org/2000/svg}"


def figures(html: str, layout: str = "wide") -> list[ET.Element]:
    """Every chart of the page, in order, in its wide (or narrow) layout."""
    parts = html.split('<figure class="chart">')[1:]
    charts_ = []
    for part in parts:
        figure = ET.fromstring(f"<figure>{part.split('</figure>', 1)[0]}</figure>")
        [chart] = [div[0] for div in figure if div.get("class") == f"chart-{layout}"]
        charts_.append(chart)
    return charts_


def title(chart: ET.Element) -> str:
    found = chart.find(f"{SVG}title")
    assert found is not None and found.text is not None
    return found.text


def marks(chart: ET.Element, kind: str, element: str = "path") -> list[ET.Element]:
    """The drawn items of Vega's `kind` marks (rect: heatmap cells; line: one path per unit;
    symbol: a point; rule: a `line` element each)."""
    groups = [
        g
        for g in chart.iter(f"{SVG}g")
        if f"mark-{kind}" in (c := g.get("class", "")) and "role-mark" in c
    ]
    return [p for g in groups for p in g.findall(f"{SVG}{element}")]


def test_the_block_page_has_the_ranking_heatmap_and_slope(client: Client, two_years: Any) -> None:
    html = client.get("/2024/so/").content.decode()
    ranking, heatmap, slope = figures(html)
    assert title(ranking) == "Chỉ số CCHC năm 2024: Khối sở, ban, ngành"
    assert title(heatmap) == "Chỉ số theo lĩnh vực năm 2024: Khối sở, ban, ngành"
    assert len(marks(heatmap, "rect")) == 19 * 8  # a cell per department and field
    assert title(slope) == "Chỉ số CCHC năm 2023 và năm 2024: Khối sở, ban, ngành"
    assert len(marks(slope, "line")) == 19
    # The very spec the reports embed (the same SVG bytes, but for the page's own wrapping).
    snapshot = snapshot_of(2024, "so", full=True)
    assert snapshot is not None
    from chiso.web.public.documents import ranking_document

    spec = charts.field_heatmap_spec(ranking_document(snapshot), snapshot.results["fields"])
    assert charts.render_svg(spec) in html


def test_a_first_year_has_no_slope(client: Client, chair: Any) -> None:
    publish_example(2023, "so", by=chair)
    html = client.get("/2023/so/").content.decode()
    assert len(figures(html)) == 2
    assert "So với năm" not in html
    # One published year: the unit's history is a one-row table, without a chart.
    assert figures(client.get("/2023/so/TN.SCT/").content.decode()) == []


def test_the_unit_page_draws_its_history(client: Client, two_years: Any) -> None:
    html = client.get("/2024/so/TN.SCT/").content.decode()
    [history] = figures(html)
    assert title(history) == "Chỉ số CCHC qua các năm: Sở Công Thương"
    assert "2023: 90,30, 2024: 90,90" in (history.find(f"{SVG}desc").text or "")
    # Last year's page shows every published year too.
    assert len(figures(client.get("/2023/so/TN.SCT/").content.decode())) == 1


def test_english_pages_take_the_chart_texts_from_the_catalogue(
    client: Client, two_years: Any
) -> None:
    vietnamese = [title(c) for c in figures(client.get("/2024/so/").content.decode())]
    client.cookies["django_language"] = "en"
    english = [title(c) for c in figures(client.get("/2024/so/").content.decode())]
    # Translated messages ("…, block"), not the Vietnamese texts of the reports ("…: block").
    assert len(english) == 3
    assert all(
        e != v and "Khối sở, ban, ngành" in e for e, v in zip(english, vietnamese, strict=True)
    )


# --- SIPAS ----------------------------------------------------------------------------------------


@pytest.fixture
def sipas_2024(chair: Any) -> Any:
    """2024's SIPAS from the example answers (42, 40 and 38 respondents), the last unit below
    the minimum sample."""
    from tests.web.publishing.helpers import publish_example_sipas

    return publish_example_sipas(chair)


def test_the_sipas_page_draws_the_reports_interval_spec(client: Client, sipas_2024: Any) -> None:
    from chiso.web.public.report_files import province_sipas

    html = client.get("/2024/sipas/").content.decode()
    [chart] = figures(html)
    assert title(chart) == "SIPAS năm 2024: chỉ số và khoảng tin cậy"
    units = sipas_2024.document["units"]
    shown = [u for u in units if u["overall"] is not None]
    assert len(marks(chart, "symbol")) == len(shown)  # a point per unit with an estimate
    assert len(marks(chart, "rule", "line")) == len(shown)  # and its interval
    # A unit below the minimum sample has a hollow point, and the chart says what that means.
    unranked = [u for u in shown if not u["ranked"]]
    assert unranked
    fills = [p.get("fill") for p in marks(chart, "symbol")]
    assert fills.count("white") == len(unranked)
    assert "điểm rỗng: chưa đủ mẫu để xếp hạng" in ET.tostring(chart, encoding="unicode")
    # The shared spec, with the very rows the province report plots: one chart, one look.
    rows = province_sipas(sipas_2024)
    assert rows is not None
    spec = charts.sipas_spec(rows, title="SIPAS năm 2024: chỉ số và khoảng tin cậy")
    assert charts.render_svg(spec) in html


def test_the_sipas_chart_speaks_english_on_english_pages(client: Client, sipas_2024: Any) -> None:
    client.cookies["django_language"] = "en"
    [chart] = figures(client.get("/2024/sipas/").content.decode())
    assert "năm" not in title(chart) and "2024" in title(chart)


# --- on a phone ---------------------------------------------------------------------------------


def test_every_public_chart_has_a_phone_layout_of_the_same_chart(
    client: Client, two_years: Any, sipas_2024: Any
) -> None:
    from chiso.reports.chart_style import NARROW_FONT, NARROW_WIDTH

    pages = {"/2024/so/": 3, "/2024/so/TN.SCT/": 1, "/2024/sipas/": 1}
    for url, count in pages.items():
        html = client.get(url).content.decode()
        wide, narrow = figures(html), figures(html, "narrow")
        assert len(wide) == len(narrow) == count, url
        for big, small in zip(wide, narrow, strict=True):
            # The same chart: its title (wrapped over lines on the phone) and description.
            assert " ".join(title(small).split()) == title(big), url
            assert small.find(f"{SVG}desc").text == big.find(f"{SVG}desc").text  # type: ignore[union-attr]
            # Drawn for a phone: no wider than 340 pixels, no letter under 12.
            assert float(small.get("width", "0")) <= NARROW_WIDTH, (url, title(small))
            sizes = {
                float(t.get("font-size", "0").removesuffix("px"))
                for t in small.iter(f"{SVG}text")
                if t.get("font-size")
            }
            assert sizes and min(sizes) >= NARROW_FONT, (url, title(small), sizes)


def test_the_phone_layout_keeps_every_name_and_number(
    client: Client, two_years: Any, sipas_2024: Any
) -> None:
    html = client.get("/2024/so/").content.decode()
    ranking, heatmap, slope = figures(html, "narrow")
    drawn = [t.text for t in ranking.iter(f"{SVG}text")]
    assert "Sở Công Thương" in drawn and "90,90" in drawn
    assert len(marks(ranking, "rect")) == 19  # a bar per department
    assert len(marks(heatmap, "rect")) == 19 * 8
    assert len(marks(slope, "line")) == 19
    sipas = figures(client.get("/2024/sipas/").content.decode(), "narrow")[0]
    shown = [u for u in sipas_2024.document["units"] if u["overall"] is not None]
    assert len(marks(sipas, "symbol")) == len(shown)
    labels = " ".join(t.text or "" for t in sipas.iter(f"{SVG}text"))
    assert all(f"(n = {u['n']})" in labels for u in shown)
