"""Hand-checked PAR results: totals, max after exemptions, index, bands, ranks and ties."""

from __future__ import annotations

import pytest

from chiso.engine.inputs import ScoreRow, Unit, prepare_inputs
from chiso.engine.par import compute_par

from .methods import FULL, base_data, method_from


def rows_for(unit: str, values: dict) -> list[ScoreRow]:
    return [ScoreRow(unit, code, value) for code, value in values.items()]


def compute(method, units, values_by_unit):
    rows = [row for unit, values in values_by_unit.items() for row in rows_for(unit, values)]
    return compute_par(method, prepare_inputs(method, units, rows))


def by_unit(result):
    return {row["unit"]: row for row in result.units.iter_rows(named=True)}


PARTIAL = {
    "1.1": "tre",
    "1.2": 1,
    "1.3": 1.5,
    "2.1": 45,
    "2.2": "không",
    "2.3": 60,
    "2.4": 80,
    "T1": 3,
    "P1": 1,
}


def test_hand_checked_unit():
    method = method_from()
    result = by_unit(compute(method, [Unit("X", "Sở X", "so")], {"X": PARTIAL}))["X"]
    # 0.5 + 0.5 + 1.5 + 2×45/90 + 0 + 0.5 + 2×0.8 = 5.6; bonus min(1.5, item max 1, cap 1) = 1
    assert result["total"] == pytest.approx(5.6 + 1 - 1)
    assert result["max"] == 10
    assert result["index"] == pytest.approx(56.0)
    assert (result["bonus"], result["penalty"]) == (1.0, 1.0)
    assert result["band"] == "trung_binh"
    assert result["rank"] == 1


def test_components_and_fields():
    method = method_from()
    result = compute(method, [Unit("X", "Sở X", "so")], {"X": PARTIAL})
    comps = {r["component"]: (r["points"], r["max"]) for r in result.components.to_dicts()}
    assert comps["appraisal"] == pytest.approx((4.0, 8.0))
    assert comps["survey"] == pytest.approx((1.6, 2.0))
    fields = {r["field"]: (r["points"], r["max"], r["index"]) for r in result.fields.to_dicts()}
    assert fields["1"] == pytest.approx((2.5, 4.0, 62.5))
    assert fields["2"] == pytest.approx((3.1, 6.0, 3.1 / 6 * 100))


def test_exemption_removes_exactly_the_leaf_max():
    method = method_from()
    units = [Unit("A", "A", "so"), Unit("B", "B", "so", kind="no_procedures")]
    full_b = {k: v for k, v in FULL.items() if k != "2.2"}
    got = by_unit(compute(method, units, {"A": FULL, "B": full_b}))
    assert got["A"]["max"] - got["B"]["max"] == 1
    assert got["B"]["index"] == pytest.approx(100.0)


def test_missing_survey_is_excluded_so_appraisal_is_rescaled():
    method = method_from()
    no_survey = {k: v for k, v in FULL.items() if k != "2.4"} | {"1.3": 1}
    got = by_unit(compute(method, [Unit("A", "A", "so")], {"A": no_survey}))["A"]
    assert got["max"] == 8
    assert got["index"] == pytest.approx(100 * 7 / 8)


def test_missing_appraisal_counts_zero_under_zero_rule():
    method = method_from()
    got = by_unit(
        compute(
            method, [Unit("A", "A", "so")], {"A": {k: v for k, v in FULL.items() if k != "1.3"}}
        )
    )["A"]
    assert (got["total"], got["max"], got["index"]) == pytest.approx((8, 10, 80))


def test_missing_input_unrank_flags_the_unit():
    data = base_data()
    data["missing_input"] = "unrank"
    method = method_from(data)
    units = [Unit("A", "A", "so"), Unit("B", "B", "so")]
    got = by_unit(compute(method, units, {"A": FULL, "B": {"1.1": "dung_han"}}))
    assert got["B"]["rank"] is None and got["B"]["index"] is None
    assert got["B"]["flags"] == "missing_input"
    assert got["A"]["rank"] == 1


def test_index_not_raw_points_decides_the_rank():
    method = method_from()
    units = [Unit("A", "A", "so"), Unit("B", "B", "so", kind="no_procedures")]
    a = FULL | {"1.3": 1.75}  # 9.75 of 10 = 97.5 %
    b = {k: v for k, v in FULL.items() if k != "2.2"} | {"1.3": 1.75}  # 8.75 of 9 = 97.2 %
    got = by_unit(compute(method, units, {"A": a, "B": b}))
    assert got["A"]["rank"] == 1 and got["B"]["rank"] == 2
    b = b | {"1.3": 2}  # 9 of 9 = 100 %, fewer points than A but a higher index
    got = by_unit(compute(method, units, {"A": a, "B": b}))
    assert got["B"]["rank"] == 1


def test_ranks_are_per_block():
    method = method_from()
    units = [Unit("A", "A", "so"), Unit("B", "B", "so"), Unit("C", "C", "xa")]
    got = by_unit(compute(method, units, {"A": FULL, "B": PARTIAL, "C": PARTIAL}))
    assert (got["A"]["rank"], got["B"]["rank"], got["C"]["rank"]) == (1, 2, 1)


@pytest.mark.parametrize(("ties", "expected"), [("shared", [1, 1, 3]), ("dense", [1, 1, 2])])
def test_exact_ties(ties, expected):
    data = base_data()
    data["ranking"] = {"ties": ties}
    method = method_from(data)
    units = [Unit(c, c, "so") for c in "ABC"]
    got = by_unit(compute(method, units, {"A": FULL, "B": FULL, "C": PARTIAL}))
    assert [got[c]["rank"] for c in "ABC"] == expected


def test_float_noise_does_not_split_a_true_tie():
    data = base_data()
    data["ranking"] = {"ties": "shared"}
    method = method_from(data)
    units = [Unit("A", "A", "so"), Unit("B", "B", "so")]
    # 0.1 + 0.2 ≠ 0.3 in binary floats; the published tie must stay a tie
    a = FULL | {"2.4": 15, "1.3": 0.25}
    b = FULL | {"2.4": 27.5, "1.3": 0}
    got = by_unit(compute(method, units, {"A": a, "B": b}))
    assert got["A"]["index"] == pytest.approx(got["B"]["index"])
    assert got["A"]["rank"] == got["B"]["rank"] == 1


def test_secondary_key_breaks_exact_ties_then_shares():
    data = base_data()
    data["ranking"] = {"ties": "secondary", "secondary": ["component:survey"]}
    method = method_from(data)
    units = [Unit(c, c, "so") for c in "ABC"]
    a = FULL | {"1.3": 1.5, "2.4": 100}  # appraisal 7.5, survey 2
    b = FULL | {"2.4": 75}  # appraisal 8, survey 1.5 — same total 9.5
    got = by_unit(compute(method, units, {"A": a, "B": b, "C": b}))
    assert got["A"]["rank"] == 1
    assert got["B"]["rank"] == got["C"]["rank"] == 2


def test_band_compare_displayed_versus_full_precision():
    data = base_data()
    data["banding"]["compare"] = "displayed"
    units = [Unit("A", "A", "so")]
    # 2.1 at rate 89.955 / target 90 → index 99.99 (fine); craft 89.996 instead:
    values = FULL | {"2.1": 0, "1.3": 2}  # 8 of 10 = 80 exactly
    assert by_unit(compute(method_from(data), units, {"A": values}))["A"]["band"] == "tot"
    values = FULL | {"2.1": 89.982}  # 2 × 89.982/90 = 1.99960 → total 9.9996 → 99.996
    data["banding"]["bands"][0]["range"] = "[99.999, inf)"
    data["banding"]["bands"][1]["range"] = "[80, 99.999)"
    shown = by_unit(compute(method_from(data), units, {"A": values}))["A"]
    data["banding"]["compare"] = "full_precision"
    exact = by_unit(compute(method_from(data), units, {"A": values}))["A"]
    assert shown["band"] == "xuat_sac"  # 99.996 displays as 100.00
    assert exact["band"] == "tot"


def test_rank_groups():
    data = base_data()
    data["banding"] = {
        "kind": "rank_groups",
        "bands": [
            {"code": "A", "label": "Nhóm A", "size": 1},
            {"code": "B", "label": "Nhóm B", "size": 1},
            {"code": "C", "label": "Nhóm C"},
        ],
    }
    method = method_from(data)
    units = [Unit(c, c, "so") for c in "WXYZ"]
    values = {"W": FULL, "X": FULL | {"1.3": 1}, "Y": PARTIAL, "Z": PARTIAL | {"1.3": 0}}
    got = by_unit(compute(method, units, values))
    assert [got[c]["band"] for c in "WXYZ"] == ["A", "B", "C", "C"]


def test_no_applicable_criteria_is_flagged_not_divided_by_zero():
    data = base_data()
    data["exemptions"].append({"criteria": ["1", "2"], "units": ["E"], "reason": "thử"})
    method = method_from(data)
    got = by_unit(compute(method, [Unit("E", "E", "so")], {"E": {}}))["E"]
    assert got["index"] is None and got["rank"] is None
    assert "no_applicable_criteria" in got["flags"]


def test_result_records_method_and_inputs_hash():
    method = method_from()
    result = compute(method, [Unit("X", "Sở X", "so")], {"X": PARTIAL})
    assert result.method_hash == method.hash and result.method_hash.startswith("sha256:")
    assert result.inputs_hash.startswith("sha256:")
    again = compute(method, [Unit("X", "Sở X", "so")], {"X": PARTIAL | {"1.3": 2}})
    assert again.inputs_hash != result.inputs_hash


def test_exemption_by_tag():
    method = method_from()
    units = [Unit("A", "A", "so", kind="department", tags=("no_procedures",))]
    full = {k: v for k, v in FULL.items() if k != "2.2"}
    got = by_unit(compute(method, units, {"A": full}))["A"]
    assert got["max"] == 9 and got["index"] == pytest.approx(100.0)
