"""Reading a raw cell (what an office typed in a spreadsheet) into a number a rule can score.

Vietnamese offices write "90,5" with a decimal comma, "95%" with a sign, "có"/"không" for yes and
no; every reader accepts those and refuses anything else with a message in both languages.
"""

from __future__ import annotations

import math
from typing import Any


class InputValueError(ValueError):
    """A raw input that a rule cannot read; the message says why, in English and Vietnamese."""

    def __init__(self, en: str, vi: str):
        super().__init__(en)
        self.en, self.vi = en, vi


TRUE_WORDS = {"1", "x", "true", "yes", "có", "co", "đạt", "dat", "đã thực hiện", "thực hiện"}
FALSE_WORDS = {"0", "", "false", "no", "không", "khong", "không đạt", "chưa", "chưa thực hiện"}


def read_number(raw: Any) -> float:
    """A number from a cell: 90.5, "90,5" (Vietnamese decimal comma), "95%"."""
    if isinstance(raw, bool):
        return float(raw)
    if isinstance(raw, int | float):
        if math.isnan(raw):
            raise InputValueError("empty", "ô trống")
        return float(raw)
    text = str(raw).strip().rstrip("%").strip()
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        raise InputValueError(f"'{raw}' is not a number", f"'{raw}' không phải là số") from None
    if not math.isfinite(value):
        raise InputValueError(f"'{raw}' is not a finite number", f"'{raw}' không phải số hữu hạn")
    return value


def read_rate(raw: Any) -> float:
    value = read_number(raw)
    if not 0 <= value <= 100:
        raise InputValueError(
            f"a rate must be a percentage in [0, 100], not {value:g}",
            f"tỷ lệ phải là phần trăm trong [0, 100], không phải {value:g}",
        )
    return value


def read_count(raw: Any) -> float:
    value = read_number(raw)
    if value < 0 or value != int(value):
        raise InputValueError(
            f"a count must be a whole number ≥ 0, not {value:g}",
            f"số lần phải là số nguyên ≥ 0, không phải {value:g}",
        )
    return value


def is_multiple(value: float, step: float) -> bool:
    ratio = value / step
    return abs(ratio - round(ratio)) < 1e-7
