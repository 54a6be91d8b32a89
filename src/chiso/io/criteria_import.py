"""`chiso import-criteria`: draft a method file from a province's criteria annex (XLSX or CSV).

A province publishes its criteria set as an annex table — STT, Nội dung tiêu chí, Điểm tối đa,
Cách chấm, sometimes Tài liệu kiểm chứng and Ghi chú. `import_criteria` reads it into the
`criteria` of a method file and says plainly what it could not do:

- `unplaced`: rows left out of the tree, each with its row number and the reason (numbering that
  does not continue the tree, a max that cannot be read, a leaf without max …). Sums that do not
  add up are *not* refused here: `chiso check` reports them (PAR012, PAR013).
- `guessed`: leaves whose rule was read from the guidance text (`threshold`, `binary`,
  `levels`, or `survey` for a leaf fed by the survey); each must be reviewed. Every other leaf is
  `manual`. The guidance is kept verbatim on each criterion.
- `summed`: parents whose max was blank in the annex and is taken as the sum of their children.

How numbering becomes codes is described in `chiso.io.criteria_tree` (Roman fields `I`, `II` →
`1`, `2`; their criteria `1`, `2` → `1.1`, `1.2`; letters `a)` → `1.1.a`); how rules are read
from text, in `chiso.io.criteria_rules_text`; how the table is found, in
`chiso.io.criteria_sheet`.

Every other key of the method (id, title, level, year, blocks, banding, ranking, display,
missing_input …) comes from `settings` — a mapping the user writes. Without it only what the
annex tells is filled (format, criteria, components derived from the leaves' sources,
`language: vi`, `status: official`, `total_points` from a "Tổng cộng" row); the rest is left
out so that `chiso check` lists exactly what the reviewer has to decide. Bands, ties, rounding and
missing inputs never get a silent default.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chiso.engine.schema import FORMAT
from chiso.io.criteria_rules_text import (
    infer_rule,
    infer_source,
    manual_rule,
    tidy_number,
)
from chiso.io.criteria_sheet import CriteriaImportError, Sheet, read_sheet
from chiso.io.criteria_tree import Node, Row, TreeBuilder, UnplacedRow, parse_numbering
from chiso.io.criteria_yaml import KEY_ORDER, dump_method_yaml

__all__ = [
    "CriteriaImport",
    "CriteriaImportError",
    "UnplacedRow",
    "dump_method_yaml",
    "import_criteria",
]


@dataclass(frozen=True)
class CriteriaImport:
    """A drafted method file and what the reviewer must look at."""

    data: dict[str, Any]
    unplaced: list[UnplacedRow]
    guessed: list[str]
    header_row: int
    source: str = ""  # the file (and sheet) read
    summed: list[str] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)  # text above the table
    filled: list[str] = field(default_factory=list)  # keys set by the import, not the settings


def import_criteria(
    path: Path, *, sheet: str | None = None, settings: Mapping[str, Any] | None = None
) -> CriteriaImport:
    """Read an annex into a method-file mapping; raises `CriteriaImportError` if no table."""
    table = read_sheet(Path(path), sheet)
    builder = TreeBuilder()
    for number, cells in table.rows:
        builder.feed(_row(number, cells, table))
    summed = builder.finish()
    guessed: list[str] = []
    criteria = [_criterion(node, (), guessed) for node in builder.root.children]
    data = method_data(criteria, builder.total, settings)
    return CriteriaImport(
        data,
        list(builder.unplaced),
        guessed,
        table.header_row,
        table.source,
        summed,
        table.preamble,
        [key for key in data if key not in (settings or {}) and key not in ("format", "criteria")],
    )


# --- rows ---------------------------------------------------------------------------------------

_ROMAN_PREFIX = re.compile(r"^([IVX]+)[.)]\s+(\S.*)$")
_ANY_PREFIX = re.compile(
    r"^((?:\d+(?:\.\d+)*[.)])|(?:\d+(?:\.\d+)+)|(?:[a-zđ][.)])|(?:[IVX]+[.)]))\s+(\S.*)$"
)


def _row(number: int, cells: list[str], table: Sheet) -> Row:
    def get(role: str) -> str:
        col = table.columns.get(role)
        return cells[col] if col is not None and col < len(cells) else ""

    code, title = get("code"), " ".join(get("title").split())
    if not code:
        code, title = _numbering_in_title(title, "code" in table.columns)
    elif title.startswith(code):
        title = re.sub(rf"^{re.escape(code)}[.)]?\s+", "", title)
    trimmed = list(cells)
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return Row(
        number, tuple(trimmed), parse_numbering(code), title, get("max"), get("rule"), get("note")
    )


def _numbering_in_title(title: str, has_code_column: bool) -> tuple[str, str]:
    """A number written at the start of the title: a Roman field ('I. CÔNG TÁC …') always;
    decimals and letters only when the table has no STT column."""
    pattern = _ANY_PREFIX if not has_code_column else _ROMAN_PREFIX
    match = pattern.match(title)
    if match and parse_numbering(match[1]).kind in ("roman", "decimal", "letter"):
        return match[1], match[2]
    return "", title


# --- criteria -----------------------------------------------------------------------------------


def _criterion(node: Node, ancestors: tuple[str, ...], guessed: list[str]) -> dict[str, Any]:
    assert node.max is not None, "leaves without max are dropped by TreeBuilder.finish"
    out: dict[str, Any] = {"code": node.code, "title": node.title, "max": tidy_number(node.max)}
    guidance = "\n".join(node.guidance).strip()
    if node.children:
        if guidance:
            out["guidance"] = guidance
        below = (*ancestors, node.title)
        out["children"] = [_criterion(child, below, guessed) for child in node.children]
        return out
    source = infer_source([guidance, "\n".join(node.notes), node.title, *reversed(ancestors)])
    rule = infer_rule(guidance, node.max)
    if rule is None and source in ("survey", "sipas"):
        rule = {"kind": "survey"}
    if rule is not None:
        guessed.append(node.code)
    out["source"] = source
    out["rule"] = rule or manual_rule(guidance, node.max)
    if guidance:
        out["guidance"] = guidance
    return out


def leaves(criteria: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    for node in criteria:
        if node.get("children"):
            yield from leaves(node["children"])
        else:
            yield node


# --- the method file ----------------------------------------------------------------------------

_KNOWN = {"format": FORMAT, "language": "vi", "status": "official"}
_COMPONENTS = [
    ("appraisal", ("appraisal", "data"), "Điểm thẩm định", "Appraisal"),
    ("survey", ("survey", "sipas"), "Điểm điều tra xã hội học", "Sociological survey"),
]


def method_data(
    criteria: list[dict[str, Any]], total: float | None, settings: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The method mapping: settings first, then what the annex tells, in the usual key order."""
    given = copy.deepcopy(dict(settings or {}))
    if "criteria" in given:
        raise CriteriaImportError(
            "the settings must not hold criteria: they come from the annex",
            "tệp thiết lập không được chứa criteria: lấy từ phụ lục",
        )
    data: dict[str, Any] = {**_KNOWN, **given, "criteria": criteria}
    if "components" not in given:
        data["components"] = derive_components(criteria)
    if total is not None and "total_points" not in given:
        data["total_points"] = tidy_number(total)
    order = {key: i for i, key in enumerate(KEY_ORDER)}
    return dict(sorted(data.items(), key=lambda kv: order.get(kv[0], len(order))))


def derive_components(criteria: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One component per kind of source found (appraisal; survey and SIPAS together), each
    declaring the sum of its leaves' max."""
    found = list(leaves(criteria))
    components = []
    for code, sources, title, title_en in _COMPONENTS:
        present = [s for s in sources if any(leaf.get("source") == s for leaf in found)]
        if not present:
            continue
        points = sum(float(leaf["max"]) for leaf in found if leaf.get("source") in present)
        if present == ["sipas"]:
            title, title_en = "Chỉ số hài lòng (SIPAS)", "Satisfaction index (SIPAS)"
        components.append(
            {
                "code": code,
                "title": title,
                "title_en": title_en,
                "sources": present,
                "points": tidy_number(points),
            }
        )
    return components
