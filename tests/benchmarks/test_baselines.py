"""The benchmark baselines compute what the engine computes, so the ratios stay honest.

A small synthetic province (12 units × 20 leaves, 200 draws); no timing is asserted here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.agreement import Disagreement, check_mc, check_par, compare_mc
from benchmarks.run import END, START, standard_errors_of, write_section
from benchmarks.synthetic import make_province

from benchmarks import baseline_mc, baseline_par
from chiso.engine.inputs import ScoreRow, Unit, prepare_inputs
from chiso.engine.load import build_method
from chiso.engine.par import compute_par
from chiso.engine.uncertainty import rank_intervals


@pytest.fixture(scope="module")
def small():  # type: ignore[no-untyped-def]
    province = make_province(units=12, leaves=20, seed=5)
    method = build_method(province.method_data)
    units = [Unit(*u) for u in province.units]
    rows = [ScoreRow(*r) for r in province.rows]
    result = compute_par(method, prepare_inputs(method, units, rows))
    return province, method, result


def test_synthetic_province_uses_every_rule_kind(small) -> None:  # type: ignore[no-untyped-def]
    _province, method, result = small
    kinds = {leaf.rule.kind for leaf in method.leaves}
    assert kinds == {
        "manual",
        "threshold",
        "proportional",
        "levels",
        "binary",
        "deduction",
        "survey",
    }
    assert set(result.units["block"]) == {"so", "xa"}
    assert result.units["ranked"].all()


def test_par_baseline_agrees_with_the_engine(small) -> None:  # type: ignore[no-untyped-def]
    province, _method, result = small
    ours = baseline_par.compute(province.method_data, province.units, province.rows)
    assert check_par(result.units, ours) == 12
    exempt = [u for u, *_rest, kind in province.units if kind == "no_procedures"]
    assert exempt and all(ours[u].max < 100 for u in exempt)  # the exemption is exercised


def test_par_baseline_disagreement_is_caught(small) -> None:  # type: ignore[no-untyped-def]
    province, _method, result = small
    ours = baseline_par.compute(province.method_data, province.units, province.rows)
    first = next(iter(ours))
    ours[first].index += 1e-6
    with pytest.raises(Disagreement):
        check_par(result.units, ours)


def test_mc_baseline_agrees_with_the_engine(small) -> None:  # type: ignore[no-untyped-def]
    province, method, result = small
    se = standard_errors_of(province, result)
    ours = baseline_par.compute(province.method_data, province.units, province.rows)
    ranks = baseline_mc.rank_draws(ours, se, draws=200, seed=1)
    summary = baseline_mc.summarise(ranks, 0.90)
    engine = rank_intervals(method, result, se, draws=200, seed=1)
    agreement = compare_mc(engine.units, summary)
    check_mc(agreement)
    assert agreement.max_p_top_difference < 0.15


def test_mc_baseline_without_error_repeats_the_point_ranks(small) -> None:  # type: ignore[no-untyped-def]
    province, _method, result = small
    ours = baseline_par.compute(province.method_data, province.units, province.rows)
    ranks = baseline_mc.rank_draws(ours, {}, draws=3, seed=0)
    point = dict(result.units.select("unit", "rank").iter_rows())
    assert all(values == [point[u]] * 3 for u, values in ranks.items())


def test_quantile_is_inverted_cdf() -> None:
    assert baseline_mc.quantile([1, 2, 3, 4], 0.5) == 2
    assert baseline_mc.quantile([1, 2, 3, 4], 0.51) == 3
    assert baseline_mc.quantile([3, 1, 2], 0.05) == 1


def test_write_section_replaces_only_its_own_section(tmp_path: Path) -> None:
    path = tmp_path / "benchmarks.md"
    write_section(path, f"{START}\nfirst\n{END}\n")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks") and "first" in text
    other = "<!-- bench:web:start -->\nweb numbers\n<!-- bench:web:end -->\n"
    path.write_text(text + "\n" + other, encoding="utf-8")
    write_section(path, f"{START}\nsecond\n{END}\n")
    text = path.read_text(encoding="utf-8")
    assert "second" in text and "first" not in text and "web numbers" in text
    assert text.count(START) == 1
