"""Meaning checks of a questionnaire's item kinds and answer lists.

A questionnaire holds two kinds of item (`kind` in the file): **rating** items, answered on the
satisfaction scale and counted in a factor of the tree, and **choice** items (perceptions, needs),
answered from a named answer list in `scales` and reported as shares of answers, outside the
tree. These checks are part of `chiso.engine.sipas_method.check_questionnaire`; like the others
they read the raw data defensively and report every problem at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from chiso.engine.problems import Problem

Data = Mapping[str, Any]

# What each kind needs and what does not apply to it.
_NEEDS = {"rating": ("factor",), "choice": ("scale",)}
_FOREIGN = {"rating": ("scale", "multiple"), "choice": ("factor",)}


def entries(data: Data, key: str) -> list[Data]:
    """The well-formed entries (mappings with a string code) of a list key."""
    value = data.get(key)
    found = value if isinstance(value, list) else []
    return [e for e in found if isinstance(e, Mapping) and isinstance(e.get("code"), str)]


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def levels_of(scale: Data, where: str) -> tuple[list[int], list[Problem]]:
    """The integer levels of a scale's `values`, with SIP020 (a level twice) and SIP022 (the
    no-answer value is also a level)."""
    raw = scale.get("values")
    levels = [
        v["value"]
        for v in (raw if isinstance(raw, list) else [])
        if isinstance(v, Mapping) and is_int(v.get("value"))
    ]
    problems = [
        Problem("SIP020", f"{where}.values", {"value": value})
        for value, count in Counter(levels).items()
        if count > 1
    ]
    na = scale.get("not_applicable")
    if isinstance(na, Mapping) and is_int(na.get("value")) and na["value"] in levels:
        problems.append(Problem("SIP022", f"{where}.not_applicable", {"value": na["value"]}))
    return levels, problems


def _kinds(data: Data) -> Iterator[Problem]:
    lists = {s["code"] for s in entries(data, "scales")}
    for item in entries(data, "items"):
        kind = item.get("kind", "rating")
        if kind not in _NEEDS:
            continue  # a structural problem already (SIP003)
        code = item["code"]
        for key in _NEEDS[kind]:
            if key not in item:
                yield Problem("SIP018", f"item {code}", {"item": code, "kind": kind, "key": key})
        for key in _FOREIGN[kind]:
            if key in item:
                yield Problem("SIP019", f"item {code}", {"item": code, "kind": kind, "key": key})
        scale = item.get("scale")
        if kind == "choice" and isinstance(scale, str) and scale not in lists:
            yield Problem("SIP024", f"item {code}", {"item": code, "scale": scale})


def _answer_lists(data: Data) -> Iterator[Problem]:
    found = entries(data, "scales")
    for code, count in Counter(s["code"] for s in found).items():
        if count > 1:
            yield Problem("SIP010", f"scales {code}", {"code": code})
    used = {item.get("scale") for item in entries(data, "items") if item.get("kind") == "choice"}
    for answers in found:
        yield from levels_of(answers, f"scales {answers['code']}")[1]
        if answers["code"] not in used:
            yield Problem("SIP025", f"scales {answers['code']}", {"scale": answers["code"]})


CHOICE_CHECKS: tuple[Callable[[Data], Iterator[Problem]], ...] = (_kinds, _answer_lists)
