"""Problems found in a method file or in input data, each with a stable code.

Every check in chiso reports a `Problem` instead of raising at the first error, so a user sees
all that is wrong at once (like Django's system checks). A code never changes meaning once
published; the catalogue below is the single source for messages in both languages and for the
reference in `docs/method-files.md`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class ProblemKind:
    """One entry of the catalogue: what a code means, in Vietnamese and English."""

    code: str
    severity: Severity
    vi: str
    en: str


@dataclass(frozen=True)
class Problem:
    """One thing wrong, with where it is (a criterion code, a key path, or a file cell)."""

    code: str
    where: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> ProblemKind:
        return CATALOGUE[self.code]

    @property
    def severity(self) -> Severity:
        return self.kind.severity

    def message(self, lang: str = "vi") -> str:
        template = self.kind.vi if lang == "vi" else self.kind.en
        return template.format(**{k: _said(v, lang) for k, v in self.params.items()})

    def place(self, lang: str = "vi") -> str:
        """`where` in `lang` (see `place`)."""
        return place(self.where, lang)

    def render(self, lang: str = "vi") -> str:
        return f"{self.code} {self.place(lang)}: {self.message(lang)}"


@dataclass(frozen=True)
class Wording:
    """A parameter that is itself said in words, once per language: a reader's reason why a
    cell is not a number, say. `Problem.message` picks the one of its language."""

    vi: str
    en: str

    def __str__(self) -> str:
        return self.en


def _said(value: Any, lang: str) -> Any:
    if isinstance(value, Wording):
        return value.vi if lang == "vi" else value.en
    return value


# The words a place is written with (``scores.csv row 3, column 'value'``, ``unit A,
# criterion 1.1``) and what a Vietnamese message calls them. Only a word followed by what it
# names is one: a bare ``file`` or ``year`` is a key of the file, and a quoted column name
# or a file name (``unit-list.csv``) is data, never translated.
PLACE_WORDS_VI = {
    "row": "dòng",
    "rows": "dòng",
    "line": "dòng",
    "column": "cột",
    "record": "bản ghi",
    "sheet": "trang tính",
    "unit": "đơn vị",
    "criterion": "tiêu chí",
    "block": "khối",
    "item": "câu hỏi",
}
_PLACE_WORD = re.compile(
    r"'[^']*'|\"[^\"]*\"|(?<![\w.\-/])(" + "|".join(PLACE_WORDS_VI) + r")(?= [^\s,:])"
)


def place(where: str, lang: str = "vi") -> str:
    """A problem's place in `lang`: the readers write it in English (``f.csv row 3, column
    'value'``); in Vietnamese that is ``f.csv dòng 3, cột 'value'``."""
    if lang != "vi":
        return where
    return _PLACE_WORD.sub(lambda m: PLACE_WORDS_VI[m[1]] if m[1] else m[0], where)


class MethodError(ValueError):
    """Raised when a method file has errors; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(p.render("en") for p in self.problems))


class InputError(ValueError):
    """Raised when input data (units, scores) has errors; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(p.render("en") for p in self.problems))


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def _kinds(*kinds: ProblemKind) -> dict[str, ProblemKind]:
    return {k.code: k for k in kinds}


E: Severity = "error"
W: Severity = "warning"

CATALOGUE: dict[str, ProblemKind] = _kinds(
    # --- the file itself and its structure
    ProblemKind("PAR000", E, "không đọc được tệp: {detail}", "cannot read the file: {detail}"),
    ProblemKind("PAR001", E, "thiếu khóa bắt buộc '{key}'", "required key '{key}' is missing"),
    ProblemKind(
        "PAR002",
        E,
        "khóa không được hỗ trợ '{key}' (kiểm tra chính tả)",
        "unknown key '{key}' (check the spelling)",
    ),
    ProblemKind("PAR003", E, "giá trị không hợp lệ: {detail}", "invalid value: {detail}"),
    ProblemKind(
        "PAR004",
        E,
        "định dạng '{found}' không được hỗ trợ; cần '{expected}'",
        "format '{found}' is not supported; expected '{expected}'",
    ),
    # --- the criteria tree
    ProblemKind(
        "PAR010", E, "mã tiêu chí '{code}' bị trùng", "criterion code '{code}' is used twice"
    ),
    ProblemKind(
        "PAR011",
        E,
        "tiêu chí lá phải có cách chấm (rule) và nguồn điểm (source)",
        "a leaf criterion needs a rule and a source",
    ),
    ProblemKind(
        "PAR012",
        E,
        "tổng điểm các tiêu chí con ({children}) vượt điểm tối đa ({max})",
        "points of children ({children}) exceed max ({max})",
    ),
    ProblemKind(
        "PAR013",
        E,
        "tổng điểm các tiêu chí con ({children}) thấp hơn điểm tối đa ({max})",
        "points of children ({children}) fall short of max ({max})",
    ),
    ProblemKind(
        "PAR014",
        E,
        "tiêu chí có tiêu chí con không được có cách chấm riêng",
        "a criterion with children cannot have its own rule or source",
    ),
    ProblemKind(
        "PAR015",
        W,
        "mã '{code}' không bắt đầu bằng mã của tiêu chí cha '{parent}.'",
        "code '{code}' does not start with its parent's code '{parent}.'",
    ),
    ProblemKind(
        "PAR016",
        E,
        "tổng điểm tối đa của bộ tiêu chí ({found}) khác với khai báo ({declared})",
        "the criteria add up to {found} points, but total_points says {declared}",
    ),
    ProblemKind(
        "PAR017", E, "điểm tối đa phải lớn hơn 0 (đang là {max})", "max must be above 0, not {max}"
    ),
    # --- scoring rules
    ProblemKind(
        "PAR020",
        E,
        "cách chấm '{kind}' không tồn tại; có: {known}",
        "unknown rule kind '{kind}'; known kinds: {known}",
    ),
    ProblemKind(
        "PAR021", E, "tham số cách chấm không hợp lệ: {detail}", "invalid rule parameter: {detail}"
    ),
    ProblemKind(
        "PAR022",
        E,
        "các khoảng tỷ lệ để hở: {gap}",
        "the rate bands leave a gap: {gap}",
    ),
    ProblemKind(
        "PAR023",
        E,
        "các khoảng tỷ lệ chồng lên nhau tại {at}",
        "the rate bands overlap at {at}",
    ),
    ProblemKind(
        "PAR024",
        E,
        "mức '{level}' cho {points} điểm, vượt điểm tối đa {max}",
        "'{level}' gives {points} points, above the max of {max}",
    ),
    ProblemKind("PAR025", E, "mã mức '{level}' bị trùng", "level code '{level}' is used twice"),
    ProblemKind(
        "PAR026",
        E,
        "bước chấm {step} không chia hết điểm tối đa {max}",
        "the step {step} does not divide the max of {max}",
    ),
    ProblemKind(
        "PAR027",
        E,
        "phương án '{option}' phải có tỷ lệ trong [0, 100], đang là {value}",
        "option '{option}' must map to a rate in [0, 100], not {value}",
    ),
    ProblemKind(
        "PAR028",
        W,
        "không mức nào cho đủ điểm tối đa {max}: tiêu chí không thể đạt điểm tối đa",
        "no level reaches the max of {max}: the criterion can never be scored in full",
    ),
    # --- components, bonus and penalty
    ProblemKind(
        "PAR030",
        E,
        "nguồn điểm '{source}' không thuộc thành phần nào",
        "source '{source}' belongs to no component",
    ),
    ProblemKind(
        "PAR031",
        E,
        "thành phần '{component}' khai báo {declared} điểm nhưng các tiêu chí cộng lại {found}",
        "component '{component}' declares {declared} points but its criteria add up to {found}",
    ),
    ProblemKind(
        "PAR032",
        E,
        "nguồn điểm '{source}' thuộc nhiều thành phần: {components}",
        "source '{source}' belongs to several components: {components}",
    ),
    ProblemKind(
        "PAR033",
        E,
        "mã thành phần '{component}' bị trùng",
        "component code '{component}' is used twice",
    ),
    ProblemKind(
        "PAR034",
        E,
        "điểm tối đa của mục ({max}) vượt mức trần ({cap})",
        "the item's max ({max}) exceeds the cap ({cap})",
    ),
    # --- applicability
    ProblemKind(
        "PAR040",
        E,
        "miễn áp dụng cho tiêu chí không tồn tại '{code}'",
        "exemption names an unknown criterion '{code}'",
    ),
    ProblemKind(
        "PAR041",
        E,
        "miễn áp dụng phải nêu đơn vị (units) hoặc loại đơn vị (unit_kinds)",
        "an exemption must name units or unit_kinds",
    ),
    # --- bands, blocks, ranking
    ProblemKind(
        "PAR050",
        E,
        "các mức xếp loại để hở: {gap}",
        "the bands leave a gap: {gap}",
    ),
    ProblemKind(
        "PAR051",
        E,
        "các mức xếp loại chồng lên nhau tại {at}",
        "the bands overlap at {at}",
    ),
    ProblemKind(
        "PAR052",
        E,
        "mã xếp loại '{band}' bị trùng",
        "band code '{band}' is used twice",
    ),
    ProblemKind(
        "PAR053",
        E,
        "nhóm theo thứ hạng: chỉ nhóm cuối được bỏ trống 'size'",
        "rank groups: only the last group may leave 'size' out",
    ),
    ProblemKind("PAR054", E, "mã khối '{block}' bị trùng", "block code '{block}' is used twice"),
    ProblemKind(
        "PAR055",
        E,
        "khóa phụ xếp hạng '{key}' không tồn tại",
        "secondary ranking key '{key}' names nothing in this method",
    ),
    ProblemKind(
        "PAR056",
        E,
        "quy tắc đồng hạng 'secondary' cần danh sách khóa phụ",
        "tie rule 'secondary' needs a list of secondary keys",
    ),
    # --- input data (scores, units, lineage)
    ProblemKind(
        "INP001",
        E,
        "thiếu cột bắt buộc '{column}'",
        "required column '{column}' is missing",
    ),
    ProblemKind(
        "INP002", E, "đơn vị '{unit}' không có trong danh sách đơn vị", "unknown unit '{unit}'"
    ),
    ProblemKind(
        "INP003",
        E,
        "mã tiêu chí '{criterion}' không có trong phương pháp (hoặc không phải tiêu chí lá)",
        "unknown criterion '{criterion}' (or not a leaf) in this method",
    ),
    ProblemKind(
        "INP004",
        E,
        "giá trị '{value}' không hợp lệ cho tiêu chí {criterion}: {detail}",
        "value '{value}' is not valid for criterion {criterion}: {detail}",
    ),
    ProblemKind(
        "INP005",
        E,
        "đơn vị '{unit}' thuộc khối '{block}' không có trong phương pháp",
        "unit '{unit}' is in block '{block}', which this method does not have",
    ),
    ProblemKind(
        "INP006",
        E,
        "điểm của đơn vị '{unit}', tiêu chí {criterion} được nhập hai lần",
        "unit '{unit}', criterion {criterion} is given twice",
    ),
    ProblemKind("INP007", E, "mã đơn vị '{unit}' bị trùng", "unit code '{unit}' is listed twice"),
    ProblemKind(
        "INP008",
        E,
        "không đọc được tệp dữ liệu: {detail}",
        "cannot read the data file: {detail}",
    ),
    ProblemKind(
        "INP009",
        E,
        "quan hệ kế thừa '{relation}' không hợp lệ; dùng: {known}",
        "unknown lineage relation '{relation}'; use one of: {known}",
    ),
    ProblemKind(
        "INP010",
        W,
        "đơn vị '{unit}' không có điểm nào",
        "unit '{unit}' has no scores at all",
    ),
    # --- SIPAS questionnaires (chiso.questionnaire/1)
    ProblemKind(
        "SIP000", E, "không đọc được bảng hỏi: {detail}", "cannot read the questionnaire: {detail}"
    ),
    ProblemKind("SIP001", E, "thiếu khóa bắt buộc '{key}'", "required key '{key}' is missing"),
    ProblemKind(
        "SIP002",
        E,
        "khóa không được hỗ trợ '{key}' (kiểm tra chính tả)",
        "unknown key '{key}' (check the spelling)",
    ),
    ProblemKind("SIP003", E, "giá trị không hợp lệ: {detail}", "invalid value: {detail}"),
    ProblemKind(
        "SIP004",
        E,
        "định dạng '{found}' không được hỗ trợ; cần '{expected}'",
        "format '{found}' is not supported; expected '{expected}'",
    ),
    ProblemKind("SIP010", E, "mã '{code}' bị trùng", "code '{code}' is used twice"),
    ProblemKind(
        "SIP011",
        E,
        "câu hỏi '{item}' thuộc yếu tố không tồn tại '{factor}'",
        "item '{item}' names an unknown factor '{factor}'",
    ),
    ProblemKind(
        "SIP012",
        E,
        "yếu tố '{factor}' không có câu hỏi nào",
        "factor '{factor}' has no items",
    ),
    ProblemKind(
        "SIP013",
        E,
        "nội dung '{content}' gồm yếu tố không tồn tại '{factor}'",
        "content '{content}' names an unknown factor '{factor}'",
    ),
    ProblemKind(
        "SIP014",
        W,
        "yếu tố '{factor}' không thuộc nội dung nào: không được tính vào chỉ số chung",
        "factor '{factor}' belongs to no content: it does not count in the overall index",
    ),
    ProblemKind(
        "SIP015",
        E,
        "yếu tố '{factor}' thuộc nhiều nội dung: {contents}",
        "factor '{factor}' belongs to several contents: {contents}",
    ),
    ProblemKind(
        "SIP016",
        E,
        "chỉ số chung gồm nội dung không tồn tại '{content}'",
        "the overall index names an unknown content '{content}'",
    ),
    ProblemKind(
        "SIP017",
        W,
        "nội dung '{content}' không được tính vào chỉ số chung",
        "content '{content}' does not count in the overall index",
    ),
    ProblemKind(
        "SIP018",
        E,
        "câu hỏi '{item}' loại {kind} cần khóa '{key}'",
        "{kind} item '{item}' needs the key '{key}'",
    ),
    ProblemKind(
        "SIP019",
        E,
        "khóa '{key}' không áp dụng cho câu hỏi '{item}' loại {kind}",
        "key '{key}' does not apply to the {kind} item '{item}'",
    ),
    ProblemKind(
        "SIP020",
        E,
        "giá trị thang đo {value} bị trùng",
        "scale value {value} is listed twice",
    ),
    ProblemKind(
        "SIP021",
        E,
        "giá trị 'hài lòng' {value} không có trong thang đo",
        "satisfied value {value} is not on the scale",
    ),
    ProblemKind(
        "SIP022",
        E,
        "giá trị 'không trả lời' {value} trùng với một mức của thang đo",
        "the no-answer value {value} is also a level of the scale",
    ),
    ProblemKind(
        "SIP023",
        W,
        "mọi mức của thang đo đều được tính là hài lòng",
        "every level of the scale counts as satisfied",
    ),
    ProblemKind(
        "SIP024",
        E,
        "câu hỏi '{item}' dùng danh sách trả lời không tồn tại '{scale}'",
        "item '{item}' names an unknown answer list '{scale}'",
    ),
    ProblemKind(
        "SIP025",
        W,
        "danh sách trả lời '{scale}' không được câu hỏi nào dùng",
        "answer list '{scale}' is used by no item",
    ),
    # --- SIPAS answers
    ProblemKind(
        "SIP040", E, "thiếu cột bắt buộc '{column}'", "required column '{column}' is missing"
    ),
    ProblemKind(
        "SIP041",
        E,
        "câu hỏi '{item}' không có trong bảng hỏi",
        "item '{item}' is not in the questionnaire",
    ),
    ProblemKind(
        "SIP042",
        E,
        "giá trị {value} không thuộc thang đo (câu hỏi '{item}')",
        "value {value} is not on the scale (item '{item}')",
    ),
    ProblemKind(
        "SIP043",
        E,
        "người trả lời '{respondent}' trả lời câu hỏi '{item}' nhiều lần",
        "respondent '{respondent}' answers item '{item}' more than once",
    ),
    ProblemKind(
        "SIP044",
        E,
        "người trả lời '{respondent}' có nhiều giá trị '{column}'",
        "respondent '{respondent}' has several values of '{column}'",
    ),
    ProblemKind(
        "SIP045",
        E,
        "trọng số phải là số dương hữu hạn (người trả lời '{respondent}')",
        "a weight must be a finite positive number (respondent '{respondent}')",
    ),
    ProblemKind(
        "SIP046",
        E,
        "giá trị trống trong cột '{column}'",
        "empty value in column '{column}'",
    ),
    # --- SIPAS population totals (raking)
    ProblemKind(
        "SIP050",
        E,
        "tổng thể phải là số dương hữu hạn, không phải '{value}'",
        "a population total must be a finite positive number, not '{value}'",
    ),
    ProblemKind(
        "SIP051",
        E,
        "biên '{margin}' không phải là cột của câu trả lời; dùng: {known}",
        "margin '{margin}' is not a column of the answers; use one of: {known}",
    ),
    ProblemKind(
        "SIP052",
        E,
        "biên '{margin}', nhóm '{category}' được ghi nhiều lần",
        "margin '{margin}': category '{category}' is given twice",
    ),
    ProblemKind(
        "SIP053",
        E,
        "biên '{margin}': nhóm '{category}' có người trả lời nhưng không có tổng thể",
        "margin '{margin}': category '{category}' has respondents but no population total",
    ),
    ProblemKind(
        "SIP054",
        E,
        "biên '{margin}': nhóm '{category}' có tổng thể nhưng không có người trả lời "
        "(gộp nhóm hoặc bỏ tổng thể này)",
        "margin '{margin}': category '{category}' has a population total but no respondents "
        "(merge it into another category or drop the total)",
    ),
    ProblemKind(
        "SIP055",
        E,
        "tổng của biên '{margin}' ({total}) khác tổng của biên '{reference}' ({reference_total}):"
        " các biên phải mô tả cùng một tổng thể",
        "margin '{margin}' sums to {total} but '{reference}' to {reference_total}: the margins "
        "must describe the same population",
    ),
    ProblemKind(
        "SIP056",
        E,
        "hiệu chỉnh trọng số (raking) không hội tụ sau {iterations} vòng; sai số tương đối "
        "lớn nhất còn {error}",
        "raking did not converge after {iterations} iterations; the largest relative margin "
        "error is still {error}",
    ),
    # --- working-day calendars (chiso.calendar/1)
    ProblemKind(
        "CAL000", E, "không đọc được tệp lịch: {detail}", "cannot read the calendar: {detail}"
    ),
    ProblemKind("CAL001", E, "thiếu khóa bắt buộc '{key}'", "required key '{key}' is missing"),
    ProblemKind(
        "CAL002",
        E,
        "khóa không được hỗ trợ '{key}' (kiểm tra chính tả)",
        "unknown key '{key}' (check the spelling)",
    ),
    ProblemKind("CAL003", E, "giá trị không hợp lệ: {detail}", "invalid value: {detail}"),
    ProblemKind(
        "CAL004",
        E,
        "định dạng '{found}' không được hỗ trợ; cần '{expected}'",
        "format '{found}' is not supported; expected '{expected}'",
    ),
    ProblemKind(
        "CAL010",
        E,
        "ngày đã được liệt kê ở mục {first}",
        "the day is already listed at entry {first}",
    ),
    ProblemKind(
        "CAL011",
        E,
        "ngày không thuộc năm {year} của tệp",
        "the day is not in the file's year {year}",
    ),
    ProblemKind(
        "CAL012",
        W,
        "ngày nghỉ rơi vào ngày nghỉ hằng tuần ({weekday}): không có tác dụng",
        "a day off on a weekend day ({weekday}) changes nothing",
    ),
    ProblemKind(
        "CAL013",
        E,
        "ngày làm bù phải là ngày nghỉ hằng tuần, không phải {weekday}",
        "a make-up working day must be a weekend day, not a {weekday}",
    ),
    ProblemKind(
        "CAL014",
        E,
        "thiếu lịch của năm {years}: các năm phải liên tiếp",
        "no calendar for {years}: the years must be consecutive",
    ),
    ProblemKind(
        "CAL015",
        W,
        "ngày '{name}' mới là dự kiến, chưa có văn bản chính thức",
        "'{name}' is provisional: no published decision yet",
    ),
    ProblemKind("CAL016", E, "năm {year} có hai tệp lịch", "two calendar files for {year}"),
    ProblemKind(
        "CAL017",
        E,
        "các tệp lịch khai báo ngày nghỉ hằng tuần khác nhau",
        "the calendar files declare different weekends",
    ),
    # --- service-quality methods (chiso.service/1) and their counts
    ProblemKind(
        "SVC000", E, "không đọc được tệp phương pháp: {detail}", "cannot read the file: {detail}"
    ),
    ProblemKind("SVC001", E, "thiếu khóa bắt buộc '{key}'", "required key '{key}' is missing"),
    ProblemKind(
        "SVC002",
        E,
        "khóa không được hỗ trợ '{key}' (kiểm tra chính tả)",
        "unknown key '{key}' (check the spelling)",
    ),
    ProblemKind("SVC003", E, "giá trị không hợp lệ: {detail}", "invalid value: {detail}"),
    ProblemKind(
        "SVC004",
        E,
        "định dạng '{found}' không được hỗ trợ; cần '{expected}'",
        "format '{found}' is not supported; expected '{expected}'",
    ),
    ProblemKind("SVC010", E, "mã '{code}' bị trùng", "code '{code}' is used twice"),
    ProblemKind(
        "SVC011",
        E,
        "các chỉ tiêu cộng lại {found} điểm, nhưng nhóm khai báo {declared}",
        "the indicators add up to {found} points, but the group declares {declared}",
    ),
    ProblemKind(
        "SVC012",
        E,
        "các nhóm cộng lại {found} điểm, nhưng total_points là {declared}",
        "the groups add up to {found} points, but total_points says {declared}",
    ),
    ProblemKind(
        "SVC013",
        E,
        "phép đo '{measure}' không tồn tại; có: {known}",
        "unknown measure '{measure}'; known measures: {known}",
    ),
    ProblemKind(
        "SVC014",
        E,
        "cách tính điểm '{kind}' cần khóa '{key}'",
        "scoring '{kind}' needs the key '{key}'",
    ),
    ProblemKind(
        "SVC015",
        E,
        "khóa '{key}' không dùng cho cách tính điểm '{kind}'",
        "key '{key}' does not apply to scoring '{kind}'",
    ),
    ProblemKind(
        "SVC016",
        E,
        "cách tính điểm '{kind}' không đi với {points} điểm (chỉ 'shown' có 0 điểm, và giá trị "
        "trung bình chỉ để hiển thị)",
        "scoring '{kind}' does not go with {points} points (only 'shown' has 0 points, and a "
        "mean is only shown)",
    ),
    ProblemKind(
        "SVC017",
        E,
        "phép đo '{measure}' cho giá trị kiểu {value}; không dùng được tỷ lệ '{rate}'",
        "measure '{measure}' gives a {value}; rate '{rate}' does not fit it",
    ),
    ProblemKind(
        "SVC018",
        E,
        "times_rate_of '{other}' không dùng được ({why})",
        "times_rate_of '{other}' cannot be used ({why})",
    ),
    ProblemKind("SVC020", E, "các mức xếp loại để hở: {gap}", "the bands leave a gap: {gap}"),
    ProblemKind(
        "SVC021", E, "các mức xếp loại chồng lên nhau tại {at}", "the bands overlap at {at}"
    ),
    ProblemKind("SVC022", E, "mã xếp loại '{band}' bị trùng", "band code '{band}' is used twice"),
    ProblemKind(
        "SVC023",
        W,
        "mã '{code}' không bắt đầu bằng mã nhóm '{group}.'",
        "code '{code}' does not start with its group's code '{group}.'",
    ),
    ProblemKind(
        "SVC040",
        E,
        "chỉ tiêu '{indicator}' không có trong phương pháp",
        "indicator '{indicator}' is not in the method",
    ),
    ProblemKind(
        "SVC041",
        E,
        "'{value}' không phải là số đếm ≥ 0",
        "'{value}' is not a count ≥ 0",
    ),
    ProblemKind(
        "SVC042",
        E,
        "tử số {numerator} lớn hơn mẫu số {denominator}",
        "the numerator {numerator} exceeds the denominator {denominator}",
    ),
    ProblemKind(
        "SVC043",
        E,
        "đơn vị '{unit}', chỉ tiêu {indicator} được nhập hai lần",
        "unit '{unit}', indicator {indicator} is given twice",
    ),
    ProblemKind(
        "SVC044",
        E,
        "đơn vị cấp trên '{parent}' không có trong danh sách đơn vị",
        "the parent unit '{parent}' is not in the unit list",
    ),
    ProblemKind(
        "SVC045",
        E,
        "đơn vị '{unit}' là cấp trên của chính nó (vòng lặp)",
        "unit '{unit}' is its own ancestor (a cycle)",
    ),
    ProblemKind(
        "SVC046",
        E,
        "cấp đơn vị '{level}' không hợp lệ; dùng: {known}",
        "unit level '{level}' is not valid; use one of: {known}",
    ),
    ProblemKind(
        "SVC047",
        E,
        "đơn vị '{unit}' có thông tin khác nhau ở các dòng",
        "unit '{unit}' is described differently on different rows",
    ),
    ProblemKind(
        "SVC050",
        E,
        "kho dữ liệu thiếu bảng '{table}'",
        "the store has no table '{table}'",
    ),
    ProblemKind(
        "SVC051",
        E,
        "bảng '{table}' thiếu cột '{column}'",
        "table '{table}' has no column '{column}'",
    ),
    ProblemKind(
        "SVC052",
        E,
        "dữ liệu có ngày {first} – {last}, ngoài lịch làm việc ({start} – {end})",
        "the records span {first} – {last}, outside the working-day calendar ({start} – {end})",
    ),
    # --- dossier records (chiso service import)
    ProblemKind("DOS000", E, "không đọc được tệp: {detail}", "cannot read the file: {detail}"),
    ProblemKind(
        "DOS001",
        E,
        "thiếu cột bắt buộc '{column}' (tên được chấp nhận: {aliases})",
        "required column '{column}' is missing (accepted names: {aliases})",
    ),
    ProblemKind(
        "DOS002",
        W,
        "cột '{column}' không thuộc bảng {table}: bỏ qua",
        "column '{column}' is not in the table {table}: ignored",
    ),
    ProblemKind(
        "DOS003",
        E,
        "ô trống ở cột bắt buộc '{column}'",
        "empty value in required column '{column}'",
    ),
    ProblemKind("DOS004", E, "'{value}' không phải {kind_vi}", "'{value}' is not {kind_en}"),
    ProblemKind(
        "DOS005",
        E,
        "giá trị '{value}' không hợp lệ; dùng một trong: {allowed}",
        "'{value}' is not allowed; use one of: {allowed}",
    ),
    ProblemKind(
        "DOS006",
        E,
        "khóa '{key}' bị trùng (lần đầu ở {first})",
        "key '{key}' is repeated (first at {first})",
    ),
    ProblemKind("DOS007", E, "đơn vị '{value}' chưa có trong kho", "unknown unit '{value}'"),
    ProblemKind("DOS008", E, "thủ tục '{value}' chưa có trong kho", "unknown procedure '{value}'"),
    ProblemKind("DOS009", E, "hồ sơ '{value}' chưa có trong kho", "unknown dossier '{value}'"),
    ProblemKind(
        "DOS010",
        E,
        "'{column}' ({value}) sớm hơn '{other}' ({other_value})",
        "'{column}' ({value}) is before '{other}' ({other_value})",
    ),
    ProblemKind(
        "DOS011",
        E,
        "bước {seq} lúc {value} sớm hơn bước liền trước ({previous})",
        "event {seq} at {value} is earlier than the event before it ({previous})",
    ),
    ProblemKind("DOS012", E, "đơn vị cha '{value}' không tồn tại", "unknown parent unit '{value}'"),
    ProblemKind(
        "DOS013",
        E,
        "'{value}' ngoài miền giá trị của '{column}' (phải {rule})",
        "'{value}' is out of range for '{column}' (must be {rule})",
    ),
    ProblemKind(
        "DOS014",
        E,
        "bảng {table} tham chiếu đến bảng {needed}, mà kho chưa có: hãy nhập bảng {needed} trước",
        "{table} refers to {needed}, which the store does not hold yet: import {needed} first",
    ),
    ProblemKind(
        "DOS015",
        W,
        "thủ tục '{procedure}' không thuộc thẩm quyền của đơn vị '{unit}' (unit_procedures)",
        "procedure '{procedure}' is not listed for unit '{unit}' in unit_procedures",
    ),
    ProblemKind("DOS016", E, "tệp không có dòng dữ liệu nào", "the file has no data rows"),
    ProblemKind(
        "DOS017", E, "không dùng được kho dữ liệu: {detail}", "cannot use the store: {detail}"
    ),
    ProblemKind(
        "DOS018",
        E,
        "bảng {needed} trong kho là dữ liệu tổng hợp (giả lập), không dùng cho hồ sơ thật: hãy "
        "tải lên bảng {needed} thật cùng với bảng {table} — dữ liệu thật thay toàn bộ dữ liệu "
        "tổng hợp",
        "the store's {needed} are synthetic data, which real records never use: upload the real "
        "{needed} together with {table} — real data replace the synthetic data as a whole",
    ),
    ProblemKind(
        "DOS019",
        E,
        "kho này chứa dữ liệu tổng hợp (giả lập) do chiso service generate sinh ra: hồ sơ thật "
        "không nhập lẫn vào đó — hãy nhập vào một thư mục kho khác",
        "this store holds synthetic data made by chiso service generate: real records are never "
        "mixed into it — import into another store folder",
    ),
)
