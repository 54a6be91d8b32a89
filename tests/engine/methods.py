"""Small method files for engine tests, built from YAML text (a method is data)."""

from __future__ import annotations

import copy
from typing import Any

from chiso.engine.framework import Method
from chiso.engine.load import build_method
from chiso.io.method_files import parse_yaml

BASE = """
format: chiso.method/1
id: test-method
title: Bộ tiêu chí thử nghiệm
jurisdiction: Tỉnh Thử
level: department
year: 2024
language: vi
status: modelled
legal_basis: {decision: "1/QĐ-UBND", date: "2024-01-01"}
blocks:
  - {code: so, title: Khối sở}
  - {code: xa, title: Khối xã}
components:
  - {code: appraisal, title: Điểm thẩm định, sources: [appraisal, data], points: 8}
  - {code: survey, title: Điểm điều tra, sources: [survey, sipas], points: 2,
     missing_input: exclude}
criteria:
  - code: "1"
    title: Chỉ đạo điều hành
    max: 4
    children:
      - {code: "1.1", title: Kế hoạch, max: 1, source: appraisal,
         rule: {kind: levels, levels: [{code: dung_han, points: 1}, {code: tre, points: 0.5},
                                       {code: khong, points: 0}]}}
      - {code: "1.2", title: Báo cáo, max: 1, source: appraisal,
         rule: {kind: deduction, per_incident: 0.5}}
      - {code: "1.3", title: Kiểm tra, max: 2, source: appraisal,
         rule: {kind: manual, step: 0.25}}
  - code: "2"
    title: Thủ tục hành chính
    max: 6
    children:
      - {code: "2.1", title: Đúng hạn, max: 2, source: data,
         rule: {kind: proportional, target: 90}}
      - {code: "2.2", title: Công khai, max: 1, source: appraisal, rule: {kind: binary}}
      - {code: "2.3", title: Số hóa, max: 1, source: appraisal,
         rule: {kind: threshold, bands: [{range: "[90, 100]", points: 1},
                                         {range: "[50, 90)", points: 0.5},
                                         {range: "[0, 50)", points: 0}]}}
      - {code: "2.4", title: Hài lòng, max: 2, source: sipas, rule: {kind: survey}}
bonus:
  cap: 1
  items:
    - {code: T1, title: Sáng kiến, max: 1, rule: {kind: count, per_item: 0.5}}
penalty:
  cap: 2
  items:
    - {code: P1, title: Vi phạm, max: 2, rule: {kind: count, per_item: 1}}
exemptions:
  - {criteria: ["2.2"], unit_kinds: [no_procedures], reason: Không có TTHC}
banding:
  kind: bands
  compare: full_precision
  bands:
    - {code: xuat_sac, label: Xuất sắc, range: "[90, inf)"}
    - {code: tot, label: Tốt, range: "[80, 90)"}
    - {code: kha, label: Khá, range: "[70, 80)"}
    - {code: trung_binh, label: Trung bình, range: "[50, 70)"}
    - {code: yeu, label: Yếu, range: "[0, 50)"}
ranking: {ties: shared}
display: {points_decimals: 2, index_decimals: 2, rounding: half_up}
missing_input: zero
"""


def base_data() -> dict[str, Any]:
    return copy.deepcopy(parse_yaml(BASE))


def method_from(data: dict[str, Any] | None = None, **changes: Any) -> Method:
    data = base_data() if data is None else data
    data.update(changes)
    return build_method(data)


# Full marks on every leaf of BASE (inputs in each rule's domain).
FULL = {"1.1": "dung_han", "1.2": 0, "1.3": 2, "2.1": 90, "2.2": "có", "2.3": 95, "2.4": 100}
