"""Text cells → the contract's types, as polars expressions (lazy, so millions of rows stream).

What is accepted, column type by column type:

- **text**: trimmed; an empty cell is missing.
- **coded text** (`Column.values`): the code itself, or a Vietnamese word for it
  (`VALUE_ALIASES`), compared without case or diacritics: ``Trực tuyến`` → ``truc_tuyen``.
- **yes/no**: ``true/false``, ``1/0``, ``yes/no``, ``x`` (yes), ``có/không``, ``đúng/sai``.
- **numbers**: a decimal point or a decimal comma (``1,5``); integers must be whole.
- **dates**: ``2025-01-31`` or ``31/01/2025`` (day first, as Vietnamese offices write).
- **timestamps**: ISO ``2025-01-31 14:05[:00[.123456]]`` (or with ``T``), ``31/01/2025 14:05
  [:00]``, or a date alone (00:00). With an offset (``+07:00``, ``Z``) the moment is converted
  to Vietnam's local time; without one it is taken as local time already.

A cell that does not parse becomes null in the typed column while its text is kept beside it
(``<column>__raw``), so a check can tell "missing" from "unreadable" and quote what was there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import polars as pl

from chiso.engine.service_tables import Column, Table
from chiso.io.dossier_store import POLARS_TYPES

RAW: Final = "__raw"
TRUE_WORDS: Final = ("true", "1", "yes", "y", "x", "co", "dung", "t")
FALSE_WORDS: Final = ("false", "0", "no", "n", "khong", "sai", "f")
VALUE_ALIASES: Final[dict[str, dict[str, str]]] = {
    "channel": {
        "truc_tiep": "truc_tiep",
        "tai_quay": "truc_tiep",
        "mot_cua": "truc_tiep",
        "truc_tuyen": "truc_tuyen",
        "online": "truc_tuyen",
        "buu_chinh": "buu_chinh",
        "buu_dien": "buu_chinh",
        "buu_chinh_cong_ich": "buu_chinh",
    },
    "status": {
        "tiep_nhan": "received",
        "da_tiep_nhan": "received",
        "dang_xu_ly": "processing",
        "yeu_cau_bo_sung": "supplement_requested",
        "cho_bo_sung": "supplement_requested",
        "da_bo_sung": "supplement_supplied",
        "da_giai_quyet": "done",
        "hoan_thanh": "done",
        "co_ket_qua": "done",
        "da_tra_ket_qua": "returned",
        "tra_ket_qua": "returned",
        "dung_xu_ly": "stopped",
        "tu_choi": "refused",
        "rut_ho_so": "withdrawn",
        "cong_dan_rut": "withdrawn",
        # feedback (PAKN)
        "da_gui": "sent",
        "da_chuyen": "transferred",
        "chuyen_xu_ly": "transferred",
        "da_xu_ly": "handled",
        "da_cong_khai": "published",
        "cong_khai": "published",
    },
    "rating": {"hai_long": "satisfied", "khong_hai_long": "dissatisfied"},
    "level": {
        "tinh": "province",
        "cap_tinh": "province",
        "so": "department",
        "so_ban_nganh": "department",
        "xa": "commune",
        "cap_xa": "commune",
        "phuong": "commune",
    },
    "legal_limit_unit": {
        "gio": "hours",
        "gio_lam_viec": "hours",
        "ngay": "days",
        "ngay_lam_viec": "working_days",
    },
    "online_level": {
        "khong": "none",
        "mot_phan": "partial",
        "toan_trinh": "full",
        "partly": "partial",
        "fully": "full",
    },
    "category": {"quy_dinh": "rules", "quy_dinh_hanh_chinh": "rules", "hanh_vi": "conduct"},
}
_TIMESTAMPS: Final = (  # the first is the fast path (after a T is made a space)
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y",
)
_ZONED: Final = "%Y-%m-%d %H:%M:%S%.f%z"
_DATES: Final = ("%Y-%m-%d", "%d/%m/%Y")
LOCAL_ZONE: Final = "Asia/Ho_Chi_Minh"
INT32: Final = 2**31 - 1


def parse_columns(table: Table, present: list[str]) -> list[pl.Expr]:
    """For each contract column present: its text (``<name>__raw``, trimmed, empty → null) and
    its typed value (``<name>``)."""
    out = []
    for column in table.columns:
        if column.name in present:
            text = _trimmed(column.name)
            out += [text.alias(column.name + RAW), _typed(column, text).alias(column.name)]
    return out


def _trimmed(name: str) -> pl.Expr:
    text = pl.col(name).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def plain(text: pl.Expr) -> pl.Expr:
    """Lower case, no diacritics, words joined by ``_`` (as `dossier_read.normalise`)."""
    lowered = text.str.to_lowercase().str.replace_all("đ", "d")
    bare = lowered.str.normalize("NFD").str.replace_all(r"\p{M}", "")
    return bare.str.replace_all(r"[\s\-/]+", "_")


def _typed(column: Column, text: pl.Expr) -> pl.Expr:
    kind = column.type
    if kind == "VARCHAR":
        return _coded(column, text) if column.values else text
    if kind == "BOOLEAN":
        words = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}
        fast = text.str.to_lowercase().replace_strict(words, default=None, return_dtype=pl.Boolean)
        return _or_else(
            fast, text, lambda missed: plain(missed).replace_strict(words, default=None)
        )
    if kind in ("INTEGER", "DOUBLE"):
        number = _number(text)
        if kind == "DOUBLE":
            return number
        whole = (number == number.floor()) & (number.abs() <= INT32)
        return pl.when(whole).then(number).otherwise(None).cast(pl.Int32)
    if kind == "DATE":
        return pl.coalesce(text.str.strptime(pl.Date, f, strict=False) for f in _DATES)
    if kind == "TIMESTAMP":
        return timestamp(text)
    raise ValueError(f"no parser for {kind}")  # the contract's types are all above


def _or_else(fast: pl.Expr, text: pl.Expr, *slower: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """`fast`, and where it read nothing from a present text, the first of `slower` that does.
    The slower readers see only the texts `fast` missed (null elsewhere), so a file written in
    the common form pays for one reader, not for every form accepted."""
    missed = pl.when(fast.is_null()).then(text)
    return pl.coalesce(fast, *(read(missed) for read in slower))


def _coded(column: Column, text: pl.Expr) -> pl.Expr:
    """The code of a coded value, or the text as written when it is not a known word (the
    check then reports it as not allowed)."""
    words = {**{c: c for c in column.values}, **VALUE_ALIASES.get(column.name, {})}
    allowed = {k: v for k, v in words.items() if v in column.values}
    exact = text.replace_strict({c: c for c in column.values}, default=None, return_dtype=pl.String)
    code = _or_else(exact, text, lambda missed: plain(missed).replace_strict(allowed, default=None))
    return pl.coalesce(code, text)


def _number(text: pl.Expr) -> pl.Expr:
    comma = text.str.contains(",", literal=True) & ~text.str.contains(".", literal=True)
    decimal = pl.when(comma).then(text.str.replace(",", ".", literal=True)).otherwise(text)
    value = decimal.cast(pl.Float64, strict=False)
    return pl.when(value.is_finite()).then(value).otherwise(None)


def timestamp(text: pl.Expr) -> pl.Expr:
    """ISO with a space or a ``T`` first; the other forms only for what that did not read."""
    iso = text.str.replace("T", " ", literal=True)
    fast = iso.str.strptime(pl.Datetime("us"), _TIMESTAMPS[0], strict=False)
    return _or_else(fast, text, _zoned, *(_local(f) for f in _TIMESTAMPS[1:])).cast(
        POLARS_TYPES["TIMESTAMP"]
    )


def _zoned(text: pl.Expr) -> pl.Expr:
    iso = text.str.replace("T", " ", literal=True).str.replace(r"Z$", "+00:00")
    moment = iso.str.strptime(pl.Datetime("us", "UTC"), _ZONED, strict=False)
    return moment.dt.convert_time_zone(LOCAL_ZONE).dt.replace_time_zone(None)


def _local(form: str) -> Callable[[pl.Expr], pl.Expr]:
    return lambda text: text.str.strptime(pl.Datetime("us"), form, strict=False)
