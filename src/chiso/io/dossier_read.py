"""Reading a records file (CSV, XLSX, JSON, Parquet) as text columns named by the contract.

Every cell is read as text, whatever the format, so that one parser (`chiso.io.dossier_parse`)
decides what a valid value is and reports the rest with their place. Headers are matched after
normalising them — lower case, Vietnamese diacritics removed, spaces and dashes as ``_`` — so
``Mã hồ sơ``, ``ma ho so`` and ``ma_ho_so`` are the same header; `ALIASES` lists the accepted
names of each contract column. Rows are numbered as the user sees them: for CSV and XLSX the
spreadsheet row (the header is row 1), for JSON and Parquet the record (the first is record 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from chiso.engine.problems import InputError, Problem
from chiso.engine.service_tables import Table

ROW = "__row"
CHUNK = 50_000
ALIASES: dict[str, tuple[str, ...]] = {
    "dossier_id": ("ma_ho_so", "so_ho_so", "ma_hs"),
    "procedure_code": ("ma_thu_tuc", "ma_tthc", "thu_tuc"),
    "unit_code": ("ma_don_vi", "don_vi", "ma_co_quan", "co_quan"),
    "channel": ("kenh", "kenh_nop", "hinh_thuc_nop"),
    "submitted_at": ("ngay_nop", "thoi_gian_nop"),
    "received_at": ("ngay_tiep_nhan", "thoi_gian_tiep_nhan"),
    "due_at": ("ngay_hen_tra", "hen_tra", "ngay_hen_tra_ket_qua"),
    "finished_at": ("ngay_hoan_thanh", "ngay_ket_thuc", "ngay_co_ket_qua"),
    "returned_at": ("ngay_tra_ket_qua", "ngay_tra"),
    "synced": ("dong_bo", "da_dong_bo"),
    "e_result": ("ket_qua_dien_tu", "co_ket_qua_dien_tu"),
    "digitised": ("so_hoa", "da_so_hoa"),
    "reused_data": ("tai_su_dung", "tai_su_dung_du_lieu"),
    "personal_store": ("kho_du_lieu_ca_nhan",),
    "vneid": ("dinh_danh_vneid", "xac_thuc_vneid"),
    "fee_due": ("co_phi", "phai_nop_phi"),
    "paid_online": ("thanh_toan_truc_tuyen", "da_thanh_toan_truc_tuyen"),
    "rating": ("danh_gia", "muc_do_hai_long"),
    "complaint": ("khieu_nai", "co_khieu_nai"),
    "name": ("ten", "ten_don_vi", "ten_thu_tuc"),
    "parent_code": ("ma_don_vi_cha", "don_vi_cha", "ma_cha"),
    "level": ("cap", "cap_tham_quyen"),
    "block": ("khoi",),
    "legal_limit": ("thoi_han", "thoi_han_giai_quyet"),
    "legal_limit_unit": ("don_vi_thoi_han", "don_vi_thoi_gian"),
    "online_level": ("muc_do_truc_tuyen", "dvctt", "muc_do_dvc"),
    "full_online_eligible": ("du_dieu_kien_toan_trinh",),
    "requires_written_result": ("ket_qua_ban_giay", "yeu_cau_ket_qua_giay"),
    "has_fee": ("co_phi", "co_phi_le_phi"),
    "fee_online_integrated": ("tich_hop_thanh_toan", "thanh_toan_truc_tuyen"),
    "publication_decision_date": ("ngay_quyet_dinh_cong_bo", "ngay_cong_bo"),
    "legal_basis_effective_date": ("ngay_hieu_luc",),
    "made_public_date": ("ngay_cong_khai",),
    "mandatory_parts_complete": ("du_bo_phan_bat_buoc", "cong_khai_day_du"),
    "seq": ("thu_tu", "stt"),
    "status": ("trang_thai",),
    "at": ("thoi_diem", "thoi_gian"),
    "feedback_id": ("ma_phan_anh", "ma_pakn"),
    "category": ("loai", "phan_loai", "linh_vuc"),
    "sent_at": ("ngay_gui", "thoi_gian_gui"),
    "transferred_at": ("ngay_chuyen", "ngay_chuyen_xu_ly"),
    "rejected_at": ("ngay_tu_choi",),
    "supplement_requested_at": ("ngay_yeu_cau_bo_sung",),
    "handled_at": ("ngay_xu_ly", "ngay_giai_quyet"),
    "published_at": ("ngay_cong_khai", "ngay_cong_khai_ket_qua"),
    "likes": ("luot_thich", "thich"),
    "dislikes": ("luot_khong_thich", "khong_thich"),
    "re_raised": ("phan_anh_lai", "kien_nghi_lai"),
    "day": ("ngay",),
    "working": ("lam_viec", "ngay_lam_viec"),
}


@dataclass(frozen=True)
class RawFile:
    """A file's cells as text: one column per contract column found, plus `ROW`."""

    path: Path
    frame: pl.LazyFrame
    headers: dict[str, str]  # contract column → the header as written in the file
    unknown: tuple[str, ...]  # headers that match no contract column
    missing: tuple[str, ...]  # required contract columns not found
    unit: str  # "row" or "record"

    def where(self, row: int, column: str | None = None) -> str:
        place = f"{self.path.name} {self.unit} {row}"
        return f"{place}, column '{self.headers[column]}'" if column else place


def normalise(text: str) -> str:
    """``Ngày tiếp nhận`` → ``ngay_tiep_nhan``."""
    decomposed = unicodedata.normalize("NFD", text.strip().lower().replace("đ", "d"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "_".join(plain.replace("-", " ").replace("/", " ").split())


def read_raw(path: Path, table: Table, sheet: str | None = None) -> RawFile:
    """The file's cells; `InputError` (DOS000) when it cannot be read at all."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            frame, unit = _xlsx(path, sheet), "row"
        elif suffix == ".parquet":
            frame, unit = _parquet(path), "record"
        elif suffix in (".json", ".jsonl", ".ndjson"):
            frame, unit = _json(path, suffix), "record"
        else:
            frame, unit = _csv(path), "row"
        names = frame.collect_schema().names()
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, pl.exceptions.PolarsError) as exc:
        raise InputError([Problem("DOS000", str(path), {"detail": _short(exc)})]) from None
    return _match(path, frame, names, table, unit)


def _match(path: Path, frame: pl.LazyFrame, names: list[str], table: Table, unit: str) -> RawFile:
    wanted = {normalise(c.name): c.name for c in table.columns}
    for column in table.columns:
        for alias in ALIASES.get(column.name, ()):
            wanted.setdefault(alias, column.name)
    headers: dict[str, str] = {}
    unknown = []
    for name in names:
        if name == ROW:
            continue
        target = wanted.get(normalise(name))
        if target is None or target in headers:
            unknown.append(name)
        else:
            headers[target] = name
    missing = tuple(c.name for c in table.columns if c.required and c.name not in headers)
    selected = frame.select(
        pl.col(ROW), *(pl.col(h).cast(pl.String).alias(c) for c, h in headers.items())
    )
    return RawFile(path, selected, headers, tuple(unknown), missing, unit)


def _csv(path: Path) -> pl.LazyFrame:
    with path.open(encoding="utf-8-sig") as handle:
        first = handle.readline()
    if not first.strip():
        raise ValueError("the file is empty")
    separator = max(",;\t", key=first.count)
    header = next(csv.reader([first], delimiter=separator))
    frame = pl.scan_csv(
        path,
        separator=separator,
        infer_schema=False,
        row_index_name=ROW,
        row_index_offset=2,
        empty_string_is_null=True,
    )
    # polars keeps a byte-order mark in the first header; name the columns as the file does
    names = frame.collect_schema().names()
    return frame.rename(dict(zip(names[1:], [h.strip() for h in header], strict=False)))


def _parquet(path: Path) -> pl.LazyFrame:
    frame = pl.scan_parquet(path)
    schema = frame.collect_schema()
    texts = [_as_text(pl.col(name), dtype).alias(name) for name, dtype in schema.items()]
    return frame.select(texts).with_row_index(ROW, offset=1)


def _as_text(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.Datetime or isinstance(dtype, pl.Datetime):
        return column.dt.strftime("%Y-%m-%d %H:%M:%S")
    if dtype == pl.Date:
        return column.dt.strftime("%Y-%m-%d")
    return column.cast(pl.String)


def _json(path: Path, suffix: str) -> pl.LazyFrame:
    if suffix == ".json":
        names = pl.read_json(path, infer_schema_length=None).columns
        frame = pl.read_json(path, schema=dict.fromkeys(names, pl.String)).lazy()
    else:
        names = pl.scan_ndjson(path, infer_schema_length=None).collect_schema().names()
        frame = pl.scan_ndjson(path, schema=dict.fromkeys(names, pl.String))
    return frame.with_row_index(ROW, offset=1)


def _xlsx(path: Path, sheet: str | None) -> pl.LazyFrame:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet_ = book[sheet] if sheet else book.worksheets[0]
        rows = sheet_.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ValueError("the sheet is empty")
        names = [_cell(h) or f"column {i + 1}" for i, h in enumerate(header)]
        parts = list(_xlsx_chunks(rows, names))
    finally:
        book.close()
    schema = {ROW: pl.Int64, **dict.fromkeys(names, pl.String)}
    return pl.concat(parts).lazy() if parts else pl.LazyFrame(schema=schema)


def _xlsx_chunks(rows: Iterator[tuple[Any, ...]], names: list[str]) -> Iterator[pl.DataFrame]:
    """The rows as frames of `CHUNK` rows (text cells), skipping empty rows."""
    buffer: list[list[str | None]] = []
    numbers: list[int] = []
    for number, cells in enumerate(rows, start=2):
        texts = [_cell(cells[i]) if i < len(cells) else None for i in range(len(names))]
        if any(texts):
            buffer.append(texts)
            numbers.append(number)
        if len(buffer) == CHUNK:
            yield _chunk(buffer, numbers, names)
            buffer, numbers = [], []
    if buffer:
        yield _chunk(buffer, numbers, names)


def _chunk(buffer: list[list[str | None]], numbers: list[int], names: list[str]) -> pl.DataFrame:
    columns = {name: [row[i] for row in buffer] for i, name in enumerate(names)}
    return pl.DataFrame(
        {ROW: numbers, **columns}, schema={ROW: pl.Int64, **dict.fromkeys(names, pl.String)}
    )


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
