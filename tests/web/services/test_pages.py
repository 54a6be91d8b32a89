"""The dashboard pages: public ones for a published snapshot only, staff ones for drafts too;
each page with its .json and .csv twins saying the same; synthetic data labelled everywhere;
the overdue dossiers staff-only."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from django.test import Client

from chiso.web.services.models import ServiceSnapshot
from chiso.web.services.services import snapshot_publish

pytestmark = pytest.mark.db

SYNTHETIC = "Dữ liệu tổng hợp (giả lập)"


def _first(snapshot: ServiceSnapshot, level: str) -> dict[str, Any]:
    return next(r for r in snapshot.ranking if r["level"] == level)


def _csv(response: Any) -> list[dict[str, str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_a_draft_is_not_public(snapshot: ServiceSnapshot, client: Client) -> None:
    assert client.get("/chat-luong/2025/").status_code == 404
    assert client.get("/chat-luong/2025.json").status_code == 404
    index = client.get("/chat-luong.json").json()
    assert index["snapshots"] == []


def test_the_public_ranking_and_its_twins(published: ServiceSnapshot, client: Client) -> None:
    page = client.get("/chat-luong/2025/")
    assert page.status_code == 200
    html = page.content.decode()
    assert SYNTHETIC in html
    department = _first(published, "department")
    assert department["name"] in html and "<svg" in html
    widths = re.findall(r'<rect width="([^"]*)" height="12"', html)
    assert widths and all(float(w) >= 0 for w in widths)  # never a decimal comma in SVG
    assert f'href="/chat-luong/2025/{department["unit"]}/"' in html

    data = client.get("/chat-luong/2025.json").json()
    assert data["schema"] == "chiso.public.service-ranking/1"
    assert data["synthetic"] is True and data["synthetic_note"]
    blocks = {b["level"]: b for b in data["blocks"]}
    assert blocks["department"]["units"][0] == department
    rows = _csv(client.get("/chat-luong/2025.csv"))
    assert len(rows) == len(published.ranking)
    assert {r["unit"]: float(r["total"]) for r in rows} == {
        r["unit"]: r["total"] for r in published.ranking
    }

    index = client.get("/chat-luong/").content.decode()
    assert 'href="/chat-luong/2025/"' in index and "dữ liệu tổng hợp" in index


def test_a_unit_page_score_groups_trend_weakest(published: ServiceSnapshot, client: Client) -> None:
    unit = _first(published, "commune")
    page = client.get(f"/chat-luong/2025/{unit['unit']}/")
    html = page.content.decode()
    assert page.status_code == 200 and unit["name"] in html
    assert SYNTHETIC in html
    data = client.get(f"/chat-luong/2025/{unit['unit']}.json").json()
    assert data["unit"]["total"] == unit["total"]
    assert [g["group"] for g in data["groups"]] == ["1", "2", "3", "4", "5", "6"]
    assert sum(g["points"] for g in data["groups"]) == pytest.approx(unit["total"], abs=0.01)
    months = [p for p in data["periods"] if p["grain"] == "month"]
    assert [p["period"] for p in months] == [f"2025-{m:02d}" for m in range(1, 13)]
    lost = [i["lost"] for i in data["weakest"]]
    assert lost == sorted(lost, reverse=True) and 0 < len(lost) <= 5
    assert data["weakest"][0]["title"] in html
    # The overdue dossiers are never on a public page.
    assert "tre-han" not in html and "dossier_id" not in json.dumps(data)
    rows = _csv(client.get(f"/chat-luong/2025/{unit['unit']}.csv"))
    whole = {r["indicator"]: r for r in rows if r["period"] == "2025"}
    assert float(whole["2.1"]["rate"]) == next(
        i["rate"] for i in data["indicators"] if i["indicator"] == "2.1"
    )


def test_the_procedures_drill_down(published: ServiceSnapshot, client: Client) -> None:
    unit = _first(published, "department")["unit"]
    data = client.get(f"/chat-luong/2025/{unit}/thu-tuc.json").json()
    assert data["schema"] == "chiso.public.service-procedures/1"
    on_time = [r for r in data["procedures"] if r["indicator"] == "2.1"]
    assert on_time and data["unit"]["unit"] == unit
    part = published.units.get(unit=unit).document
    whole = next(i for i in part["indicators"] if i["period"] == "2025" and i["indicator"] == "2.1")
    assert sum(r["denominator"] for r in on_time) == whole["denominator"]
    html = client.get(f"/chat-luong/2025/{unit}/thu-tuc/").content.decode()
    assert on_time[0]["procedure_name"] in html
    assert len(_csv(client.get(f"/chat-luong/2025/{unit}/thu-tuc.csv"))) == len(data["procedures"])


def _row(html: str, indicator: str) -> str:
    """The table row of `indicator` in the page's table of every indicator."""
    table = html.split('id="indicators-heading"', 1)[1]
    return next(r for r in table.split("<tr>") if f'<th scope="row">{indicator} ' in r)


def test_each_indicator_is_shown_in_its_own_unit(
    published: ServiceSnapshot, client: Client
) -> None:
    # 2.2, the average processing time, is in days: under a "Tỷ lệ (%)" heading it read as a
    # percentage ("2,20" of what?).
    unit = _first(published, "department")["unit"]
    html = client.get(f"/chat-luong/2025/{unit}/").content.decode()
    assert "Tỷ lệ (%)" not in html and "Kết quả đo" in html
    days = _row(html, "2.2")
    assert re.search(r'<td class="num">\d+,\d\d\xa0ngày</td>', days), days
    assert re.search(r"[\d\u202f]+ ngày / [\d\u202f]+ hồ sơ", days)
    assert re.search(r'<td class="num">\d+,\d\d\xa0%</td>', _row(html, "2.1"))

    data = client.get(f"/chat-luong/2025/{unit}.json").json()
    units = {i["indicator"]: i["rate_unit"] for i in data["indicators"]}
    assert units["2.2"] == "days" and units["2.1"] == "percent"
    assert set(units.values()) == {"percent", "days"}
    assert {t["rate_unit"] for t in data["trend"] if t["indicator"] == "2.2"} == {"days"}
    text = client.get(f"/chat-luong/2025/{unit}.csv").content.decode("utf-8")
    assert text.splitlines()[0].endswith(",status,rate_unit")
    rows = _csv(client.get(f"/chat-luong/2025/{unit}.csv"))
    assert {r["rate_unit"] for r in rows if r["indicator"] == "2.2"} == {"days"}
    assert {r["rate_unit"] for r in rows if r["indicator"] == "2.1"} == {"percent"}

    drill = client.get(f"/chat-luong/2025/{unit}/thu-tuc.json").json()
    columns = {i["indicator"]: i["rate_unit"] for i in drill["indicators"]}
    assert columns["2.2"] == "days" and columns["2.1"] == "percent"
    assert {r["rate_unit"] for r in drill["procedures"] if r["indicator"] == "2.2"} == {"days"}
    procedures = client.get(f"/chat-luong/2025/{unit}/thu-tuc/").content.decode()
    assert ">2.2</abbr><br><small>(ngày)</small>" in procedures
    assert ">2.1</abbr><br><small>(%)</small>" in procedures
    assert {r["rate_unit"] for r in _csv(client.get(f"/chat-luong/2025/{unit}/thu-tuc.csv"))} == {
        "percent", "days",
    }  # fmt: skip


def test_a_snapshot_stored_before_units_were_named_still_says_days(
    published: ServiceSnapshot, client: Client
) -> None:
    info = published.info
    for group in info["groups"]:
        for indicator in group["indicators"]:
            del indicator["unit"]
    ServiceSnapshot.objects.filter(pk=published.pk).update(info=info)
    unit = _first(published, "department")["unit"]
    data = client.get(f"/chat-luong/2025/{unit}.json").json()
    units = {i["indicator"]: i["rate_unit"] for i in data["indicators"]}
    assert units["2.2"] == "days" and units["2.1"] == "percent"


def test_unknown_unit_and_period_are_404(published: ServiceSnapshot, client: Client) -> None:
    assert client.get("/chat-luong/2025/KHONG-CO/").status_code == 404
    assert client.get("/chat-luong/2024/").status_code == 404


def test_the_home_pages_link_the_service_quality_pages(
    snapshot: ServiceSnapshot, chair: Any, admin: Any, client: Client
) -> None:
    assert "/chat-luong/" not in client.get("/").content.decode()  # nothing published yet
    snapshot_publish(snapshot=snapshot, by=chair)
    home = client.get("/").content.decode()
    assert 'href="/chat-luong/2025/"' in home and "Quyết định 766" in home
    client.force_login(admin)
    staff = client.get("/quan-ly/").content.decode()
    assert 'href="/quan-ly/chat-luong/"' in staff
