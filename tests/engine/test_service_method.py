"""Service method files (chiso.service/1): the shipped file is clean, and every problem is
reported with its code, its place and a message in both languages — all at once."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from chiso.engine.problems import CATALOGUE, MethodError
from chiso.engine.service_method import build_service_method, check_service_method
from chiso.io.method_files import parse_yaml

SHIPPED = Path(__file__).resolve().parents[2] / "src/chiso/methods/service/qd766-2022.yaml"
BASE = parse_yaml(SHIPPED.read_text(encoding="utf-8"))
METHOD_CODES = {f"SVC0{n:02d}" for n in (0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 15, 16, 17, 18)} | {
    "SVC020",
    "SVC021",
    "SVC022",
    "SVC023",
}


def test_shipped_method_is_clean_and_complete() -> None:
    assert check_service_method(BASE) == []
    method = build_service_method(BASE)
    assert [(g.code, g.points) for g in method.groups] == [
        ("1", 18),
        ("2", 20),
        ("3", 12),
        ("4", 10),
        ("5", 18),
        ("6", 22),
    ]
    assert sum(i.points for i in method.indicators) == 100
    assert method.indicator("3.3").times_rate_of == "1.4"
    assert method.indicator("5.3").rate == "complement"
    assert method.on_time.overdue_at_request == 2 and method.on_time.supplement_excluded
    assert [b.label for b in method.banding.bands] == [
        "Xuất sắc",
        "Tốt",
        "Khá",
        "Trung bình",
        "Yếu",
    ]
    assert method.hash.startswith("sha256:") and method.display.points_decimals == 2


def _indicator(data: dict[str, Any], code: str) -> dict[str, Any]:
    for group in data["groups"]:
        for indicator in group["indicators"]:
            if indicator["code"] == code:
                return indicator  # type: ignore[no-any-return]
    raise KeyError(code)


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target = data
        for step in path[:-1]:
            target = target[step]
        if value is None:
            target.pop(path[-1])
        else:
            target[path[-1]] = value

    return change


def _ind(which: str, /, **changes: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        indicator = _indicator(data, which)
        for key, value in changes.items():
            if value is None:
                indicator.pop(key)
            else:
                indicator[key] = value

    return change


BANDS = ["banding", "bands"]
MUTATIONS: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("SVC001", _set(["on_time"], None), "file", "'on_time' is missing"),
    ("SVC001", _ind("2.1", scoring=None), "indicator 2.1", "'scoring' is missing"),
    ("SVC001", _set([*BANDS, 1, "range"], None), "band tot", "'range' is missing"),
    ("SVC002", _ind("1.1", colour="red"), "indicator 1.1", "unknown key 'colour'"),
    ("SVC003", _set(["on_time", "deadline"], "whenever"), "on_time.deadline", "legal_limit"),
    ("SVC003", _set([*BANDS, 0, "range"], "[90, 80)"), "band xuat_sac › range", "lower bound"),
    (
        "SVC003",
        _ind("4.1", scoring={"kind": "target", "target": 120}),
        "indicator 4.1 › scoring.target",
        "maximum",
    ),
    ("SVC004", _set(["format"], "chiso.method/1"), "format", "chiso.service/1"),
    ("SVC010", _ind("1.2", code="1.1"), "1.1", "'1.1' is used twice"),
    ("SVC011", _ind("1.1", points=7), "group 1", "add up to 19 points"),
    ("SVC012", _set(["total_points"], 99), "total_points", "add up to 100"),
    ("SVC013", _ind("1.1", measure="magic"), "indicator 1.1", "'magic'"),
    ("SVC014", _ind("3.1", scoring={"kind": "target"}), "indicator 3.1", "needs the key 'target'"),
    (
        "SVC015",
        _ind("1.1", scoring={"kind": "linear", "target": 80}),
        "indicator 1.1",
        "'target' does not apply",
    ),
    ("SVC016", _ind("2.2", points=1), "indicator 2.2", "'shown' does not go with 1 points"),
    ("SVC016", _ind("1.1", scoring={"kind": "shown"}), "indicator 1.1", "with 6 points"),
    ("SVC017", _ind("1.1", rate="mean"), "indicator 1.1", "rate 'mean' does not fit"),
    ("SVC017", _ind("2.2", rate="share"), "indicator 2.2", "gives a mean"),
    ("SVC018", _ind("3.3", times_rate_of="9.9"), "indicator 3.3", "'9.9' cannot be used"),
    ("SVC018", _ind("3.3", times_rate_of="2.2"), "indicator 3.3", "not a rate in %"),
    ("SVC018", _ind("1.4", times_rate_of="3.3"), "indicator 3.3", "itself multiplied"),
    ("SVC020", _set([*BANDS, 1, "range"], "[81, 90)"), "banding", "gap: 80 → 81"),
    ("SVC021", _set([*BANDS, 1, "range"], "[80, 90]"), "banding", "overlap at 90"),
    ("SVC022", _set([*BANDS, 1, "code"], "xuat_sac"), "banding", "'xuat_sac' is used twice"),
    ("SVC023", _ind("1.1", code="7.1"), "indicator 7.1", "group's code '1.'"),
]


@pytest.mark.parametrize(
    ("code", "change", "where", "text"),
    MUTATIONS,
    ids=[f"{m[0]}-{n}" for n, m in enumerate(MUTATIONS)],
)
def test_each_problem_has_its_code_place_and_message(
    code: str, change: Callable[[dict[str, Any]], None], where: str, text: str
) -> None:
    data = copy.deepcopy(BASE)
    change(data)
    problems = check_service_method(data)
    found = [p for p in problems if p.code == code]
    assert any(p.where == where and text in p.message("en") for p in found), [
        p.render("en") for p in problems
    ]
    assert all(p.message("vi") for p in found)


def test_not_a_mapping_is_unreadable() -> None:
    assert [p.code for p in check_service_method(["a", "list"])] == ["SVC000"]


def test_every_problem_is_reported_at_once_and_nothing_is_built() -> None:
    data = copy.deepcopy(BASE)
    wanted = {"SVC001", "SVC002", "SVC003", "SVC010", "SVC012", "SVC013", "SVC022"}
    last_of_each = {code: change for code, change, _where, _text in MUTATIONS}
    for code in wanted:
        last_of_each[code](data)
    assert wanted <= {p.code for p in check_service_method(data)}
    with pytest.raises(MethodError) as raised:
        build_service_method(data)
    assert len(raised.value.problems) >= 6


def test_a_warning_alone_still_builds() -> None:
    data = copy.deepcopy(BASE)
    _ind("1.1", code="7.1")(data)
    assert [p.severity for p in check_service_method(data)] == ["warning"]
    assert build_service_method(data).indicator("7.1").group == "1"


def test_every_method_code_is_exercised() -> None:
    exercised = {m[0] for m in MUTATIONS} | {"SVC000"}
    catalogue = {c for c in CATALOGUE if c.startswith("SVC") and int(c[3:]) < 40}
    assert exercised == catalogue == METHOD_CODES
