"""Write Vietnam's working-day calendars (``chiso.calendar/1``) from the `holidays` package.

    .venv/bin/python scripts/make_calendars.py 2024 2025 2026

Writes ``src/chiso/methods/calendar/vn-YYYY.yaml``: the public holidays of the Labour Code
2019 (art. 112) and the days off the `holidays` package derives (compensatory days when a
holiday falls on a weekend, art. 111(3); swapped working days from government decisions),
plus a make-up working Saturday for every swapped day off, then the corrections in
`CORRECTIONS` — found when the output was reviewed against the published decisions and noted
in `REVIEWED`. Days off that fall on a weekend are left out: they change nothing.

Run once per new year; then review the file against the year's decisions (the notice of the
Ministry of Home Affairs — before 2025 of Labour, Invalids and Social Affairs — and the
Government Office's letters approving the swaps) and add what the package lacks here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import holidays

OUT = Path(__file__).resolve().parents[1] / "src" / "chiso" / "methods" / "calendar"
LABOUR_CODE = "Bộ luật Lao động 2019, Điều 112"
COMPENSATORY = "Bộ luật Lao động 2019, Điều 111 khoản 3 (nghỉ bù khi trùng ngày nghỉ hằng tuần)"
SWAPPED = re.compile(r"thay cho ngày (\d{2})/(\d{2})/(\d{4})")


@dataclass(frozen=True)
class Entry:
    day: dt.date
    working: bool
    name: str
    source: str
    provisional: bool = False


SWAP_SOURCES = {
    dt.date(2024, 4, 29): "Văn bản 2450/VPCP-KGVX ngày 12/4/2024 (hoán đổi ngày làm việc)",
    dt.date(2025, 5, 2): "Thông báo 6150/TB-BLĐTBXH ngày 8/11/2024; Văn bản 8726/VPCP-KGVX "
    "ngày 26/11/2024 (hoán đổi ngày làm việc)",
    dt.date(2026, 8, 31): "Lịch nghỉ Quốc khánh 2026 theo gói `holidays` (thuvienphapluat.vn); "
    "chưa đối chiếu được văn bản",
}

CORRECTIONS: dict[int, list[Entry]] = {
    2025: [
        # holidays names it "29 Tết"; it is 28 tháng Chạp, the compensatory day for mùng 4 Tết
        # falling on Saturday 1/2/2025 — the 9 days 25/1–2/2 had no make-up Saturday.
        Entry(
            dt.date(2025, 1, 27),
            False,
            "Nghỉ bù Tết Nguyên Đán (mùng 4 Tết trùng thứ Bảy 01/02/2025)",
            "Thông báo 6150/TB-BLĐTBXH ngày 8/11/2024; Văn bản 8726/VPCP-KGVX ngày 26/11/2024",
        ),
    ],
    2026: [
        # Missing from holidays 0.109: New Year 2026 was made 4 days by a swap.
        Entry(
            dt.date(2026, 1, 2),
            False,
            "Ngày nghỉ Tết Dương lịch (hoán đổi, làm bù thứ Bảy 10/01/2026)",
            "Văn bản 12729/VPCP-KGVX ngày 25/12/2025",
        ),
        Entry(
            dt.date(2026, 1, 10),
            True,
            "Làm bù cho ngày nghỉ 02/01/2026",
            "Văn bản 12729/VPCP-KGVX ngày 25/12/2025",
        ),
        # Resolution 80-NQ/TW chose 24/11 as Vietnam Culture Day, a paid day off; it needs an
        # amendment of art. 112 of the Labour Code (Resolution 30/NQ-CP, February 2026).
        Entry(
            dt.date(2026, 11, 24),
            False,
            "Ngày Văn hóa Việt Nam",
            "Nghị quyết 80-NQ/TW; Nghị quyết 30/NQ-CP (chờ sửa Điều 112 Bộ luật Lao động)",
            provisional=True,
        ),
    ],
}
PROVISIONAL = {dt.date(2026, 8, 31), dt.date(2026, 8, 22)}

REVIEWED = {
    2024: "Đã đối chiếu: Tết Dương lịch 01/01 (thứ Hai); Tết Giáp Thìn nghỉ 7 ngày 08/02–14/02 "
    "(5 ngày Tết, 2 ngày nghỉ hằng tuần, không làm bù); Giỗ Tổ 18/4; 30/4–1/5 nghỉ 27/4–01/5, "
    "hoán đổi thứ Hai 29/4 với thứ Bảy 04/5 (Văn bản 2450/VPCP-KGVX); Quốc khánh 02/9–03/9.",
    2025: "Đã đối chiếu: Tết Dương lịch 01/01 (thứ Tư); Tết Ất Tỵ nghỉ 9 ngày 25/01–02/02 "
    "(5 ngày Tết, 3 ngày nghỉ hằng tuần, 1 ngày nghỉ bù 27/01, không làm bù); Giỗ Tổ 07/4; "
    "30/4–1/5 nghỉ 30/4–04/5, hoán đổi thứ Sáu 02/5 với thứ Bảy 26/4; Quốc khánh 01/9–02/9.",
    2026: "Đã đối chiếu: Tết Dương lịch nghỉ 01/01–04/01, hoán đổi thứ Sáu 02/01 với thứ Bảy "
    "10/01 (Văn bản 12729/VPCP-KGVX — thiếu trong gói holidays, đã bổ sung); Tết Bính Ngọ nghỉ "
    "9 ngày 14/02–22/02 (16/02–20/02 là 5 ngày Tết, không làm bù); Giỗ Tổ Chủ nhật 26/4, nghỉ "
    "bù thứ Hai 27/4; 30/4–1/5 (thứ Năm, thứ Sáu). Dự kiến (provisional): Quốc khánh hoán đổi "
    "thứ Hai 31/8 với thứ Bảy 22/8, và Ngày Văn hóa Việt Nam 24/11 — chưa có văn bản chính thức.",
}


def entries(year: int) -> list[Entry]:
    """The exceptions of `year`: days off on weekdays and make-up working weekend days."""
    found: dict[dt.date, Entry] = {}
    calendar = holidays.country_holidays("VN", years=[year - 1, year, year + 1], language="vi")
    for day, name in sorted(calendar.items()):
        swapped = SWAPPED.search(name)
        source = SWAP_SOURCES.get(day, COMPENSATORY if "nghỉ bù" in name else LABOUR_CODE)
        if swapped:
            makeup = dt.date(int(swapped[3]), int(swapped[2]), int(swapped[1]))
            text = f"Làm bù cho ngày nghỉ {day.strftime('%d/%m/%Y')}"
            found[makeup] = Entry(makeup, True, text, source, makeup in PROVISIONAL)
        found[day] = Entry(day, False, name, source, day in PROVISIONAL)
    for entry in CORRECTIONS.get(year, []):
        found[entry.day] = entry
    kept = [e for e in found.values() if e.day.year == year and _matters(e)]
    return sorted((replace(e, name=e.name.strip()) for e in kept), key=lambda e: e.day)


def _matters(entry: Entry) -> bool:
    weekend = entry.day.weekday() >= 5
    return weekend if entry.working else not weekend


def render(year: int) -> str:
    q = lambda text: json.dumps(text, ensure_ascii=False)  # noqa: E731 — YAML double quotes
    lines = [
        "# Generated by scripts/make_calendars.py from the `holidays` package "
        f"({holidays.__version__}),",
        "# then reviewed against the published decisions (see `reviewed`). Regenerate, do not",
        "# edit by hand: corrections belong in the script.",
        "format: chiso.calendar/1",
        f"year: {year}",
        "country: VN",
        f"title: {q(f'Lịch ngày nghỉ lễ, Tết và ngày làm bù của cán bộ, công chức năm {year}')}",
        "weekend: [saturday, sunday]",
        f"generated_by: {q(f'scripts/make_calendars.py (holidays {holidays.__version__})')}",
        f"reviewed: {q(REVIEWED[year])}",
        "days:",
    ]
    for e in entries(year):
        lines += [
            f"  - day: {e.day.isoformat()}  # {_weekday(e.day)}",
            f"    working: {str(e.working).lower()}",
            f"    name: {q(e.name)}",
            f"    source: {q(e.source)}",
        ]
        if e.provisional:
            lines.append("    provisional: true")
    return "\n".join(lines) + "\n"


def _weekday(day: dt.date) -> str:
    return ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")[
        day.weekday()
    ]


def main(argv: list[str]) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for year in [int(a) for a in argv] or sorted(REVIEWED):
        if year not in REVIEWED:
            print(f"{year}: add a REVIEWED note after checking the decisions", file=sys.stderr)
            return 2
        path = OUT / f"vn-{year}.yaml"
        path.write_text(render(year), encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
