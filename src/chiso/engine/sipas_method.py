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
from chiso.engine.sipas_choices import CHOICE_CHECKS, entries, is_int, levels_of
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
    """A rating item: answered on the satisfaction scale, counted in its factor."""

    code: str
    text: str
    factor: str
    text_en: str = ""


@dataclass(frozen=True)
class AnswerList:
    """A named answer list (`scales` in the file) for choice items."""

    code: str
    title: str
    values: tuple[ScaleValue, ...]
    not_applicable: ScaleValue | None = None
    title_en: str = ""

    @property
    def codes(self) -> tuple[int, ...]:
        return tuple(v.value for v in self.values)


@dataclass(frozen=True)
class Choice:
    """A choice item: answered from an answer list, reported as shares, outside the tree."""

    code: str
    text: str
    scale: str
    multiple: bool
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
    choices: tuple[Choice, ...] = ()
    """The choice items, in file order (`items` holds the rating items only)."""
    scales: tuple[AnswerList, ...] = ()
    """The answer lists of the choice items."""

    @property
    def nodes(self) -> tuple[Node, ...]:
        """Every node, bottom up: factors, contents, then the overall index."""
        return (*self.factors, *self.contents, self.overall)

    def answer_list(self, code: str) -> AnswerList:
        return next(s for s in self.scales if s.code == code)

    def allowed_values(self) -> dict[str, tuple[int, ...]]:
        """Item code → the values an answer may take (its levels and its no-answer value)."""
        rating = (*self.scale.codes, self.scale.not_applicable.value)
        out = {item.code: rating for item in self.items}
        for choice in self.choices:
            answers = self.answer_list(choice.scale)
            na = () if answers.not_applicable is None else (answers.not_applicable.value,)
            out[choice.code] = (*answers.codes, *na)
        return out


def check_questionnaire(data: Any) -> list[Problem]:
    """Every problem of a parsed questionnaire file (structure, then meaning), in file order."""
    if not isinstance(data, Mapping):
        return [Problem("SIP000", "file", {"detail": "the file does not hold a mapping of keys"})]
    if data.get("format") != FORMAT:
        return [Problem("SIP004", "format", {"found": data.get("format"), "expected": FORMAT})]
    problems = [p for error in _VALIDATOR.iter_errors(data) for p in _structural(error)]
    for checker in (_codes, _items, _contents, _overall, _scale, *CHOICE_CHECKS):
        problems.extend(checker(data))
    return _unique(problems)


def build_questionnaire(data: Any) -> Questionnaire:
    """A `Questionnaire` from a parsed file; raises `MethodError` with every error."""
    problems = check_questionnaire(data)
    if errors_only(problems):
        raise MethodError(errors_only(problems))
    scale = data["scale"]
    items = tuple(
        Item(i["code"], i["text"], i["factor"], i.get("text_en", ""))
        for i in data["items"]
        if i.get("kind", "rating") == "rating"
    )
    choices = tuple(
        Choice(
            i["code"], i["text"], i["scale"], bool(i.get("multiple", False)), i.get("text_en", "")
        )
        for i in data["items"]
        if i.get("kind") == "choice"
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
        choices=choices,
        scales=tuple(_answer_list(s) for s in data.get("scales", [])),
    )


def _scale_value(data: Data) -> ScaleValue:
    return ScaleValue(data["value"], data["label"], data.get("label_en", ""))


def _answer_list(data: Data) -> AnswerList:
    na = data.get("not_applicable")
    return AnswerList(
        code=data["code"],
        title=data["title"],
        values=tuple(_scale_value(v) for v in data["values"]),
        not_applicable=None if na is None else _scale_value(na),
        title_en=data.get("title_en", ""),
    )


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


def _codes(data: Data) -> Iterator[Problem]:
    # One namespace for items, factors and contents: every result frame names nodes by code alone.
    codes = Counter(
        e["code"] for key in ("items", "factors", "contents") for e in entries(data, key)
    )
    codes[OVERALL] += 1
    for code, count in codes.items():
        if count > 1:
            yield Problem("SIP010", code, {"code": code})


def _items(data: Data) -> Iterator[Problem]:
    factors = [f["code"] for f in entries(data, "factors")]
    used = set()
    for item in entries(data, "items"):
        factor = item.get("factor")
        if isinstance(factor, str) and item.get("kind", "rating") == "rating":
            used.add(factor)
            if factor not in factors:
                yield Problem(
                    "SIP011", f"item {item['code']}", {"item": item["code"], "factor": factor}
                )
    for factor in factors:
        if factor not in used:
            yield Problem("SIP012", f"factor {factor}", {"factor": factor})


def _contents(data: Data) -> Iterator[Problem]:
    factors = [f["code"] for f in entries(data, "factors")]
    owners: dict[str, list[str]] = {}
    for content in entries(data, "contents"):
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
    contents = [c["code"] for c in entries(data, "contents")]
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
    levels, problems = levels_of(scale, "scale")
    yield from problems
    satisfied = scale.get("satisfied")
    satisfied = [v for v in satisfied if is_int(v)] if isinstance(satisfied, list) else []
    for value in satisfied:
        if value not in levels:
            yield Problem("SIP021", "scale.satisfied", {"value": value})
    if levels and set(levels) <= set(satisfied):
        yield Problem("SIP023", "scale.satisfied")
