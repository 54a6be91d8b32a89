"""Numbers, band labels and small bars for the HTML pages: rounded as the method says, written
the Vietnamese way (decimal comma); the ranking chart is drawn from its Vega-Lite spec
(`charts.py`)."""

from __future__ import annotations

from typing import Any

from chiso.engine.numbers import display
from chiso.io.results import STATUS_LABELS
from chiso.web.i18n import active_language

NO_BAND_COLOUR = "#bbbbbb"


def number(value: float | None, decimals: int, rounding: str = "half_up") -> str:
    """90.9 → '90,90' at 2 decimals; empty for no value."""
    return display(value, decimals, rounding).replace(".", ",")


def signed(value: float | None, decimals: int, rounding: str = "half_up") -> str:
    if value is None:
        return ""
    text = number(abs(value), decimals, rounding)
    if text.strip("0,") == "":
        return "±" + text
    return ("+" if value > 0 else "−") + text


def rank_move(change: int | None) -> str:
    """+2 → '▲ 2' (moved up two places), −1 → '▼ 1', 0 → '='."""
    if change is None:
        return ""
    if change == 0:
        return "="
    return f"▲ {change}" if change > 0 else f"▼ {-change}"


def status_text(status: str) -> str:
    """What a page prints about a method's status (modelled, reproduction), in the interface
    language: the data keep the Vietnamese label, English pages take the English one."""
    vietnamese, english = STATUS_LABELS.get(status, ("", ""))
    return english if active_language() == "en" and english else vietnamese


def band_colours(bands: list[dict[str, Any]]) -> dict[str | None, str]:
    colours: dict[str | None, str] = {b["code"]: b["color"] or NO_BAND_COLOUR for b in bands}
    colours[None] = NO_BAND_COLOUR
    return colours


def small_bar(value: float | None, colour: str, width: int = 120) -> dict[str, Any]:
    """One bar of a value 0–100 inside a `width`-pixel box (a field's index, a year's index)."""
    share = max(0.0, min(value or 0.0, 100.0)) / 100.0
    return {"width": width, "fill": round(width * share, 2), "colour": colour}


def band_labels(document: dict[str, Any]) -> dict[str, str]:
    """Band code → its label in the interface language. The data (JSON, CSV) keeps the
    published Vietnamese label; English pages use the method's `label_en` where it has one."""
    english = active_language() == "en"
    return {
        b.get("code") or b["band"]: (b.get("label_en") or b["label"]) if english else b["label"]
        for b in document.get("bands", [])
    }
