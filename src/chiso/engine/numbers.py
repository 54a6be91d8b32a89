"""Numbers as a province writes them: fractions of points, and rounding only for display."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

# Ranking and band comparisons happen at this many decimals: far finer than any published
# table (1–3 decimals) yet coarse enough that float noise (58.50 + 31.55 vs 58.25 + 31.80)
# never splits a true tie.
COMPARE_DECIMALS = 9

_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}


def parse_points(value: Any) -> float | None:
    """Points as written in a method file: a number or a fraction such as '10/3'; else None."""
    try:
        if isinstance(value, str):
            numerator, denominator = value.split("/")
            return float(Fraction(numerator.strip()) / Fraction(denominator.strip()))
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    except (ValueError, ZeroDivisionError):
        return None
    return None


def display(value: float | None, decimals: int, rounding: str) -> str:
    """Round for display only. The float's shortest repr is rounded in decimal, so 2.675 with
    `half_up` gives 2.68 as a person (and Excel) expects, not 2.67 as binary floats would."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    quantum = Decimal(1).scaleb(-decimals)
    return str(Decimal(repr(float(value))).quantize(quantum, rounding=_MODES[rounding]))


def comparable(value: float) -> float:
    """The value used to compare units (ranks, ties, band bounds at full precision)."""
    return round(value, COMPARE_DECIMALS)
