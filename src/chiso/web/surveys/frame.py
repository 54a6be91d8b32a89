"""Reading a sample frame: an uploaded CSV/XLSX list, or the dossier store (Parquet, DuckDB).

Both give `FrameRow`s, checked row by row; every problem is reported with its row (or dossier)
and nothing is written unless every row is good (the services in `services.py` write them).

The frame of the service-user survey is the people who received a result from a unit in the
reference period, one row per dossier. From the dossier store (`chiso.engine.service_tables`)
a dossier is in the frame when its result was handed over (`returned_at`) within the reference
period. The data contract holds no contact of the applicant, so these rows are reached through
the dossier itself: their contact channel is the receipt (the QR code printed on it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext

from chiso.engine.problems import InputError
from chiso.engine.service_tables import CHANNELS, DOSSIERS
from chiso.io.tables import read_table
from chiso.web.surveys.models import ContactChannel
from chiso.web.units._rows import ImportReport, RowError, columns_of, normalise, records

__all__ = ["FrameRow", "read_frame_dossiers", "read_frame_file"]

FRAME_COLUMNS: dict[str, tuple[str, ...]] = {
    "unit": ("unit", "unit_code", "ma_don_vi", "don_vi"),
    "dossier": ("dossier", "dossier_code", "dossier_id", "ma_ho_so", "so_ho_so", "ho_so"),
    "procedure": ("procedure", "procedure_code", "thu_tuc", "ma_thu_tuc", "ma_tthc"),
    "channel": ("channel", "kenh", "kenh_nop", "hinh_thuc_nop"),
    "result_date": ("result_date", "ngay_tra_ket_qua", "ngay_tra", "returned_at"),
    "contact_channel": ("contact_channel", "kenh_lien_he", "lien_he"),
    "phone": ("phone", "dien_thoai", "so_dien_thoai", "sdt"),
    "email": ("email", "thu_dien_tu", "e_mail"),
}
REQUIRED = ("unit", "dossier")
CHANNEL_ALIASES = {
    "truc_tiep": "truc_tiep",
    "tai_quay": "truc_tiep",
    "in_person": "truc_tiep",
    "truc_tuyen": "truc_tuyen",
    "online": "truc_tuyen",
    "buu_chinh": "buu_chinh",
    "post": "buu_chinh",
    "buu_dien": "buu_chinh",
}
CONTACT_ALIASES = {
    "dien_thoai": ContactChannel.PHONE,
    "sdt": ContactChannel.PHONE,
    "thu_dien_tu": ContactChannel.EMAIL,
    "e_mail": ContactChannel.EMAIL,
    "buu_chinh": ContactChannel.POST,
    "phieu_hen": ContactChannel.RECEIPT,
    "phieu_tra_ket_qua": ContactChannel.RECEIPT,
}
CODE = re.compile(r"^[\w.\-/:]{1,64}$")
PHONE = re.compile(r"^(\+84|0)\d{8,10}$")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


@dataclass(frozen=True)
class FrameRow:
    unit: str  # unit code, checked to exist
    dossier: str
    procedure: str = ""
    channel: str = ""
    result_date: date | None = None
    contact_channel: str = ContactChannel.RECEIPT
    phone: str = ""
    email: str = ""


def read_frame_file(
    path: Path, *, units: dict[str, Any], reference: tuple[date | None, date | None]
) -> tuple[list[FrameRow], ImportReport]:
    """The rows of an uploaded list; `report.errors` names every bad row (nothing if any)."""
    report = ImportReport()
    try:
        table = read_table(Path(path))
    except InputError as exc:
        report.errors.extend(RowError(None, str(p)) for p in exc.problems)
        return [], report
    found = columns_of(table.header, FRAME_COLUMNS)
    for role in REQUIRED:
        if role not in found:
            message = gettext("thiếu cột '%(col)s'.") % {"col": FRAME_COLUMNS[role][-2]}
            report.errors.append(RowError(None, message))
    if not report.ok:
        return [], report
    rows: list[FrameRow] = []
    seen: dict[str, int] = {}
    for n, values in records(table, found):
        errors: list[str] = []
        row = _row(values, units, reference, errors)
        if row.dossier in seen:
            errors.append(
                gettext("mã hồ sơ %(code)s trùng với dòng %(other)s.")
                % {"code": row.dossier, "other": seen[row.dossier]}
            )
        seen.setdefault(row.dossier, n)
        report.errors.extend(RowError(n, message) for message in errors)
        rows.append(row)
    if not rows and report.ok:
        report.errors.append(RowError(None, gettext("tệp không có dòng dữ liệu nào.")))
    return (rows if report.ok else []), report


def _row(
    values: dict[str, Any],
    units: dict[str, Any],
    reference: tuple[date | None, date | None],
    errors: list[str],
) -> FrameRow:
    unit = str(values.get("unit", ""))
    if unit not in units:
        errors.append(gettext("không tìm thấy đơn vị '%(code)s'.") % {"code": unit})
    dossier = str(values.get("dossier", ""))
    if not CODE.match(dossier):
        errors.append(
            gettext("mã hồ sơ '%(code)s' trống hoặc có ký tự không hợp lệ.") % {"code": dossier}
        )
    procedure = str(values.get("procedure", ""))
    if procedure and not CODE.match(procedure):
        errors.append(gettext("mã thủ tục '%(code)s' không hợp lệ.") % {"code": procedure})
    phone = _phone(str(values.get("phone", "")), errors)
    email = _email(str(values.get("email", "")), errors)
    return FrameRow(
        unit=unit,
        dossier=dossier,
        procedure=procedure,
        channel=_channel(str(values.get("channel", "")), errors),
        result_date=_result_date(values.get("result_date"), reference, errors),
        contact_channel=_contact(str(values.get("contact_channel", "")), phone, email, errors),
        phone=phone,
        email=email,
    )


def _channel(raw: str, errors: list[str]) -> str:
    if not raw:
        return ""
    found = CHANNEL_ALIASES.get(normalise(raw))
    if found is None:
        errors.append(
            gettext("kênh nộp '%(raw)s' không hợp lệ; dùng một trong: %(ok)s.")
            % {"raw": raw, "ok": ", ".join(CHANNELS)}
        )
        return ""
    return found


def _phone(raw: str, errors: list[str]) -> str:
    phone = re.sub(r"[\s.\-()]", "", raw)
    if not phone:
        return ""
    if re.fullmatch(r"[1-9]\d{8}", phone):
        phone = "0" + phone  # a spreadsheet stored 0912… as a number and dropped the 0
    if not PHONE.match(phone):
        errors.append(gettext("số điện thoại '%(raw)s' không hợp lệ.") % {"raw": raw})
        return ""
    return phone


def _email(raw: str, errors: list[str]) -> str:
    if not raw:
        return ""
    try:
        validate_email(raw)
    except ValidationError:
        errors.append(gettext("địa chỉ thư '%(raw)s' không hợp lệ.") % {"raw": raw})
        return ""
    return raw


def _contact(raw: str, phone: str, email: str, errors: list[str]) -> str:
    """The contact channel as given, or the first contact the row has (phone, e-mail), or the
    receipt. A channel needs its contact: phone needs a phone number, e-mail an address."""
    if not raw:
        return ContactChannel.PHONE if phone else ContactChannel.EMAIL if email else "receipt"
    key = normalise(raw)
    found = CONTACT_ALIASES.get(key) or (key if key in ContactChannel.values else None)
    if found is None:
        errors.append(
            gettext("kênh liên hệ '%(raw)s' không hợp lệ; dùng một trong: %(ok)s.")
            % {"raw": raw, "ok": ", ".join(ContactChannel.values)}
        )
        return ContactChannel.RECEIPT
    if found == ContactChannel.PHONE and not phone:
        errors.append(gettext("kênh liên hệ là điện thoại nhưng thiếu số điện thoại."))
    if found == ContactChannel.EMAIL and not email:
        errors.append(gettext("kênh liên hệ là thư điện tử nhưng thiếu địa chỉ thư."))
    return str(found)


def _result_date(
    raw: Any, reference: tuple[date | None, date | None], errors: list[str]
) -> date | None:
    if raw in (None, ""):
        return None
    day = _date(raw)
    if day is None:
        errors.append(
            gettext("ngày trả kết quả '%(raw)s' không đọc được; dùng YYYY-MM-DD hoặc DD/MM/YYYY.")
            % {"raw": raw}
        )
        return None
    start, end = reference
    if (start and day < start) or (end and day > end):
        errors.append(
            gettext("ngày trả kết quả %(day)s nằm ngoài kỳ tham chiếu của cuộc khảo sát.")
            % {"day": day.isoformat()}
        )
    return day


def _date(raw: Any) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(str(raw).split(" ")[0], fmt).date()
        except ValueError:
            continue
    return None


# --- the dossier store ----------------------------------------------------------------------------


def read_frame_dossiers(
    path: Path, *, units: dict[str, Any], start: date, end: date
) -> tuple[list[FrameRow], ImportReport]:
    """The frame from the dossier store's `dossiers` table (a Parquet file, or a folder of
    them): every dossier whose result was handed over on a day from `start` to `end`."""
    import duckdb

    report = ImportReport()
    source = str(Path(path) / "*.parquet") if Path(path).is_dir() else str(path)
    needed = ("dossier_id", "unit_code", "procedure_code", "channel", "returned_at")
    with duckdb.connect() as con:
        try:
            columns = {row[0] for row in con.execute(_DESCRIBE, [source]).fetchall()}
        except duckdb.Error as exc:
            report.errors.append(RowError(None, gettext("không đọc được kho hồ sơ: %s") % exc))
            return [], report
        missing = [c for c in needed if c not in columns]
        if missing:
            message = gettext("bảng %(table)s thiếu cột: %(cols)s.")
            report.errors.append(
                RowError(None, message % {"table": DOSSIERS.name, "cols": ", ".join(missing)})
            )
            return [], report
        rows = con.execute(_SELECT, [source, start, end + timedelta(days=1)]).fetchall()
    unknown: dict[str, int] = {}
    frame, seen = [], set()
    for dossier, unit, procedure, channel, returned in rows:
        if dossier in seen:
            message = gettext("hồ sơ %(code)s xuất hiện hai lần trong kho hồ sơ.")
            report.errors.append(RowError(None, message % {"code": dossier}))
            continue
        seen.add(dossier)
        if unit not in units:
            unknown[unit] = unknown.get(unit, 0) + 1
            continue
        frame.append(FrameRow(unit, dossier, procedure or "", channel or "", returned))
    for code, count in sorted(unknown.items()):
        message = gettext("đơn vị '%(code)s' (%(n)s hồ sơ) chưa có trong danh sách đơn vị.")
        report.errors.append(RowError(None, message % {"code": code, "n": count}))
    if not frame and report.ok:
        message = gettext("không có hồ sơ nào được trả kết quả trong kỳ tham chiếu.")
        report.errors.append(RowError(None, message))
    return (frame if report.ok else []), report


_DESCRIBE = "SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet(?))"
_SELECT = """
    SELECT dossier_id, unit_code, procedure_code, channel, CAST(returned_at AS DATE)
    FROM read_parquet(?)
    WHERE returned_at >= ? AND returned_at < ?
    ORDER BY dossier_id
"""
