"""Vietnamese numbers and dates, and the header block's blanks."""

from __future__ import annotations

from datetime import date

import pytest

from chiso.reports.layout import (
    PublicationSettings,
    attached_to,
    header,
    long_date,
    number,
    rank_move,
    signed,
)


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2025, 3, 20), "ngày 20 tháng 3 năm 2025"),
        (date(2025, 2, 5), "ngày 05 tháng 02 năm 2025"),
        (date(2025, 1, 10), "ngày 10 tháng 01 năm 2025"),
        (date(2025, 12, 9), "ngày 09 tháng 12 năm 2025"),
        (None, "ngày … tháng … năm …"),
    ],
)
def test_dates_follow_the_decree(day: date | None, text: str) -> None:
    assert long_date(day) == text


def test_numbers_use_a_decimal_comma_and_the_methods_rounding() -> None:
    assert number(90.9, 2) == "90,90"
    assert number(2.675, 2) == "2,68"
    assert number(2.665, 2, "half_even") == "2,66"
    assert number(None, 2) == ""
    assert signed(0.6, 2) == "+0,60"
    assert signed(-1.254, 2) == "−1,25"
    assert signed(-0.001, 2) == "0,00"
    assert [rank_move(c) for c in (2, -1, 0, None)] == ["▲ 2", "▼ 1", "=", ""]


def test_an_unknown_decision_is_a_blank_to_fill_in() -> None:
    blank = PublicationSettings(province="Thái Nguyên")
    assert header(blank).authority == ("ỦY BAN NHÂN DÂN", "TỈNH THÁI NGUYÊN")
    assert blank.authority == "UBND TỈNH THÁI NGUYÊN"  # a report's masthead
    assert attached_to(blank) == (
        "(Kèm theo Quyết định số …/QĐ-UBND ngày … tháng … năm … của UBND tỉnh Thái Nguyên)"
    )


def test_a_known_decision_gets_its_suffix_once() -> None:
    bare = PublicationSettings(
        province="Huế", decision_number="123", decision_date=date(2025, 2, 5)
    )
    full = PublicationSettings(province="Huế", decision_number="456/QĐ-UBND")
    assert attached_to(bare) == (
        "(Kèm theo Quyết định số 123/QĐ-UBND ngày 05 tháng 02 năm 2025 của UBND tỉnh Huế)"
    )
    assert full.decision == "456/QĐ-UBND"
    assert bare.cache_key() != full.cache_key()
