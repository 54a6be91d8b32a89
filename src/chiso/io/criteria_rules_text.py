"""Reading scoring rules out of the Vietnamese text of a criteria annex, conservatively.

A rule is inferred only when the whole guidance text is a clean list of outcomes, each
"<condition>: <x> điểm" (or "<x> điểm: <condition>"), optionally after an introduction line
without points. Anything else — deductions ("trừ", "mỗi"), products ("x điểm tối đa"),
discretion ("tùy mức độ"), a line without points among the outcomes — gives no rule, and the
leaf is scored `manual`. A wrong guess is worse than none.

- `threshold`: every condition is a rate in %; the bands must cover 0–100 exactly once and the
  best band must give the max. Bounds are read as follows:
  "từ X% trở lên", "X% trở lên", "từ X%", "≥ X%" → [X, 100];
  "trên X%", "> X%" → (X, 100]; "dưới X%", "< X%", "chưa đạt X%" → [0, X);
  "X% trở xuống", "không quá X%", "tối đa X%", "≤ X%" → [0, X];
  "từ X% đến dưới Y%" → [X, Y); "từ X% đến Y%", "X% - Y%" → [X, Y] ("đến" includes its bound);
  "trên X% đến Y%" → (X, Y]; "đạt 100%", "100%" → [100, 100].
  A reading that overlaps or leaves a gap (e.g. "từ 70% đến 90%" next to "từ 90% trở lên")
  gives no rule: the reviewer decides which band holds 90.
- `binary`: exactly two outcomes, no rate, the max and 0.
- `levels`: two or more outcomes, no rate, one gives the max and one gives 0 (so the list is
  complete); codes `muc_1`, `muc_2` … in the order written, labels as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chiso.engine.intervals import Interval, coverage_issues

EPS = 1e-9
_NUM = r"\d+(?:[.,]\d+)?"
_PTS_WORD = r"(?:điểm|diem|đ)"


def fold(text: str) -> str:
    """Lower case, no diacritics (đ → d), single spaces: for matching only, never for output."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", bare).strip().lower()


def to_number(text: str) -> float:
    """'2,5' (decimal comma) or '0.5' as a float."""
    return float(text.replace(",", "."))


def read_points_text(text: str) -> float | None:
    """Max points as written in a cell: '2', '2,5', '0.5', '2 điểm', '(2 đ)', 'tối đa 2'."""
    folded = fold(text)
    match = re.fullmatch(rf"\(?\s*(?:toi da\s*)?({_NUM})\s*(?:diem|d\.?)?\s*\)?", folded)
    return to_number(match[1]) if match else None


def tidy_number(value: float) -> int | float:
    """2.0 → 2, 0.1 + 0.2 → 0.3: how points are written in a method file."""
    value = round(value, 9)
    return int(value) if value.is_integer() else value


# --- outcomes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    condition: str  # as written, for labels
    folded: str  # for matching
    points: float


_END = re.compile(
    rf"^(?P<cond>.*?)\s*[:=]?\s*(?:thì\s+)?(?:được\s+|đạt\s+|cho\s+|chấm\s+|tính\s+)?"
    rf"(?P<pts>{_NUM})\s*{_PTS_WORD}\s*[.)]?$",
    re.IGNORECASE,
)
_START = re.compile(rf"^(?P<pts>{_NUM})\s*{_PTS_WORD}\s*[:\-–]\s*(?P<cond>.+)$", re.IGNORECASE)
_REFUSE = re.compile(
    r"\btru\b(?! so)|\bmoi\b|\bcu (?:moi|\d)|\bcong them\b|\bduoc cong\b|\bdiem thuong\b"
    r"|\btuy\b|\bnhan voi\b|\bx\b|[×*]|toi da \d|ti le thuan|ty le thuan|can cu muc do"
    r"|\bdiem toi da\b"
)
_BULLET = re.compile(r"^(?:[\s\-–—+•*·]+|(?:[a-zđ]|\d{1,2})[.)]\s+)", re.IGNORECASE)


def split_clauses(text: str) -> list[str]:
    """Lines, ';'-parts and sentences of a text, without bullets; empty parts dropped."""
    parts = re.split(r"[;\n]|(?<=[^\d\s])\.\s+", unicodedata.normalize("NFC", text))
    clauses = [_BULLET.sub("", part.strip()).strip() for part in parts]
    return [clause for clause in clauses if clause]


def _outcome(clause: str) -> Outcome | None:
    match = _END.match(clause) or _START.match(clause)
    if not match:
        return None
    raw = match["cond"].strip()
    if re.search(rf"\d\s*[-–]\s*$|\b(?:đến|tới|từ)\s*$|{_NUM}\s*{_PTS_WORD}\b", raw, re.IGNORECASE):
        return None  # a range of points ("0,5 - 1 điểm") or a second mention of points
    condition = raw.rstrip(" :=(-–").strip()
    return Outcome(condition, fold(condition), to_number(match["pts"])) if condition else None


def parse_outcomes(text: str) -> list[Outcome] | None:
    """The outcomes of a clean outcome list, or None when the text is anything else."""
    if _REFUSE.search(fold(text)):
        return None
    outcomes: list[Outcome] = []
    for clause in split_clauses(text):
        outcome = _outcome(clause)
        if outcome is not None:
            outcomes.append(outcome)
        elif outcomes or re.search(r"%|\d\s*(?:diem|d)\b", fold(clause)):
            return None  # a line among the outcomes, or points we cannot read
    return outcomes or None


# --- rates --------------------------------------------------------------------------------------

_P = r"(\d+(?:\.\d+)?)\s*%"
_TWO = re.compile(
    rf"(?P<lo_op>tren|>|lon hon)?\s*(?:tu\s*)?{_P}\s*(?:den|toi|-|–|~)\s*"
    rf"(?P<hi_op>duoi|<=|≤|<|nho hon)?\s*{_P}"
)
_ONE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"{_P}\s*tro len"), "[x, 100]"),
    (re.compile(rf"{_P}\s*tro xuong"), "[0, x]"),
    (re.compile(rf"(?:duoi|nho hon|chua dat|<(?!=))\s*{_P}"), "[0, x)"),
    (re.compile(rf"(?:tren|lon hon|cao hon|vuot|>(?!=))\s*{_P}"), "(x, 100]"),
    (re.compile(rf"(?:khong qua|toi da|<=|≤)\s*{_P}"), "[0, x]"),
    (re.compile(rf"(?:\btu|>=|≥)\s*{_P}"), "[x, 100]"),
]


def rate_interval(folded: str) -> Interval | None:
    """The rate interval a condition states, or None when it cannot be read for sure."""
    text = re.sub(r"(\d),(\d)", r"\1.\2", folded)
    count = len(re.findall(r"\d\s*%", text))
    if count == 2:
        match = _TWO.search(text)
        if not match:
            return None
        lo, hi = float(match[2]), float(match[4])
        low_open, high_open = bool(match["lo_op"]), match["hi_op"] in ("duoi", "<", "nho hon")
        return Interval(lo, not low_open, hi, not high_open) if lo < hi else None
    if count == 1:
        return _one_bound(text)
    return None


def _one_bound(text: str) -> Interval | None:
    for pattern, shape in _ONE:
        match = pattern.search(text)
        if match:
            x = float(match[1])
            lo, hi = (x, 100.0) if shape.startswith(("[x", "(x")) else (0.0, x)
            return Interval(lo, shape[0] == "[", hi, shape[-1] == "]") if lo <= hi else None
    match = re.search(r"(?:^|dat\s*)100\s*%", text)
    return Interval(100.0, True, 100.0, True) if match else None


def _range_text(interval: Interval) -> str:
    return str(interval)


# --- rules --------------------------------------------------------------------------------------


def infer_rule(text: str, max_: float) -> dict[str, Any] | None:
    """A `threshold`, `binary` or `levels` rule read from the guidance, or None."""
    outcomes = parse_outcomes(text) if text.strip() else None
    if not outcomes or any(o.points > max_ + EPS for o in outcomes):
        return None
    if not any(abs(o.points - max_) < EPS for o in outcomes):
        return None
    if any("%" in o.folded for o in outcomes):
        return _threshold(outcomes)
    has_zero = any(o.points < EPS for o in outcomes)
    if len(outcomes) == 2 and has_zero:
        return {"kind": "binary"}
    if len(outcomes) > 2 and has_zero:
        return _levels(outcomes)
    return None


def _threshold(outcomes: list[Outcome]) -> dict[str, Any] | None:
    intervals = [rate_interval(o.folded) for o in outcomes]
    if any(i is None for i in intervals):
        return None
    found = [i for i in intervals if i is not None]
    if coverage_issues(found, 0.0, 100.0):
        return None
    bands = [
        {"range": _range_text(i), "points": tidy_number(o.points)}
        for i, o in zip(found, outcomes, strict=True)
    ]
    return {"kind": "threshold", "bands": bands}


def _levels(outcomes: list[Outcome]) -> dict[str, Any] | None:
    if len({o.folded for o in outcomes}) != len(outcomes):
        return None
    levels = [
        {"code": f"muc_{i}", "label": o.condition, "points": tidy_number(o.points)}
        for i, o in enumerate(outcomes, start=1)
    ]
    return {"kind": "levels", "levels": levels}


def manual_rule(text: str, max_: float) -> dict[str, Any]:
    """`manual` in steps of 0.5 when the max and every number of points in the text (at least
    one) are multiples of 0.5; else 0.25, or finer when the max needs it."""
    numbers = [to_number(n) for n in re.findall(rf"({_NUM})\s*(?:diem|d)\b", fold(text))]
    if numbers and all(_multiple(x, 0.5) for x in [max_, *numbers]):
        return {"kind": "manual", "step": 0.5}
    for step in (0.25, 0.05, 0.01):
        if _multiple(max_, step):
            return {"kind": "manual", "step": step}
    return {"kind": "manual", "step": "any"}


def _multiple(value: float, step: float) -> bool:
    ratio = value / step
    return abs(ratio - round(ratio)) < 1e-7


# --- where the points come from -----------------------------------------------------------------

_SIPAS = re.compile(r"chi so hai long|\bsipas\b")
_SURVEY = re.compile(
    r"dieu tra xa hoi hoc|\bdtxhh\b|(?:ket qua|diem|qua|thong qua|theo|tu|bang) "
    r"(?:cuoc |viec |phieu )?khao sat"
)
_ORGANISE = re.compile(
    r"(?:to chuc|thuc hien|trien khai|xay dung|ban hanh)(?: \S+){0,4} "
    r"(?:khao sat|dieu tra|do luong)"
)


def infer_source(texts: Iterable[str]) -> str:
    """`sipas`, `survey` or `appraisal`: the first text (most specific first) that says the
    points come from the SIPAS index or a survey decides. A text saying the unit itself
    organises a survey ("tổ chức khảo sát …") says nothing about the source."""
    for text in texts:
        folded = fold(text)
        if not folded or _ORGANISE.search(folded):
            continue
        if _SIPAS.search(folded):
            return "sipas"
        if _SURVEY.search(folded):
            return "survey"
    return "appraisal"
