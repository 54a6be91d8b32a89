"""Reading working-day calendar files (YAML, ``chiso.calendar/1``), one per year.

chiso ships Vietnam's calendars as ``chiso/methods/calendar/vn-YYYY.yaml``; a province may keep
its own files elsewhere (same format). `load_calendar` joins the years a computation needs.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError

from chiso.engine.calendar import WorkingCalendar
from chiso.engine.calendar_file import build_calendar, check_calendar
from chiso.engine.problems import MethodError, Problem
from chiso.io.method_files import parse_yaml


def shipped_calendar_folder() -> Path:
    return Path(str(resources.files("chiso") / "methods" / "calendar"))


def shipped_calendar_years(country: str = "vn") -> list[int]:
    """The years chiso ships a calendar for."""
    return sorted(
        int(p.stem.rsplit("-", 1)[1])
        for p in shipped_calendar_folder().glob(f"{country}-*.yaml")
        if p.stem.rsplit("-", 1)[1].isdigit()
    )


def calendar_path(year: int, country: str = "vn", folder: Path | None = None) -> Path:
    return (folder or shipped_calendar_folder()) / f"{country}-{year}.yaml"


def read_calendar_data(path: Path) -> tuple[Any, list[Problem]]:
    """The parsed file, or the problem that stops it being read (CAL000)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem("CAL000", str(path), {"detail": str(exc)})]
    try:
        return parse_yaml(text), []
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        return None, [Problem("CAL000", where, {"detail": exc.problem or str(exc)})]
    except YAMLError as exc:
        return None, [Problem("CAL000", str(path), {"detail": str(exc)})]


def check_calendar_file(path: Path) -> list[Problem]:
    """Every problem of one calendar file, each located as ``file: entry``."""
    data, problems = read_calendar_data(path)
    problems = problems or check_calendar(data)
    return [Problem(p.code, f"{path.name}: {p.where}", p.params) for p in problems]


def load_calendar(
    first: int, last: int | None = None, *, country: str = "vn", folder: Path | None = None
) -> WorkingCalendar:
    """The calendar of the years `first`..`last` (shipped files unless `folder` is given), or
    `MethodError` with every problem — a missing year is CAL000 for its file."""
    datas, problems = [], []
    for year in range(first, (last or first) + 1):
        path = calendar_path(year, country, folder)
        data, found = read_calendar_data(path)
        problems += [Problem(p.code, f"{path.name}: {p.where}", p.params) for p in found]
        datas.append(data)
    if problems:
        raise MethodError(problems)
    return build_calendar(datas)
