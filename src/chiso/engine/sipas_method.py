"""Check a SIPAS questionnaire file and build a `Questionnaire` from it.

Like `chiso.engine.load` for PAR methods: `check_questionnaire` returns every problem at once —
the structure first (from `chiso.engine.sipas_schema`), then the meaning (codes, the tree's
references, the scale) — each check reading the raw data defensively so that a broken part is
reported once and never stops the others. `build_questionnaire` refuses any file with an error.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from jsonschema import Draft202012Validator, ValidationError

from chiso.engine.framework import LegalBasis
from chiso.engine.load import content_hash, structural_problems
from chiso.engine.problems import MethodError, Problem, errors_only
from chiso.engine.sipas_schema import FORMAT, QUESTIONNAIRE_SCHEMA

Aggregation = Literal["mean", "pooled"]
Data = Mapping[str, Any]
OVERALL = "overall"
"""The code of the root node in every result frame."""

_VALIDATOR = Draft202012Validator(QUESTIONNAIRE_SCHEMA)


@dataclass(frozen=True)
class ScaleValue:
    value: int
    label: str
    label_en: str = ""


@dataclass(frozen=True)
class Scale:
    """The answer levels, the no-answer value, and which levels count as satisfied."""

    values: tuple[ScaleValue, ...]
    not_applicable: ScaleValue
    satisfied: tuple[int, ...]

    @property
    def codes(self) -> tuple[int, ...]:
        return tuple(v.value for v in self.values)


@dataclass(frozen=True)
class Item:
    code: str
    text: str
    factor: str
    text_en: str = ""


@dataclass(frozen=True)
class Node:
    """A factor, content or the overall index: its children are item, factor or content codes."""

    code: str
    level: Literal["factor", "content", "overall"]
    title: str
    aggregation: Aggregation
    children: tuple[str, ...]
    title_en: str = ""


@dataclass(frozen=True)
class Questionnaire:
    id: str
    title: str
    year: int
    language: str
    status: str
    legal_basis: LegalBasis
    scale: Scale
    items: tuple[Item, ...]
    factors: tuple[Node, ...]
    contents: tuple[Node, ...]
    overall: Node
    min_sample: int
    hash: str
    title_en: str = ""
    notes: str = ""

    @property
    def nodes(self) -> tuple[Node, ...]:
        """Every node, bottom up: factors, contents, then the overall index."""
        return (*self.factors, *self.contents, self.overall)


def check_questionnaire(data: Any) -> list[Problem]:
    """Every problem of a parsed questionnaire file (structure, then meaning), in file order."""
    if not isinstance(data, Mapping):
        return [Problem("SIP000", "file", {"detail": "the file does not hold a mapping of keys"})]
    if data.get("format") != FORMAT:
        return [Problem("SIP004", "format", {"found": data.get("format"), "expected": FORMAT})]
    problems = [p for error in _VALIDATOR.iter_errors(data) for p in _structural(error)]
    for checker in (_codes, _items, _contents, _overall, _scale):
        problems.extend(checker(data))
    return _unique(problems)


def build_questionnaire(data: Any) -> Questionnaire:
    """A `Questionnaire` from a parsed file; raises `MethodError` with every error."""
    problems = check_questionnaire(data)
    if errors_only(problems):
        raise MethodError(errors_only(problems))
    scale = data["scale"]
    items = tuple(
        Item(i["code"], i["text"], i["factor"], i.get("text_en", "")) for i in data["items"]
    )
    factors = tuple(
        Node(
            f["code"],
            "factor",
            f["title"],
            f["aggregation"],
            tuple(i.code for i in items if i.factor == f["code"]),
            f.get("title_en", ""),
        )
        for f in data["factors"]
    )
    contents = tuple(
        Node(
            c["code"],
            "content",
            c["title"],
            c["aggregation"],
            tuple(c["factors"]),
            c.get("title_en", ""),
        )
        for c in data["contents"]
    )
    overall = data["overall"]
    return Questionnaire(
        id=data["id"],
        title=data["title"],
        title_en=data.get("title_en", ""),
        year=data["year"],
        language=data["language"],
        status=data["status"],
        notes=data.get("notes", ""),
        legal_basis=LegalBasis(**{k: str(v) for k, v in data["legal_basis"].items()}),
        scale=Scale(
            values=tuple(_scale_value(v) for v in scale["values"]),
            not_applicable=_scale_value(scale["not_applicable"]),
            satisfied=tuple(sorted(set(scale["satisfied"]))),
        ),
        items=items,
        factors=factors,
        contents=contents,
        overall=Node(
            OVERALL,
            "overall",
            overall["title"],
            overall["aggregation"],
            tuple(overall["contents"]),
            overall.get("title_en", ""),
        ),
        min_sample=data["min_sample"],
        hash=content_hash(data),
    )


def _scale_value(data: Data) -> ScaleValue:
    return ScaleValue(data["value"], data["label"], data.get("label_en", ""))


# --- structure ----------------------------------------------------------------------------------


def _structural(error: ValidationError) -> Iterator[Problem]:
    where = _locate(list(error.absolute_path))
    return structural_problems(error, family="SIP", where=where)


def _locate(path: list[Any]) -> str:
    """'items[3].factor' rather than a JSON pointer; 'file' for the top level."""
    text = "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path)
    return text.lstrip(".") or "file"


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for p in problems:
        key = (p.code, p.where, repr(sorted(p.params.items())))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


# --- meaning ------------------------------------------------------------------------------------


def _entries(data: Data, key: str) -> list[Data]:
    """The well-formed entries (mappings with a string code) of a list key."""
    value = data.get(key)
    entries = value if isinstance(value, list) else []
    return [e for e in entries if isinstance(e, Mapping) and isinstance(e.get("code"), str)]


def _codes(data: Data) -> Iterator[Problem]:
    # One namespace for items, factors and contents: every result frame names nodes by code alone.
    codes = Counter(
        e["code"] for key in ("items", "factors", "contents") for e in _entries(data, key)
    )
    codes[OVERALL] += 1
    for code, count in codes.items():
        if count > 1:
            yield Problem("SIP010", code, {"code": code})


def _items(data: Data) -> Iterator[Problem]:
    factors = [f["code"] for f in _entries(data, "factors")]
    used = set()
    for item in _entries(data, "items"):
        factor = item.get("factor")
        if isinstance(factor, str):
            used.add(factor)
            if factor not in factors:
                yield Problem(
                    "SIP011", f"item {item['code']}", {"item": item["code"], "factor": factor}
                )
    for factor in factors:
        if factor not in used:
            yield Problem("SIP012", f"factor {factor}", {"factor": factor})


def _contents(data: Data) -> Iterator[Problem]:
    factors = [f["code"] for f in _entries(data, "factors")]
    owners: dict[str, list[str]] = {}
    for content in _entries(data, "contents"):
        members = content.get("factors")
        for factor in members if isinstance(members, list) else []:
            if factor not in factors:
                params = {"content": content["code"], "factor": factor}
                yield Problem("SIP013", f"content {content['code']}", params)
            else:
                owners.setdefault(factor, []).append(content["code"])
    for factor in factors:
        found = owners.get(factor, [])
        if not found:
            yield Problem("SIP014", f"factor {factor}", {"factor": factor})
        elif len(found) > 1:
            params = {"factor": factor, "contents": ", ".join(found)}
            yield Problem("SIP015", f"factor {factor}", params)


def _overall(data: Data) -> Iterator[Problem]:
    contents = [c["code"] for c in _entries(data, "contents")]
    overall = data.get("overall")
    members = overall.get("contents") if isinstance(overall, Mapping) else None
    members = members if isinstance(members, list) else []
    for content in members:
        if content not in contents:
            yield Problem("SIP016", "overall", {"content": content})
    for content in contents:
        if content not in members:
            yield Problem("SIP017", f"content {content}", {"content": content})


def _scale(data: Data) -> Iterator[Problem]:
    scale = data.get("scale")
    if not isinstance(scale, Mapping):
        return
    raw = scale.get("values")
    levels = [
        v["value"]
        for v in (raw if isinstance(raw, list) else [])
        if isinstance(v, Mapping) and _is_int(v.get("value"))
    ]
    for value, count in Counter(levels).items():
        if count > 1:
            yield Problem("SIP020", "scale.values", {"value": value})
    na = scale.get("not_applicable")
    if isinstance(na, Mapping) and _is_int(na.get("value")) and na["value"] in levels:
        yield Problem("SIP022", "scale.not_applicable", {"value": na["value"]})
    satisfied = scale.get("satisfied")
    satisfied = [v for v in satisfied if _is_int(v)] if isinstance(satisfied, list) else []
    for value in satisfied:
        if value not in levels:
            yield Problem("SIP021", "scale.satisfied", {"value": value})
    if levels and set(levels) <= set(satisfied):
        yield Problem("SIP023", "scale.satisfied")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
