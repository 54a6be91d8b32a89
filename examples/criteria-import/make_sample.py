"""Write `phu-luc-bo-tieu-chi-mau.xlsx`: an illustrative criteria annex, laid out as provinces
publish them (title lines, a header, a row numbering the columns, Roman fields, criteria and
sub-criteria, lettered items, a blank parent max, a title wrapped over two rows with a merged
STT cell, shared evidence in a merged cell, a total row and a footnote).

The set is modelled on the national generation of 2022–2024 (fields I–VIII, 80 points appraised,
20 from the sociological survey); it is not any province's decision.

    .venv/bin/python examples/criteria-import/make_sample.py
    chiso import-criteria examples/criteria-import/phu-luc-bo-tieu-chi-mau.xlsx \\
        --settings examples/criteria-import/settings.yaml -o out.yaml
    chiso check out.yaml
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).parent
OUT = HERE / "phu-luc-bo-tieu-chi-mau.xlsx"
HEADER = [
    "STT",
    "Lĩnh vực, tiêu chí, tiêu chí thành phần",
    "Điểm tối đa",
    "Hướng dẫn chấm điểm",
    "Tài liệu kiểm chứng",
    "Ghi chú",
]
DTXHH = "Điểm điều tra xã hội học"

# STT, title, max, guidance, evidence, note
ROWS: list[tuple[Any, ...]] = [
    ("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", 9),
    (1, "Kế hoạch CCHC năm", 2),
    (
        "1.1",
        "Ban hành kế hoạch CCHC năm đúng thời hạn",
        1,
        "Ban hành đúng thời hạn: 1 điểm;\nban hành chậm: 0,5 điểm;\nkhông ban hành: 0 điểm",
        "Kế hoạch CCHC năm của cơ quan",
    ),
    (
        "1.2",
        "Mức độ thực hiện kế hoạch CCHC",
        1,
        "Hoàn thành từ 90% trở lên: 1 điểm;\ntừ 70% đến dưới 90%: 0,5 điểm;\ndưới 70%: 0 điểm",
        "Báo cáo CCHC năm",
    ),
    (
        2,
        "Báo cáo CCHC định kỳ",
        1,
        "Đầy đủ về số lượng, nội dung và đúng thời hạn: 1 điểm;\n"
        "không đầy đủ hoặc không đúng thời hạn: 0 điểm",
        "Các báo cáo quý, 6 tháng, năm",
    ),
    (3, "Kiểm tra công tác CCHC", None),
    (
        "3.1",
        "Ban hành kế hoạch kiểm tra công tác CCHC",
        0.5,
        "Có kế hoạch: 0,5 điểm; không có kế hoạch: 0 điểm",
        "Kế hoạch kiểm tra",
    ),
    (
        "3.2",
        "Tỷ lệ đơn vị trực thuộc được kiểm tra trong năm",
        1,
        "Từ 30% trở lên: 1 điểm;\ntừ 20% đến dưới 30%: 0,5 điểm;\ndưới 20%: 0 điểm",
        "Báo cáo kết quả kiểm tra",
    ),
    (
        "3.3",
        "Xử lý các vấn đề phát hiện qua kiểm tra",
        1,
        "100% vấn đề được xử lý hoặc kiến nghị xử lý: 1 điểm;\ndưới 100%: 0 điểm",
        "Văn bản xử lý",
    ),
    (4, "Công tác tuyên truyền CCHC", 2.5),
    (
        "a)",
        "Ban hành kế hoạch tuyên truyền CCHC",
        0.5,
        "Có kế hoạch: 0,5 điểm; không có kế hoạch: 0 điểm",
        "Kế hoạch, báo cáo tuyên truyền",
    ),
    ("b)", "Mức độ thực hiện kế hoạch tuyên truyền", 1, "Tùy mức độ hoàn thành kế hoạch"),
    (
        "c)",
        "Đa dạng hóa hình thức tuyên truyền (hội nghị, cổng thông tin, mạng xã hội,",
        1,
        "Căn cứ số hình thức đã thực hiện",
    ),
    (None, "cuộc thi tìm hiểu về CCHC)"),  # the title wraps onto this row
    (
        5,
        "Sáng kiến, giải pháp mới trong CCHC",
        1,
        "Có sáng kiến được cấp có thẩm quyền công nhận: 1 điểm;\nkhông có: 0 điểm",
        "Quyết định công nhận sáng kiến",
    ),
    ("II", "CẢI CÁCH THỂ CHẾ", 8),
    (
        1,
        "Xây dựng, ban hành văn bản quy phạm pháp luật thuộc thẩm quyền tham mưu",
        3,
        "Đạt 100% văn bản đúng thời hạn: 3 điểm;\ntừ 80% đến dưới 100%: 1,5 điểm;\n"
        "dưới 80%: 0 điểm",
        "Danh mục văn bản được giao và kết quả",
    ),
    (
        2,
        "Rà soát, hệ thống hóa văn bản quy phạm pháp luật",
        2,
        "Thực hiện đầy đủ, đúng quy định: 2 điểm;\nkhông thực hiện: 0 điểm",
        "Báo cáo kết quả rà soát",
    ),
    (
        3,
        "Kiểm tra, xử lý văn bản quy phạm pháp luật",
        2,
        "Căn cứ kết quả kiểm tra và xử lý, tối đa 2 điểm",
        "Báo cáo kiểm tra văn bản",
    ),
    (4, "Theo dõi tình hình thi hành pháp luật", 1),
    ("III", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", 16),
    (1, "Công bố, công khai thủ tục hành chính", 4),
    (
        "1.1",
        "Công khai đầy đủ, kịp thời thủ tục hành chính trên Cổng Dịch vụ công",
        2,
        "Công khai đầy đủ, kịp thời: 2 điểm;\nkhông đầy đủ hoặc không kịp thời: 0 điểm",
    ),
    (
        "1.2",
        "Cập nhật thủ tục hành chính trên Cơ sở dữ liệu quốc gia",
        2,
        "Cập nhật đúng quy định: 2 điểm;\nkhông cập nhật hoặc cập nhật không đúng quy định: 0 điểm",
    ),
    (
        2,
        "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hạn",
        6,
        "Điểm = tỷ lệ hồ sơ giải quyết đúng hạn × 6 điểm",
        "Số liệu trên Hệ thống thông tin giải quyết TTHC",
    ),
    (
        3,
        "Tiếp nhận, xử lý phản ánh, kiến nghị về thủ tục hành chính",
        3,
        "Đạt 100% xử lý đúng hạn: 3 điểm;\ntừ 90% đến dưới 100%: 1,5 điểm;\ndưới 90%: 0 điểm",
    ),
    (4, "Thực hiện cơ chế một cửa, một cửa liên thông", 3),
    (
        "4.1",
        "Bố trí công chức tại Bộ phận Một cửa đúng quy định",
        1,
        "Đúng quy định: 1 điểm; không đúng quy định: 0 điểm",
    ),
    (
        "4.2",
        "Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        2,
        "Từ 80% trở lên: 2 điểm;\ntừ 50% đến dưới 80%: 1 điểm;\ndưới 50%: 0 điểm",
    ),
    ("IV", "CẢI CÁCH TỔ CHỨC BỘ MÁY HÀNH CHÍNH", 8),
    (
        1,
        "Thực hiện quy định về tổ chức bộ máy",
        3,
        "Thực hiện đúng quy định: 3 điểm; không đúng quy định: 0 điểm",
    ),
    (
        2,
        "Quản lý, sử dụng biên chế",
        3,
        "Không vượt số biên chế được giao: 3 điểm; vượt số được giao: 0 điểm",
    ),
    (3, "Thực hiện phân cấp, ủy quyền", 2),
    ("V", "CẢI CÁCH CHẾ ĐỘ CÔNG VỤ", 12),
    (
        1,
        "Xác định vị trí việc làm",
        4,
        "Được phê duyệt và thực hiện đúng: 4 điểm;\nđược phê duyệt nhưng thực hiện chưa đúng: "
        "2 điểm;\nchưa được phê duyệt: 0 điểm",
    ),
    (
        2,
        "Tuyển dụng, bố trí, sử dụng công chức",
        3,
        "Đúng quy định: 3 điểm; không đúng quy định: 0 điểm",
    ),
    (
        3,
        "Đào tạo, bồi dưỡng công chức",
        3,
        "Hoàn thành từ 90% kế hoạch trở lên: 3 điểm;\ntừ 70% đến dưới 90%: 1,5 điểm;\n"
        "dưới 70%: 0 điểm",
    ),
    (
        4,
        "Chấp hành kỷ luật, kỷ cương hành chính",
        2,
        "Không có công chức bị kỷ luật: 2 điểm;\ncó công chức bị kỷ luật: 0 điểm",
    ),
    ("VI", "CẢI CÁCH TÀI CHÍNH CÔNG", 8),
    (
        1,
        "Tỷ lệ giải ngân kế hoạch vốn đầu tư công",
        3,
        "Từ 95% trở lên: 3 điểm;\ntừ 80% đến dưới 95%: 1,5 điểm;\ndưới 80%: 0 điểm",
    ),
    (
        2,
        "Thực hiện quy chế chi tiêu nội bộ",
        2,
        "Ban hành và thực hiện đúng: 2 điểm; không ban hành: 0 điểm",
    ),
    (
        3,
        "Công khai dự toán, quyết toán ngân sách",
        3,
        "Mỗi nội dung không công khai theo quy định trừ 0,5 điểm",
    ),
    ("VII", "XÂY DỰNG, PHÁT TRIỂN CHÍNH QUYỀN SỐ", 19),
    (1, "Ban hành kế hoạch chuyển đổi số", 2, "Ban hành: 2 điểm; không ban hành: 0 điểm"),
    (
        2,
        "Tỷ lệ hồ sơ được giải quyết trực tuyến toàn trình",
        6,
        "Từ 80% trở lên: 6 điểm;\ntừ 50% đến dưới 80%: 3 điểm;\ndưới 50%: 0 điểm",
    ),
    (
        3,
        "Tỷ lệ văn bản trao đổi dưới dạng điện tử",
        5,
        "Từ 90% trở lên: 5 điểm;\ntừ 70% đến dưới 90%: 2,5 điểm;\ndưới 70%: 0 điểm",
    ),
    (4, "Bảo đảm an toàn thông tin mạng", 3),
    (
        5,
        "Sử dụng chữ ký số trong văn bản điện tử",
        3,
        "Thực hiện đầy đủ: 3 điểm; không thực hiện: 0 điểm",
    ),
    ("VIII", "TÁC ĐỘNG CỦA CẢI CÁCH HÀNH CHÍNH", 20, None, None, DTXHH),
    (
        1,
        "Sự hài lòng về tiếp cận dịch vụ hành chính công",
        6,
        "Điểm đánh giá qua điều tra xã hội học",
        None,
        DTXHH,
    ),
    (
        2,
        "Sự hài lòng về thủ tục hành chính và kết quả giải quyết",
        7,
        "Theo kết quả khảo sát người dân, tổ chức",
        None,
        DTXHH,
    ),
    (
        3,
        "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)",
        7,
        "Kết quả đo lường Chỉ số hài lòng của tỉnh",
        None,
        DTXHH,
    ),
    (None, "Tổng cộng", 100),
    (
        None,
        "Ghi chú: điểm tối đa của tiêu chí 3 lĩnh vực I để trống: bằng tổng các tiêu chí "
        "thành phần.",
    ),
]


def build() -> Workbook:
    book = Workbook()
    ws = book.active
    ws.title = "Phụ lục I"
    ws.append(["PHỤ LỤC I"])
    ws.append(["BỘ TIÊU CHÍ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CÁC SỞ, BAN, NGÀNH (MẪU)"])
    ws.append(["(Bảng minh họa — không phải quyết định của tỉnh nào)"])
    ws.append([])
    ws.append(HEADER)
    ws.append([f"({i})" for i in range(1, len(HEADER) + 1)])
    for row in ROWS:
        ws.append([*row, *[None] * (len(HEADER) - len(row))])
    _merge(ws)
    _style(ws)
    return book


def _merge(ws: Any) -> None:
    for title_row in (1, 2, 3):
        ws.merge_cells(start_row=title_row, start_column=1, end_row=title_row, end_column=6)
    wrapped = _row_of("c)") + 7
    ws.merge_cells(start_row=wrapped, start_column=1, end_row=wrapped + 1, end_column=1)
    survey = _row_of("VIII") + 7
    ws.merge_cells(start_row=survey, start_column=6, end_row=survey + 3, end_column=6)


def _row_of(stt: str) -> int:
    return next(i for i, row in enumerate(ROWS) if row[0] == stt)


def _style(ws: Any) -> None:
    for column, width in zip("ABCDEF", (7, 60, 10, 55, 30, 22), strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in (*ws[5], ws["A1"], ws["A2"]):
        cell.font = Font(bold=True)
    for n, row in enumerate(ROWS, start=7):
        if isinstance(row[0], str) and row[0].isupper():
            for cell in ws[n]:
                cell.font = Font(bold=True)


if __name__ == "__main__":
    build().save(OUT)
    print(f"wrote {OUT}")
