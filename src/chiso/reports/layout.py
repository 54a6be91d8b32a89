"""What every publication file shares: the issuing authority's header block, Vietnamese numbers
and dates, and the settings a province fills in (its name, the decision's number and date).

The header follows the customary layout of a Vietnamese administrative document (Nghị định
30/2020/NĐ-CP): on the left the issuing authority in capitals, bold, with a short rule under it;
on the right the national name and the motto, the motto ruled underneath. An annex has no number
or date of its own: the line under its title, "(Kèm theo Quyết định số … ngày …)", gives the
decision's. A day below 10 and the months January and February are written with a leading zero
("ngày 05 tháng 02 năm 2025"), as that decree requires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from chiso.engine.numbers import display

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
DECISION_SUFFIX = "/QĐ-UBND"
BLANK = "…"
DEFAULT_LICENCE = "CC-BY-4.0"


@dataclass(frozen=True)
class PublicationSettings:
    """What the reform office adds to a published year. An unknown decision number or date is
    printed as a blank ("…/QĐ-UBND", "ngày … tháng … năm …") to be filled in by hand."""

    province: str
    decision_number: str = ""
    decision_date: date | None = None
    licence: str = DEFAULT_LICENCE

    @property
    def authority(self) -> str:
        """The issuing authority in a report's masthead: 'UBND TỈNH THÁI NGUYÊN'."""
        return f"UBND TỈNH {self.province.upper()}"

    @property
    def authority_lines(self) -> tuple[str, str]:
        """The issuing authority as a decision's header prints it, in full:
        ('ỦY BAN NHÂN DÂN', 'TỈNH THÁI NGUYÊN')."""
        return ("ỦY BAN NHÂN DÂN", f"TỈNH {self.province.upper()}")

    @property
    def authority_name(self) -> str:
        """The authority in running text: 'UBND tỉnh Thái Nguyên'."""
        return f"UBND tỉnh {self.province}"

    @property
    def decision(self) -> str:
        """'123/QĐ-UBND' (a bare number gets the suffix), or '…/QĐ-UBND' when not known yet."""
        number = self.decision_number.strip()
        if not number:
            return BLANK + DECISION_SUFFIX
        return number if "/" in number else number + DECISION_SUFFIX

    def cache_key(self) -> dict[str, Any]:
        """Everything here that changes a generated file."""
        return {
            "province": self.province,
            "decision": self.decision,
            "date": self.decision_date.isoformat() if self.decision_date else None,
            "licence": self.licence,
        }


@dataclass(frozen=True)
class Header:
    """The two-column header block, as lines of text: the issuing authority (left; a short
    rule goes under its last line) and the national name over the motto (right; the motto is
    ruled underneath)."""

    authority: tuple[str, ...]
    motto: tuple[str, str]


def header(settings: PublicationSettings) -> Header:
    return Header(authority=settings.authority_lines, motto=MOTTO)


def attached_to(settings: PublicationSettings) -> str:
    """'(Kèm theo Quyết định số 123/QĐ-UBND ngày 20 tháng 3 năm 2025 của UBND tỉnh …)'."""
    return (
        f"(Kèm theo Quyết định số {settings.decision} {long_date(settings.decision_date)} "
        f"của {settings.authority_name})"
    )


# --- dates --------------------------------------------------------------------------------------


def long_date(day: date | None) -> str:
    """'ngày 20 tháng 3 năm 2025'; '05 tháng 02' below day 10 and in January and February;
    blanks to fill in when the date is not known."""
    if day is None:
        return f"ngày {BLANK} tháng {BLANK} năm {BLANK}"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def short_date(day: date | datetime | None) -> str:
    """'20/03/2025'."""
    return day.strftime("%d/%m/%Y") if day is not None else ""


def parse_timestamp(text: str) -> datetime:
    """An ISO 8601 timestamp from a public document (`published_at`)."""
    return datetime.fromisoformat(text)


# --- numbers ------------------------------------------------------------------------------------


def number(value: float | None, decimals: int, rounding: str = "half_up") -> str:
    """90.9 → '90,90' at 2 decimals (decimal comma, no thousands separator); '' for None."""
    return display(value, decimals, rounding).replace(".", ",")


def rounded(value: float | None, decimals: int, rounding: str = "half_up") -> float | None:
    """The value as the published table shows it, as a number (for spreadsheet cells)."""
    text = display(value, decimals, rounding)
    return float(text) if text else None


def signed(value: float | None, decimals: int, rounding: str = "half_up") -> str:
    """+0,60 / −1,25 / 0,00 (a change that rounds to zero carries no sign)."""
    if value is None:
        return ""
    text = number(abs(value), decimals, rounding)
    if text.strip("0,") == "":
        return text
    return ("+" if value > 0 else "−") + text


def rank_move(change: int | None) -> str:
    """Places moved: +2 → '▲ 2' (up), −1 → '▼ 1' (down), 0 → '='."""
    if change is None:
        return ""
    if change == 0:
        return "="
    return f"▲ {change}" if change > 0 else f"▼ {-change}"


def percent(value: float | None, decimals: int, rounding: str = "half_up") -> str:
    """'90,90%'."""
    text = number(value, decimals, rounding)
    return f"{text}%" if text else ""
