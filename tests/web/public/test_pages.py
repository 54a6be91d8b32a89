"""The public site: pages from published snapshots only, each with JSON and CSV twins."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from chiso.web.evaluations.models import PeriodState
from tests.web.publishing.helpers import many_units, publish_example

pytestmark = pytest.mark.db

SVG = "{http://www.w3.org/2000/svg}"
DOC = Path(__file__).resolve().parents[3] / "docs" / "public-data.md"
PAGES = (
    "/",
    "/index.json",
    "/index.csv",
    "/2024/so/",
    "/2024/so.json",
    "/2024/so.csv",
    "/2024/so/TN.SCT/",
    "/2024/so/TN.SCT.json",
    "/2024/so/TN.SCT.csv",
)


def documented(marker: str) -> list[str]:
    """The field paths (or CSV columns) of one table of docs/public-data.md."""
    table = DOC.read_text(encoding="utf-8").split(f"<!-- {marker} -->\n", 1)[1]
    table = table.split("\n\n", 1)[0]
    return [m[1] for line in table.splitlines() if (m := re.match(r"\| `([^`]+)`", line))]


def present(document: Any, path: str) -> bool:
    """`units[].rank`: every element of the list `units` has the key `rank`."""
    values = [document]
    for part in path.split("."):
        key, many = part.removesuffix("[]"), part.endswith("[]")
        found = []
        for value in values:
            if not isinstance(value, dict) or key not in value:
                return False
            if many:
                if not isinstance(value[key], list) or not value[key]:
                    return False
                found += value[key]
            else:
                found.append(value[key])
        values = found
    return True


def chart_svg(html: str, layout: str = "wide") -> ET.Element:
    """The ranking page's chart: the SVG drawn on the server from its Vega-Lite spec, in its
    wide layout (or the phone's, "narrow")."""
    figure = html.split('<figure class="chart">', 1)[1].split("</figure>", 1)[0]
    divs = ET.fromstring(f"<figure>{figure}</figure>")
    [chart] = [div[0] for div in divs if div.get("class") == f"chart-{layout}"]
    return chart


def chart_bars(chart: ET.Element) -> int:
    """How many bars the chart draws (one path per unit in Vega's bar mark group)."""
    marks = [g for g in chart.iter(f"{SVG}g") if "role-mark" in g.get("class", "")]
    bars = next(g for g in marks if "mark-rect" in g.get("class", ""))
    return len(bars.findall(f"{SVG}path"))


def get_json(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content.decode("utf-8"))


def get_csv(client: Client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_every_page_and_twin_renders_without_login(client: Client, two_years: Any) -> None:
    for url in PAGES:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("url", "marker"),
    [
        ("/2024/so.json", "fields:ranking"),
        ("/2024/so/TN.SCT.json", "fields:unit"),
        ("/index.json", "fields:index"),
    ],
)
def test_every_documented_json_field_is_present(
    client: Client, two_years: Any, url: str, marker: str
) -> None:
    document = get_json(client, url)
    fields = documented(marker)
    assert len(fields) > 10
    missing = [f for f in fields if not present(document, f)]
    assert missing == []


@pytest.mark.parametrize(
    ("url", "marker"),
    [
        ("/2024/so.csv", "columns:ranking"),
        ("/2024/so/TN.SCT.csv", "columns:unit"),
        ("/index.csv", "columns:index"),
    ],
)
def test_csv_columns_are_the_documented_ones_in_order(
    client: Client, two_years: Any, url: str, marker: str
) -> None:
    rows = get_csv(client, url)
    assert rows
    assert list(rows[0]) == documented(marker)


def test_ranking_json_and_csv_agree_at_full_precision(client: Client, two_years: Any) -> None:
    document = get_json(client, "/2024/so.json")
    rows = get_csv(client, "/2024/so.csv")
    assert [r["unit"] for r in rows] == [u["unit"] for u in document["units"]]
    first = document["units"][0]
    assert (first["unit"], first["rank"], first["band"]) == ("TN.SCT", 1, "xuat_sac")
    assert float(rows[0]["index"]) == first["index"]
    assert first["rank_change"] == 0
    assert first["rank_low"] == 1
    assert document["previous_year"] == 2023
    assert document["method"]["status"] == "modelled"


def test_ranking_page(client: Client, two_years: Any) -> None:
    html = client.get("/2024/so/").content.decode()
    assert "Sở Công Thương" in html
    assert "Bộ tiêu chí mô phỏng — dữ liệu minh họa" in html
    assert 'class="band band-xuat_sac"' in html
    assert "90,90" in html  # the method's two decimals, written with a decimal comma
    chart = chart_svg(html)
    assert chart.get("role") == "img" and chart.find(f"{SVG}title") is not None
    assert chart_bars(chart) == 19
    assert "Khoảng hạng" in html
    assert 'href="/2024/so/TN.SCT/"' in html
    assert 'href="/2024/so.json"' in html and 'href="/2024/so.csv"' in html


def test_unit_page(client: Client, two_years: Any) -> None:
    html = client.get("/2024/so/TN.SCT/").content.decode()
    assert "<h1>Sở Công Thương</h1>" in html
    assert "Điểm theo lĩnh vực" in html and html.count('aria-label="') >= 8
    assert "Qua các năm" in html and 'href="/2023/so/TN.SCT/"' in html
    assert "Tiêu chí bị mất điểm nhiều nhất" in html
    assert "Bộ tiêu chí mô phỏng — dữ liệu minh họa" in html


def test_unit_page_lists_what_adds_up_to_the_total(client: Client, two_years: Any) -> None:
    # The components alone (72,53 + 17,37) fell a bonus point short of the total shown (90,90).
    document = get_json(client, "/2024/so/TN.SCT.json")
    unit = document["unit"]
    assert unit["bonus"] > 0 and unit["penalty"] == 0
    parts = sum(c["points"] for c in document["components"])
    assert parts + unit["bonus"] - unit["penalty"] == pytest.approx(unit["total"])
    html = client.get("/2024/so/TN.SCT/").content.decode()
    line = html.split('<p class="components">', 1)[1].split("</p>", 1)[0]
    bonus = f"{unit['bonus']:.2f}".replace(".", ",")
    assert "Theo thành phần:" in line and f"điểm thưởng +{bonus}" in line
    assert "điểm trừ" not in line


def test_unit_json_has_history_and_lost_points_from_the_stored_leaves(
    client: Client, two_years: Any
) -> None:
    document = get_json(client, "/2024/so/TN.SCT.json")
    assert [(h["year"], h["rank"]) for h in document["history"]] == [(2023, 1), (2024, 1)]
    lost = document["lost_points"]
    assert 0 < len(lost) <= 10
    assert [x["gain"] for x in lost] == sorted((x["gain"] for x in lost), reverse=True)
    first = lost[0]
    assert first["lost"] == pytest.approx(first["max"] - (first["points"] or 0))
    assert len(document["fields"]) == 8
    assert sum(f["max"] for f in document["fields"]) == pytest.approx(document["unit"]["max"])


def test_home_headline(client: Client, two_years: Any) -> None:
    document = get_json(client, "/index.json")
    assert document["year"] == 2024
    (block,) = document["blocks"]
    counts = {b["band"]: b["count"] for b in block["bands"]}
    assert counts["xuat_sac"] == 3  # the three excellent departments of the article
    assert sum(counts.values()) == block["units"] == 19
    assert [x["unit"] for x in block["leaders"]] == ["TN.SCT"]
    assert block["most_improved"]["index_change"] > 0
    assert [(s["year"], s["block"]) for s in document["snapshots"]] == [(2024, "so"), (2023, "so")]
    html = client.get("/").content.decode()
    assert "Chỉ số cải cách hành chính năm 2024" in html
    assert "Sở Công Thương" in html and "Tăng nhiều nhất so với năm 2023" in html
    assert "Bộ tiêu chí mô phỏng" in html


def test_home_does_not_call_a_fall_the_most_improved(
    client: Client, two_years: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A year in which every unit lost ground: the largest change is a fall. The home page said
    # "Tăng nhiều nhất so với năm 2024: … (−70,78 điểm chỉ số)".
    from chiso.web.public import views

    real = views.index_document

    def every_unit_fell(*args: Any) -> dict[str, Any]:
        document = real(*args)
        for block in document["blocks"]:
            block["most_improved"] = {**block["most_improved"], "index_change": -70.78}
        return document

    monkeypatch.setattr(views, "index_document", every_unit_fell)
    html = client.get("/").content.decode()
    assert "Tăng nhiều nhất" not in html and "−70,78" not in html
    assert "Không đơn vị nào tăng chỉ số so với năm 2023." in html


@pytest.mark.parametrize(
    "url",
    ["/2022/so/", "/2024/xa/", "/2024/so/TN.KHONG/", "/2024/so/TN.KHONG.json", "/2022/so.csv"],
)
def test_unknown_year_block_or_unit_is_not_found(client: Client, two_years: Any, url: str) -> None:
    assert client.get(url).status_code == 404


def test_a_period_in_council_review_shows_nothing(client: Client, chair: Any) -> None:
    # Even a snapshot row of an unapproved period (which period_publish never writes) stays
    # hidden: the public selectors read published periods only.
    publish_example(2024, "so", by=chair, state=PeriodState.COUNCIL_REVIEW)
    for url in ("/2024/so/", "/2024/so.json", "/2024/so.csv", "/2024/so/TN.SCT/"):
        assert client.get(url).status_code == 404, url
    document = get_json(client, "/index.json")
    assert (document["year"], document["blocks"], document["snapshots"]) == (None, [], [])
    assert "Chưa có kết quả nào được công bố" in client.get("/").content.decode()
    assert get_csv(client, "/index.csv") == []


def test_pages_never_call_the_engine(
    client: Client, two_years: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chiso.engine
    import chiso.engine.par
    import chiso.web.publishing.build

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a public page called the engine")

    for name in ("compute_par", "prepare_inputs", "build_method", "rank_intervals"):
        monkeypatch.setattr(chiso.engine, name, refuse)
    monkeypatch.setattr(chiso.engine, "compare_years", refuse)
    monkeypatch.setattr(chiso.engine.par, "compute_par", refuse)
    monkeypatch.setattr(chiso.web.publishing.build, "snapshot_build", refuse)
    for url in PAGES:
        assert client.get(url).status_code == 200, url


def test_pages_are_not_allowed_to_write(client: Client, two_years: Any) -> None:
    assert client.post("/2024/so/").status_code == 405


def test_queries_are_bounded_for_150_units(
    client: Client, chair: Any, django_assert_max_num_queries: Any
) -> None:
    units, rows = many_units(150)
    publish_example(2023, "so", by=chair, units=units, rows=rows)
    publish_example(2024, "so", by=chair, units=units, rows=rows)
    for url in ("/", "/2024/so/", "/2024/so.json", "/2024/so/TN.S149/", "/2024/so/TN.S149.json"):
        # A constant number, whatever the units: the snapshots, the downloads box, the SIPAS link
        # (and on the home page the service-quality link).
        with django_assert_max_num_queries(6 if url == "/" else 5):
            assert client.get(url).status_code == 200, url
    html = client.get("/2024/so/").content.decode()
    assert chart_bars(chart_svg(html)) == chart_bars(chart_svg(html, "narrow")) == 150
