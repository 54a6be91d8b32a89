"""Scoring-rule kinds: a plain registry, name → how to check, read and score a leaf.

Adding a kind is one `RuleKind` in `RULES`, one section in the generated reference (from
`summary` and `example`), and one hand-checked test. Each kind reads a raw input (a cell of a
scores file) into one number in its own domain — a rate in %, a count, a level's points — and
scores a whole column of units at once, vectorised.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from chiso.engine.intervals import Interval, coverage_issues, parse_interval
from chiso.engine.problems import Problem
from chiso.engine.reading import (
    FALSE_WORDS,
    TRUE_WORDS,
    InputValueError,
    is_multiple,
    read_count,
    read_number,
    read_rate,
)

Array = npt.NDArray[np.float64]
Params = Mapping[str, Any]

# Tolerance for comparing points written in decimal (0.25 steps, sums of children).
EPS = 1e-9


@dataclass(frozen=True)
class RuleExample:
    rule: Mapping[str, Any]
    max: float
    inputs: tuple[tuple[Any, float], ...]  # (raw input, expected points)


@dataclass(frozen=True)
class RuleKind:
    name: str
    summary_vi: str
    summary_en: str
    input_en: str
    schema: Mapping[str, Any]
    check: Callable[[Params, float, str], list[Problem]]
    read: Callable[[Params, Any], float]
    score: Callable[[Params, float, Array], Array]
    example: RuleExample
    notes: list[str] = field(default_factory=list)


# --- binary -------------------------------------------------------------------------------------


def _read_binary(params: Params, raw: Any) -> float:
    text = str(raw).strip().lower()
    if text in TRUE_WORDS:
        return 1.0
    if text in FALSE_WORDS:
        return 0.0
    try:  # 1, 0, and "1.0" as spreadsheets and pandas export them
        value = read_number(raw)
    except InputValueError:
        value = math.nan
    if value in (0.0, 1.0):
        return value
    raise InputValueError(
        f"'{raw}' is not yes/no (use 1 or 0, có or không)",
        f"'{raw}' không phải có/không (dùng 1 hoặc 0, có hoặc không)",
    )


def _no_check(params: Params, max_: float, where: str) -> list[Problem]:
    return []


# --- levels -------------------------------------------------------------------------------------


def _check_levels(params: Params, max_: float, where: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for level in params["levels"]:
        code = str(level["code"])
        if code.lower() in seen:
            problems.append(Problem("PAR025", where, {"level": code}))
        seen.add(code.lower())
        if level["points"] > max_ + EPS:
            problems.append(
                Problem("PAR024", where, {"level": code, "points": level["points"], "max": max_})
            )
    if not any(abs(level["points"] - max_) < EPS for level in params["levels"]):
        problems.append(Problem("PAR028", where, {"max": max_}))
    return problems


def _read_level(params: Params, raw: Any) -> float:
    text = str(raw).strip().lower()
    for level in params["levels"]:
        if text in (str(level["code"]).lower(), str(level.get("label", "")).strip().lower()):
            return float(level["points"])
    codes = ", ".join(str(level["code"]) for level in params["levels"])
    raise InputValueError(
        f"'{raw}' is not one of the levels {codes}",
        f"'{raw}' không phải là một trong các mức {codes}",
    )


# --- threshold ----------------------------------------------------------------------------------


def threshold_bands(params: Params) -> list[tuple[Interval, float]]:
    return [(parse_interval(b["range"]), float(b["points"])) for b in params["bands"]]


def _check_threshold(params: Params, max_: float, where: str) -> list[Problem]:
    problems: list[Problem] = []
    bands: list[tuple[Interval, float]] = []
    for i, band in enumerate(params["bands"]):
        try:
            bands.append((parse_interval(band["range"]), float(band["points"])))
        except ValueError as exc:
            problems.append(Problem("PAR021", f"{where} bands[{i}]", {"detail": str(exc)}))
    for interval, points in bands:
        if points > max_ + EPS:
            problems.append(
                Problem("PAR024", where, {"level": str(interval), "points": points, "max": max_})
            )
    for issue in coverage_issues([i for i, _ in bands], 0.0, 100.0):
        if issue.kind == "gap":
            problems.append(Problem("PAR022", where, {"gap": str(issue)}))
        else:
            problems.append(Problem("PAR023", where, {"at": str(issue)}))
    return problems


def _score_threshold(params: Params, max_: float, x: Array) -> Array:
    out = np.full_like(x, np.nan)
    for interval, points in threshold_bands(params):
        out[interval.mask(x)] = points
    return out


# --- proportional, deduction, count, manual, survey ---------------------------------------------


def _check_proportional(params: Params, max_: float, where: str) -> list[Problem]:
    target = params.get("target", 100)
    if not 0 < target <= 100:
        return [Problem("PAR021", where, {"detail": f"target must be in (0, 100], not {target}"})]
    return []


def _score_proportional(params: Params, max_: float, x: Array) -> Array:
    target = float(params.get("target", 100))
    return np.minimum(max_, max_ * x / target)


def _score_deduction(params: Params, max_: float, x: Array) -> Array:
    return np.maximum(0.0, max_ - float(params["per_incident"]) * x)


def _score_count(params: Params, max_: float, x: Array) -> Array:
    return np.minimum(max_, float(params["per_item"]) * x)


def _check_manual(params: Params, max_: float, where: str) -> list[Problem]:
    step = params["step"]
    if step != "any" and not is_multiple(max_, float(step)):
        return [Problem("PAR026", where, {"step": step, "max": max_})]
    return []


def _make_manual_reader() -> Callable[[Params, Any], float]:
    def read(params: Params, raw: Any) -> float:
        return read_number(raw)  # range and step are checked against max in `read_input`

    return read


def _check_survey(params: Params, max_: float, where: str) -> list[Problem]:
    return [
        Problem("PAR027", where, {"option": option, "value": rate})
        for option, rate in (params.get("options") or {}).items()
        if not 0 <= rate <= 100
    ]


_OPTION_COUNTS = re.compile(r"^\s*([^=:;]+)\s*[=:]\s*(\d+)\s*$")


def _read_survey(params: Params, raw: Any) -> float:
    options: Mapping[str, float] = {
        str(k).lower(): v for k, v in (params.get("options") or {}).items()
    }
    text = str(raw).strip()
    if options and text.lower() in options:
        return float(options[text.lower()])
    if options and ("=" in text or ":" in text):
        return _mean_of_counts(options, text)
    return read_rate(raw)


def _mean_of_counts(options: Mapping[str, float], text: str) -> float:
    total = weighted = 0.0
    for part in text.split(";"):
        match = _OPTION_COUNTS.match(part)
        if not match or match[1].strip().lower() not in options:
            raise InputValueError(
                f"'{part.strip()}' is not option=count with a known option ({', '.join(options)})",
                f"'{part.strip()}' không đúng dạng phương án=số lượng ({', '.join(options)})",
            )
        count = int(match[2])
        total += count
        weighted += count * options[match[1].strip().lower()]
    if total == 0:
        raise InputValueError("no answers counted", "không có câu trả lời nào")
    return weighted / total


def _score_survey(params: Params, max_: float, x: Array) -> Array:
    return max_ * x / 100.0


def _schema(properties: Mapping[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"kind": {"type": "string"}, **properties},
        "required": ["kind", *required],
        "additionalProperties": False,
    }


_RANGE = {"type": "string", "description": "interval of the rate, e.g. '[70, 90)'"}
# A leaf whose source is `data` may name the Decision 766 indicator whose measured rate fills it
# (the web app's PAR link, chiso.web.services.par_feed), as a survey rule names its SIPAS node.
_INDICATOR = {
    "type": "string",
    "minLength": 1,
    "description": "service-quality indicator code (e.g. '2.1'), or 'index' for the 766 index",
}
_INDICATOR_NOTE = (
    "With `indicator` (a leaf whose source is `data`), the web app fills the rate from the "
    "unit's measured Decision 766 indicator of that code (or its 766 index with `index`)"
)
_POINTS = {"type": "number", "minimum": 0}

RULES: dict[str, RuleKind] = {
    rule.name: rule
    for rule in [
        RuleKind(
            name="binary",
            summary_vi="Có thực hiện → điểm tối đa; không → 0.",
            summary_en="Done → max, not done → 0.",
            input_en="yes/no: 1 or 0, có or không, đạt or không đạt, x or empty",
            schema=_schema({}, []),
            check=_no_check,
            read=_read_binary,
            score=lambda params, max_, x: max_ * x,
            example=RuleExample({"kind": "binary"}, 1, (("có", 1.0), ("0", 0.0))),
        ),
        RuleKind(
            name="levels",
            summary_vi="Chọn một mức; mỗi mức một số điểm.",
            summary_en="An ordinal choice; each level gives its points.",
            input_en="the level's code (or its label)",
            schema=_schema(
                {
                    "levels": {
                        "type": "array",
                        "minItems": 2,
                        "items": {
                            "type": "object",
                            "properties": {
                                "code": {"type": ["string", "number"]},
                                "label": {"type": "string"},
                                "label_en": {"type": "string"},
                                "points": _POINTS,
                            },
                            "required": ["code", "points"],
                            "additionalProperties": False,
                        },
                    }
                },
                ["levels"],
            ),
            check=_check_levels,
            read=_read_level,
            score=lambda params, max_, x: x,
            example=RuleExample(
                {
                    "kind": "levels",
                    "levels": [
                        {"code": "dung_han", "label": "Ban hành đúng hạn", "points": 1},
                        {"code": "tre_han", "label": "Ban hành chậm", "points": 0.5},
                        {"code": "khong", "label": "Không ban hành", "points": 0},
                    ],
                },
                1,
                (("dung_han", 1.0), ("Ban hành chậm", 0.5), ("khong", 0.0)),
            ),
        ),
        RuleKind(
            name="threshold",
            summary_vi="Tỷ lệ (%) rơi vào khoảng nào thì được điểm của khoảng đó.",
            summary_en="A rate in % falls in one of the bands, each band its points.",
            input_en=f"a rate in % (0–100). {_INDICATOR_NOTE}",
            schema=_schema(
                {
                    "indicator": _INDICATOR,
                    "bands": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "properties": {"range": _RANGE, "points": _POINTS},
                            "required": ["range", "points"],
                            "additionalProperties": False,
                        },
                    },
                },
                ["bands"],
            ),
            check=_check_threshold,
            read=lambda params, raw: read_rate(raw),
            score=_score_threshold,
            example=RuleExample(
                {
                    "kind": "threshold",
                    "bands": [
                        {"range": "[90, 100]", "points": 2},
                        {"range": "[70, 90)", "points": 1},
                        {"range": "[0, 70)", "points": 0},
                    ],
                },
                2,
                ((95, 2.0), (90, 2.0), ("89,9", 1.0), (70, 1.0), (69.99, 0.0)),
            ),
            notes=[
                "The bands must cover 0–100 exactly once: gaps (PAR022) and overlaps "
                "(PAR023) are errors, so every rate has exactly one score."
            ],
        ),
        RuleKind(
            name="proportional",
            summary_vi="Điểm = tối đa × tỷ lệ; có chỉ tiêu T: min(tối đa, tối đa × R / T).",
            summary_en="Points = max × rate; with a target T: min(max, max × R / T).",
            input_en=f"a rate in % (0–100). {_INDICATOR_NOTE}",
            schema=_schema(
                {
                    "target": {"type": "number", "description": "rate (%) at which max is reached"},
                    "indicator": _INDICATOR,
                },
                [],
            ),
            check=_check_proportional,
            read=lambda params, raw: read_rate(raw),
            score=_score_proportional,
            example=RuleExample(
                {"kind": "proportional", "target": 80}, 2, ((40, 1.0), (80, 2.0), (100, 2.0))
            ),
            notes=["Without `target`, points = max × rate / 100."],
        ),
        RuleKind(
            name="deduction",
            summary_vi="Bắt đầu từ điểm tối đa, trừ theo mỗi lần vi phạm, thấp nhất là 0.",
            summary_en="Start at max, subtract per incident, floor at 0.",
            input_en="the number of incidents (a whole number ≥ 0)",
            schema=_schema(
                {"per_incident": {"type": "number", "exclusiveMinimum": 0}}, ["per_incident"]
            ),
            check=_no_check,
            read=lambda params, raw: read_count(raw),
            score=_score_deduction,
            example=RuleExample(
                {"kind": "deduction", "per_incident": 0.5}, 1, ((0, 1.0), (1, 0.5), (3, 0.0))
            ),
        ),
        RuleKind(
            name="count",
            summary_vi="Cộng điểm theo mỗi lần (sáng kiến, vi phạm …), tối đa bằng điểm tối đa.",
            summary_en="Points per item counted, up to max (bonus items, penalty items).",
            input_en="the number of items (a whole number ≥ 0)",
            schema=_schema({"per_item": {"type": "number", "exclusiveMinimum": 0}}, ["per_item"]),
            check=_no_check,
            read=lambda params, raw: read_count(raw),
            score=_score_count,
            example=RuleExample(
                {"kind": "count", "per_item": 0.5}, 1, ((0, 0.0), (1, 0.5), (4, 1.0))
            ),
        ),
        RuleKind(
            name="manual",
            summary_vi="Người thẩm định cho điểm trong [0, tối đa] theo bước chấm.",
            summary_en="The appraiser gives any value in [0, max], in steps.",
            input_en="points in [0, max], a multiple of `step` (or any value with `step: any`)",
            schema=_schema(
                {"step": {"oneOf": [{"type": "number", "exclusiveMinimum": 0}, {"const": "any"}]}},
                ["step"],
            ),
            check=_check_manual,
            read=_make_manual_reader(),
            score=lambda params, max_, x: x,
            example=RuleExample(
                {"kind": "manual", "step": 0.25}, 2, ((1.75, 1.75), ("0,5", 0.5), (2, 2.0))
            ),
        ),
        RuleKind(
            name="survey",
            summary_vi="Điểm = kết quả khảo sát (tỷ lệ %, hoặc giá trị phương án) × điểm tối đa.",
            summary_en="Points = a survey result (a rate, or the mean option value) × max.",
            input_en=(
                'a rate in %; or, with `options`, one option ("B") or counts per option '
                '("A=30;B=10;C=5;D=0", scored at the mean option value). With `node` (a leaf '
                "whose source is `sipas`), the web app fills the rate from the SIPAS survey's "
                "estimate of that questionnaire node (factor, content or overall) for the unit"
            ),
            schema=_schema(
                {
                    "options": {"type": "object", "additionalProperties": {"type": "number"}},
                    "node": {"type": "string", "minLength": 1},
                },
                [],
            ),
            check=_check_survey,
            read=_read_survey,
            score=_score_survey,
            example=RuleExample(
                {"kind": "survey", "options": {"A": 100, "B": 60, "C": 20, "D": 0}},
                2,
                (("A", 2.0), ("C", 0.4), ("A=1;B=1", 1.6), (85, 1.7)),
            ),
        ),
    ]
}


def read_input(kind: RuleKind, params: Params, max_: float, raw: Any) -> float:
    """Read one raw cell for a leaf; manual points are checked against max and step here."""
    value = kind.read(params, raw)
    if kind.name == "manual":
        if not -EPS <= value <= max_ + EPS:
            raise InputValueError(
                f"points must be in [0, {max_:g}], not {value:g}",
                f"điểm phải trong [0, {max_:g}], không phải {value:g}",
            )
        step = params["step"]
        if step != "any" and not is_multiple(value, float(step)):
            raise InputValueError(
                f"points must be a multiple of {step}, not {value:g}",
                f"điểm phải là bội số của {step}, không phải {value:g}",
            )
    return value
