"""SIPAS: questionnaire checks (every SIP code), hand-computed estimates, and properties."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from pathlib import Path
from statistics import NormalDist
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso.engine.problems import CATALOGUE, InputError, MethodError
from chiso.engine.sipas import check_answers, estimate_sipas
from chiso.engine.sipas_method import build_questionnaire, check_questionnaire
from chiso.io.method_files import parse_yaml

SHIPPED = Path(__file__).resolve().parents[2] / "src/chiso/methods/sipas/service-user-2024.yaml"

SMALL: dict[str, Any] = {
    "format": "chiso.questionnaire/1",
    "id": "test",
    "title": "Phiếu thử",
    "year": 2024,
    "language": "vi",
    "status": "modelled",
    "legal_basis": {"decision": "1/QĐ", "date": "2024-01-01"},
    "scale": {
        "values": [{"value": v, "label": f"mức {v}"} for v in range(1, 6)],
        "not_applicable": {"value": 0, "label": "không trả lời"},
        "satisfied": [4, 5],
    },
    "items": [
        {"code": "a1", "text": "câu a1", "factor": "A"},
        {"code": "a2", "text": "câu a2", "factor": "A"},
        {"code": "b1", "text": "câu b1", "factor": "B"},
    ],
    "factors": [
        {"code": "A", "title": "Yếu tố A", "aggregation": "mean"},
        {"code": "B", "title": "Yếu tố B", "aggregation": "mean"},
    ],
    "contents": [{"code": "DV", "title": "Dịch vụ", "aggregation": "mean", "factors": ["A", "B"]}],
    "overall": {"title": "SIPAS", "aggregation": "mean", "contents": ["DV"]},
    "min_sample": 3,
}


def _q(**changes: Any) -> Any:
    data = copy.deepcopy(SMALL)
    data.update(changes)
    return build_questionnaire(data)


def _answers(rows: list[tuple[str, str, str, int]], **extra: list[Any]) -> pl.DataFrame:
    frame = pl.DataFrame(
        rows, schema=["respondent", "unit", "item", "value"], orient="row"
    ).with_columns(pl.col("value").cast(pl.Int64))
    return frame.with_columns(**{k: pl.Series(v) for k, v in extra.items()})


# --- the questionnaire --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rating", "choices", "factors", "contents"),
    [
        ("service-user-2024", 22, 0, 5, 1),
        ("resident-2024", 30, 15, 9, 2),
        ("commune-short-2024", 9, 0, 3, 1),
    ],
)
def test_every_shipped_questionnaire_checks_clean(
    name: str, rating: int, choices: int, factors: int, contents: int
) -> None:
    data = parse_yaml((SHIPPED.parent / f"{name}.yaml").read_text(encoding="utf-8"))
    assert check_questionnaire(data) == []
    q = build_questionnaire(data)
    assert (len(q.items), len(q.choices), len(q.factors), len(q.contents)) == (
        rating,
        choices,
        factors,
        contents,
    )
    assert all(i.text_en for i in q.items) and all(c.text_en for c in q.choices)
    assert q.title_en and all(n.title_en for n in q.nodes)


def test_resident_form_structure() -> None:
    data = parse_yaml((SHIPPED.parent / "resident-2024.yaml").read_text(encoding="utf-8"))
    q = build_questionnaire(data)
    policy = next(c for c in q.contents if c.code == "CS")
    items = [i for i in q.items if i.factor in policy.children]
    assert len(items) == 14  # accountability, participation, 8 policy areas, impact
    needs = [c for c in q.choices if c.scale == "NHU_CAU"]
    assert len(needs) == 10 and len(q.answer_list("NHU_CAU").values) == 3
    assert q.overall.children == ("DV", "CS")


def test_shipped_questionnaire_checks_clean() -> None:
    data = parse_yaml(SHIPPED.read_text(encoding="utf-8"))
    assert check_questionnaire(data) == []
    q = build_questionnaire(data)
    assert len(q.factors) == 5 and len(q.items) == 22 and q.scale.satisfied == (4, 5)
    assert q.status == "modelled" and q.min_sample == 30 and q.hash.startswith("sha256:")


def _edit(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target = data
        for step in path[:-1]:
            target = target[step]
        if value is None:
            target.pop(path[-1])
        else:
            target[path[-1]] = value

    return change


MUTATIONS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("SIP001", _edit(["min_sample"], None), "'min_sample' is missing"),
    ("SIP001", _edit(["factors", 0, "aggregation"], None), "'aggregation' is missing"),
    ("SIP002", _edit(["items", 0, "colour"], "red"), "unknown key 'colour'"),
    ("SIP003", _edit(["factors", 0, "aggregation"], "median"), "mean, pooled"),
    ("SIP004", _edit(["format"], "chiso.method/1"), "chiso.questionnaire/1"),
    ("SIP010", _edit(["items", 1, "code"], "a1"), "'a1' is used twice"),
    ("SIP010", _edit(["items", 1, "code"], "A"), "'A' is used twice"),
    ("SIP011", _edit(["items", 2, "factor"], "C"), "unknown factor 'C'"),
    ("SIP012", _edit(["items", 2, "factor"], "A"), "factor 'B' has no items"),
    ("SIP013", _edit(["contents", 0, "factors"], ["A", "B", "Z"]), "unknown factor 'Z'"),
    ("SIP014", _edit(["contents", 0, "factors"], ["A"]), "'B' belongs to no content"),
    (
        "SIP015",
        _edit(
            ["contents"],
            [
                {"code": "DV", "title": "x", "aggregation": "mean", "factors": ["A", "B"]},
                {"code": "CS", "title": "y", "aggregation": "mean", "factors": ["B"]},
            ],
        ),
        "several contents: DV, CS",
    ),
    ("SIP016", _edit(["overall", "contents"], ["DV", "CS"]), "unknown content 'CS'"),
    (
        "SIP017",
        _edit(
            ["contents"],
            [
                {"code": "DV", "title": "x", "aggregation": "mean", "factors": ["A", "B"]},
                {"code": "CS", "title": "y", "aggregation": "mean", "factors": ["A"]},
            ],
        ),
        "'CS' does not count",
    ),
    ("SIP020", _edit(["scale", "values", 1, "value"], 1), "value 1 is listed twice"),
    ("SIP021", _edit(["scale", "satisfied"], [4, 6]), "value 6 is not on the scale"),
    ("SIP022", _edit(["scale", "not_applicable", "value"], 3), "no-answer value 3"),
    ("SIP023", _edit(["scale", "satisfied"], [1, 2, 3, 4, 5]), "every level"),
    ("SIP018", _edit(["items", 0, "factor"], None), "rating item 'a1' needs the key 'factor'"),
    ("SIP019", _edit(["items", 0, "scale"], "YN"), "'scale' does not apply to the rating item"),
]

# SMALL with choice items: a yes/no question and a multiple-answer question.
CHOICE: dict[str, Any] = {
    **copy.deepcopy(SMALL),
    "scales": [
        {
            "code": "YN",
            "title": "Có / không",
            "values": [{"value": 1, "label": "Có"}, {"value": 2, "label": "Không"}],
            "not_applicable": {"value": 0, "label": "không trả lời"},
        },
        {
            "code": "CH",
            "title": "Kênh",
            "values": [{"value": v, "label": f"kênh {v}"} for v in (1, 2, 3)],
        },
    ],
}
CHOICE["items"] = [
    *SMALL["items"],
    {"code": "q1", "text": "câu q1", "kind": "choice", "scale": "YN"},
    {"code": "q2", "text": "câu q2", "kind": "choice", "scale": "CH", "multiple": True},
]

CHOICE_MUTATIONS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("SIP018", _edit(["items", 3, "scale"], None), "choice item 'q1' needs the key 'scale'"),
    ("SIP019", _edit(["items", 3, "factor"], "A"), "'factor' does not apply to the choice item"),
    ("SIP024", _edit(["items", 3, "scale"], "ZZ"), "unknown answer list 'ZZ'"),
    ("SIP025", _edit(["items", 4, "scale"], "YN"), "answer list 'CH' is used by no item"),
    ("SIP010", _edit(["scales", 1, "code"], "YN"), "'YN' is used twice"),
    ("SIP020", _edit(["scales", 0, "values", 1, "value"], 1), "value 1 is listed twice"),
    ("SIP022", _edit(["scales", 0, "not_applicable", "value"], 2), "no-answer value 2"),
    ("SIP003", _edit(["items", 3, "kind"], "open"), "rating, choice"),
]


@pytest.mark.parametrize(("code", "change", "text"), CHOICE_MUTATIONS)
def test_each_choice_problem_is_reported(code: str, change: Any, text: str) -> None:
    data = copy.deepcopy(CHOICE)
    assert check_questionnaire(data) == []
    change(data)
    found = [p for p in check_questionnaire(data) if p.code == code]
    assert found, check_questionnaire(data)
    assert any(text in p.message("en") for p in found), [p.message("en") for p in found]


@pytest.mark.parametrize(("code", "change", "text"), MUTATIONS)
def test_each_problem_is_reported(code: str, change: Any, text: str) -> None:
    data = copy.deepcopy(SMALL)
    change(data)
    found = [p for p in check_questionnaire(data) if p.code == code]
    assert found, check_questionnaire(data)
    assert any(text in p.message("en") for p in found), [p.message("en") for p in found]
    assert all(p.message("vi") for p in found)


def test_not_a_mapping_and_build_refuses_errors() -> None:
    assert [p.code for p in check_questionnaire([1, 2])] == ["SIP000"]
    bad = copy.deepcopy(SMALL)
    bad["items"][2]["factor"] = "C"
    with pytest.raises(MethodError, match="SIP011"):
        build_questionnaire(bad)


def test_problems_are_all_reported_at_once() -> None:
    data = copy.deepcopy(SMALL)
    data["items"][2]["factor"] = "C"
    data["scale"]["satisfied"] = [4, 9]
    codes = {p.code for p in check_questionnaire(data)}
    assert {"SIP011", "SIP012", "SIP021"} <= codes


ANSWER_PROBLEMS: list[tuple[str, Callable[[], pl.DataFrame], str]] = [
    ("SIP040", lambda: _answers([("r1", "u", "a1", 5)]).drop("unit"), "'unit'"),
    ("SIP041", lambda: _answers([("r1", "u", "zz", 5)]), "item 'zz'"),
    ("SIP042", lambda: _answers([("r1", "u", "a1", 7)]), "value 7"),
    ("SIP043", lambda: _answers([("r1", "u", "a1", 5), ("r1", "u", "a1", 4)]), "more than once"),
    ("SIP044", lambda: _answers([("r1", "u", "a1", 5), ("r1", "v", "a2", 4)]), "'unit'"),
    ("SIP045", lambda: _answers([("r1", "u", "a1", 5)], weight=[-1.0]), "positive"),
    ("SIP046", lambda: _answers([("r1", "u", "a1", 5)], channel=[None]), "'channel'"),
    ("SIP042", lambda: _answers([("r1", "u", "q1", 3)]), "value 3"),
    ("SIP043", lambda: _answers([("r1", "u", "q1", 1), ("r1", "u", "q1", 2)]), "'q1' more than"),
    ("SIP043", lambda: _answers([("r1", "u", "q2", 1), ("r1", "u", "q2", 1)]), "'q2' more than"),
    (
        "SIP044",
        lambda: _answers([("r1", "u", "a1", 5)], procedure=["p1"]).vstack(
            _answers([("r1", "u", "a2", 5)], procedure=["p2"])
        ),
        "'procedure'",
    ),
]


@pytest.mark.parametrize(("code", "frame", "text"), ANSWER_PROBLEMS)
def test_each_answer_problem_is_reported(code: str, frame: Any, text: str) -> None:
    q = build_questionnaire(CHOICE)
    found = [p for p in check_answers(q, frame()) if p.code == code]
    assert found and any(text in p.message("en") for p in found)
    with pytest.raises(InputError, match=code):
        estimate_sipas(q, frame(), seed=1, bootstrap=10)


def test_several_answers_to_a_multiple_item_are_accepted() -> None:
    frame = _answers([("r1", "u", "q2", 1), ("r1", "u", "q2", 3), ("r1", "u", "a1", 4)])
    assert check_answers(build_questionnaire(CHOICE), frame) == []


def test_every_sip_code_is_tested() -> None:
    from tests.engine.test_sipas_weights import TOTALS_PROBLEMS

    tested = {code for code, *_ in MUTATIONS} | {code for code, *_ in ANSWER_PROBLEMS}
    tested |= {code for code, *_ in CHOICE_MUTATIONS} | {code for code, *_ in TOTALS_PROBLEMS}
    tested |= {"SIP000"}
    assert {c for c in CATALOGUE if c.startswith("SIP")} == tested


# --- hand-computed estimates --------------------------------------------------------------------


def _wilson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    z = NormalDist().inv_cdf(1 - (1 - level) / 2)
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return 100 * (centre - half), 100 * (centre + half)


def test_item_rate_and_wilson_bounds_by_hand() -> None:
    # 10 answers to a1 in unit u: 5,5,4,4,4,4,3,2,1 and one "no answer" → 6 of 9 satisfied.
    values = [5, 5, 4, 4, 4, 4, 3, 2, 1, 0]
    rows = [(f"r{n}", "u", "a1", v) for n, v in enumerate(values)]
    result = estimate_sipas(_q(), _answers(rows), seed=3, bootstrap=50)
    row = result.items.row(0, named=True)
    assert (row["n"], row["satisfied"]) == (9, 6)
    assert row["rate"] == pytest.approx(100 * 6 / 9)
    low, high = _wilson(6, 9)
    assert (row["low"], row["high"]) == (pytest.approx(low), pytest.approx(high))
    assert row["n_eff"] == pytest.approx(9)


def test_mean_and_pooled_differ_by_hand() -> None:
    # a1: 4 answers, 4 satisfied (100 %); a2: 1 answer, not satisfied (0 %); b1: 2 of 2.
    rows = [(f"r{n}", "u", "a1", 5) for n in range(4)]
    rows += [("r0", "u", "a2", 1), ("r0", "u", "b1", 4), ("r1", "u", "b1", 4)]
    frame = _answers(rows)
    mean = estimate_sipas(_q(), frame, seed=1, bootstrap=20).nodes
    pooled_q = copy.deepcopy(SMALL)
    pooled_q["factors"][0]["aggregation"] = "pooled"
    pooled_q["overall"]["aggregation"] = "pooled"
    pooled = estimate_sipas(build_questionnaire(pooled_q), frame, seed=1, bootstrap=20).nodes

    def get(nodes: pl.DataFrame, code: str) -> float:
        return float(nodes.filter(pl.col("node") == code)["estimate"][0])

    assert get(mean, "A") == pytest.approx(50.0)  # (100 + 0) / 2
    assert get(pooled, "A") == pytest.approx(80.0)  # 4 of 5 answers
    assert get(mean, "overall") == pytest.approx(75.0)  # content = (50 + 100) / 2
    assert get(pooled, "overall") == pytest.approx(100 * 6 / 7)  # 6 of 7 answers
    assert get(pooled, "DV") == pytest.approx(90.0)  # mean of (80, 100)
    assert mean.filter(pl.col("node") == "A")["n"][0] == 4


def test_weighted_rate_uses_effective_sample_size() -> None:
    rows = [("r1", "u", "a1", 5), ("r2", "u", "a1", 1), ("r3", "u", "a1", 4)]
    result = estimate_sipas(_q(), _answers(rows, weight=[2.0, 1.0, 1.0]), seed=1, bootstrap=20)
    row = result.items.row(0, named=True)
    assert row["rate"] == pytest.approx(75.0)
    assert row["n_eff"] == pytest.approx(16 / 6)


def _units(rows_per_unit: dict[str, list[int]]) -> pl.DataFrame:
    rows = []
    for unit, values in rows_per_unit.items():
        for n, v in enumerate(values):
            for item in ("a1", "a2", "b1"):
                rows.append((f"{unit}-{n}", unit, item, v))
    return _answers(rows)


def test_min_sample_rank_and_pairs() -> None:
    frame = _units({"x": [5, 5, 5, 4], "y": [5, 4, 2, 1], "z": [5, 5]})  # z: 2 < min_sample 3
    result = estimate_sipas(_q(), frame, seed=7, bootstrap=200)
    units = {r["unit"]: r for r in result.units.iter_rows(named=True)}
    assert units["z"]["ranked"] is False and units["z"]["rank"] is None
    assert (units["x"]["rank"], units["y"]["rank"]) == (1, 2)
    pair = result.pairs.row(0, named=True)
    assert (pair["unit_above"], pair["unit_below"]) == ("x", "y")
    assert pair["difference"] == pytest.approx(50.0)
    assert pair["significant"] == (not pair["low"] <= 0 <= pair["high"])


def test_by_channel_estimates_each_channel() -> None:
    frame = _units({"x": [5, 5, 5, 1, 1, 1]})
    frame = frame.with_columns(
        channel=pl.when(pl.col("respondent").str.slice(2, 1).cast(pl.Int64) < 3)
        .then(pl.lit("kiosk"))
        .otherwise(pl.lit("online"))
    )
    result = estimate_sipas(_q(), frame, seed=1, bootstrap=20, by="channel")
    overall = dict(zip(result.units["channel"], result.units["overall"], strict=True))
    assert overall == {"kiosk": 100.0, "online": 0.0}


# --- properties ---------------------------------------------------------------------------------

values = st.sampled_from([0, 1, 2, 3, 4, 5])
unit_answers = st.lists(st.tuples(values, values, values), min_size=1, max_size=8)
data = st.dictionaries(st.sampled_from(["u1", "u2", "u3"]), unit_answers, min_size=1)


def _frame(drawn: dict[str, list[tuple[int, int, int]]]) -> pl.DataFrame:
    rows = [
        (f"{unit}-{n}", unit, item, v)
        for unit, answers in drawn.items()
        for n, triple in enumerate(answers)
        for item, v in zip(("a1", "a2", "b1"), triple, strict=True)
    ]
    return _answers(rows)


@settings(max_examples=40, deadline=None)
@given(data, st.integers(0, 2**32 - 1))
def test_intervals_contain_estimates(drawn: Any, seed: int) -> None:
    result = estimate_sipas(_q(), _frame(drawn), seed=seed, bootstrap=50)
    for frame in (result.items, result.nodes):
        est = "rate" if "rate" in frame.columns else "estimate"
        present = frame.filter(pl.col(est).is_not_null())
        assert (present["low"] <= present[est] + 1e-9).all()
        assert (present[est] <= present["high"] + 1e-9).all()


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([1, 2, 3, 4, 5]), st.integers(1, 10), st.integers(0, 1000))
def test_identical_answers_give_zero_width(value: int, n: int, seed: int) -> None:
    result = estimate_sipas(_q(), _units({"u": [value] * n}), seed=seed, bootstrap=50)
    assert (result.nodes["low"] == result.nodes["high"]).all()


@settings(max_examples=25, deadline=None)
@given(data, st.randoms(use_true_random=False))
def test_row_order_does_not_matter_and_seed_reproduces(drawn: Any, random: Any) -> None:
    frame = _frame(drawn)
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=random.randint(0, 1000))
    a = estimate_sipas(_q(), frame, seed=11, bootstrap=40)
    b = estimate_sipas(_q(), shuffled, seed=11, bootstrap=40)
    for name in ("items", "nodes", "units", "pairs"):
        assert getattr(a, name).equals(getattr(b, name)), name


@settings(max_examples=25, deadline=None)
@given(data)
def test_unit_weights_give_the_unweighted_answer(drawn: Any) -> None:
    frame = _frame(drawn)
    a = estimate_sipas(_q(), frame, seed=5, bootstrap=40)
    b = estimate_sipas(_q(), frame.with_columns(weight=pl.lit(1.0)), seed=5, bootstrap=40)
    for name in ("items", "nodes", "units", "pairs"):
        assert getattr(a, name).equals(getattr(b, name)), name


# --- choice items: shares ----------------------------------------------------------------------


def _share(result: Any, item: str, value: int, unit: str = "u") -> dict[str, Any]:
    rows = result.shares.filter(
        (pl.col("unit") == unit) & (pl.col("item") == item) & (pl.col("value") == value)
    )
    assert rows.height == 1
    return dict(rows.row(0, named=True))


def test_shares_of_a_single_choice_by_hand() -> None:
    # q1: yes, yes, no and one "no answer" (0): 2 of 3 valid answers are yes.
    rows = [("r1", "u", "q1", 1), ("r2", "u", "q1", 1), ("r3", "u", "q1", 2)]
    rows += [("r4", "u", "q1", 0), ("r1", "u", "a1", 5)]
    result = estimate_sipas(build_questionnaire(CHOICE), _answers(rows), seed=1, bootstrap=10)
    yes, no = _share(result, "q1", 1), _share(result, "q1", 2)
    assert (yes["n"], yes["count"], no["count"]) == (3, 2, 1)
    assert yes["share"] == pytest.approx(200 / 3) and no["share"] == pytest.approx(100 / 3)
    assert (yes["low"], yes["high"]) == tuple(pytest.approx(b) for b in _wilson(2, 3))
    assert yes["n_eff"] == pytest.approx(3)
    # The choice item is not a rating item: the tree sees a1 only.
    assert result.items["item"].to_list() == ["a1"]


def test_shares_of_a_multiple_choice_by_hand() -> None:
    # q2: r1 chose 1 and 3, r2 chose 1: option 1 by 2 of 2, option 2 by none, option 3 by 1.
    rows = [("r1", "u", "q2", 1), ("r1", "u", "q2", 3), ("r2", "u", "q2", 1)]
    rows += [("r1", "u", "a1", 4)]
    result = estimate_sipas(build_questionnaire(CHOICE), _answers(rows), seed=1, bootstrap=10)
    shares = {v: _share(result, "q2", v)["share"] for v in (1, 2, 3)}
    assert shares == {1: pytest.approx(100.0), 2: pytest.approx(0.0), 3: pytest.approx(50.0)}
    assert _share(result, "q2", 2)["low"] == 0.0 and _share(result, "q2", 1)["high"] == 100.0


def test_weighted_shares_by_hand() -> None:
    rows = [("r1", "u", "q1", 1), ("r2", "u", "q1", 2), ("r3", "u", "q1", 2)]
    frame = _answers(rows, weight=[3.0, 1.0, 2.0])
    result = estimate_sipas(build_questionnaire(CHOICE), frame, seed=1, bootstrap=10)
    yes = _share(result, "q1", 1)
    assert yes["share"] == pytest.approx(50.0)  # 3 of 6
    assert yes["n_eff"] == pytest.approx(36 / 14)  # (3+1+2)² / (9+1+4)
    assert result.weighted
