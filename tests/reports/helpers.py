"""What the report tests compare the files with: the document's own rows, written as the
annex writes them."""

from __future__ import annotations

from typing import Any

from chiso.reports.layout import number


def index_text(block: dict[str, Any], row: dict[str, Any]) -> str:
    d = block["display"]
    return number(row["index"], d["index_decimals"], d["rounding"])


def total_text(block: dict[str, Any], row: dict[str, Any]) -> str:
    d = block["display"]
    return number(row["total"], d["points_decimals"], d["rounding"])


def band_line(block: dict[str, Any]) -> str:
    """'Xuất sắc: 3; Tốt: 11; …' counted here from the rows, not by the code under test."""
    counts = [sum(1 for r in block["units"] if r["band"] == b["code"]) for b in block["bands"]]
    return "; ".join(f"{b['label']}: {n}" for b, n in zip(block["bands"], counts, strict=True))
