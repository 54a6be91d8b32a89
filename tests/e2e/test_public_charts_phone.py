"""The public charts on a phone, in a real browser: each one fills the page's width, its letters
are readable, no two texts overlap, and nothing makes the page scroll sideways. On a wide
screen the wide layout is shown at its own size."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.db, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}  # CSS pixels
PAGES = {"ranking": "/2024/so/", "unit": "/2024/so/TN.SCT/", "sipas": "/2024/sipas/"}
SCREENSHOT_DIR = os.environ.get("CHISO_E2E_SCREENSHOTS")  # set to keep the screenshots
READABLE = 11.0
"""The smallest letter, in CSS pixels, that a chart may draw on a phone."""

# For the visible chart of each figure: its box, the page's content width, every text's box
# and drawn font size (its SVG size × the chart's scale on the page).
MEASURE = """
figure => {
  const svg = [...figure.querySelectorAll('svg')].find(s => s.getBoundingClientRect().width > 0);
  const box = svg.getBoundingClientRect();
  const scale = box.width / svg.viewBox.baseVal.width;
  const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize) * scale,
            left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  });
  return {width: box.width, container: figure.getBoundingClientRect().width,
          title: svg.querySelector('title').textContent, texts};
}
"""


@pytest.fixture
def published(chair: Any) -> None:
    from tests.web.publishing.helpers import example_units, publish_example, publish_example_sipas

    publish_example(2023, "so", by=chair)
    errors = {(u.code, "survey"): 1.0 for u in example_units("so")}
    publish_example(2024, "so", by=chair, standard_errors=errors)
    # The example's three communes named as the three longest-named departments.
    longest = sorted((u.name for u in example_units("so")), key=len, reverse=True)[:3]
    publish_example_sipas(chair, lambda codes: dict(zip(codes, longest, strict=True)))


@pytest.fixture
def chair(db: None) -> Any:
    from tests.web.factories import RoleAssignmentFactory

    return RoleAssignmentFactory(chair=True).user


def overlapping(texts: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes overlap (by more than a pixel each way)."""
    pairs = []
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            across = min(a["right"], b["right"]) - max(a["left"], b["left"])
            down = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if across > 1 and down > 1:
                pairs.append((a["text"], b["text"]))
    return pairs


def test_the_public_charts_on_a_phone(browser: Any, live_server: Any, published: None) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    for name, path in PAGES.items():
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
        figures = page.locator("figure.chart").all()
        assert figures, name
        for n, figure in enumerate(figures):
            chart = figure.evaluate(MEASURE)
            where = f"{name} chart {n + 1}: {chart['title']}"
            # The page's width, not a wide chart scaled down to it.
            assert chart["width"] == pytest.approx(chart["container"], abs=1), where
            small = [t for t in chart["texts"] if t["size"] < READABLE]
            assert not small, (where, small[:3])
            assert not overlapping(chart["texts"]), (where, overlapping(chart["texts"])[:3])
            if SCREENSHOT_DIR:
                figure.screenshot(path=str(Path(SCREENSHOT_DIR) / f"phone-{name}-{n + 1}.png"))
    context.close()


def test_a_wide_screen_shows_the_wide_charts_at_their_size(
    browser: Any, live_server: Any, published: None
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server.url + PAGES["sipas"])
    chart = page.locator("figure.chart").first.evaluate(MEASURE)
    # Drawn at its own size (not blown up to the page's 1,120 pixels), letters as designed.
    assert chart["width"] < chart["container"] and chart["width"] < 760
    assert min(t["size"] for t in chart["texts"]) >= 10
    page.close()
