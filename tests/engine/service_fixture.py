"""A tiny province of hand-made records whose every count can be checked by hand.

Q3 2026 (1 July – 30 September). Working days: Monday–Friday, except 1 and 2 September (days
off in this fixture). Units: province P with departments D1, D2 and communes X1, X2.

Procedures (limit; online; fee; publication decision → legal basis effective → made public):
  A   3 working days; partial; fee, payable online; 6 Jul → 15 Jul (6 working days between:
      on time) → 10 Jul (4 working days after: on time); all mandatory parts public
  B   10 days; not online; no fee; 10 Aug → 14 Aug (3 between: late) → 20 Aug (8 after: late);
      a mandatory part missing
  C   4 hours; full online; written result; fee, not payable online; published in 2025
  CC  1 working day; full online; the certified-copy procedure (2.000815)

Unit procedures: D1 → A, B, C; D2 → A; X1 → CC, C; X2 → CC.

Dossiers of D1 (each one's on-time verdict in its comment):
  d1  A  Mon 6 Jul 09:00 → Thu 9 Jul 09:00: 3.0 working days ≤ 3                on time
  d2  A  6 Jul 09:00 → Fri 10 Jul 09:00: 4.0, minus a supplement 7 Jul 09:00–8 Jul 09:00
         (1.0) = 3.0                                                            on time
  d3  A  6 Jul 09:00 → 8 Jul 11:00, two supplement requests                     overdue
  d4  B  Fri 25 Sep 08:00, open at the end (1 Oct 00:00): 5.67 days ≤ 10        on time
  d5  B  Thu 10 Sep 08:00, open: 20.67 days > 10                                overdue
  d6  A  Fri 28 Aug 14:00 → Thu 3 Sep 16:00, appointment 3 Sep 17:00           on time
         (by the legal limit too: 0.42 + Mon 31 Aug + 0.67 = 2.08 working days across the
         two days off; without them it would be 4.08 — overdue)
  d7  A  Mon 13 Jul 09:00 → Wed 15 Jul 10:00, appointment Tue 14 Jul 17:00      overdue
         (2.04 working days: on time by the legal limit alone)
  d9  A  Mon 29 Jun 09:00 → Thu 2 Jul 09:00 (received before Q3, finished in it) on time
  d10 A  1 Jun → 3 Jun (finished before Q3: not counted)
Others: d8 C at X1 3 August 08:00 → 11:00 (3 h ≤ 4, online without the electronic result its
written result needs); d11 CC at X1 with an electronic result, d12 CC at X2 without; d13 A at
D2 20 Jul 09:00 → 27 Jul 09:00 (5 working days: overdue) with a complaint.

Feedback of D1: f1 published after 10 working days (on time, 3 likes 1 dislike); f2 after 20
(overdue); f3 rejected after 3 (overdue); f4 sent Fri 25 Sep, open at the end (on time, but
raised again); f5 sent 1 Jul, transferred Mon 20 Jul, published Fri 7 Aug: 14 working days
from the transfer (on time), disliked 2 to 1.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import polars as pl

from chiso.engine.calendar import WorkingCalendar
from chiso.engine.service_tables import (
    DOSSIER_EVENTS,
    DOSSIERS,
    FEEDBACK,
    PROCEDURES,
    UNIT_PROCEDURES,
    UNITS,
    Table,
)

_TYPES = {
    "VARCHAR": pl.String,
    "BOOLEAN": pl.Boolean,
    "INTEGER": pl.Int32,
    "DOUBLE": pl.Float64,
    "DATE": pl.Date,
    "TIMESTAMP": pl.Datetime("us"),
}
D = dt.date


def T(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def frame(table: Table, rows: list[dict[str, Any]]) -> pl.DataFrame:
    schema = {c.name: _TYPES[c.type] for c in table.columns}
    return pl.DataFrame([{c: row.get(c) for c in schema} for row in rows], schema=schema)


def calendar(days_off: bool = True) -> WorkingCalendar:
    entries = [(D(2026, 9, 1), False, "Nghỉ lễ"), (D(2026, 9, 2), False, "Quốc khánh")]
    return WorkingCalendar.from_entries(
        entries if days_off else [], start=D(2026, 1, 1), end=D(2026, 12, 31)
    )


UNIT_ROWS = [
    {"unit_code": "P", "name": "UBND tỉnh", "level": "province"},
    {"unit_code": "D1", "name": "Sở Một", "level": "department", "parent_code": "P"},
    {"unit_code": "D2", "name": "Sở Hai", "level": "department", "parent_code": "P"},
    {"unit_code": "X1", "name": "UBND xã Một", "level": "commune", "parent_code": "P"},
    {"unit_code": "X2", "name": "UBND xã Hai", "level": "commune", "parent_code": "P"},
]


def _procedure(code: str, limit: float, unit: str, online: str, **extra: Any) -> dict[str, Any]:
    row = {
        "procedure_code": code,
        "name": f"Thủ tục {code}",
        "level": "department",
        "legal_limit": limit,
        "legal_limit_unit": unit,
        "online_level": online,
        "full_online_eligible": online == "full",
        "requires_written_result": False,
        "has_fee": False,
        "fee_online_integrated": False,
        "mandatory_parts_complete": True,
    }
    return row | extra


PROCEDURE_ROWS = [
    _procedure(
        "A",
        3,
        "working_days",
        "partial",
        has_fee=True,
        fee_online_integrated=True,
        publication_decision_date=D(2026, 7, 6),
        legal_basis_effective_date=D(2026, 7, 15),
        made_public_date=D(2026, 7, 10),
    ),
    _procedure(
        "B",
        10,
        "days",
        "none",
        mandatory_parts_complete=False,
        publication_decision_date=D(2026, 8, 10),
        legal_basis_effective_date=D(2026, 8, 14),
        made_public_date=D(2026, 8, 20),
    ),
    _procedure(
        "C",
        4,
        "hours",
        "full",
        requires_written_result=True,
        has_fee=True,
        publication_decision_date=D(2025, 1, 6),
        legal_basis_effective_date=D(2025, 1, 20),
        made_public_date=D(2025, 1, 8),
    ),
    _procedure("2.000815", 1, "working_days", "full", level="commune"),
]

UNIT_PROCEDURE_ROWS = [
    {"unit_code": u, "procedure_code": p}
    for u, p in [
        ("D1", "A"),
        ("D1", "B"),
        ("D1", "C"),
        ("D2", "A"),
        ("X1", "2.000815"),
        ("X1", "C"),
        ("X2", "2.000815"),
    ]
]

_FLAGS = (
    "synced",
    "e_result",
    "digitised",
    "reused_data",
    "personal_store",
    "vneid",
    "fee_due",
    "paid_online",
    "complaint",
)


def _dossier(
    id_: str,
    proc: str,
    unit: str,
    received: str,
    finished: str | None = None,
    due: str | None = None,
    channel: str = "truc_tiep",
    **flags: Any,
) -> dict[str, Any]:
    row = {
        "dossier_id": id_,
        "procedure_code": proc,
        "unit_code": unit,
        "channel": channel,
        "submitted_at": T(received),
        "received_at": T(received),
        "due_at": T(due) if due else None,
        "finished_at": T(finished) if finished else None,
        "returned_at": T(finished) if finished else None,
        "rating": flags.pop("rating", None),
    }
    return row | {flag: bool(flags.get(flag, False)) for flag in _FLAGS}


ONLINE = "truc_tuyen"
DOSSIER_ROWS = [
    _dossier(
        "d1",
        "A",
        "D1",
        "2026-07-06 09:00",
        "2026-07-09 09:00",
        channel=ONLINE,
        synced=1,
        e_result=1,
        digitised=1,
        vneid=1,
        fee_due=1,
        paid_online=1,
    ),
    _dossier(
        "d2",
        "A",
        "D1",
        "2026-07-06 09:00",
        "2026-07-10 09:00",
        channel=ONLINE,
        synced=1,
        digitised=1,
        fee_due=1,
        paid_online=1,
    ),
    _dossier(
        "d3", "A", "D1", "2026-07-06 09:00", "2026-07-08 11:00", synced=1, reused_data=1, fee_due=1
    ),
    _dossier("d4", "B", "D1", "2026-09-25 08:00", synced=1, vneid=1),
    _dossier("d5", "B", "D1", "2026-09-10 08:00"),
    _dossier(
        "d6",
        "A",
        "D1",
        "2026-08-28 14:00",
        "2026-09-03 16:00",
        due="2026-09-03 17:00",
        channel=ONLINE,
        fee_due=1,
    ),
    _dossier(
        "d7",
        "A",
        "D1",
        "2026-07-13 09:00",
        "2026-07-15 10:00",
        due="2026-07-14 17:00",
        fee_due=1,
        rating="satisfied",
    ),
    _dossier("d8", "C", "X1", "2026-08-03 08:00", "2026-08-03 11:00", channel=ONLINE),
    _dossier("d9", "A", "D1", "2026-06-29 09:00", "2026-07-02 09:00"),
    _dossier("d10", "A", "D1", "2026-06-01 09:00", "2026-06-03 09:00"),
    _dossier(
        "d11", "2.000815", "X1", "2026-08-05 09:00", "2026-08-05 10:00", channel=ONLINE, e_result=1
    ),
    _dossier("d12", "2.000815", "X2", "2026-08-05 09:00", "2026-08-05 10:00"),
    _dossier("d13", "A", "D2", "2026-07-20 09:00", "2026-07-27 09:00", complaint=1),
]


def _events(id_: str, *changes: tuple[str, str]) -> list[dict[str, Any]]:
    return [
        {"dossier_id": id_, "seq": n, "status": status, "at": T(at)}
        for n, (status, at) in enumerate(changes, start=1)
    ]


EVENT_ROWS = [
    *_events("d1", ("received", "2026-07-06 09:00"), ("done", "2026-07-09 09:00")),
    *_events(
        "d2",
        ("received", "2026-07-06 09:00"),
        ("supplement_requested", "2026-07-07 09:00"),
        ("supplement_supplied", "2026-07-08 09:00"),
        ("done", "2026-07-10 09:00"),
    ),
    *_events(
        "d3",
        ("received", "2026-07-06 09:00"),
        ("supplement_requested", "2026-07-07 09:00"),
        ("supplement_supplied", "2026-07-07 15:00"),
        ("supplement_requested", "2026-07-08 09:00"),
        ("supplement_supplied", "2026-07-08 10:00"),
        ("done", "2026-07-08 11:00"),
    ),
]


def _feedback(
    id_: str,
    sent: str,
    *,
    status: str = "received",
    likes: int = 0,
    dislikes: int = 0,
    re_raised: bool = False,
    **times: str,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "feedback_id": id_,
        "unit_code": "D1",
        "category": "rules",
        "sent_at": T(sent),
        "status": status,
        "likes": likes,
        "dislikes": dislikes,
        "re_raised": re_raised,
    }
    return row | {f"{k}_at": T(v) for k, v in times.items()}


FEEDBACK_ROWS = [
    _feedback(
        "f1",
        "2026-07-06 09:00",
        status="published",
        likes=3,
        dislikes=1,
        published="2026-07-20 09:00",
    ),
    _feedback("f2", "2026-07-06 09:00", status="published", published="2026-08-03 09:00"),
    _feedback("f3", "2026-07-06 09:00", status="rejected", rejected="2026-07-09 09:00"),
    _feedback("f4", "2026-09-25 09:00", re_raised=True),
    _feedback(
        "f5",
        "2026-07-01 09:00",
        status="published",
        likes=1,
        dislikes=2,
        transferred="2026-07-20 09:00",
        published="2026-08-07 09:00",
    ),
]


def tables(**changes: list[dict[str, Any]]) -> dict[str, pl.DataFrame]:
    """The fixture's tables, with any of them replaced (keyword: the table name)."""
    rows = {
        "units": UNIT_ROWS,
        "procedures": PROCEDURE_ROWS,
        "unit_procedures": UNIT_PROCEDURE_ROWS,
        "dossiers": DOSSIER_ROWS,
        "dossier_events": EVENT_ROWS,
        "feedback": FEEDBACK_ROWS,
    } | changes
    contract = {
        t.name: t for t in (UNITS, PROCEDURES, UNIT_PROCEDURES, DOSSIERS, DOSSIER_EVENTS, FEEDBACK)
    }
    return {name: frame(contract[name], value) for name, value in rows.items()}


def connect(frames: dict[str, pl.DataFrame] | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection that shows the tables as the store would."""
    con = duckdb.connect()
    for name, value in (frames or tables()).items():
        con.register(name, value)
    return con
