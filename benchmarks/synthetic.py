"""A synthetic province of any size: a method generated in code and seeded inputs for it.

Benchmarks need a province larger than any example we ship (150 units × 120 leaves is about the
size of a big province's commune level) and one that exercises every common rule kind, two
blocks, an exemption, bonus and penalty, bands and a survey component. Everything here is
generated from a seed so that a benchmark run is reproducible; nothing is read from disk.

The method is produced as the plain data a method file holds (a dict, as `parse_yaml` returns),
so the engine loads it with `build_method` and the plain-Python baseline reads the same dict.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

# Field split of the 2948/QĐ-BNV (2017) provincial set: the default shape of an 8-field set.
FIELD_POINTS = (10.0, 10.0, 14.5, 11.0, 16.0, 7.0, 16.0, 15.5)
APPRAISAL_KINDS = ("manual", "threshold", "proportional", "levels", "binary", "deduction")
STEP = 0.25
SURVEY_OPTIONS = {"A": 100, "B": 60, "C": 20, "D": 0}


@dataclass(frozen=True)
class Province:
    """A generated method (as method-file data), its units and their raw score cells."""

    method_data: dict[str, Any]
    units: list[tuple[str, str, str, str]]  # code, name, block, kind
    rows: list[tuple[str, str, Any]]  # unit, criterion, raw value as a scores file gives it


def split_points(total: float, n: int) -> list[float]:
    """`total` split over `n` leaves in steps of 0.25, as even as the step allows."""
    steps = round(total / STEP)
    base, extra = divmod(steps, n)
    if base == 0:
        raise ValueError(f"{total} points cannot give {n} leaves at least {STEP} each")
    return [(base + (1 if i < extra else 0)) * STEP for i in range(n)]


def leaf_counts(leaves: int, fields: int = len(FIELD_POINTS)) -> list[int]:
    base, extra = divmod(leaves, fields)
    return [base + (1 if i < extra else 0) for i in range(fields)]


def make_method(leaves: int = 120, leaves_per_criterion: int = 3) -> dict[str, Any]:
    """An 8-field method with `leaves` leaves; the last field is the survey component."""
    criteria = []
    survey_points = FIELD_POINTS[-1]
    for f, (points, count) in enumerate(zip(FIELD_POINTS, leaf_counts(leaves), strict=True)):
        survey = f == len(FIELD_POINTS) - 1
        maxes = split_points(points, count)
        children = []
        for c in range(0, count, leaves_per_criterion):
            group = maxes[c : c + leaves_per_criterion]
            code = f"{f + 1}.{c // leaves_per_criterion + 1}"
            children.append(
                {
                    "code": code,
                    "title": f"Tiêu chí {code}",
                    "max": sum(group),
                    "children": [
                        _leaf(f"{code}.{k + 1}", m, f * 1000 + c + k, survey)
                        for k, m in enumerate(group)
                    ],
                }
            )
        criteria.append(
            {"code": str(f + 1), "title": f"Lĩnh vực {f + 1}", "max": points, "children": children}
        )
    return {
        "format": "chiso.method/1",
        "id": f"synthetic-{leaves}",
        "title": f"Bộ tiêu chí tổng hợp ({leaves} tiêu chí thành phần)",
        "title_en": f"Synthetic criteria set ({leaves} leaves)",
        "jurisdiction": "Tỉnh Tổng Hợp",
        "level": "department",
        "year": 2024,
        "language": "vi",
        "status": "modelled",
        "legal_basis": {"decision": "synthetic", "date": "2024-01-01"},
        "blocks": [
            {"code": "so", "title": "Khối sở, ban, ngành"},
            {"code": "xa", "title": "Khối xã, phường"},
        ],
        "components": [
            {
                "code": "appraisal",
                "title": "Điểm thẩm định",
                "sources": ["appraisal", "data"],
                "points": 100.0 - survey_points,
            },
            {
                "code": "survey",
                "title": "Điểm điều tra xã hội học",
                "sources": ["survey"],
                "points": survey_points,
            },
        ],
        "total_points": 100,
        "criteria": criteria,
        "bonus": {
            "cap": 2,
            "items": [{"code": "T1", "title": "Sáng kiến", "max": 2, "rule": _count(0.5)}],
        },
        "penalty": {
            "cap": 2,
            "items": [{"code": "P1", "title": "Vi phạm", "max": 2, "rule": _count(1)}],
        },
        "exemptions": [
            {"criteria": ["3.1"], "unit_kinds": ["no_procedures"], "reason": "Không có TTHC"}
        ],
        "banding": {
            "kind": "bands",
            "compare": "full_precision",
            "bands": [
                {"code": "xuat_sac", "label": "Xuất sắc", "range": "[90, inf)"},
                {"code": "tot", "label": "Tốt", "range": "[80, 90)"},
                {"code": "kha", "label": "Khá", "range": "[70, 80)"},
                {"code": "trung_binh", "label": "Trung bình", "range": "[50, 70)"},
                {"code": "yeu", "label": "Yếu", "range": "[0, 50)"},
            ],
        },
        "ranking": {"ties": "shared"},
        "display": {"points_decimals": 2, "index_decimals": 2, "rounding": "half_up"},
        "missing_input": "zero",
    }


def _count(per_item: float) -> dict[str, Any]:
    return {"kind": "count", "per_item": per_item}


def _leaf(code: str, max_: float, position: int, survey: bool) -> dict[str, Any]:
    if survey:
        rule: dict[str, Any] = {"kind": "survey"}
        if position % 2:
            rule["options"] = dict(SURVEY_OPTIONS)
        return {
            "code": code,
            "title": f"Khảo sát {code}",
            "max": max_,
            "source": "survey",
            **{"rule": rule},
        }
    kind = APPRAISAL_KINDS[position % len(APPRAISAL_KINDS)]
    source = "data" if kind in ("threshold", "proportional") else "appraisal"
    return {
        "code": code,
        "title": f"Tiêu chí {code}",
        "max": max_,
        "source": source,
        "rule": _rule(kind, max_),
    }


def _rule(kind: str, max_: float) -> dict[str, Any]:
    if kind == "manual":
        return {"kind": "manual", "step": STEP}
    if kind == "threshold":
        return {
            "kind": "threshold",
            "bands": [
                {"range": "[90, 100]", "points": max_},
                {"range": "[70, 90)", "points": max_ / 2},
                {"range": "[0, 70)", "points": 0},
            ],
        }
    if kind == "proportional":
        return {"kind": "proportional", "target": 90}
    if kind == "levels":
        return {
            "kind": "levels",
            "levels": [
                {"code": "dung_han", "label": "Đúng hạn", "points": max_},
                {"code": "cham", "label": "Chậm", "points": max_ / 2},
                {"code": "khong", "label": "Không thực hiện", "points": 0},
            ],
        }
    if kind == "binary":
        return {"kind": "binary"}
    return {"kind": "deduction", "per_incident": STEP}


def make_province(units: int = 150, leaves: int = 120, seed: int = 2024) -> Province:
    """A method and one complete set of raw score cells for `units` units, from `seed`.

    The first 40 % of units are departments (block `so`), the rest communes (`xa`); every tenth
    unit has no procedures and is exempt from criterion 3.1. Each unit has a latent quality that
    drives all its cells, so the index spreads over roughly 55–98 as real tables do."""
    method = make_method(leaves)
    rng = random.Random(seed)
    unit_list = []
    for i in range(units):
        block = "so" if i < units * 0.4 else "xa"
        kind = "no_procedures" if i % 10 == 9 else ""
        unit_list.append((f"U{i + 1:03d}", f"Đơn vị {i + 1}", block, kind))
    leaf_nodes = [leaf for field in method["criteria"] for leaf in _leaves(field)]
    rows: list[tuple[str, str, Any]] = []
    for code, _name, _block, _kind in unit_list:
        quality = rng.uniform(0.55, 0.98)
        rows.extend((code, leaf["code"], _value(rng, leaf, quality)) for leaf in leaf_nodes)
        rows.append((code, "T1", rng.choice((0, 0, 0, 1, 2, 3))))
        rows.append((code, "P1", rng.choice((0, 0, 0, 0, 1))))
    return Province(method, unit_list, rows)


def _leaves(node: dict[str, Any]) -> list[dict[str, Any]]:
    if "children" not in node:
        return [node]
    return [leaf for child in node["children"] for leaf in _leaves(child)]


def _rate(rng: random.Random, quality: float) -> float:
    return round(min(100.0, max(0.0, rng.gauss(100 * quality, 8))), 1)


def _value(rng: random.Random, leaf: dict[str, Any], quality: float) -> Any:
    rule = leaf["rule"]
    kind = rule["kind"]
    max_ = float(leaf["max"])
    good = rng.random() < quality
    if kind == "manual":
        steps = round(max_ / STEP)
        return STEP * min(steps, max(0, round(steps * quality + rng.gauss(0, 1))))
    if kind in ("threshold", "proportional"):
        return _rate(rng, quality)
    if kind == "levels":
        return "dung_han" if good else rng.choice(("cham", "khong"))
    if kind == "binary":
        return "có" if good else "không"
    if kind == "deduction":
        return 0 if good else rng.randint(1, 4)
    if "options" in rule:  # survey answers counted per option
        n = rng.randint(20, 60)
        a = round(n * quality * rng.uniform(0.6, 1.0))
        b = round((n - a) * 0.6)
        c = n - a - b
        return f"A={a};B={b};C={c};D=0"
    return _rate(rng, quality)


def survey_standard_errors(
    units: list[tuple[str, str, str, str]],
    survey_points: dict[str, float],
    survey_max: float,
    seed: int = 7,
) -> dict[tuple[str, str], float]:
    """A standard error of the survey component for each unit, as from a simple random sample
    of 150–400 respondents: max × √(p (1 − p) / n), p the unit's share of the survey max."""
    rng = random.Random(seed)
    errors = {}
    for code, *_ in units:
        p = min(max(survey_points[code] / survey_max, 0.01), 0.99)
        n = rng.randint(150, 400)
        errors[(code, "survey")] = survey_max * math.sqrt(p * (1 - p) / n)
    return errors
