"""Check a service-quality method file (`chiso.service/1`) and build a `ServiceMethod` from it.

Like `chiso.engine.load` for PAR methods: `check_service_method` returns every problem at once —
the structure first (`chiso.engine.service_schema`), then the meaning (codes, sums, measures,
scoring parameters, references, bands) — each check reading the raw data defensively, so that a
broken part is reported once and never stops the others. `build_service_method` refuses any
file with an error: nothing is computed from an invalid method.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from chiso.engine.framework import Band, Banding, Bound, Display, LegalBasis
from chiso.engine.intervals import coverage_issues, parse_interval
from chiso.engine.load import content_hash, structural_problems
from chiso.engine.problems import MethodError, Problem, errors_only
from chiso.engine.service_measures import MEASURES
from chiso.engine.service_schema import FORMAT, SERVICE_SCHEMA

Data = Mapping[str, Any]
_VALIDATOR = Draft202012Validator(SERVICE_SCHEMA)
_PARAMS = {"linear": (), "target": ("target",), "shown": ()}


@dataclass(frozen=True)
class Indicator:
    code: str
    group: str
    title: str
    points: float
    measure: str
    rate: str  # share | complement | mean
    scoring: str  # linear | target | shown
    target: float | None
    when_no_data: str  # full | zero
    applies_to: tuple[str, ...]
    times_rate_of: str | None = None
    title_en: str = ""
    ref: str = ""


@dataclass(frozen=True)
class Group:
    code: str
    title: str
    points: float
    indicators: tuple[Indicator, ...]
    title_en: str = ""


@dataclass(frozen=True)
class OnTime:
    """The dossier on-time rules, as named settings (see the schema for each)."""

    deadline: str
    supplement_excluded: bool
    overdue_at_request: int | None
    judge_open: bool


@dataclass(frozen=True)
class FeedbackRules:
    reject_within: int
    supplement_request_within: int
    handle_within: int
    judge_open: bool
    disliked: str


@dataclass(frozen=True)
class ServiceMethod:
    id: str
    title: str
    jurisdiction: str
    language: str
    status: str
    legal_basis: LegalBasis
    total_points: float
    calendar: str  # the holiday calendar files: <calendar>-YYYY.yaml
    on_time: OnTime
    publication_lead: int
    made_public_within: int
    written_result_needs_e_result: bool
    feedback: FeedbackRules
    certified_copy_procedures: tuple[str, ...]
    not_applicable: str
    groups: tuple[Group, ...]
    banding: Banding
    ties: str
    within: str
    display: Display
    round_points: str
    hash: str
    title_en: str = ""
    notes: str = ""

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for g in self.groups for i in g.indicators)

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)


def check_service_method(data: Any) -> list[Problem]:
    """Every problem of a parsed service method file (structure, then meaning), in file order."""
    if not isinstance(data, Mapping):
        return [Problem("SVC000", "file", {"detail": "the file does not hold a mapping of keys"})]
    if data.get("format") != FORMAT:
        return [Problem("SVC004", "format", {"found": data.get("format"), "expected": FORMAT})]
    problems = [
        p
        for error in _VALIDATOR.iter_errors(data)
        for p in structural_problems(error, family="SVC", where=_locate(data, error))
    ]
    for checker in (_codes, _sums, _measures, _scoring, _references, _bands):
        problems.extend(checker(data))
    return _unique(problems)


def build_service_method(data: Any) -> ServiceMethod:
    """A `ServiceMethod` from a parsed file; raises `MethodError` with every error."""
    problems = check_service_method(data)
    if errors_only(problems):
        raise MethodError(errors_only(problems))
    on_time, feedback, display = data["on_time"], data["feedback"], data["display"]
    return ServiceMethod(
        id=data["id"],
        title=data["title"],
        title_en=data.get("title_en", ""),
        jurisdiction=data["jurisdiction"],
        language=data["language"],
        status=data["status"],
        notes=data.get("notes", ""),
        legal_basis=LegalBasis(**{k: str(v) for k, v in data["legal_basis"].items()}),
        total_points=float(data["total_points"]),
        calendar=data["calendar"],
        on_time=OnTime(
            deadline=on_time["deadline"],
            supplement_excluded=on_time["supplement_time"] == "excluded",
            overdue_at_request=on_time["overdue_at_supplement_request"],
            judge_open=on_time["open_dossiers"] == "judged_at_period_end",
        ),
        publication_lead=data["publicity"]["publication_lead_working_days"],
        made_public_within=data["publicity"]["made_public_within_working_days"],
        written_result_needs_e_result=data["online"]["written_result_needs_e_result"],
        feedback=FeedbackRules(
            reject_within=feedback["reject_within_working_days"],
            supplement_request_within=feedback["supplement_request_within_working_days"],
            handle_within=feedback["handle_within_working_days"],
            judge_open=feedback["open_feedback"] == "judged_at_period_end",
            disliked=feedback["disliked"],
        ),
        certified_copy_procedures=tuple(data["certified_copies"]["procedures"]),
        not_applicable=data["not_applicable"],
        groups=tuple(_group(g) for g in data["groups"]),
        banding=Banding(
            "bands", tuple(_band(b) for b in data["banding"]["bands"]), data["banding"]["compare"]
        ),
        ties=data["ranking"]["ties"],
        within=data["ranking"]["within"],
        display=Display(display["decimals"], display["decimals"], display["rounding"]),
        round_points=display["round_points"],
        hash=content_hash(data),
    )


def _group(data: Data) -> Group:
    indicators = tuple(_indicator(i, str(data["code"])) for i in data["indicators"])
    return Group(
        data["code"], data["title"], float(data["points"]), indicators, data.get("title_en", "")
    )


def _indicator(data: Data, group: str) -> Indicator:
    scoring = data["scoring"]
    return Indicator(
        code=data["code"],
        group=group,
        title=data["title"],
        title_en=data.get("title_en", ""),
        ref=data.get("ref", ""),
        points=float(data["points"]),
        measure=data["measure"],
        rate=data["rate"],
        scoring=scoring["kind"],
        target=float(scoring["target"]) if "target" in scoring else None,
        when_no_data=data["when_no_data"],
        applies_to=tuple(data["applies_to"]),
        times_rate_of=data.get("times_rate_of"),
    )


def _band(data: Data) -> Band:
    interval = parse_interval(data["range"])
    return Band(
        code=data["code"],
        label=data["label"],
        label_en=data.get("label_en", ""),
        lower=Bound(interval.lower, interval.lower_inclusive),
        upper=Bound(interval.upper, interval.upper_inclusive),
    )


# --- structure ----------------------------------------------------------------------------------


def _locate(data: Any, error: ValidationError) -> str:
    """'indicator 2.1 › scoring.kind' rather than 'groups[1].indicators[0].scoring.kind'."""
    node, where = data, ""
    rest: list[str] = []
    for step in error.absolute_path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(step, int) and isinstance(node, Mapping) and "code" in node:
            kind = {"groups": "group", "indicators": "indicator", "bands": "band"}
            where, rest = f"{kind.get(str(rest[-1]) if rest else '', 'item')} {node['code']}", []
            continue
        rest.append(str(step) if isinstance(step, str) else f"[{step}]")
    tail = ".".join(rest).replace(".[", "[")
    if where and tail:
        return f"{where} › {tail}"
    return where or tail or "file"


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


def _entries(value: Any) -> list[Data]:
    """The well-formed entries (mappings with a string code) of a list."""
    entries = value if isinstance(value, list) else []
    return [e for e in entries if isinstance(e, Mapping) and isinstance(e.get("code"), str)]


def _groups(data: Data) -> list[Data]:
    return _entries(data.get("groups"))


def _indicators(data: Data) -> list[Data]:
    return [i for g in _groups(data) for i in _entries(g.get("indicators"))]


def _number(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return float(value) if ok else None


def _codes(data: Data) -> Iterator[Problem]:
    # One namespace for groups and indicators: result frames name both by code alone.
    counts = Counter(e["code"] for e in [*_groups(data), *_indicators(data)])
    for code, n in counts.items():
        if n > 1:
            yield Problem("SVC010", code, {"code": code})
    for group in _groups(data):
        for indicator in _entries(group.get("indicators")):
            if not indicator["code"].startswith(group["code"] + "."):
                params = {"code": indicator["code"], "group": group["code"]}
                yield Problem("SVC023", f"indicator {indicator['code']}", params)


def _sums(data: Data) -> Iterator[Problem]:
    totals = []
    for group in _groups(data):
        declared = _number(group.get("points"))
        parts = [_number(i.get("points")) for i in _entries(group.get("indicators"))]
        if declared is None or None in parts:
            totals.append(declared)
            continue
        found = math.fsum(p for p in parts if p is not None)
        if not math.isclose(found, declared, abs_tol=1e-9):
            params = {"found": f"{found:g}", "declared": f"{declared:g}"}
            yield Problem("SVC011", f"group {group['code']}", params)
        totals.append(declared)
    declared_total = _number(data.get("total_points"))
    if declared_total is not None and totals and None not in totals:
        found = math.fsum(t for t in totals if t is not None)
        if not math.isclose(found, declared_total, abs_tol=1e-9):
            params = {"found": f"{found:g}", "declared": f"{declared_total:g}"}
            yield Problem("SVC012", "total_points", params)


def _measures(data: Data) -> Iterator[Problem]:
    for indicator in _indicators(data):
        where, name = f"indicator {indicator['code']}", indicator.get("measure")
        if not isinstance(name, str):
            continue
        measure = MEASURES.get(name)
        if measure is None:
            yield Problem("SVC013", where, {"measure": name, "known": ", ".join(MEASURES)})
            continue
        rate = indicator.get("rate")
        fits = rate == "mean" if measure.value == "mean" else rate in ("share", "complement")
        if isinstance(rate, str) and not fits:
            yield Problem("SVC017", where, {"rate": rate, "measure": name, "value": measure.value})


def _scoring(data: Data) -> Iterator[Problem]:
    for indicator in _indicators(data):
        where = f"indicator {indicator['code']}"
        scoring = indicator.get("scoring")
        kind = scoring.get("kind") if isinstance(scoring, Mapping) else None
        if kind not in _PARAMS or not isinstance(scoring, Mapping):
            continue
        for key in _PARAMS[kind]:
            if key not in scoring:
                yield Problem("SVC014", where, {"kind": kind, "key": key})
        for key in scoring:
            if key != "kind" and key not in _PARAMS[kind]:
                yield Problem("SVC015", where, {"kind": kind, "key": key})
        points = _number(indicator.get("points"))
        shown, mean = kind == "shown", indicator.get("rate") == "mean"
        if points is not None and (shown != (points == 0) or (mean and not shown)):
            yield Problem("SVC016", where, {"kind": kind, "points": f"{points:g}"})


def _references(data: Data) -> Iterator[Problem]:
    rates = {i["code"]: i.get("rate") for i in _indicators(data)}
    for indicator in _indicators(data):
        other = indicator.get("times_rate_of")
        if other is None:
            continue
        where = f"indicator {indicator['code']}"
        if other == indicator["code"] or other not in rates:
            yield Problem("SVC018", where, {"other": other, "why": "unknown or itself"})
        elif rates[other] == "mean" or indicator.get("rate") == "mean":
            yield Problem("SVC018", where, {"other": other, "why": "not a rate in %"})
        elif any(i.get("times_rate_of") for i in _indicators(data) if i["code"] == other):
            yield Problem("SVC018", where, {"other": other, "why": "itself multiplied"})


def _bands(data: Data) -> Iterator[Problem]:
    banding = data.get("banding")
    bands = _entries(banding.get("bands")) if isinstance(banding, Mapping) else []
    for code, n in Counter(b["code"] for b in bands).items():
        if n > 1:
            yield Problem("SVC022", "banding", {"band": code})
    intervals = []
    for band in bands:
        if "range" not in band:
            yield Problem("SVC001", f"band {band['code']}", {"key": "range"})
            continue
        try:
            intervals.append(parse_interval(band["range"]))
        except ValueError as exc:
            yield Problem("SVC003", f"band {band['code']} › range", {"detail": str(exc)})
    if not bands or len(intervals) != len(bands):
        return
    for issue in coverage_issues(intervals, 0.0, 100.0):
        code = "SVC020" if issue.kind == "gap" else "SVC021"
        yield Problem(code, "banding", {"gap" if issue.kind == "gap" else "at": str(issue)})
