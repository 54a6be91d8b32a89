"""`import_criteria` drafts a method file from a province's criteria annex, and says what it
could not place and which rules it guessed."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from chiso.engine.load import check_method
from chiso.io.criteria_import import (
    CriteriaImportError,
    dump_method_yaml,
    import_criteria,
)
from chiso.io.criteria_rules_text import infer_rule, infer_source, manual_rule, rate_interval
from chiso.io.method_files import parse_yaml

HEADER = [
    "STT",
    "Lĩnh vực, tiêu chí, tiêu chí thành phần",
    "Điểm tối đa",
    "Hướng dẫn chấm điểm",
    "Tài liệu kiểm chứng",
    "Điểm tự chấm",
]

# (STT, title, max, rule text, evidence) from row 7 on; row numbers in the comments.
ROWS: list[tuple[Any, ...]] = [
    ("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", 9),  # 7
    (1, "Kế hoạch CCHC năm", 3),  # 8
    (
        "1.1",
        "Ban hành kế hoạch CCHC năm đúng thời hạn",
        1,
        "Ban hành đúng thời hạn: 1 điểm; ban hành chậm: 0,5 điểm; không ban hành: 0 điểm",
        "Kế hoạch CCHC năm",
    ),  # 9
    (
        "1.2",
        "Mức độ hoàn thành kế hoạch CCHC",
        "2 điểm",
        "Từ 90% trở lên: 2 điểm; từ 70% đến dưới 90%: 1 điểm; dưới 70%: 0 điểm",
    ),  # 10
    (2, "Báo cáo CCHC", "1,5"),  # 11
    (
        "2.1",
        "Báo cáo định kỳ đầy đủ nội dung, đúng thời hạn",
        1,
        "Thực hiện: 1 điểm\nKhông thực hiện: 0 điểm",
    ),  # 12
    (
        "2.2",
        "Tổ chức hội nghị sơ kết, tổng kết công tác CCHC",
        0.5,
        "Tùy mức độ thực hiện, tối đa 0,5 điểm",
    ),  # 13
    (3, "Kiểm tra công tác CCHC", None),  # 14: max blank → sum of children
    ("3.1.", "Ban hành kế hoạch kiểm tra CCHC", 0.5, "Ban hành kế hoạch: 0,5 điểm;"),  # 15
    (
        None,
        "trong đó xác định rõ đối tượng, nội dung kiểm tra",
        None,
        "Không ban hành: 0 điểm",
    ),  # 16: continuation
    (
        "3.2",
        "Xử lý các vấn đề phát hiện qua kiểm tra",
        1,
        "Xử lý đầy đủ: 1 điểm. Chưa xử lý đầy đủ: 0,5 điểm",
    ),  # 17
    (4, "Công tác tuyên truyền CCHC", 3),  # 18
    (
        "a)",
        "Ban hành kế hoạch tuyên truyền CCHC",
        1,
        "Có: 1 điểm; không: 0 điểm",
        "Kế hoạch, báo cáo",
    ),  # 19
    (
        "b)",
        "Đăng tải thông tin CCHC trên cổng thông tin điện tử",
        1,
        "Đăng tải đầy đủ: 1 điểm; không đăng tải: 0 điểm",
    ),  # 20
    (
        "c.",
        "Tỷ lệ công chức được tập huấn về CCHC",
        1,
        "Trên 80%: 1 điểm\n- từ 50% đến 80%: 0,5 điểm\n- dưới 50%: 0 điểm",
    ),  # 21
    ("II", "CẢI CÁCH THỂ CHẾ", 6),  # 22
    (
        1,
        "Xây dựng và ban hành văn bản quy phạm pháp luật",
        3,
        "Ban hành đúng kế hoạch: 3 điểm; không đúng kế hoạch: 0 điểm",
    ),  # 23 (A23:A24 merged)
    (None, "thuộc thẩm quyền của cơ quan"),  # 24: the title wraps onto a second row
    (
        2,
        "Rà soát, hệ thống hóa văn bản",
        2,
        "Tỷ lệ văn bản được rà soát đạt 100%: 2 điểm; từ 80% đến dưới 100%: 1 điểm; "
        "dưới 80%: 0 điểm",
    ),  # 25
    (3, "Theo dõi tình hình thi hành pháp luật", 1),  # 26: no guidance → manual 0.25
    (4, "Kiểm tra văn bản", "một điểm"),  # 27: unreadable max
    ("4.1", "Tự kiểm tra văn bản", 0.5),  # 28: its parent was not placed
    ("III", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", 5),  # 29
    (
        1,
        "Công khai thủ tục hành chính",
        2,
        "Công khai đầy đủ, đúng quy định: 2 điểm; không đầy đủ: 0 điểm",
    ),  # 30
    (2, "Tỷ lệ hồ sơ giải quyết đúng hạn", 2, "Tỷ lệ hồ sơ đúng hạn x 2 điểm"),  # 31
    ("2,1", "Hồ sơ trực tuyến", 0.5),  # 32: comma typo
    (3, "Mức độ hài lòng của người dân, tổ chức", 1, "Điểm đánh giá qua điều tra xã hội học"),  # 33
    (None, "Tổng cộng", 20),  # 34
]

SETTINGS: dict[str, Any] = {
    "id": "mau-par-2025-so",
    "title": "Bộ tiêu chí xác định Chỉ số CCHC các sở, ban, ngành (mẫu)",
    "jurisdiction": "Tỉnh mẫu",
    "level": "department",
    "year": 2025,
    "status": "modelled",
    "legal_basis": {"decision": "123/QĐ-UBND", "date": "2025-01-15"},
    "blocks": [{"code": "so", "title": "Khối sở, ban, ngành"}],
    "banding": {
        "kind": "bands",
        "compare": "full_precision",
        "bands": [
            {"code": "tot", "label": "Tốt", "range": "[80, inf)"},
            {"code": "kha", "label": "Khá", "range": "[50, 80)"},
            {"code": "yeu", "label": "Yếu", "range": "[0, 50)"},
        ],
    },
    "ranking": {"ties": "shared"},
    "display": {"points_decimals": 2, "index_decimals": 2, "rounding": "half_up"},
    "missing_input": "unrank",
}


def _cells(row: tuple[Any, ...]) -> list[Any]:
    return [*row, *[None] * (5 - len(row))]


def _annex(path: Path) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = "Phụ lục I"
    ws.append(["PHỤ LỤC I"])
    ws.append(["BỘ TIÊU CHÍ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CÁC SỞ, BAN, NGÀNH"])
    ws.append(["(Kèm theo Quyết định số 123/QĐ-UBND ngày 15/01/2025)"])
    ws.append([])
    ws.append(HEADER)
    ws.append([f"({i})" for i in range(1, 7)])
    for row in ROWS:
        ws.append(_cells(row))
    ws.merge_cells("A1:F1")
    ws.merge_cells("A2:F2")
    ws.merge_cells("A23:A24")  # the STT of a criterion whose title wraps onto row 24
    ws.merge_cells("E19:E21")  # evidence shared by the lettered items
    book.save(path)
    return path


def _node(data: dict[str, Any], code: str) -> dict[str, Any]:
    def walk(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
        for node in nodes:
            if node["code"] == code:
                return node
            found = walk(node.get("children", []))
            if found:
                return found
        return None

    found = walk(data["criteria"])
    assert found is not None, code
    return found


def _codes(nodes: list[dict[str, Any]]) -> list[str]:
    return [c for n in nodes for c in [n["code"], *_codes(n.get("children", []))]]


@pytest.fixture
def annex(tmp_path: Path) -> Path:
    return _annex(tmp_path / "phu-luc.xlsx")


def test_tree_codes_and_max(annex: Path) -> None:
    result = import_criteria(annex)
    assert result.header_row == 5
    assert _codes(result.data["criteria"]) == [
        "1",
        "1.1",
        "1.1.1",
        "1.1.2",
        "1.2",
        "1.2.1",
        "1.2.2",
        "1.3",
        "1.3.1",
        "1.3.2",
        "1.4",
        "1.4.a",
        "1.4.b",
        "1.4.c",
        "2",
        "2.1",
        "2.2",
        "2.3",
        "3",
        "3.1",
        "3.2",
        "3.3",
    ]
    field = _node(result.data, "1")
    assert field["title"] == "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC"
    assert field["max"] == 9
    assert _node(result.data, "1.1.2")["max"] == 2  # "2 điểm"
    assert _node(result.data, "1.2")["max"] == 1.5  # "1,5"
    assert _node(result.data, "1.3")["max"] == 1.5  # blank: the sum of its children
    assert result.summed == ["1.3"]
    assert result.data["total_points"] == 20
    assert "source" not in field and "rule" not in field


def test_continuation_rows_and_merged_cells(annex: Path) -> None:
    data = import_criteria(annex).data
    kiem_tra = _node(data, "1.3.1")
    assert kiem_tra["title"] == (
        "Ban hành kế hoạch kiểm tra CCHC trong đó xác định rõ đối tượng, nội dung kiểm tra"
    )
    assert kiem_tra["guidance"] == "Ban hành kế hoạch: 0,5 điểm;\nKhông ban hành: 0 điểm"
    assert kiem_tra["rule"] == {"kind": "binary"}
    assert _node(data, "2.1")["title"] == (
        "Xây dựng và ban hành văn bản quy phạm pháp luật thuộc thẩm quyền của cơ quan"
    )
    assert _node(data, "1.4.b")["title"] == "Đăng tải thông tin CCHC trên cổng thông tin điện tử"


def test_guidance_kept_verbatim_and_sources(annex: Path) -> None:
    data = import_criteria(annex).data
    assert _node(data, "1.2.1")["guidance"] == "Thực hiện: 1 điểm\nKhông thực hiện: 0 điểm"
    assert "guidance" not in _node(data, "2.3")
    assert _node(data, "3.3")["source"] == "survey"
    assert _node(data, "3.3")["rule"] == {"kind": "survey"}
    assert all(_node(data, c)["source"] == "appraisal" for c in ("1.1.1", "2.2", "3.1", "3.2"))


def test_inferred_rules(annex: Path) -> None:
    result = import_criteria(annex)
    data = result.data
    assert _node(data, "1.1.1")["rule"] == {
        "kind": "levels",
        "levels": [
            {"code": "muc_1", "label": "Ban hành đúng thời hạn", "points": 1},
            {"code": "muc_2", "label": "ban hành chậm", "points": 0.5},
            {"code": "muc_3", "label": "không ban hành", "points": 0},
        ],
    }
    assert _node(data, "1.1.2")["rule"] == {
        "kind": "threshold",
        "bands": [
            {"range": "[90, 100]", "points": 2},
            {"range": "[70, 90)", "points": 1},
            {"range": "[0, 70)", "points": 0},
        ],
    }
    assert _node(data, "1.4.c")["rule"]["bands"] == [
        {"range": "(80, 100]", "points": 1},
        {"range": "[50, 80]", "points": 0.5},
        {"range": "[0, 50)", "points": 0},
    ]
    assert _node(data, "2.2")["rule"]["bands"] == [
        {"range": "[100, 100]", "points": 2},
        {"range": "[80, 100)", "points": 1},
        {"range": "[0, 80)", "points": 0},
    ]
    for code in ("1.2.1", "1.4.a", "1.4.b", "2.1", "3.1"):
        assert _node(data, code)["rule"] == {"kind": "binary"}, code
    assert _node(data, "1.2.2")["rule"] == {"kind": "manual", "step": 0.5}  # "tùy mức độ"
    assert _node(data, "1.3.2")["rule"] == {"kind": "manual", "step": 0.5}  # no 0 outcome
    assert _node(data, "2.3")["rule"] == {"kind": "manual", "step": 0.25}  # no guidance
    assert _node(data, "3.2")["rule"] == {"kind": "manual", "step": 0.5}  # a product
    assert result.guessed == [
        "1.1.1",
        "1.1.2",
        "1.2.1",
        "1.3.1",
        "1.4.a",
        "1.4.b",
        "1.4.c",
        "2.1",
        "2.2",
        "3.1",
        "3.3",
    ]


def test_unplaced_rows(annex: Path) -> None:
    unplaced = import_criteria(annex).unplaced
    assert [(u.row, u.reason_en) for u in unplaced] == [
        (27, "max points 'một điểm' cannot be read"),
        (28, "its parent (row 27) was not placed"),
        (32, "numbering '2,1' has a comma (did you mean '2.1'?)"),
    ]
    assert unplaced[0].cells[:3] == ("4", "Kiểm tra văn bản", "một điểm")
    assert unplaced[0].reason_vi == "không đọc được điểm tối đa 'một điểm'"


def test_components_are_derived(annex: Path) -> None:
    components = import_criteria(annex).data["components"]
    assert [(c["code"], c["sources"], c["points"]) for c in components] == [
        ("appraisal", ["appraisal"], 19),
        ("survey", ["survey"], 1),
    ]


def test_complete_settings_pass_check(annex: Path) -> None:
    data = import_criteria(annex, settings=SETTINGS).data
    assert data["status"] == "modelled"
    assert list(data)[:3] == ["format", "id", "title"]
    problems = check_method(data)
    assert [p.render("en") for p in problems if p.severity == "error"] == []


def test_without_settings_check_lists_what_to_decide(annex: Path) -> None:
    data = import_criteria(annex).data
    assert data["format"] == "chiso.method/1"
    assert (data["language"], data["status"]) == ("vi", "official")
    problems = [p for p in check_method(data) if p.severity == "error"]
    assert {p.code for p in problems} == {"PAR001"}
    assert {p.params["key"] for p in problems} == {
        "id",
        "title",
        "jurisdiction",
        "level",
        "year",
        "legal_basis",
        "blocks",
        "banding",
        "ranking",
        "display",
        "missing_input",
    }


def test_settings_must_not_hold_criteria(annex: Path) -> None:
    with pytest.raises(CriteriaImportError):
        import_criteria(annex, settings={"criteria": []})


def test_round_trip(annex: Path) -> None:
    result = import_criteria(annex, settings=SETTINGS)
    text = dump_method_yaml(result.data, imported=result)
    assert parse_yaml(text) == result.data
    assert text.startswith("# Drafted by `chiso import-criteria` from phu-luc.xlsx › Phụ lục I")
    assert "ĐIỀU HÀNH" in text  # unicode written as is
    assert "rule: {kind: binary}" in text
    assert '- code: "1.1"' in text
    assert "1.1.2 threshold" in text and "row 27: max points" in text


def test_header_lists_keys_to_decide(annex: Path) -> None:
    result = import_criteria(annex)
    text = dump_method_yaml(result.data, imported=result)
    assert parse_yaml(text) == result.data
    assert "Still to decide (required; no default is assumed): id, title" in text
    assert "The annex is headed: PHỤ LỤC I" in text


def test_csv_variant(tmp_path: Path) -> None:
    path = tmp_path / "bo-tieu-chi.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["Bộ tiêu chí"])
        writer.writerow(["TT", "Nội dung tiêu chí", "Điểm tối đa", "Cách chấm", "Ghi chú"])
        writer.writerow(["1", "Công tác chỉ đạo, điều hành", "", "", ""])
        writer.writerow(["1.1", "Kế hoạch CCHC", "1", "Có: 1 điểm; không: 0 điểm", ""])
        writer.writerow(["1.2", "Báo cáo CCHC", "2,5", "", ""])
        writer.writerow(["1.2.1.", "Báo cáo quý", "1,5", "", ""])
        writer.writerow(["1.2.2.", "Báo cáo năm", "1", "", "Điểm điều tra xã hội học"])
        writer.writerow(["1.4", "Bỏ sót số 1.3", "1", "", ""])
        writer.writerow(["2", "Sự hài lòng", "3", "Kết quả chỉ số hài lòng (SIPAS)", ""])
    result = import_criteria(path)
    assert result.header_row == 2
    data = result.data
    assert _codes(data["criteria"]) == ["1", "1.1", "1.2", "1.2.1", "1.2.2", "2"]
    assert _node(data, "1")["max"] == 3.5 and result.summed == ["1"]
    assert _node(data, "1.2.1")["rule"] == {"kind": "manual", "step": 0.25}
    assert _node(data, "1.2.2")["source"] == "survey"  # from the Ghi chú column
    assert _node(data, "2")["source"] == "sipas"
    assert [(u.row, u.reason_en) for u in result.unplaced] == [
        (8, "numbering '1.4' does not continue the tree (after 1.2.2)")
    ]
    assert [c["sources"] for c in data["components"]] == [["appraisal"], ["survey", "sipas"]]


def test_two_row_header_and_numbers_in_titles(tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    ws.append(["Nội dung", "Điểm", None, "Phương pháp chấm"])
    ws.append([None, "Tối đa", "Tự chấm", None])
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:C1")
    ws.merge_cells("D1:D2")
    ws.append(["I. CẢI CÁCH TỔ CHỨC BỘ MÁY", 2, 1.5])
    ws.append(
        [
            "1.1. Thực hiện quy định về tổ chức bộ máy",
            2,
            1.5,
            "Đúng quy định: 2 điểm; không đúng quy định: 0 điểm",
        ]
    )
    ws.append(["Ghi chú: điểm tự chấm do đơn vị điền"])
    path = tmp_path / "hai-dong.xlsx"
    book.save(path)
    result = import_criteria(path)
    assert result.header_row == 1
    assert _codes(result.data["criteria"]) == ["1", "1.1"]
    assert _node(result.data, "1.1")["title"] == "Thực hiện quy định về tổ chức bộ máy"
    assert _node(result.data, "1.1")["rule"] == {"kind": "binary"}
    assert [(u.row, u.reason_en) for u in result.unplaced] == [
        (5, "a note to the table, not part of a criterion")
    ]


def test_no_header_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CriteriaImportError, match="no header row"):
        import_criteria(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("từ 90% trở lên", "[90, 100]"),
        ("đạt từ 95% trở lên", "[95, 100]"),
        ("trên 90%", "(90, 100]"),
        ("dưới 70%", "[0, 70)"),
        ("từ 70% đến dưới 90%", "[70, 90)"),
        ("từ 70% - dưới 90%", "[70, 90)"),
        ("từ 70% đến 90%", "[70, 90]"),
        ("trên 70% đến 90%", "(70, 90]"),
        ("từ 50,5% trở lên", "[50.5, 100]"),
        ("10% trở xuống", "[0, 10]"),
        ("không quá 5%", "[0, 5]"),
        ("đạt 100%", "[100, 100]"),
        ("khoảng 80%", None),
    ],
)
def test_rate_intervals(text: str, expected: str | None) -> None:
    from chiso.io.criteria_rules_text import fold

    interval = rate_interval(fold(text))
    assert (str(interval) if interval else None) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Mỗi báo cáo chậm trừ 0,5 điểm",
        "Từ 90% trở lên: 2 điểm; từ 70% đến 90%: 1 điểm; dưới 70%: 0 điểm",  # overlap at 90
        "Từ 90% trở lên: 2 điểm; dưới 70%: 0 điểm",  # gap
        "Thực hiện đầy đủ: 2 điểm; không thực hiện: 0 điểm; chưa đầy đủ: tùy mức độ",
        "Thực hiện chưa đầy đủ 0,5 - 1 điểm; không thực hiện: 0 điểm",
        "Thực hiện: 1 điểm; không thực hiện: 0 điểm",  # high outcome is not the max (2)
        "Đạt 100%: 2 điểm; không đạt: 0 điểm",  # a rate next to a plain condition
        "Tỷ lệ hồ sơ đúng hạn x điểm tối đa",
    ],
)
def test_no_guess_when_unsure(text: str) -> None:
    assert infer_rule(text, 2) is None


def test_outcomes_with_points_first_and_an_introduction() -> None:
    text = "Căn cứ báo cáo của đơn vị:\n- 1 điểm: ban hành đúng hạn\n- 0 điểm: không ban hành"
    assert infer_rule(text, 1) == {"kind": "binary"}


def test_manual_steps() -> None:
    assert manual_rule("", 1) == {"kind": "manual", "step": 0.25}
    assert manual_rule("Tối đa 1,5 điểm", 1.5) == {"kind": "manual", "step": 0.5}
    assert manual_rule("0,25 điểm mỗi lần", 1) == {"kind": "manual", "step": 0.25}
    assert manual_rule("", 0.2) == {"kind": "manual", "step": 0.05}


def test_sources() -> None:
    assert infer_source(["Điểm đánh giá qua điều tra xã hội học"]) == "survey"
    assert infer_source(["Theo kết quả khảo sát"]) == "survey"
    assert infer_source(["Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)"]) == "sipas"
    assert infer_source(["Tổ chức khảo sát sự hài lòng của người dân"]) == "appraisal"
    assert infer_source(["", "Ban hành kế hoạch"]) == "appraisal"


def test_import_fills_only_what_the_annex_tells(annex: Path) -> None:
    assert import_criteria(annex).filled == ["language", "status", "components", "total_points"]


SAMPLE = Path(__file__).parents[2] / "examples" / "criteria-import"


def test_shipped_sample_annex_passes_check() -> None:
    settings = parse_yaml((SAMPLE / "settings.yaml").read_text(encoding="utf-8"))
    result = import_criteria(SAMPLE / "phu-luc-bo-tieu-chi-mau.xlsx", settings=settings)
    text = dump_method_yaml(result.data, imported=result)
    assert check_method(parse_yaml(text)) == []
    assert result.summed == ["1.3"]
    assert [u.row for u in result.unplaced] == [60]  # the footnote under the table
    assert [c["code"] for c in result.data["criteria"]] == [str(i) for i in range(1, 9)]


def test_criteria_numbered_on_across_fields(tmp_path: Path) -> None:
    path = tmp_path / "lien-tuc.csv"
    path.write_text(
        "STT,Nội dung,Điểm tối đa\nI,A,2\n1,a1,1\n2,a2,1\nII,B,2\n3,b3,1\n3.1,b31,1\n4,b4,1\n"
        "III,C,1\n1.1,c11,1\n",
        encoding="utf-8",
    )
    result = import_criteria(path)
    assert _codes(result.data["criteria"]) == ["1", "1.1", "1.2", "2", "2.3", "2.3.1", "2.4", "3"]
    assert [(u.row, u.reason_en) for u in result.unplaced] == [
        (10, "numbering '1.1' does not continue the tree (after 3)")
    ]
