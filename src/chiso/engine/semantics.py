"""The meaning checks of a method file: sums, rule parameters, coverage, references.

Each check reads the raw parsed file defensively: a part that is structurally broken (already
reported by the schema) is skipped here rather than crashing the other checks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator

from chiso.engine.intervals import coverage_issues, parse_interval
from chiso.engine.numbers import parse_points as _points
from chiso.engine.problems import Problem
from chiso.engine.rules import EPS, RULES

Data = Mapping[str, Any]


def check(data: Data) -> list[Problem]:
    problems: list[Problem] = []
    for checker in (
        _tree,
        _rules,
        _components,
        _adjustments,
        _exemptions,
        _banding,
        _ranking,
        _blocks,
    ):
        problems.extend(checker(data))
    return problems


def _nodes(data: Data) -> Iterator[tuple[Data, Data | None]]:
    """Every well-formed criterion node with its parent, depth first."""

    def walk(node: Any, parent: Data | None) -> Iterator[tuple[Data, Data | None]]:
        if not isinstance(node, Mapping) or "code" not in node:
            return
        yield node, parent
        children = node.get("children")
        if isinstance(children, list):
            for child in children:
                yield from walk(child, node)

    criteria = data.get("criteria")
    for top in criteria if isinstance(criteria, list) else []:
        yield from walk(top, None)


def _leaves(data: Data) -> Iterator[Data]:
    return (node for node, _ in _nodes(data) if not node.get("children"))


def _where(node: Data) -> str:
    return f"criterion {node['code']}"


def _adjustment_items(data: Data) -> Iterator[tuple[str, Data]]:
    for name in ("bonus", "penalty"):
        adjustment = data.get(name)
        items = adjustment.get("items") if isinstance(adjustment, Mapping) else None
        for item in items if isinstance(items, list) else []:
            if isinstance(item, Mapping) and "code" in item:
                yield name, item


# --- the tree -----------------------------------------------------------------------------------


def _tree(data: Data) -> Iterator[Problem]:
    codes = Counter(str(node["code"]) for node, _ in _nodes(data))
    codes.update(str(item["code"]) for _, item in _adjustment_items(data))
    for code, count in codes.items():
        if count > 1:
            yield Problem("PAR010", f"criterion {code}", {"code": code})
    for node, parent in _nodes(data):
        yield from _node(node, parent)


def _node(node: Data, parent: Data | None) -> Iterator[Problem]:
    where, max_ = _where(node), _points(node.get("max"))
    if max_ is not None and max_ <= 0:
        yield Problem("PAR017", where, {"max": node["max"]})
    children = node.get("children")
    if children:
        if "rule" in node or "source" in node:
            yield Problem("PAR014", where)
        sums = [_points(c.get("max")) for c in children if isinstance(c, Mapping)]
        if max_ is not None and sums and None not in sums:
            total = sum(s for s in sums if s is not None)
            if total > max_ + EPS:
                yield Problem("PAR012", where, {"children": f"{total:g}", "max": f"{max_:g}"})
            elif total < max_ - EPS:
                yield Problem("PAR013", where, {"children": f"{total:g}", "max": f"{max_:g}"})
    elif "rule" not in node or "source" not in node:
        yield Problem("PAR011", where)
    if parent is not None and not str(node["code"]).startswith(str(parent["code"]) + "."):
        yield Problem("PAR015", where, {"code": node["code"], "parent": parent["code"]})


def _rules(data: Data) -> Iterator[Problem]:
    leaves = [(_where(leaf), leaf) for leaf in _leaves(data)]
    leaves += [(f"{name} item {item['code']}", item) for name, item in _adjustment_items(data)]
    for where, leaf in leaves:
        rule, max_ = leaf.get("rule"), _points(leaf.get("max"))
        if isinstance(rule, Mapping) and isinstance(rule.get("kind"), str) and max_ is not None:
            yield from check_rule(rule, max_, where)


def check_rule(rule: Data, max_: float, where: str) -> list[Problem]:
    kind = RULES.get(rule["kind"])
    if kind is None:
        return [Problem("PAR020", where, {"kind": rule["kind"], "known": ", ".join(RULES)})]
    errors = list(Draft202012Validator(kind.schema).iter_errors(rule))
    if errors:
        return [Problem("PAR021", where, {"detail": _rule_error(e)}) for e in errors]
    params = {k: v for k, v in rule.items() if k != "kind"}
    return kind.check(params, max_, where)


def _rule_error(error: Any) -> str:
    path = ".".join(str(p) for p in error.absolute_path)
    return f"{path}: {error.message}" if path else error.message


# --- components, bonus and penalty --------------------------------------------------------------


def _components(data: Data) -> Iterator[Problem]:
    components = [c for c in data.get("components") or [] if isinstance(c, Mapping)]
    codes = Counter(c.get("code") for c in components)
    yield from (
        Problem("PAR033", f"component {c}", {"component": c}) for c, n in codes.items() if n > 1
    )
    owners: dict[str, list[str]] = {}
    for component in components:
        for source in component.get("sources") or []:
            owners.setdefault(source, []).append(str(component.get("code")))
    for source, names in owners.items():
        if len(names) > 1:
            yield Problem(
                "PAR032", "components", {"source": source, "components": ", ".join(names)}
            )
    leaves = list(_leaves(data))
    for source in sorted({str(leaf["source"]) for leaf in leaves if leaf.get("source")}):
        if source not in owners:
            yield Problem("PAR030", "components", {"source": source})
    yield from _component_points(components, leaves)
    yield from _total_points(data, leaves)


def _component_points(components: list[Data], leaves: list[Data]) -> Iterator[Problem]:
    for component in components:
        declared = _points(component.get("points"))
        sources = set(component.get("sources") or [])
        found = sum(
            _points(leaf.get("max")) or 0.0 for leaf in leaves if leaf.get("source") in sources
        )
        if declared is not None and abs(found - declared) > EPS:
            code = component.get("code")
            yield Problem(
                "PAR031",
                f"component {code}",
                {"component": code, "declared": f"{declared:g}", "found": f"{found:g}"},
            )


def _total_points(data: Data, leaves: list[Data]) -> Iterator[Problem]:
    declared = _points(data.get("total_points"))
    found = sum(_points(leaf.get("max")) or 0.0 for leaf in leaves)
    if declared is not None and abs(found - declared) > EPS:
        yield Problem(
            "PAR016", "total_points", {"found": f"{found:g}", "declared": f"{declared:g}"}
        )


def _adjustments(data: Data) -> Iterator[Problem]:
    for name, item in _adjustment_items(data):
        cap, max_ = _points(data[name].get("cap")), _points(item.get("max"))
        if cap is not None and max_ is not None and max_ > cap + EPS:
            yield Problem("PAR034", f"{name} item {item['code']}", {"max": max_, "cap": cap})


def _exemptions(data: Data) -> Iterator[Problem]:
    codes = {str(node["code"]) for node, _ in _nodes(data)}
    for i, exemption in enumerate(data.get("exemptions") or []):
        if not isinstance(exemption, Mapping):
            continue
        where = f"exemptions[{i}]"
        if not exemption.get("units") and not exemption.get("unit_kinds"):
            yield Problem("PAR041", where)
        for code in exemption.get("criteria") or []:
            if str(code) not in codes:
                yield Problem("PAR040", where, {"code": code})


# --- bands, ranking, blocks ---------------------------------------------------------------------


def _banding(data: Data) -> Iterator[Problem]:
    banding = data.get("banding")
    if not isinstance(banding, Mapping):
        return
    kind = banding.get("kind")
    bands = [b for b in banding.get("bands") or [] if isinstance(b, Mapping)]
    if kind in ("bands", "rank_groups", "quantiles") and not bands:
        yield Problem("PAR001", "banding", {"key": "bands"})
    for code, n in Counter(b.get("code") for b in bands).items():
        if n > 1:
            yield Problem("PAR052", "banding", {"band": code})
    if kind == "bands":
        if "compare" not in banding:
            yield Problem("PAR001", "banding", {"key": "compare"})
        yield from _band_ranges(bands)
    elif kind == "rank_groups":
        for band in bands[:-1]:
            if "size" not in band:
                yield Problem("PAR053", f"band {band.get('code')}")


def _band_ranges(bands: list[Data]) -> Iterator[Problem]:
    intervals = []
    for band in bands:
        where = f"band {band.get('code')}"
        if "range" not in band:
            yield Problem("PAR001", where, {"key": "range"})
            continue
        try:
            intervals.append(parse_interval(band["range"]))
        except ValueError as exc:
            yield Problem("PAR003", where, {"detail": str(exc)})
    if len(intervals) != len(bands):
        return
    for issue in coverage_issues(intervals, 0.0, 100.0):
        if issue.kind == "gap":
            yield Problem("PAR050", "banding", {"gap": str(issue)})
        else:
            yield Problem("PAR051", "banding", {"at": str(issue)})


def _ranking(data: Data) -> Iterator[Problem]:
    ranking = data.get("ranking")
    if not isinstance(ranking, Mapping):
        return
    secondary = ranking.get("secondary") or []
    if ranking.get("ties") == "secondary" and not secondary:
        yield Problem("PAR056", "ranking")
    fields = {
        str(node.get("code")) for node in data.get("criteria") or [] if isinstance(node, Mapping)
    }
    components = {
        str(c.get("code")) for c in data.get("components") or [] if isinstance(c, Mapping)
    }
    for key in secondary:
        kind, _, code = str(key).partition(":")
        valid = (
            (kind == "total" and not code)
            or (kind == "field" and code in fields)
            or (kind == "component" and code in components)
        )
        if not valid:
            yield Problem("PAR055", "ranking.secondary", {"key": key})


def _blocks(data: Data) -> Iterator[Problem]:
    blocks = [b for b in data.get("blocks") or [] if isinstance(b, Mapping)]
    for code, n in Counter(b.get("code") for b in blocks).items():
        if n > 1:
            yield Problem("PAR054", f"block {code}", {"block": code})
