"""Intervals with explicit bound inclusivity, written as in a Vietnamese decision.

Method files write a range the way a maths textbook does: ``[90, 100]``, ``[70, 90)``,
``(90, inf)`` — a square bracket includes the bound, a round one excludes it. The Vietnamese
separator ``;`` is accepted too (``[70; 90)``). Whether "90" belongs to the upper or the lower
band is a province's choice, so it is always written, never assumed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

_NUMBER = r"[-+]?(?:inf|∞|\d+(?:[.,]\d+)?)"
_INTERVAL = re.compile(
    rf"^\s*(?P<lo_br>[\[(])\s*(?P<lo>{_NUMBER})\s*[;,]\s*(?P<hi>{_NUMBER})\s*(?P<hi_br>[\])])\s*$"
)
# A comma is both the Vietnamese decimal mark and a separator; we only take "," as a decimal
# mark when ";" separates the bounds, e.g. "[70,5; 90)".
_INTERVAL_SEMICOLON = re.compile(
    rf"^\s*(?P<lo_br>[\[(])\s*(?P<lo>{_NUMBER})\s*;\s*(?P<hi>{_NUMBER})\s*(?P<hi_br>[\])])\s*$"
)


@dataclass(frozen=True)
class Interval:
    lower: float
    lower_inclusive: bool
    upper: float
    upper_inclusive: bool

    def contains(self, x: float) -> bool:
        above = x > self.lower or (self.lower_inclusive and x == self.lower)
        below = x < self.upper or (self.upper_inclusive and x == self.upper)
        return above and below

    def mask(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        above = (x >= self.lower) if self.lower_inclusive else (x > self.lower)
        below = (x <= self.upper) if self.upper_inclusive else (x < self.upper)
        return np.asarray(above & below)

    def __str__(self) -> str:
        lo = "[" if self.lower_inclusive else "("
        hi = "]" if self.upper_inclusive else ")"
        return f"{lo}{_fmt(self.lower)}, {_fmt(self.upper)}{hi}"


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "-inf" if x < 0 else "inf"
    return f"{x:g}"


def _number(text: str) -> float:
    text = text.replace("∞", "inf").replace(",", ".")
    return float(text)


def parse_interval(text: str) -> Interval:
    """Parse ``[70, 90)`` and friends; raises ValueError with a plain message."""
    if not isinstance(text, str):
        raise ValueError(f"expected an interval such as '[70, 90)', got {text!r}")
    match = _INTERVAL_SEMICOLON.match(text) or _INTERVAL.match(text)
    if not match:
        raise ValueError(f"'{text}' is not an interval such as '[70, 90)' or '[90; inf)'")
    lower, upper = _number(match["lo"]), _number(match["hi"])
    if lower > upper:
        raise ValueError(f"'{text}': the lower bound is above the upper bound")
    interval = Interval(lower, match["lo_br"] == "[", upper, match["hi_br"] == "]")
    if lower == upper and not (interval.lower_inclusive and interval.upper_inclusive):
        raise ValueError(f"'{text}' is empty")
    return interval


@dataclass(frozen=True)
class CoverageIssue:
    kind: str  # "gap" or "overlap"
    lower: float
    upper: float

    def __str__(self) -> str:
        """'89 → 90' for a stretch, '80' for a single point left out or claimed twice."""
        if self.lower == self.upper:
            return _fmt(self.lower)
        return f"{_fmt(self.lower)} → {_fmt(self.upper)}"


def coverage_issues(
    intervals: Sequence[Interval], lower: float, upper: float
) -> list[CoverageIssue]:
    """Gaps and overlaps of `intervals` over [lower, upper] (bounds included)."""
    if not intervals:
        return [CoverageIssue("gap", lower, upper)]
    ordered = sorted(intervals, key=lambda i: (i.lower, not i.lower_inclusive))
    first = ordered[0]
    issues: list[CoverageIssue] = []
    if first.lower > lower or (first.lower == lower and not first.lower_inclusive):
        issues.append(CoverageIssue("gap", lower, first.lower))
    reached, reached_inclusive = first.upper, first.upper_inclusive
    for interval in ordered[1:]:
        issues.extend(_join(reached, reached_inclusive, interval))
        if (interval.upper, interval.upper_inclusive) > (reached, reached_inclusive):
            reached, reached_inclusive = interval.upper, interval.upper_inclusive
    if reached < upper or (reached == upper and not reached_inclusive):
        issues.append(CoverageIssue("gap", reached, upper))
    return issues


def _join(reached: float, reached_inclusive: bool, nxt: Interval) -> list[CoverageIssue]:
    if nxt.lower > reached:
        return [CoverageIssue("gap", reached, nxt.lower)]
    if nxt.lower < reached:
        return [CoverageIssue("overlap", nxt.lower, reached)]
    if reached_inclusive and nxt.lower_inclusive:
        return [CoverageIssue("overlap", reached, reached)]
    if not reached_inclusive and not nxt.lower_inclusive:
        return [CoverageIssue("gap", reached, reached)]
    return []
