"""A public page's charts are drawn once for every thread and process: kept as files under the
data folder, read back by later requests, and drawn by one request while the others wait."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from chiso.web.public.chart_files import chart_svg, charts_dir

pytestmark = pytest.mark.db

CHARTS = 3 * 2  # ranking, heatmap, slope; wide and narrow


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Iterator[Path]:
    settings.DATA_DIR = tmp_path
    cache.clear()  # the page fragments, kept in this process
    yield tmp_path
    cache.clear()


def chart_part(html: str) -> str:
    return html[html.index('<figure class="chart">') : html.rindex("</figure>")]


@pytest.mark.django_db(transaction=True)
def test_requests_made_together_draw_each_chart_once(two_years: Any, drawings: list[str]) -> None:
    start = threading.Barrier(2)
    pages: list[str] = []

    def visit() -> None:
        try:
            start.wait()
            pages.append(Client().get("/2024/so/").content.decode())
        finally:
            connection.close()

    visitors = [threading.Thread(target=visit) for _ in range(2)]
    for visitor in visitors:
        visitor.start()
    for visitor in visitors:
        visitor.join()
    assert len(pages) == 2
    assert len(drawings) == CHARTS, drawings
    assert chart_part(pages[0]) == chart_part(pages[1])
    assert len(list(charts_dir().rglob("*.svg"))) == CHARTS
    assert not list(charts_dir().rglob("*.lock"))  # removed once their chart is kept


def test_a_later_request_reads_the_kept_charts(
    client: Client, two_years: Any, drawings: list[str]
) -> None:
    first = client.get("/2024/so/").content.decode()
    assert len(drawings) == CHARTS
    cache.clear()  # as in another server process, or after a restart
    again = client.get("/2024/so/").content.decode()
    assert len(drawings) == CHARTS
    assert chart_part(again) == chart_part(first)
    # English pages have charts of their own, kept beside the Vietnamese ones.
    client.cookies["django_language"] = "en"
    english = client.get("/2024/so/").content.decode()
    assert len(drawings) == 2 * CHARTS
    assert "Index (%)" in chart_part(english)


def test_another_process_reads_the_file_instead_of_drawing(settings: Any) -> None:
    chart = {"chart": "ranking", "source": "1:abc:2024", "language": "vi", "layout": "wide"}
    assert chart_svg(**chart, render=lambda: "<svg>kept</svg>") == "<svg>kept</svg>"
    code = (
        "import django; django.setup()\n"
        "from chiso.web.public.chart_files import chart_svg\n"
        "def fail(): raise SystemExit('drew the chart again')\n"
        f"print(chart_svg(**{chart!r}, render=fail))\n"
    )
    env = {**os.environ, "CHISO_DATA_DIR": str(settings.DATA_DIR)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "<svg>kept</svg>"


def test_a_failed_drawing_keeps_nothing_and_the_next_call_draws(settings: Any) -> None:
    chart = {"chart": "slope", "source": "2:def:2024", "language": "en", "layout": "narrow"}

    def broken() -> str:
        raise RuntimeError("vl-convert failed")

    with pytest.raises(RuntimeError):
        chart_svg(**chart, render=broken)
    assert not list(charts_dir().rglob("*.svg"))
    assert chart_svg(**chart, render=lambda: "<svg>drawn</svg>") == "<svg>drawn</svg>"
