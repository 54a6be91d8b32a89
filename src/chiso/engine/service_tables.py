"""The dossier data contract: the tables the Decision 766 indicators are computed from.

One definition shared by the importer (`chiso.io.dossiers`), the synthetic generator, the
indicator SQL (`chiso.engine.service`) and the documentation (`docs/data-contract.md` is generated
from `TABLES`). Every table is stored as Parquet, one file (or folder of files) per table, and read
by DuckDB. Timestamps are naive local time (Asia/Ho_Chi_Minh) — the one-stop-shop systems record
local time, and working days are local days.

Codes are the province's own: `unit_code` as in the units table of the evaluation (e.g. `H44.07`),
`procedure_code` as in the national procedure database (e.g. `1.001234`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # DuckDB type: VARCHAR, BOOLEAN, INTEGER, DOUBLE, DATE, TIMESTAMP
    required: bool
    description: str
    values: tuple[str, ...] = ()  # the allowed values of a coded column


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]
    description: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


CHANNELS: Final = ("truc_tiep", "truc_tuyen", "buu_chinh")
"""In person at the one-stop shop, online (public service portal), by post."""

DOSSIER_STATUSES: Final = (
    "received",  # tiếp nhận
    "processing",  # đang xử lý
    "supplement_requested",  # yêu cầu bổ sung
    "supplement_supplied",  # đã bổ sung
    "done",  # đã giải quyết (có kết quả)
    "returned",  # đã trả kết quả
    "stopped",  # dừng xử lý
    "refused",  # từ chối
    "withdrawn",  # công dân rút hồ sơ
)
TERMINAL_STATUSES: Final = ("done", "returned", "stopped", "refused", "withdrawn")
"""A dossier's processing ends at its first terminal status (done, returned, stopped, refused)."""

LIMIT_UNITS: Final = ("hours", "days", "working_days")
ONLINE_LEVELS: Final = ("none", "partial", "full")
FEEDBACK_CATEGORIES: Final = ("rules", "conduct")  # quy định hành chính; hành vi công chức
FEEDBACK_STATUSES: Final = (
    "sent",
    "transferred",
    "received",
    "rejected",
    "supplement_requested",
    "handled",
    "published",
)
RATINGS: Final = ("satisfied", "dissatisfied")

UNITS = Table(
    name="units",
    key=("unit_code",),
    description="Units that handle dossiers; roll-up goes to the parent.",
    columns=(
        Column("unit_code", "VARCHAR", True, "Unit code."),
        Column("name", "VARCHAR", True, "Unit name (Vietnamese)."),
        Column("parent_code", "VARCHAR", False, "Parent unit for roll-up; empty at the top."),
        Column(
            "level",
            "VARCHAR",
            True,
            "province, department or commune.",
            ("province", "department", "commune"),
        ),
        Column("block", "VARCHAR", False, "Ranking block (e.g. so, xa)."),
    ),
)

PROCEDURES = Table(
    name="procedures",
    key=("procedure_code",),
    description="Administrative procedures (TTHC) with their legal limit and online status.",
    columns=(
        Column("procedure_code", "VARCHAR", True, "Code in the national procedure database."),
        Column("name", "VARCHAR", True, "Procedure name (Vietnamese)."),
        Column("level", "VARCHAR", True, "Competent level.", ("province", "department", "commune")),
        Column("legal_limit", "DOUBLE", True, "Legal processing time limit (a number)."),
        Column("legal_limit_unit", "VARCHAR", True, "Unit of the legal limit.", LIMIT_UNITS),
        Column(
            "online_level", "VARCHAR", True, "Offered online: none, partly, fully.", ONLINE_LEVELS
        ),
        Column("full_online_eligible", "BOOLEAN", True, "Eligible for a full online service."),
        Column("requires_written_result", "BOOLEAN", True, "The result must be a paper document."),
        Column("has_fee", "BOOLEAN", True, "A fee or charge is due."),
        Column(
            "fee_online_integrated",
            "BOOLEAN",
            True,
            "The fee can be paid online (integrated with the payment platform).",
        ),
        Column(
            "publication_decision_date",
            "DATE",
            False,
            "Date of the decision publishing the procedure.",
        ),
        Column("legal_basis_effective_date", "DATE", False, "Effective date of its legal basis."),
        Column(
            "made_public_date",
            "DATE",
            False,
            "Date made public in the national procedure database.",
        ),
        Column(
            "mandatory_parts_complete",
            "BOOLEAN",
            True,
            "Name, steps, method, components, limit, subjects and agency all public.",
        ),
    ),
)

UNIT_PROCEDURES = Table(
    name="unit_procedures",
    key=("unit_code", "procedure_code"),
    description="Which procedures are under each unit's authority.",
    columns=(
        Column("unit_code", "VARCHAR", True, "Unit code."),
        Column("procedure_code", "VARCHAR", True, "Procedure code."),
    ),
)

DOSSIERS = Table(
    name="dossiers",
    key=("dossier_id",),
    description="One row per dossier (hồ sơ), with the flags the indicators count.",
    columns=(
        Column("dossier_id", "VARCHAR", True, "Dossier code, unique in the province."),
        Column("procedure_code", "VARCHAR", True, "Procedure code."),
        Column("unit_code", "VARCHAR", True, "Handling unit."),
        Column("channel", "VARCHAR", True, "How it was submitted.", CHANNELS),
        Column("submitted_at", "TIMESTAMP", True, "Submitted by the citizen."),
        Column("received_at", "TIMESTAMP", True, "Received (accepted) by the unit."),
        Column("due_at", "TIMESTAMP", False, "Appointment date for the result (hẹn trả)."),
        Column("finished_at", "TIMESTAMP", False, "First terminal status; empty while open."),
        Column("returned_at", "TIMESTAMP", False, "Result handed to the citizen."),
        Column("synced", "BOOLEAN", True, "Synchronised to the national portal."),
        Column("e_result", "BOOLEAN", True, "An electronic result file exists."),
        Column("digitised", "BOOLEAN", True, "Components and result digitised and attached."),
        Column("reused_data", "BOOLEAN", True, "Reused digitised data instead of new papers."),
        Column("personal_store", "BOOLEAN", True, "Used the citizen's personal data store."),
        Column("vneid", "BOOLEAN", True, "Identified through the population database (VNeID)."),
        Column("fee_due", "BOOLEAN", True, "A fee was due on this dossier."),
        Column("paid_online", "BOOLEAN", True, "The fee was paid online."),
        Column("rating", "VARCHAR", False, "Citizen's rating, if given.", RATINGS),
        Column("complaint", "BOOLEAN", True, "A complaint was filed about this dossier."),
    ),
)

DOSSIER_EVENTS = Table(
    name="dossier_events",
    key=("dossier_id", "seq"),
    description="Status history: one row per status change, in order.",
    columns=(
        Column("dossier_id", "VARCHAR", True, "Dossier code."),
        Column("seq", "INTEGER", True, "Order of the change within the dossier (1, 2, …)."),
        Column("status", "VARCHAR", True, "The status entered.", DOSSIER_STATUSES),
        Column("at", "TIMESTAMP", True, "When."),
    ),
)

FEEDBACK = Table(
    name="feedback",
    key=("feedback_id",),
    description="Citizens' feedback and petitions (PAKN) about rules or conduct.",
    columns=(
        Column("feedback_id", "VARCHAR", True, "Feedback code."),
        Column("unit_code", "VARCHAR", True, "Unit it concerns."),
        Column("category", "VARCHAR", True, "About rules or about conduct.", FEEDBACK_CATEGORIES),
        Column("sent_at", "TIMESTAMP", True, "Sent by the citizen."),
        Column("transferred_at", "TIMESTAMP", False, "Latest transfer to the handling unit."),
        Column("received_at", "TIMESTAMP", False, "Received by the handling unit."),
        Column("rejected_at", "TIMESTAMP", False, "Rejected (not in scope)."),
        Column(
            "supplement_requested_at", "TIMESTAMP", False, "First request for more information."
        ),
        Column("handled_at", "TIMESTAMP", False, "Handled (answer decided)."),
        Column("published_at", "TIMESTAMP", False, "Answer published."),
        Column("status", "VARCHAR", True, "Current status.", FEEDBACK_STATUSES),
        Column("likes", "INTEGER", True, "Likes of the published answer."),
        Column("dislikes", "INTEGER", True, "Dislikes of the published answer."),
        Column("re_raised", "BOOLEAN", True, "The citizen raised it again."),
    ),
)

HOLIDAYS = Table(
    name="holidays",
    key=("day",),
    description="Days off that are not weekends (and weekend days that are working days).",
    columns=(
        Column("day", "DATE", True, "The date."),
        Column(
            "working",
            "BOOLEAN",
            True,
            "false: a public holiday or substituted day off; true: a make-up working day.",
        ),
        Column("name", "VARCHAR", True, "Why."),
    ),
)

TABLES: Final = (UNITS, PROCEDURES, UNIT_PROCEDURES, DOSSIERS, DOSSIER_EVENTS, FEEDBACK)
"""The tables a province's records are imported into (the calendar is method data, not records)."""

KNOWN_ROW_HASHES: Final = "chiso_row_hashes"
"""A relation a dossier store may show beside its tables: (table_name, row_count, row_hash,
hashed_by) — each table's row count and the sum of its rows' hashes as computed when the table was
written, and the DuckDB version that computed them. The inputs fingerprint then needs no second
pass over every row (`chiso.engine.service.known_row_hashes`); without it the engine hashes
the rows itself and gets the same value."""
