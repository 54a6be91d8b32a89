"""`check_method` reports every problem at once, each with its stable code and place."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from chiso.engine.load import build_method, check_method, content_hash
from chiso.engine.problems import CATALOGUE, MethodError

from .methods import base_data


def _leaf(data: dict[str, Any], code: str) -> dict[str, Any]:
    for field in data["criteria"]:
        for node in field.get("children", []):
            if node["code"] == code:
                return node
    raise KeyError(code)


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.pop(key)


def _leaf_change(which: str, /, **changes: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        leaf = _leaf(data, which)
        for key, value in changes.items():
            if value is None:
                leaf.pop(key, None)
            else:
                leaf[key] = value

    return change


def _two(*changes: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        for c in changes:
            c(data)

    return change


MUTATIONS: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("PAR001", _drop("banding"), "file", "required key 'banding' is missing"),
    ("PAR001", _drop("missing_input"), "file", "required key 'missing_input'"),
    ("PAR002", _leaf_change("1.1", colour="red"), "criterion 1.1", "unknown key 'colour'"),
    ("PAR003", _set(["display", "rounding"], "up"), "display.rounding", "half_up, half_even"),
    ("PAR003", _leaf_change("1.3", max="abc"), "criterion 1.3 › max", "not a number or a fraction"),
    ("PAR004", _set(["format"], "chiso.method/0"), "format", "chiso.method/1"),
    ("PAR010", _leaf_change("1.2", code="1.1"), "criterion 1.1", "used twice"),
    ("PAR011", _leaf_change("1.3", rule=None), "criterion 1.3", "needs a rule"),
    ("PAR012", _leaf_change("1.3", max=3), "criterion 1", "(5) exceed max (4)"),
    ("PAR013", _leaf_change("1.3", max=1), "criterion 1", "(3) fall short of max (4)"),
    ("PAR014", _set(["criteria", 0, "source"], "appraisal"), "criterion 1", "own rule"),
    ("PAR015", _leaf_change("1.3", code="9.3"), "criterion 9.3", "parent's code '1.'"),
    ("PAR015", _leaf_change("1.3", code="10.3"), "criterion 10.3", "parent's code '1.'"),
    ("PAR016", _set(["total_points"], 100), "total_points", "add up to 10 points"),
    (
        "PAR017",
        _two(_leaf_change("1.3", max=0), _set(["criteria", 0, "max"], 2)),
        "criterion 1.3",
        "above 0",
    ),
    ("PAR020", _leaf_change("1.3", rule={"kind": "magic"}), "criterion 1.3", "'magic'"),
    ("PAR021", _leaf_change("1.2", rule={"kind": "deduction"}), "criterion 1.2", "per_incident"),
    (
        "PAR022",
        _leaf_change(
            "2.3",
            rule={
                "kind": "threshold",
                "bands": [{"range": "[90, 100]", "points": 1}, {"range": "[0, 80)", "points": 0}],
            },
        ),
        "criterion 2.3",
        "gap: 80 → 90",
    ),
    (
        "PAR023",
        _leaf_change(
            "2.3",
            rule={
                "kind": "threshold",
                "bands": [{"range": "[90, 100]", "points": 1}, {"range": "[0, 90]", "points": 0}],
            },
        ),
        "criterion 2.3",
        "overlap at 90",
    ),
    (
        "PAR024",
        _leaf_change(
            "1.1",
            rule={
                "kind": "levels",
                "levels": [{"code": "a", "points": 2}, {"code": "b", "points": 1}],
            },
        ),
        "criterion 1.1",
        "above",
    ),
    (
        "PAR025",
        _leaf_change(
            "1.1",
            rule={
                "kind": "levels",
                "levels": [{"code": "a", "points": 1}, {"code": "a", "points": 0}],
            },
        ),
        "criterion 1.1",
        "twice",
    ),
    ("PAR026", _leaf_change("1.3", rule={"kind": "manual", "step": 0.3}), "criterion 1.3", "0.3"),
    (
        "PAR027",
        _leaf_change("2.4", rule={"kind": "survey", "options": {"A": 150}}),
        "criterion 2.4",
        "'A'",
    ),
    (
        "PAR028",
        _leaf_change(
            "1.1",
            rule={
                "kind": "levels",
                "levels": [{"code": "a", "points": 0.5}, {"code": "b", "points": 0}],
            },
        ),
        "criterion 1.1",
        "never be scored in full",
    ),
    ("PAR030", _set(["components", 1, "sources"], ["survey"]), "components", "'sipas'"),
    ("PAR031", _set(["components", 0, "points"], 80), "component appraisal", "declares 80"),
    (
        "PAR032",
        _set(["components", 1, "sources"], ["survey", "sipas", "data"]),
        "components",
        "'data' belongs to several",
    ),
    ("PAR033", _set(["components", 1, "code"], "appraisal"), "component appraisal", "twice"),
    ("PAR034", _set(["bonus", "cap"], 0.5), "bonus item T1", "exceeds the cap"),
    ("PAR040", _set(["exemptions", 0, "criteria"], ["7.7"]), "exemptions[0]", "'7.7'"),
    ("PAR041", _set(["exemptions", 0, "unit_kinds"], []), "exemptions[0]", "units or unit_kinds"),
    ("PAR050", _set(["banding", "bands", 1, "range"], "[81, 90)"), "banding", "gap: 80 → 81"),
    ("PAR051", _set(["banding", "bands", 1, "range"], "[80, 90]"), "banding", "overlap at 90"),
    ("PAR052", _set(["banding", "bands", 1, "code"], "xuat_sac"), "banding", "'xuat_sac'"),
    (
        "PAR053",
        _set(
            ["banding"],
            {
                "kind": "rank_groups",
                "bands": [{"code": "A", "label": "A"}, {"code": "B", "label": "B"}],
            },
        ),
        "band A",
        "last group",
    ),
    ("PAR054", _set(["blocks", 1, "code"], "so"), "block so", "twice"),
    (
        "PAR055",
        _set(["ranking"], {"ties": "secondary", "secondary": ["field:9"]}),
        "ranking.secondary",
        "'field:9'",
    ),
    ("PAR056", _set(["ranking"], {"ties": "secondary"}), "ranking", "needs a list"),
]


@pytest.mark.parametrize(
    ("code", "mutate", "where", "text"),
    MUTATIONS,
    ids=[f"{m[0]}-{i}" for i, m in enumerate(MUTATIONS)],
)
def test_each_problem_is_reported_with_code_place_and_message(code, mutate, where, text):
    data = base_data()
    mutate(data)
    found = [p for p in check_method(data) if p.code == code]
    assert found, [p.render("en") for p in check_method(data)]
    assert any(p.where == where and text in p.message("en") for p in found), [
        p.render("en") for p in found
    ]
    assert all(p.message("vi") for p in found)


def test_every_method_problem_code_is_exercised():
    exercised = {m[0] for m in MUTATIONS} | {"PAR000"}  # PAR000: tests/io (unreadable file)
    assert exercised == {c for c in CATALOGUE if c.startswith("PAR")}


def test_base_method_is_clean():
    assert check_method(base_data()) == []


def test_all_problems_are_reported_together_and_nothing_is_built():
    data = base_data()
    for _, mutate, _, _ in MUTATIONS[2:5] + MUTATIONS[12:14]:
        mutate(data)
    problems = check_method(data)
    assert len({p.code for p in problems}) >= 4
    with pytest.raises(MethodError) as caught:
        build_method(data)
    assert {p.code for p in caught.value.problems} == {
        p.code for p in problems if p.severity == "error"
    }


def test_warnings_alone_do_not_stop_building():
    data = base_data()
    _leaf_change("1.3", code="9.3")(data)
    assert [p.code for p in check_method(data)] == ["PAR015"]
    assert build_method(data).nodes["9.3"].max == 2


def test_not_a_mapping():
    assert [p.code for p in check_method(["a", "list"])] == ["PAR000"]


def test_content_hash_ignores_key_order_but_not_content():
    data = base_data()
    reordered = copy.deepcopy(dict(reversed(list(data.items()))))
    assert content_hash(data) == content_hash(reordered)
    _leaf_change("1.3", max=2.0, title="Kiểm tra nội bộ")(data)
    assert content_hash(data) != content_hash(reordered)
