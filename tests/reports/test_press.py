"""The press summary states the snapshot's facts; the released text renders safely."""

from __future__ import annotations

from datetime import date
from typing import Any

from chiso.reports import press
from chiso.reports.layout import PublicationSettings, number, signed


def test_the_summary_states_the_snapshots_facts(document: dict[str, Any]) -> None:
    settings = PublicationSettings("Thái Nguyên", "215", date(2025, 2, 7))
    text = press.summary(document, settings)
    assert text.startswith("# Kết quả Chỉ số cải cách hành chính năm 2024 của tỉnh Thái Nguyên")
    assert "Ngày 07/02/2025, UBND tỉnh Thái Nguyên công bố" in text
    assert "(Quyết định số 215/QĐ-UBND)" in text
    assert "*Bộ tiêu chí mô phỏng" in text
    # The province's figures: every block's units, per band (both blocks share the bands).
    units = [u for b in document["blocks"] for u in b["units"]]
    bands = document["blocks"][0]["bands"]
    per_band = [
        f"{n} đơn vị xếp loại {band['label']}"
        for band in bands
        if (n := sum(1 for u in units if u["band"] == band["code"]))
    ]
    assert f"Toàn tỉnh có {len(units)} đơn vị được đánh giá: {', '.join(per_band)}." in text
    for block in document["blocks"]:
        section = text.split(f"## {block['block_title']}\n", 1)[1].split("\n## ", 1)[0]
        units = block["units"]
        assert f"- {len(units)} đơn vị được đánh giá" in section
        for band in block["bands"]:
            count = sum(1 for u in units if u["band"] == band["code"])
            assert (f"{count} đơn vị xếp loại {band['label']}" in section) == (count > 0)
        first = min(units, key=lambda u: u["rank"])
        assert f"Dẫn đầu khối: {first['name']} ({number(first['index'], 2)}%, hạng 1)" in section
        rose = max(units, key=lambda u: u["index_change"])
        fell = min(units, key=lambda u: u["index_change"])
        assert (
            f"Tăng nhiều nhất so với năm 2023: {rose['name']} ({signed(rose['index_change'], 2)}"
            in section
        )
        assert (
            f"Giảm nhiều nhất so với năm 2023: {fell['name']} ({signed(fell['index_change'], 2)}"
            in section
        )
        mean = sum(u["index"] for u in units) / len(units)
        assert f"Chỉ số bình quân của khối đạt {number(mean, 2)}%" in section


def test_a_year_without_a_previous_year_has_no_movers(documents: dict[int, Any]) -> None:
    text = press.summary(documents[2023], PublicationSettings("Thái Nguyên"))
    assert "Tăng nhiều nhất" not in text and "năm 2022" not in text
    assert "Quyết định số …/QĐ-UBND" in text


def test_markdown_is_rendered_safely() -> None:
    html = press.markdown_html(
        "# Tiêu đề\n\nĐoạn *nghiêng* và **đậm** <script>x</script>\n- một\n- hai & ba\n\nHết"
    )
    assert html == (
        "<h2>Tiêu đề</h2>\n"
        "<p>Đoạn <em>nghiêng</em> và <strong>đậm</strong> &lt;script&gt;x&lt;/script&gt;</p>\n"
        "<ul>\n<li>một</li>\n<li>hai &amp; ba</li>\n</ul>\n<p>Hết</p>"
    )
