"""The measures: what each indicator counts, as a numerator and a denominator.

A method file's indicator names its `measure`; the SQL in `chiso.engine.service_sql` computes
every measure's two counts by unit × period (and by unit × procedure) in one query per family.
The same pair is what a province gives `chiso service score` when it starts from counts.
Adding a measure = one entry here, its two columns in the family's query, one doc line, a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Family = Literal["publicity", "dossiers", "progress", "online", "feedback", "copies"]
Value = Literal["rate", "mean"]
Unit = Literal["percent", "days"]


@dataclass(frozen=True)
class Measure:
    name: str
    family: Family
    numerator: str  # column of the family's query
    denominator: str
    vi: str  # what is counted, numerator / denominator
    en: str
    value: Value = "rate"  # `mean`: numerator / denominator is an average, not a share
    bounded: bool = True  # numerator ≤ denominator always holds
    by_procedure: bool = True  # also computed by unit × procedure
    unit: Unit = "percent"  # what an indicator's rate is in: a share's %, a mean's own unit


_MEASURES: Final = (
    Measure(
        "procedures_published_on_time",
        "publicity",
        "published_on_time",
        "published_judged",
        "TTHC công bố đúng hạn / TTHC được công bố trong kỳ",
        "procedures published early enough before their legal basis takes effect / procedures "
        "published in the period (with a known effective date)",
    ),
    Measure(
        "procedures_made_public_on_time",
        "publicity",
        "made_public_on_time",
        "published",
        "TTHC công khai trên CSDL quốc gia đúng hạn / TTHC được công bố trong kỳ",
        "procedures made public in the national database in time / procedures published in "
        "the period",
    ),
    Measure(
        "procedures_with_complete_parts",
        "publicity",
        "complete_parts",
        "procedures",
        "TTHC công khai đủ bộ phận bắt buộc / TTHC thuộc thẩm quyền",
        "procedures public with every mandatory part / procedures under the unit's authority",
    ),
    Measure(
        "dossiers_synced",
        "dossiers",
        "synced",
        "received",
        "hồ sơ đồng bộ lên Cổng DVCQG / hồ sơ tiếp nhận trong kỳ",
        "dossiers synchronised to the national portal / dossiers received in the period",
    ),
    Measure(
        "dossiers_on_time",
        "progress",
        "on_time",
        "judged",
        "hồ sơ giải quyết đúng hạn (kể cả đang giải quyết còn hạn) / hồ sơ tiếp nhận và giải "
        "quyết trong kỳ",
        "dossiers finished on time or still open within their deadline / dossiers received or "
        "handled in the period",
    ),
    Measure(
        "processing_days",
        "progress",
        "processing_days",
        "finished",
        "tổng số ngày giải quyết / hồ sơ đã giải quyết trong kỳ",
        "total processing time in days (supplement time per the on-time rules) / dossiers "
        "finished in the period",
        value="mean",
        bounded=False,
        unit="days",
    ),
    Measure(
        "dossiers_overdue_or_complained",
        "progress",
        "overdue_or_complained",
        "judged",
        "hồ sơ quá hạn + hồ sơ có khiếu nại hoặc đánh giá không hài lòng / hồ sơ tiếp nhận và "
        "giải quyết trong kỳ",
        "overdue dossiers + dossiers with a complaint or a dissatisfied rating / dossiers "
        "received or handled in the period (a dossier may count twice)",
        bounded=False,
    ),
    Measure(
        "procedures_offered_online",
        "online",
        "offered_online",
        "procedures",
        "TTHC cung cấp DVCTT (một phần hoặc toàn trình) / TTHC thuộc thẩm quyền",
        "procedures offered online, partly or fully / procedures under the unit's authority",
    ),
    Measure(
        "online_procedures_used",
        "online",
        "online_used",
        "offered_online",
        "DVCTT có phát sinh hồ sơ trực tuyến trong kỳ / DVCTT",
        "online services that received an online dossier in the period / online services",
    ),
    Measure(
        "dossiers_online",
        "dossiers",
        "online",
        "received",
        "hồ sơ nộp trực tuyến / hồ sơ tiếp nhận trong kỳ",
        "dossiers submitted online / dossiers received in the period",
    ),
    Measure(
        "procedures_fee_integrated",
        "online",
        "fee_integrated",
        "fee_procedures",
        "TTHC có phí, lệ phí đã tích hợp thanh toán trực tuyến / TTHC có phí, lệ phí",
        "procedures with fees that can be paid online / procedures with fees",
    ),
    Measure(
        "fee_procedures_paid_online",
        "online",
        "fee_paid_online",
        "fee_used",
        "TTHC có ít nhất một hồ sơ thanh toán trực tuyến / TTHC có phí phát sinh hồ sơ có phí",
        "fee procedures with at least one online payment / fee procedures with a dossier that "
        "owed a fee in the period",
    ),
    Measure(
        "dossiers_paid_online",
        "dossiers",
        "paid_online",
        "fee_due",
        "hồ sơ thanh toán trực tuyến / hồ sơ phải nộp phí, lệ phí",
        "dossiers whose fee was paid online / dossiers that owed a fee",
    ),
    Measure(
        "feedback_on_time",
        "feedback",
        "feedback_on_time",
        "feedback",
        "PAKN xử lý đúng hạn / PAKN tiếp nhận trong kỳ",
        "feedback handled within its deadlines / feedback sent in the period",
        by_procedure=False,
    ),
    Measure(
        "feedback_satisfied",
        "feedback",
        "feedback_satisfied",
        "feedback",
        "PAKN không bị đánh giá không hài lòng, không quá hạn, không phản ánh lại / PAKN",
        "feedback not disliked, not overdue and not raised again / feedback sent in the period",
        by_procedure=False,
    ),
    Measure(
        "dossiers_e_result",
        "dossiers",
        "e_result",
        "received",
        "hồ sơ có kết quả điện tử / hồ sơ tiếp nhận trong kỳ",
        "dossiers with an electronic result / dossiers received in the period",
    ),
    Measure(
        "dossiers_digitised",
        "dossiers",
        "digitised",
        "received",
        "hồ sơ được số hóa thành phần và kết quả / hồ sơ tiếp nhận trong kỳ",
        "dossiers with components and result digitised / dossiers received in the period",
    ),
    Measure(
        "communes_certified_copies",
        "copies",
        "copies_provided",
        "communes",
        "xã có cấp bản sao điện tử chứng thực / số xã",
        "communes that issued an electronic certified copy in the period / communes",
        by_procedure=False,
    ),
    Measure(
        "dossiers_reused_data",
        "dossiers",
        "reused_data",
        "received",
        "hồ sơ tái sử dụng dữ liệu số hóa / hồ sơ tiếp nhận trong kỳ",
        "dossiers reusing digitised data / dossiers received in the period",
    ),
    Measure(
        "dossiers_personal_store",
        "dossiers",
        "personal_store",
        "received",
        "hồ sơ sử dụng kho dữ liệu cá nhân / hồ sơ tiếp nhận trong kỳ",
        "dossiers using the citizen's personal data store / dossiers received in the period",
    ),
    Measure(
        "procedures_vneid",
        "online",
        "vneid_used",
        "used",
        "TTHC có hồ sơ xác thực qua VNeID / TTHC phát sinh hồ sơ trong kỳ",
        "procedures with a dossier identified through VNeID / procedures with a dossier in "
        "the period",
    ),
    Measure(
        "dossiers_vneid",
        "dossiers",
        "vneid",
        "received",
        "hồ sơ xác thực qua CSDL dân cư (VNeID) / hồ sơ tiếp nhận trong kỳ",
        "dossiers identified through the population database (VNeID) / dossiers received",
    ),
)

MEASURES: Final[dict[str, Measure]] = {m.name: m for m in _MEASURES}
