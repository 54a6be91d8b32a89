"""Input problems are all reported at once, each with its place."""

from __future__ import annotations

import pytest

from chiso.engine.inputs import ScoreRow, Unit, prepare_inputs
from chiso.engine.problems import InputError, place

from .methods import FULL, method_from


def test_every_input_problem_is_reported_with_its_place():
    method = method_from()
    units = [Unit("A", "A", "so"), Unit("A", "A again", "so"), Unit("B", "B", "huyen")]
    rows = [
        ScoreRow("A", "1.1", "sớm", "f.csv row 2, column 'value'"),
        ScoreRow("Z", "1.1", "dung_han", "f.csv row 3, column 'value'"),
        ScoreRow("A", "9.9", "1", "f.csv row 4, column 'value'"),
        ScoreRow("A", "1", "1", "f.csv row 5, column 'value'"),  # not a leaf
        ScoreRow("A", "2.1", 120, "f.csv row 6, column 'value'"),
        ScoreRow("A", "1.3", 1, "f.csv row 7, column 'value'"),
        ScoreRow("A", "1.3", 1.5, "f.csv row 8, column 'value'"),
    ]
    with pytest.raises(InputError) as caught:
        prepare_inputs(method, units, rows)
    got = [(p.code, p.where) for p in caught.value.problems]
    assert got == [
        ("INP007", "unit A"),
        ("INP005", "unit B"),
        ("INP004", "f.csv row 2, column 'value'"),
        ("INP002", "f.csv row 3, column 'value'"),
        ("INP003", "f.csv row 4, column 'value'"),
        ("INP003", "f.csv row 5, column 'value'"),
        ("INP004", "f.csv row 6, column 'value'"),
        ("INP006", "f.csv row 8, column 'value'"),
    ]
    messages = [p.message("vi") for p in caught.value.problems]
    assert "không có trong danh sách đơn vị" in messages[3]


def test_a_bad_row_is_said_wholly_in_the_users_language():
    rows = [ScoreRow("A", "2.1", "nhiều", "f.csv row 2, column 'value'"), ScoreRow("A", "9.9", 1)]
    with pytest.raises(InputError) as caught:
        prepare_inputs(method_from(), [Unit("A", "A", "so")], rows)
    bad_value, unknown = caught.value.problems
    assert bad_value.render("vi") == (
        "INP004 f.csv dòng 2, cột 'value': giá trị 'nhiều' không hợp lệ cho tiêu chí 2.1: "
        "'nhiều' không phải là số"
    )
    assert bad_value.render("en") == (
        "INP004 f.csv row 2, column 'value': value 'nhiều' is not valid for criterion 2.1: "
        "'nhiều' is not a number"
    )
    assert unknown.render("vi").startswith("INP003 đơn vị A, tiêu chí 9.9: mã tiêu chí '9.9'")


@pytest.mark.parametrize(
    ("where", "vi"),
    [
        ("ho-so.csv rows 2, 3…, column 'unit row'", "ho-so.csv dòng 2, 3…, cột 'unit row'"),
        ('x.xlsx record 5, column "a"', 'x.xlsx bản ghi 5, cột "a"'),
        ("unit-list.csv row 4", "unit-list.csv dòng 4"),
        ("year", "year"),  # a key of the file, not a place word
        ("ranking.secondary", "ranking.secondary"),
    ],
)
def test_a_place_is_said_in_vietnamese_except_its_data(where: str, vi: str):
    assert place(where, "vi") == vi
    assert place(where, "en") == where


def test_blank_cells_are_missing_values_not_errors():
    method = method_from()
    rows = [ScoreRow("A", code, value) for code, value in FULL.items()]
    rows += [ScoreRow("A", "1.3", ""), ScoreRow("A", "T1", None)]
    inputs = prepare_inputs(method, [Unit("A", "A", "so")], rows)
    assert inputs.leaves.shape == (1, 7)


def test_inputs_hash_does_not_depend_on_row_order():
    method = method_from()
    rows = [ScoreRow("A", code, value) for code, value in FULL.items()]
    units = [Unit("A", "A", "so"), Unit("B", "B", "so")]
    one = prepare_inputs(method, units, rows)
    two = prepare_inputs(method, units[::-1], rows[::-1])
    assert one.hash == two.hash
