"""Hand-checked tables for every rule kind, and the documented example of each."""

from __future__ import annotations

import numpy as np
import pytest

from chiso.engine.rules import RULES, InputValueError, read_input
from chiso.engine.semantics import check_rule


def score(rule: dict, max_: float, raw) -> float:
    kind = RULES[rule["kind"]]
    params = {k: v for k, v in rule.items() if k != "kind"}
    value = read_input(kind, params, max_, raw)
    return float(kind.score(params, max_, np.array([value]))[0])


@pytest.mark.parametrize("name", sorted(RULES))
def test_documented_example_holds(name):
    example = RULES[name].example
    assert check_rule(example.rule, example.max, "x") == []
    for raw, expected in example.inputs:
        assert score(dict(example.rule), example.max, raw) == pytest.approx(expected)


THRESHOLD = {
    "kind": "threshold",
    "bands": [
        {"range": "[90, 100]", "points": 2},
        {"range": "[70, 90)", "points": 1},
        {"range": "[0, 70)", "points": 0},
    ],
}
STRICT_ABOVE = {
    "kind": "threshold",
    "bands": [{"range": "(90, 100]", "points": 2}, {"range": "[0, 90]", "points": 0}],
}


@pytest.mark.parametrize(
    ("rule", "max_", "raw", "expected"),
    [
        ({"kind": "binary"}, 1.5, "đạt", 1.5),
        ({"kind": "binary"}, 1.5, "không", 0.0),
        ({"kind": "binary"}, 1.5, 1, 1.5),
        ({"kind": "binary"}, 1.5, "1.0", 1.5),
        ({"kind": "binary"}, 1.5, 0.0, 0.0),
        (THRESHOLD, 2, 90, 2),
        (THRESHOLD, 2, 89.999, 1),
        (THRESHOLD, 2, 70, 1),
        (THRESHOLD, 2, "69,99", 0),
        (THRESHOLD, 2, "100%", 2),
        (STRICT_ABOVE, 2, 90, 0),  # "trên 90 %": 90 itself is not enough
        (STRICT_ABOVE, 2, 90.01, 2),
        ({"kind": "proportional"}, 2, 45, 0.9),
        ({"kind": "proportional", "target": 80}, 2, 60, 1.5),
        ({"kind": "proportional", "target": 80}, 2, 95, 2),
        ({"kind": "deduction", "per_incident": 0.25}, 1, 2, 0.5),
        ({"kind": "deduction", "per_incident": 0.25}, 1, 9, 0),
        ({"kind": "count", "per_item": 0.5}, 1.5, 2, 1.0),
        ({"kind": "count", "per_item": 0.5}, 1.5, 7, 1.5),
        ({"kind": "manual", "step": 0.5}, 3, 2.5, 2.5),
        ({"kind": "manual", "step": "any"}, 10 / 3, 1.2345, 1.2345),
        ({"kind": "survey"}, 20, 90.23, 18.046),
        ({"kind": "survey", "options": {"A": 100, "B": 60, "C": 20, "D": 0}}, 1, "b", 0.6),
        (
            {"kind": "survey", "options": {"A": 100, "B": 60, "C": 20, "D": 0}},
            1,
            "A=30; B=10; C=5; D=5",
            (30 * 100 + 10 * 60 + 5 * 20) / 50 / 100,
        ),
    ],
)
def test_hand_checked(rule, max_, raw, expected):
    assert score(rule, max_, raw) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("rule", "max_", "raw", "message"),
    [
        ({"kind": "binary"}, 1, "maybe", "not yes/no"),
        ({"kind": "binary"}, 1, 2, "not yes/no"),
        (
            {"kind": "levels", "levels": [{"code": "a", "points": 1}, {"code": "b", "points": 0}]},
            1,
            "c",
            "not one of the levels a, b",
        ),
        (THRESHOLD, 2, 101, "rate must be a percentage"),
        (THRESHOLD, 2, -1, "rate must be a percentage"),
        (THRESHOLD, 2, "abc", "not a number"),
        ({"kind": "deduction", "per_incident": 0.5}, 1, 1.5, "whole number"),
        ({"kind": "manual", "step": 0.25}, 2, 2.5, "must be in [0, 2]"),
        ({"kind": "manual", "step": 0.25}, 2, 1.1, "multiple of 0.25"),
        ({"kind": "survey", "options": {"A": 100, "B": 0}}, 1, "A=3;E=1", "known option"),
    ],
)
def test_unreadable_inputs_say_why(rule, max_, raw, message):
    with pytest.raises(InputValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        score(rule, max_, raw)


@pytest.mark.parametrize(
    ("rule", "max_", "code"),
    [
        ({"kind": "nope"}, 1, "PAR020"),
        ({"kind": "deduction"}, 1, "PAR021"),
        ({"kind": "binary", "extra": 1}, 1, "PAR021"),
        (
            {
                "kind": "threshold",
                "bands": [{"range": "[0, 50)", "points": 0}, {"range": "[60, 100]", "points": 1}],
            },
            1,
            "PAR022",
        ),
        (
            {
                "kind": "threshold",
                "bands": [{"range": "[0, 50]", "points": 0}, {"range": "[50, 100]", "points": 1}],
            },
            1,
            "PAR023",
        ),
        ({"kind": "threshold", "bands": [{"range": "[0, 100]", "points": 3}]}, 1, "PAR024"),
        (
            {"kind": "levels", "levels": [{"code": "a", "points": 1}, {"code": "A", "points": 0}]},
            1,
            "PAR025",
        ),
        ({"kind": "manual", "step": 0.3}, 1, "PAR026"),
        ({"kind": "survey", "options": {"A": 120}}, 1, "PAR027"),
        (
            {
                "kind": "levels",
                "levels": [{"code": "a", "points": 0.5}, {"code": "b", "points": 0}],
            },
            1,
            "PAR028",
        ),
        ({"kind": "proportional", "target": 0}, 1, "PAR021"),
    ],
)
def test_rule_checks(rule, max_, code):
    assert code in [p.code for p in check_rule(rule, max_, "criterion 1.1")]
