"""Building the criteria tree from the numbering of an annex, row by row.

Numbering and the codes it gives (codes are always decimal paths, so that a child's code starts
with its parent's):

- Decimal: `1`, `1.1`, `1.1.1` (a trailing dot, `1.1.1.`, is ignored) → the same codes.
- Roman fields: `I`, `II` … → `1`, `2` …. Under a field, criteria numbered on their own (`1`,
  `2`, sub-criteria `1.1`) get the field's code in front: criterion `2` of field `III` → `3.2`,
  its `2.1` → `3.2.1`. Criteria may restart at 1 in each field or run on across fields (`5`
  after field II's last `4` → `3.5`). Criteria already written with the field's number (`1.1`,
  `1.2` under `I`) keep their code; the first criterion under a field decides which way.
- Letters `a)`, `b)`, `a.` (Vietnamese order a, b, c, d, đ, e, g … or Latin) → children of the
  previous numbered row: `a)` under `1.1` → `1.1.a`.
- A row without numbering continues the row before it (a cell wrapped over two rows, or a
  merged STT cell): its title text is added to the title (or to the guidance when it reads as
  scoring text: a bullet, or "… x điểm"), its rule text to the guidance. A "Tổng cộng" row gives
  the declared total; a "Ghi chú:" / "Lưu ý:" row is a note to the table and is reported.

Rows that cannot be placed are reported, never guessed: numbering that does not continue the
tree, numbering that cannot be read (`1,1`, `-`), a row with points but no numbering, a max that
cannot be read, a leaf without max, a row whose parent was not placed. A row refused for its own
content still counts for numbering, so its next sibling is placed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chiso.io.criteria_rules_text import fold, read_points_text

LETTERS_VI = "abcdđeghiklmnopqrstuvxy"
LETTERS_LATIN = "abcdefghijklmnopqrstuvwxyz"
_ROMAN = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


@dataclass(frozen=True)
class UnplacedRow:
    """A row of the annex that is not in the tree, and why (in English and Vietnamese)."""

    row: int
    cells: tuple[str, ...]
    reason_en: str
    reason_vi: str


@dataclass(frozen=True)
class Numbering:
    kind: str  # roman | decimal | letter | comma | part | empty | bad
    text: str
    parts: tuple[int, ...] = ()
    letter: str = ""


@dataclass(frozen=True)
class Row:
    number: int
    cells: tuple[str, ...]
    numbering: Numbering
    title: str
    max_text: str
    rule: str
    note: str


@dataclass
class Node:
    row: int
    code: str
    title: str
    max: float | None
    cells: tuple[str, ...]
    guidance: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    ghost: bool = False  # refused for its own content; kept only to follow the numbering
    letter: bool = False
    number: int = 0  # the numbering's last part (fields: the Roman value)
    mode: str = ""  # fields: "relative" or "absolute" numbering of their criteria
    last_number: int = 0  # the last child number seen, ghosts included
    last_letter: str = ""

    @property
    def depth(self) -> int:
        return 0 if not self.code else self.code.count(".") + 1


def parse_numbering(text: str) -> Numbering:
    t = text.strip()
    if not t:
        return Numbering("empty", t)
    roman = t.rstrip(".)")
    if roman and _ROMAN.match(roman):
        return Numbering("roman", t, (_roman_value(roman),))
    if re.fullmatch(r"\d+(?:\.\d+)*\.?", t):
        return Numbering("decimal", t, tuple(int(p) for p in t.rstrip(".").split(".")))
    if re.fullmatch(r"\d+(?:[.,]\d+)+\.?", t):
        return Numbering("comma", t, tuple(int(p) for p in re.split(r"[.,]", t.rstrip("."))))
    letter = re.fullmatch(r"\(?([a-zđ])[).]?", t)
    if letter:
        return Numbering("letter", t, letter=letter[1])
    if re.fullmatch(r"[A-H][.)]?", t):
        return Numbering("part", t)
    return Numbering("bad", t)


def _roman_value(text: str) -> int:
    values = [_ROMAN_VALUES[ch] for ch in text]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _next_letters(letter: str) -> set[str]:
    if not letter:
        return {"a"}
    found = set()
    for alphabet in (LETTERS_VI, LETTERS_LATIN):
        i = alphabet.find(letter)
        if 0 <= i < len(alphabet) - 1:
            found.add(alphabet[i + 1])
    return found


class Refused(Exception):
    def __init__(self, en: str, vi: str):
        super().__init__(en)
        self.en, self.vi = en, vi


class TreeBuilder:
    """Feed rows in order; `root.children` is the tree, `unplaced` the rows left out."""

    def __init__(self) -> None:
        self.root = Node(0, "", "", None, ())
        self.stack: list[Node] = []  # the open path, field first
        self.scheme = ""  # "decimal" or "roman", set by the first numbered row
        self.unplaced: list[UnplacedRow] = []
        self.total: float | None = None
        self.last: Node | None = None  # the row that a continuation row continues
        self.last_row = 0
        self.last_code = ""
        self.run_on = 0  # relative criteria numbers across fields
        self.after_total = False

    def feed(self, row: Row) -> None:
        try:
            if row.numbering.kind == "empty":
                self._unnumbered(row)
            else:
                self._numbered(row)
        except Refused as refused:
            self.unplaced.append(UnplacedRow(row.number, row.cells, refused.en, refused.vi))
            self.last = None
        self.last_row = row.number

    # --- rows without numbering -----------------------------------------------------------------

    def _unnumbered(self, row: Row) -> None:
        if re.match(r"tong(?: cong| diem| so)?\b", fold(row.title)):
            self._total(row)
            return
        if row.max_text:
            raise Refused("points without numbering (STT)", "có điểm nhưng không có số thứ tự")
        if re.match(r"(?:ghi chu|luu y|chu thich|chu y)\b", fold(row.title)):
            raise Refused(
                "a note to the table, not part of a criterion",
                "ghi chú của bảng, không thuộc tiêu chí nào",
            )
        if self.last is None:
            if self.after_total:
                raise Refused("text after the total row", "nội dung nằm sau dòng tổng cộng")
            if not self.last_code:
                raise Refused(
                    "text before the first numbered row",
                    "nội dung nằm trước dòng có số thứ tự đầu tiên",
                )
            raise Refused(
                f"continues row {self.last_row}, which was not placed",
                f"nối tiếp dòng {self.last_row}, là dòng không được đưa vào cây",
            )
        _append(self.last, row)

    def _total(self, row: Row) -> None:
        value = read_points_text(row.max_text) if row.max_text else None
        if row.max_text and value is None:
            raise _unreadable_max(row.max_text)
        if value is not None:
            self.total = value
        self.last = None
        self.after_total = True

    # --- numbered rows --------------------------------------------------------------------------

    def _numbered(self, row: Row) -> None:
        num = row.numbering
        if num.kind == "comma":
            self._follow_comma(row)
        if num.kind in ("comma", "bad", "part"):
            self._refuse_numbering(row)
        if num.kind == "letter":
            parent, code = self._letter_place(num)
        else:
            parent, code = self._decimal_place(num)
        node = Node(row.number, code, row.title, None, row.cells, number=_last_number(num))
        self._open(parent, node, num)
        self.after_total = False
        if parent.ghost:
            raise Refused(
                f"its parent (row {parent.row}) was not placed",
                f"tiêu chí cha (dòng {parent.row}) không được đưa vào cây",
            )
        _check_content(row, node)
        parent.children.append(node)
        self.last = node

    def _follow_comma(self, row: Row) -> None:
        """'1,1' is refused, but counted as '1.1' so that '1.2' after it is placed."""
        dotted = Numbering("decimal", row.numbering.text, row.numbering.parts)
        try:
            parent, code = self._decimal_place(dotted)
        except Refused:
            return
        self._open(
            parent, Node(row.number, code, "", None, row.cells, number=_last_number(dotted)), dotted
        )

    def _refuse_numbering(self, row: Row) -> None:
        num = row.numbering
        if num.kind == "comma":
            dotted = ".".join(str(p) for p in num.parts)
            raise Refused(
                f"numbering '{num.text}' has a comma (did you mean '{dotted}'?)",
                f"số thứ tự '{num.text}' có dấu phẩy (có phải là '{dotted}'?)",
            )
        if num.kind == "part":
            raise Refused(
                f"part heading '{num.text}' is not a criterion; fields are read below it",
                f"'{num.text}' là tiêu đề phần, không phải tiêu chí",
            )
        raise Refused(
            f"numbering '{num.text}' cannot be read", f"không đọc được số thứ tự '{num.text}'"
        )

    def _open(self, parent: Node, node: Node, num: Numbering) -> None:
        """Count the row for numbering and make it the deepest open row (even a refused one)."""
        node.ghost = True  # until its content is checked
        node.letter = num.kind == "letter"
        if node.letter:
            parent.last_letter = num.letter
        else:
            parent.last_number = node.number
            if parent.mode == "relative" and node.depth == 2:
                self.run_on = node.number
        self.stack = [*self.stack[: parent.depth], node]
        self.last_code = node.code

    def _letter_place(self, num: Numbering) -> tuple[Node, str]:
        anchors = [n for n in self.stack if not n.letter]
        if not anchors:
            raise Refused(
                f"lettered item '{num.text}' with no numbered row before it",
                f"mục '{num.text}' không có dòng đánh số nào phía trước",
            )
        parent = anchors[-1]
        if num.letter not in _next_letters(parent.last_letter):
            raise self._discontinuous(num)
        return parent, f"{parent.code}.{num.letter}"

    def _decimal_place(self, num: Numbering) -> tuple[Node, str]:
        if not self.scheme:
            self.scheme = "roman" if num.kind == "roman" else "decimal"
        if num.kind == "roman" and self.scheme != "roman":
            raise Refused(
                f"Roman numeral '{num.text}' in a table numbered 1, 2, …",
                f"số La Mã '{num.text}' trong bảng đánh số 1, 2, …",
            )
        parts = num.parts if num.kind == "roman" else self._full_parts(num)
        parent = self._parent_of(parts, num)
        expected = parent.last_number + 1
        run_on = parent.mode == "relative" and parent.last_number == 0
        if parts[-1] != expected and not (run_on and parts[-1] == self.run_on + 1):
            raise self._discontinuous(num)
        return parent, ".".join(str(p) for p in parts)

    def _full_parts(self, num: Numbering) -> tuple[int, ...]:
        if self.scheme == "decimal":
            return num.parts
        if not self.stack:
            raise Refused(
                f"criterion '{num.text}' before the first field (I, II …)",
                f"tiêu chí '{num.text}' nằm trước lĩnh vực đầu tiên (I, II …)",
            )
        field_ = self.stack[0]
        if not field_.mode:
            absolute = len(num.parts) >= 2 and num.parts[0] == field_.number
            field_.mode = "absolute" if absolute else "relative"
        if field_.mode == "absolute":
            return num.parts
        return (field_.number, *num.parts)

    def _parent_of(self, parts: tuple[int, ...], num: Numbering) -> Node:
        depth = len(parts) - 1
        if depth == 0:
            return self.root
        if len(self.stack) >= depth:
            candidate = self.stack[depth - 1]
            if not candidate.letter and candidate.code == ".".join(str(p) for p in parts[:-1]):
                return candidate
        raise self._discontinuous(num)

    def _discontinuous(self, num: Numbering) -> Refused:
        after = f" (after {self.last_code})" if self.last_code else ""
        after_vi = f" (sau {self.last_code})" if self.last_code else ""
        return Refused(
            f"numbering '{num.text}' does not continue the tree{after}",
            f"số thứ tự '{num.text}' không nối tiếp cây tiêu chí{after_vi}",
        )

    # --- after the last row ---------------------------------------------------------------------

    def finish(self) -> list[str]:
        """Drop leaves without max (reported); parents without max take their children's sum.
        Returns the codes of those parents."""
        summed: list[str] = []
        self.root.children = [n for n in self.root.children if self._prune(n, summed)]
        self.unplaced.sort(key=lambda u: u.row)
        return summed

    def _prune(self, node: Node, summed: list[str]) -> bool:
        node.children = [c for c in node.children if self._prune(c, summed)]
        if node.max is not None:
            return True
        if not node.children:
            self.unplaced.append(
                UnplacedRow(
                    node.row,
                    node.cells,
                    "a leaf without max points",
                    "tiêu chí lá không có điểm tối đa",
                )
            )
            return False
        node.max = sum(c.max or 0.0 for c in node.children)
        summed.append(node.code)
        return True


def _last_number(num: Numbering) -> int:
    return num.parts[-1] if num.parts else 0


def _unreadable_max(text: str) -> Refused:
    return Refused(f"max points '{text}' cannot be read", f"không đọc được điểm tối đa '{text}'")


def _check_content(row: Row, node: Node) -> None:
    if not row.title:
        raise Refused("a numbered row without a title", "dòng có số thứ tự nhưng không có nội dung")
    if row.max_text:
        node.max = read_points_text(row.max_text)
        if node.max is None:
            raise _unreadable_max(row.max_text)
    node.ghost = False
    if row.rule:
        node.guidance.append(row.rule)
    if row.note:
        node.notes.append(row.note)


def _looks_like_scoring(text: str) -> bool:
    return bool(re.match(r"[-+•*–]", text) or re.search(r"\d\s*(?:diem|d)\b", fold(text)))


def _append(node: Node, row: Row) -> None:
    if row.title:
        if _looks_like_scoring(row.title):
            node.guidance.append(row.title)
        else:
            node.title = f"{node.title} {row.title}".strip()
    if row.rule:
        node.guidance.append(row.rule)
    if row.note:
        node.notes.append(row.note)
