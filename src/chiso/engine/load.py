"""Check a method file's content and build a `Method` from it.

`check_method` returns every problem at once: first the structure (from the JSON Schema in
`chiso.engine.schema`), then the meaning (sums, coverage, references), each check guarded so that
a broken part is reported once and never stops the others. `build_method` refuses to build from
a file with any error — nothing is ever computed from an invalid method.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from chiso.engine import semantics
from chiso.engine.framework import (
    Adjustment,
    Band,
    Banding,
    Block,
    Bound,
    Component,
    Criterion,
    Display,
    Exemption,
    LegalBasis,
    Method,
    Ranking,
    Rule,
)
from chiso.engine.intervals import parse_interval
from chiso.engine.numbers import parse_points
from chiso.engine.problems import MethodError, Problem, errors_only
from chiso.engine.schema import FORMAT, METHOD_SCHEMA

_VALIDATOR = Draft202012Validator(METHOD_SCHEMA)


def check_method(data: Any) -> list[Problem]:
    """Every problem of a parsed method file (structure, then meaning), in file order."""
    if not isinstance(data, Mapping):
        return [Problem("PAR000", "file", {"detail": "the file does not hold a mapping of keys"})]
    if data.get("format") != FORMAT:
        return [Problem("PAR004", "format", {"found": data.get("format"), "expected": FORMAT})]
    problems = [p for error in _VALIDATOR.iter_errors(data) for p in _structural(error, data)]
    problems.extend(semantics.check(data))
    return _unique(problems)


def content_hash(data: Mapping[str, Any]) -> str:
    """sha256 of the method's canonical JSON: formatting and comments do not change it."""
    canonical = json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default
    )
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def build_method(data: Any) -> Method:
    """A `Method` from a parsed method file; raises `MethodError` with every error."""
    problems = check_method(data)
    if errors_only(problems):
        raise MethodError(errors_only(problems))
    banding = data["banding"]
    return Method(
        id=data["id"],
        title=data["title"],
        title_en=data.get("title_en", ""),
        jurisdiction=data["jurisdiction"],
        level=data["level"],
        year=data["year"],
        language=data["language"],
        status=data["status"],
        notes=data.get("notes", ""),
        legal_basis=LegalBasis(**{k: str(v) for k, v in data["legal_basis"].items()}),
        blocks=tuple(Block(b["code"], b["title"], b.get("title_en", "")) for b in data["blocks"]),
        components=tuple(_component(c, data["missing_input"]) for c in data["components"]),
        criteria=tuple(_criterion(node) for node in data["criteria"]),
        bonus=_adjustment(data.get("bonus")),
        penalty=_adjustment(data.get("penalty")),
        exemptions=tuple(_exemption(e) for e in data.get("exemptions", [])),
        banding=Banding(
            kind=banding["kind"],
            bands=tuple(_band(b) for b in banding.get("bands", [])),
            compare=banding.get("compare", "full_precision"),
        ),
        ranking=Ranking(data["ranking"]["ties"], tuple(data["ranking"].get("secondary", []))),
        display=Display(**data["display"]),
        missing_input=data["missing_input"],
        hash=content_hash(data),
    )


# --- structural problems ------------------------------------------------------------------------


def _structural(error: ValidationError, data: Mapping[str, Any]) -> Iterator[Problem]:
    return structural_problems(error, family="PAR", where=locate(data, list(error.absolute_path)))


def structural_problems(error: ValidationError, *, family: str, where: str) -> Iterator[Problem]:
    """A JSON Schema error as problems of a code family (PAR, SIP): 001 a required key is
    missing, 002 an unknown key, 003 any other invalid value."""
    # jsonschema types these as "maybe unset"; for the validators below they are always set.
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    expected: Any = error.validator_value
    instance: Any = error.instance
    if error.validator == "required":
        present = instance if isinstance(instance, Mapping) else {}
        for key in expected:
            if key not in present:
                yield Problem(f"{family}001", where, {"key": key})
    elif error.validator == "additionalProperties":
        allowed = set(schema.get("properties", {}))
        for key in instance:
            if key not in allowed:
                yield Problem(f"{family}002", where, {"key": key})
    else:
        key = error.absolute_path[-1] if error.absolute_path else ""
        yield Problem(f"{family}003", where, {"detail": _describe(error, key)})


def _describe(error: ValidationError, key: Any) -> str:
    name = f"'{key}'" if isinstance(key, str) else "item"
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    if error.validator == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)  # type: ignore[union-attr]
        return f"{name} is {error.instance!r}; use one of: {allowed}"
    if error.validator == "oneOf" and "points" in schema.get("description", ""):
        return f"{name} is {error.instance!r}, not a number or a fraction such as '10/3'"
    return f"{name}: {error.message}"


def locate(data: Any, path: Sequence[Any]) -> str:
    """A human place for a path: 'criterion 3.2.1 › rule' rather than 'criteria/2/children/1/…'."""
    node, where = data, ""
    rest: list[str] = []
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if (
            isinstance(node, Mapping)
            and isinstance(node.get("code"), str | int)
            and ("max" in node or "title" in node)
        ):
            where, rest = _place_of(path, step, node), []
        else:
            rest.append(str(step) if isinstance(step, str) else f"[{step}]")
    tail = ".".join(rest).replace(".[", "[")
    if where and tail:
        return f"{where} › {tail}"
    return where or tail or "file"


def _place_of(path: Sequence[Any], step: Any, node: Mapping[str, Any]) -> str:
    head = path[0] if path else ""
    kinds = {
        "criteria": "criterion",
        "blocks": "block",
        "components": "component",
        "bonus": "bonus item",
        "penalty": "penalty item",
        "banding": "band",
    }
    return f"{kinds.get(str(head), str(head))} {node['code']}"


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for p in problems:
        key = (p.code, p.where, repr(sorted(p.params.items())))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _json_default(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot hash {type(value).__name__}")


# --- building values ----------------------------------------------------------------------------


def _criterion(node: Mapping[str, Any]) -> Criterion:
    rule = node.get("rule")
    return Criterion(
        code=str(node["code"]),
        title=node["title"],
        title_en=node.get("title_en", ""),
        max=_points(node["max"]),
        children=tuple(_criterion(child) for child in node.get("children", [])),
        rule=Rule(rule["kind"], {k: v for k, v in rule.items() if k != "kind"}) if rule else None,
        source=node.get("source"),
        guidance=node.get("guidance", ""),
    )


def _component(data: Mapping[str, Any], default_missing: Any) -> Component:
    return Component(
        code=data["code"],
        title=data["title"],
        title_en=data.get("title_en", ""),
        short_title=data.get("short_title", ""),
        sources=tuple(data["sources"]),
        points=_points(data["points"]),
        missing_input=data.get("missing_input", default_missing),
    )


def _adjustment(data: Mapping[str, Any] | None) -> Adjustment | None:
    if data is None:
        return None
    return Adjustment(_points(data["cap"]), tuple(_criterion(item) for item in data["items"]))


def _exemption(data: Mapping[str, Any]) -> Exemption:
    return Exemption(
        criteria=tuple(str(c) for c in data["criteria"]),
        units=tuple(data.get("units", [])),
        unit_kinds=tuple(data.get("unit_kinds", [])),
        reason=data["reason"],
    )


def _band(data: Mapping[str, Any]) -> Band:
    lower = upper = None
    if "range" in data:
        interval = parse_interval(data["range"])
        lower = Bound(interval.lower, interval.lower_inclusive)
        upper = Bound(interval.upper, interval.upper_inclusive)
    return Band(
        code=data["code"],
        label=data["label"],
        label_en=data.get("label_en", ""),
        lower=lower,
        upper=upper,
        size=data.get("size"),
    )


def _points(value: Any) -> float:
    parsed = parse_points(value)
    assert parsed is not None, "checked by check_method"
    return parsed
