"""The SIPAS engine against computations written independently in the test.

- plain pandas, reading the questionnaire's tree straight from the YAML (not through the engine's
  `Questionnaire`): weighted item rates, every node of the tree by its mean/pooled rule, the
  shares of the choice items, Kish's n_eff;
- svy (a maintained survey library, polars-based): raked weights from the same margins, and the
  weighted item rates as svy's domain means of a satisfied indicator.
"""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chiso.engine.sipas import estimate_sipas
from chiso.engine.sipas_method import build_questionnaire
from chiso.engine.sipas_weights import rake_answers, respondents
from chiso.io.method_files import parse_yaml

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "src/chiso/methods/sipas"
COMMUNES = {"XA-A": (36, 0.84), "XA-B": (34, 0.7), "XA-C": (31, 0.6)}


def _make_answers() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_answers", ROOT / "examples/sipas/make_answers.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _answers(name: str, seed: int) -> tuple[dict[str, Any], pl.DataFrame]:
    data = parse_yaml((SHIPPED / f"{name}.yaml").read_text(encoding="utf-8"))
    rows = _make_answers().answers_for(build_questionnaire(data), COMMUNES, seed)
    frame = pl.DataFrame(
        rows, schema=["respondent", "unit", "item", "value", "channel"], orient="row"
    ).with_columns(pl.col("value").cast(pl.Int64))
    return data, frame


def _with_weights(frame: pl.DataFrame, seed: int) -> pl.DataFrame:
    rng = random.Random(seed)
    people = frame["respondent"].unique().sort().to_list()
    weights = {p: rng.choice([0.5, 1.0, 1.0, 2.0, 3.5]) for p in people}
    return frame.with_columns(
        pl.col("respondent").replace_strict(weights, return_dtype=pl.Float64).alias("weight")
    )


# --- the independent computation (pandas) -------------------------------------------------------


def pandas_estimates(data: dict[str, Any], answers: pd.DataFrame) -> dict[tuple[str, str], float]:
    """(unit, code) → estimate for every rating item and node, from the YAML's own keys."""
    scale = data["scale"]
    levels = {v["value"] for v in scale["values"]}
    rating = {i["code"]: i["factor"] for i in data["items"] if i.get("kind", "rating") == "rating"}
    df = answers[answers["item"].isin(list(rating))].copy()
    if "weight" not in df:
        df["weight"] = 1.0
    df["valid"] = df["value"].isin(levels)
    df["sat"] = df["value"].isin(scale["satisfied"])
    df["wv"] = df["weight"] * df["valid"]
    df["ws"] = df["weight"] * df["sat"]
    sums = df.groupby(["unit", "item"])[["wv", "ws"]].sum()
    out: dict[tuple[str, str], float] = {}
    for unit in sorted(df["unit"].unique()):
        cells = sums.loc[unit]
        rate = {i: 100 * r.ws / r.wv for i, r in cells.iterrows() if r.wv > 0}
        items_of: dict[str, list[str]] = {}
        for item, factor in rating.items():
            items_of.setdefault(factor, []).append(item)

        def pooled(items: list[str], cells: pd.DataFrame = cells) -> float | None:
            present = cells.loc[[i for i in items if i in cells.index]]
            return 100 * present.ws.sum() / present.wv.sum() if present.wv.sum() > 0 else None

        node: dict[str, float | None] = {}
        for f in data["factors"]:
            items = items_of[f["code"]]
            node[f["code"]] = (
                pooled(items)
                if f["aggregation"] == "pooled"
                else _mean([rate.get(i) for i in items])
            )
        for c in data["contents"]:
            below = [i for f in c["factors"] for i in items_of[f]]
            node[c["code"]] = (
                pooled(below)
                if c["aggregation"] == "pooled"
                else _mean([node[f] for f in c["factors"]])
            )
        overall = data["overall"]
        below = [i for c in data["contents"] for f in c["factors"] for i in items_of[f]]
        node["overall"] = (
            pooled(below)
            if overall["aggregation"] == "pooled"
            else _mean([node[c] for c in overall["contents"]])
        )
        out |= {(unit, i): r for i, r in rate.items()}
        out |= {(unit, code): value for code, value in node.items() if value is not None}
    return out


def _mean(values: list[float | None]) -> float | None:
    """The mean of the children that have a value (the engine's `mean` rule)."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def pandas_shares(data: dict[str, Any], answers: pd.DataFrame) -> dict[tuple[str, str, int], float]:
    """(unit, item, option) → share in % of the respondents who answered the item."""
    lists = {s["code"]: [v["value"] for v in s["values"]] for s in data.get("scales", [])}
    out: dict[tuple[str, str, int], float] = {}
    df = answers if "weight" in answers else answers.assign(weight=1.0)
    for item in (i for i in data["items"] if i.get("kind") == "choice"):
        options = lists[item["scale"]]
        rows = df[(df["item"] == item["code"]) & df["value"].isin(options)]
        for unit, group in rows.groupby("unit"):
            people = group.drop_duplicates("respondent")
            denominator = people["weight"].sum()
            for option in options:
                chose = group[group["value"] == option].drop_duplicates("respondent")
                out[(unit, item["code"], option)] = 100 * chose["weight"].sum() / denominator
    return out


def _engine_estimates(result: Any) -> dict[tuple[str, str], float]:
    items = {(u, i): r for u, i, r in result.items.select("unit", "item", "rate").iter_rows()}
    nodes = {(u, n): e for u, n, e in result.nodes.select("unit", "node", "estimate").iter_rows()}
    return items | nodes


@pytest.mark.parametrize("name", ["service-user-2024", "resident-2024", "commune-short-2024"])
@pytest.mark.parametrize("weighted", [False, True])
def test_engine_agrees_with_pandas_on_every_shipped_form(name: str, weighted: bool) -> None:
    data, frame = _answers(name, seed=len(name))
    if weighted:
        frame = _with_weights(frame, seed=3)
    result = estimate_sipas(build_questionnaire(data), frame, seed=1, bootstrap=20)
    expected = pandas_estimates(data, frame.to_pandas())
    got = _engine_estimates(result)
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-12), key
    shares = {
        (u, i, v): s
        for u, i, v, s in result.shares.select("unit", "item", "value", "share").iter_rows()
    }
    assert shares == pytest.approx(pandas_shares(data, frame.to_pandas()), rel=1e-12)


def test_pooled_tree_agrees_with_pandas() -> None:
    data, frame = _answers("resident-2024", seed=9)
    for node in (*data["factors"][:3], data["contents"][1], data["overall"]):
        node["aggregation"] = "pooled"
    frame = _with_weights(frame, seed=4)
    result = estimate_sipas(build_questionnaire(data), frame, seed=1, bootstrap=20)
    expected = pandas_estimates(data, frame.to_pandas())
    got = _engine_estimates(result)
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-12), key


def test_kish_n_eff_agrees_with_pandas() -> None:
    data, frame = _answers("commune-short-2024", seed=2)
    frame = _with_weights(frame, seed=5)
    result = estimate_sipas(build_questionnaire(data), frame, seed=1, bootstrap=20)
    people = frame.to_pandas().drop_duplicates("respondent")
    for unit, group in people.groupby("unit"):
        w = group["weight"]
        expected = w.sum() ** 2 / (w**2).sum()
        got = result.units.filter(pl.col("unit") == unit)["n_eff"][0]
        assert got == pytest.approx(expected, rel=1e-12)


# --- small random data sets: pandas and the engine agree ----------------------------------------

SMALL = parse_yaml((SHIPPED / "commune-short-2024.yaml").read_text(encoding="utf-8"))
ITEMS = [i["code"] for i in SMALL["items"]]


@st.composite
def answer_sets(draw: Any) -> pl.DataFrame:
    rows = []
    for unit in draw(st.lists(st.sampled_from(["u1", "u2", "u3"]), min_size=1, unique=True)):
        for n in range(draw(st.integers(1, 6))):
            weight = draw(st.sampled_from([0.5, 1.0, 2.0, 7.0]))
            items = draw(st.lists(st.sampled_from(ITEMS), min_size=1, max_size=4, unique=True))
            for item in items:
                rows.append((f"{unit}-{n}", unit, item, draw(st.integers(0, 5)), weight))
    return pl.DataFrame(
        rows, schema=["respondent", "unit", "item", "value", "weight"], orient="row"
    ).with_columns(pl.col("value").cast(pl.Int64))


@settings(max_examples=60, deadline=None)
@given(answer_sets())
def test_engine_agrees_with_pandas_on_random_sets(frame: pl.DataFrame) -> None:
    result = estimate_sipas(build_questionnaire(SMALL), frame, seed=1, bootstrap=5)
    expected = pandas_estimates(SMALL, frame.to_pandas())
    got = {k: v for k, v in _engine_estimates(result).items() if v is not None}
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-12), key


# --- svy: raking and weighted rates -------------------------------------------------------------

svy = pytest.importorskip("svy")

TOTALS = {
    "unit": {"XA-A": 1800.0, "XA-B": 1200.0, "XA-C": 1000.0},
    "channel": {"truc_tiep": 2500.0, "dien_thoai": 500.0, "truc_tuyen": 1000.0},
}


def _svy_raked(people: pl.DataFrame) -> dict[str, float]:
    sample = svy.Sample(data=people, design=svy.Design(wgt="weight"))
    raked = sample.weighting.rake(controls=TOTALS, tol=1e-12, max_iter=1000)
    return dict(raked.data.select("respondent", "rk_wgt").iter_rows())


def test_raked_weights_agree_with_svy() -> None:
    _, frame = _answers("service-user-2024", seed=11)
    frame = _with_weights(frame, seed=6)  # raking starts from these design weights
    ours = rake_answers(frame, TOTALS, max_iterations=1000, tolerance=1e-12)
    assert ours.raking.converged
    theirs = _svy_raked(respondents(frame))
    mine = dict(respondents(ours.answers).select("respondent", "weight").iter_rows())
    assert mine.keys() == theirs.keys()
    for respondent, weight in theirs.items():
        assert mine[respondent] == pytest.approx(weight, rel=1e-8)


def test_weighted_item_rates_agree_with_svy_domain_means() -> None:
    _, frame = _answers("commune-short-2024", seed=12)
    raked = rake_answers(frame, TOTALS, max_iterations=1000, tolerance=1e-12).answers
    data = parse_yaml((SHIPPED / "commune-short-2024.yaml").read_text(encoding="utf-8"))
    result = estimate_sipas(build_questionnaire(data), raked, seed=1, bootstrap=10)
    item = "CC.1"
    valid = raked.filter((pl.col("item") == item) & pl.col("value").is_between(1, 5))
    valid = valid.with_columns(pl.col("value").is_in([4, 5]).cast(pl.Float64).alias("sat"))
    sample = svy.Sample(data=valid, design=svy.Design(wgt="weight"))
    means = sample.estimation.mean(y="sat", by="unit").to_polars()
    for row in means.iter_rows(named=True):
        ours = result.items.filter((pl.col("unit") == row["unit"]) & (pl.col("item") == item))
        assert ours["rate"][0] == pytest.approx(100 * row["est"], rel=1e-10)


def test_kish_n_eff_matches_the_n_eff_implied_by_svy_taylor_variance() -> None:
    # Not equal by construction — Kish's n_eff ignores how the answers relate to the weights,
    # Taylor linearisation does not — but under raked weights that are unrelated to the answers
    # the two must be close: p(1 − p) / se² from svy against our n_eff per unit and item.
    _, frame = _answers("commune-short-2024", seed=13)
    raked = rake_answers(frame, TOTALS, max_iterations=1000, tolerance=1e-12).answers
    data = parse_yaml((SHIPPED / "commune-short-2024.yaml").read_text(encoding="utf-8"))
    result = estimate_sipas(build_questionnaire(data), raked, seed=1, bootstrap=10)
    ratios = []
    for item in [i["code"] for i in data["items"]]:
        valid = raked.filter((pl.col("item") == item) & pl.col("value").is_between(1, 5))
        valid = valid.with_columns(pl.col("value").is_in([4, 5]).cast(pl.Float64).alias("sat"))
        sample = svy.Sample(data=valid, design=svy.Design(wgt="weight"))
        means = sample.estimation.mean(y="sat", by="unit").to_polars()
        for row in means.iter_rows(named=True):
            ours = result.items.filter((pl.col("unit") == row["unit"]) & (pl.col("item") == item))
            if not 0.15 <= row["est"] <= 0.85:
                continue  # one or two dissenters: the Taylor variance is that person's weight
            implied = row["est"] * (1 - row["est"]) / row["se"] ** 2
            ratios.append(float(ours["n_eff"][0]) / implied)
    assert len(ratios) >= 15
    assert all(0.5 < r < 2 for r in ratios), ratios
    assert 0.85 < sum(ratios) / len(ratios) < 1.15, ratios
