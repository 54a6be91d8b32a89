"""The PAR computation written the straightforward way: loops, dicts and floats, no numpy.

This is the baseline the engine is measured against — what a careful developer would write in
an afternoon without a vectorised engine. It reads the same method data (the dict a method file
holds) and the same raw cells, scores every leaf by its rule, and gives totals, max, index and
the rank within each block. It does no validation and no reporting: it assumes the inputs are
well formed, so it does strictly less work than `prepare_inputs` + `compute_par`.

It supports what the synthetic province uses: the rule kinds manual, threshold, proportional,
levels, binary, deduction, count and survey; exemptions; capped bonus and penalty; the `zero`
rule for missing inputs; `shared` ties. The tests in `tests/benchmarks` check that it agrees
with the engine, so the comparison stays honest.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

_INTERVAL = re.compile(r"^\s*([\[(])\s*([^,;]+?)\s*[,;]\s*([^,;]+?)\s*([\])])\s*$")
_TRUE = {"1", "x", "true", "yes", "có", "co", "đạt", "dat"}


@dataclass
class UnitResult:
    """One unit's result: the numbers the engine's `units` and `components` frames hold."""

    unit: str
    block: str
    components: dict[str, float] = field(default_factory=dict)
    component_max: dict[str, float] = field(default_factory=dict)
    bonus: float = 0.0
    penalty: float = 0.0
    total: float = 0.0
    max: float = 0.0
    index: float = 0.0
    rank: int = 0


def compute(
    method: dict[str, Any],
    units: list[tuple[str, str, str, str]],
    rows: list[tuple[str, str, Any]],
) -> dict[str, UnitResult]:
    """Results per unit code for `units` (code, name, block, kind) and raw `rows`."""
    if method.get("missing_input", "zero") != "zero":
        raise NotImplementedError("the baseline supports missing_input: zero only")
    leaves = {}
    for node in method["criteria"]:
        for leaf in _leaves(node):
            leaves[leaf["code"]] = leaf
    component_of = {s: c["code"] for c in method["components"] for s in c["sources"]}
    bonus_items = {i["code"]: i for i in (method.get("bonus") or {}).get("items", [])}
    penalty_items = {i["code"]: i for i in (method.get("penalty") or {}).get("items", [])}
    values: dict[tuple[str, str], Any] = {(u, c): v for u, c, v in rows}
    nodes = {n["code"]: n for top in method["criteria"] for n in _walk(top)}
    results = {}
    for code, _name, block, kind in units:
        exempt = _exempt(method, nodes, code, kind)
        result = UnitResult(code, block)
        for c in method["components"]:
            result.components[c["code"]] = 0.0
            result.component_max[c["code"]] = 0.0
        for leaf_code, leaf in leaves.items():
            if leaf_code in exempt:
                continue
            component = component_of[leaf["source"]]
            result.component_max[component] += float(leaf["max"])
            raw = values.get((code, leaf_code))
            if raw is not None:
                result.components[component] += score(leaf, raw)
        result.bonus = _adjustment(method.get("bonus"), bonus_items, values, code)
        result.penalty = _adjustment(method.get("penalty"), penalty_items, values, code)
        points = 0.0
        for value in result.components.values():
            points += value
        result.total = points + result.bonus - result.penalty
        for value in result.component_max.values():
            result.max += value
        result.index = 100.0 * result.total / result.max
        results[code] = result
    for unit, rank in rank_in_blocks({u: (r.block, r.index) for u, r in results.items()}).items():
        results[unit].rank = rank
    return results


def rank_in_blocks(index: dict[str, tuple[str, float]]) -> dict[str, int]:
    """Shared ranks (1, 1, 3) within each block, on the index rounded to 9 decimals."""
    by_block: dict[str, list[tuple[float, str]]] = {}
    for unit, (block, value) in index.items():
        by_block.setdefault(block, []).append((round(value, 9), unit))
    ranks: dict[str, int] = {}
    for members in by_block.values():
        members.sort(key=lambda m: -m[0])
        for position, (value, unit) in enumerate(members):
            if position and value == members[position - 1][0]:
                ranks[unit] = ranks[members[position - 1][1]]
            else:
                ranks[unit] = position + 1
    return ranks


def _leaves(node: dict[str, Any]) -> list[dict[str, Any]]:
    if not node.get("children"):
        return [node]
    return [leaf for child in node["children"] for leaf in _leaves(child)]


def _exempt(
    method: dict[str, Any], nodes: dict[str, dict[str, Any]], unit: str, kind: str
) -> set[str]:
    codes: set[str] = set()
    for exemption in method.get("exemptions", []):
        if unit in exemption.get("units", []) or kind in exemption.get("unit_kinds", []):
            for code in exemption["criteria"]:
                codes.update(leaf["code"] for leaf in _leaves(nodes[code]))
    return codes


def _walk(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node, *(n for child in node.get("children", []) for n in _walk(child))]


def _adjustment(
    adjustment: dict[str, Any] | None,
    items: dict[str, dict[str, Any]],
    values: dict[tuple[str, str], Any],
    unit: str,
) -> float:
    if not adjustment:
        return 0.0
    points = 0.0
    for code, item in items.items():
        raw = values.get((unit, code))
        if raw is not None:
            points += score(item, raw)
    return min(points, float(adjustment["cap"]))


def score(leaf: dict[str, Any], raw: Any) -> float:
    """Points of one leaf from its raw cell."""
    rule = leaf["rule"]
    kind = rule["kind"]
    max_ = float(leaf["max"])
    if kind == "manual":
        return _number(raw)
    if kind == "binary":
        return max_ if str(raw).strip().lower() in _TRUE else 0.0
    if kind == "levels":
        text = str(raw).strip().lower()
        for level in rule["levels"]:
            if text in (str(level["code"]).lower(), str(level.get("label", "")).lower()):
                return float(level["points"])
        raise ValueError(f"unknown level {raw!r}")
    if kind == "threshold":
        rate = _number(raw)
        for band in rule["bands"]:
            if _contains(band["range"], rate):
                return float(band["points"])
        raise ValueError(f"no band holds {rate}")
    if kind == "proportional":
        return min(max_, max_ * _number(raw) / float(rule.get("target", 100)))
    if kind == "deduction":
        return max(0.0, max_ - float(rule["per_incident"]) * _number(raw))
    if kind == "count":
        return min(max_, float(rule["per_item"]) * _number(raw))
    if kind == "survey":
        return max_ * _survey_rate(rule, raw) / 100.0
    raise ValueError(f"rule kind {kind!r} is not in the baseline")


def _number(raw: Any) -> float:
    if isinstance(raw, int | float):
        return float(raw)
    return float(str(raw).strip().rstrip("%").replace(",", "."))


def _contains(text: str, x: float) -> bool:
    match = _INTERVAL.match(text)
    if not match:
        raise ValueError(f"not an interval: {text!r}")
    low, high = float(match[2]), float(match[3])
    above = x >= low if match[1] == "[" else x > low
    below = x <= high if match[4] == "]" else x < high
    return above and below


def _survey_rate(rule: dict[str, Any], raw: Any) -> float:
    options = {str(k).lower(): float(v) for k, v in (rule.get("options") or {}).items()}
    text = str(raw).strip()
    if options and text.lower() in options:
        return options[text.lower()]
    if options and "=" in text:
        answers = weighted = 0.0
        for part in text.split(";"):
            option, count = part.split("=")
            answers += int(count)
            weighted += int(count) * options[option.strip().lower()]
        return weighted / answers
    return _number(raw)


def is_close(a: float, b: float, tolerance: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=0.0, abs_tol=tolerance)
