"""Demo data for the web app: the Thái Nguyên example (examples/thai-nguyen/) as two published
years and one live year.

- the 28 units of 2024 (19 departments, 9 districts), imported with `units_import`;
- one demo user per role, all with the password `DEMO_PASSWORD`;
- 2023 and 2024: created, given their methods and opened with the evaluation services, the
  scores loaded from the example CSVs, then published as snapshots built by `snapshot_build`
  (2024 compared with 2023). Publishing these years sets the period's state directly instead
  of walking every unit through submission, appraisal and the council: this is *history being
  seeded*, not a user's action, and saying so in the audit log (reason) keeps the log honest;
- 2025: open for self-assessment (the 2024 departments only, the 2024 modelled method reused,
  said so in the period's title), for trying the live workflow;
- service quality (Decision 766): a small synthetic province whose records span 2024 and 2025,
  both years computed and published — 2024 so that the published PAR reports of 2024 (a unit's,
  the province's) have their service-quality section — and the 2025 measured rates in the live
  year's data leaves (`chiso.web.services.demo_seed`).

Everything is synthetic or modelled (see examples/thai-nguyen/README.md) and labelled so on
every page. Idempotent: each year is seeded in one transaction, and a year already seeded is
left alone; users, roles and units are matched by name and code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from chiso.demo import DEMO_SURVEY_SE, examples_dir
from chiso.engine.inputs import is_blank
from chiso.io.method_files import resolve_method
from chiso.io.tables import read_scores
from chiso.web.accounts.models import Role
from chiso.web.accounts.services import role_assign
from chiso.web.evaluations.models import (
    Assessment,
    AssessmentStatus,
    Period,
    PeriodState,
    Score,
)
from chiso.web.evaluations.selectors import period_inputs
from chiso.web.evaluations.services import period_create, period_set_method, period_transition
from chiso.web.publishing.services import (
    lineage_of,
    period_mark_published,
    snapshot_build,
    snapshot_create,
    snapshot_published,
)
from chiso.web.units.models import Unit
from chiso.web.units.services import units_import

DEMO_PASSWORD = "chiso-demo-2024"
PUBLISHED_YEARS = (2023, 2024)
LIVE_YEAR = 2025
BLOCKS = {"so": "model-2024-so", "huyen": "model-2024-huyen"}
LIVE_BLOCKS = {"so": "model-2024-so"}
SEED_REASON = (
    "Dữ liệu mẫu: nạp lịch sử kết quả minh họa (không phải thao tác của người dùng, "
    "không qua các bước tự đánh giá, thẩm định và phê duyệt)."
)
INTERVALS_NOTE = (
    "Giả định sai số chuẩn 1 điểm cho thành phần điều tra xã hội học (minh họa, "
    "không ước lượng từ mẫu khảo sát)."
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    role: Role
    unit: str | None = None


DEMO_USERS = (
    DemoUser("quantri", "Quản trị Sở Nội vụ (demo)", Role.ADMIN),
    DemoUser("canbo.sct", "Cán bộ đầu mối Sở Công Thương (demo)", Role.OFFICER, "TN.SCT"),
    DemoUser("thamdinh", "Thành viên tổ thẩm định (demo)", Role.APPRAISER),
    DemoUser("chutich", "Chủ tịch Hội đồng thẩm định (demo)", Role.CHAIR),
    DemoUser("lanhdao", "Lãnh đạo UBND tỉnh (demo)", Role.LEADERSHIP),
    DemoUser("khaosat", "Cán bộ khảo sát nhập phiếu giấy (demo)", Role.SURVEYOR),
)


def example_folder() -> Path:
    return examples_dir() / "thai-nguyen"


def method_yaml(name: str) -> str:
    return resolve_method(name).read_text(encoding="utf-8")


def seed_demo(say: Callable[[str], None] = print) -> dict[str, Any]:
    """Seed everything; returns the demo users by user name."""
    _seed_units(say)
    users = {u.username: _seed_user(u) for u in DEMO_USERS}
    say(f"Tài khoản demo: {', '.join(users)} (mật khẩu {DEMO_PASSWORD}).")
    for year in PUBLISHED_YEARS:
        _seed_published_year(year, users, say)
    _seed_live_year(users, say)
    # Service quality (Decision 766): after the live year, whose data leaves it fills.
    from chiso.web.services.demo_seed import seed_service_demo

    seed_service_demo(
        admin=users["quantri"], chair=users["chutich"], officer=users["canbo.sct"], say=say
    )
    # SIPAS: 2024 published from a closed survey, 2025 collecting (after the 2025 period it feeds).
    from chiso.web.surveys.demo_seed import seed_sipas

    seed_sipas(users, say)
    return users


# --- units and users ----------------------------------------------------------------------------


def _seed_units(say: Callable[[str], None]) -> None:
    report = units_import(path=example_folder() / "units-2024.csv", by=None)
    if not report.ok:
        raise RuntimeError("; ".join(str(e) for e in report.errors))
    say(f"Đơn vị: {report.created} mới, {report.updated} cập nhật, {report.unchanged} giữ nguyên.")


def _seed_user(demo: DemoUser) -> Any:
    user, _ = get_user_model().objects.get_or_create(username=demo.username)
    user.first_name = demo.name
    user.is_active = True
    user.set_password(DEMO_PASSWORD)
    user.save()
    unit = Unit.objects.get(code=demo.unit) if demo.unit else None
    role_assign(user=user, role=demo.role, unit=unit, by=None)
    return user


# --- published years ----------------------------------------------------------------------------


def _seed_published_year(year: int, users: dict[str, Any], say: Callable[[str], None]) -> None:
    if Period.objects.filter(year=year, state=PeriodState.PUBLISHED).exists():
        say(f"Năm {year}: đã công bố, giữ nguyên.")
        return
    admin, chair = users["quantri"], users["chutich"]
    with transaction.atomic():
        period = _opened_period(year, BLOCKS, admin, title=_published_title(year))
        loaded = _load_scores(period, year)
        # Seeding history: the state is set directly (see the module docstring).
        Period.objects.filter(pk=period.pk).update(state=PeriodState.COUNCIL_REVIEW)
        period.refresh_from_db()
        for block in BLOCKS:
            _publish_block(period, block, chair)
        period_mark_published(period=period, by=chair, reason=SEED_REASON)
    say(f"Năm {year}: nạp {loaded} điểm tiêu chí, công bố {len(BLOCKS)} khối.")


def _published_title(year: int) -> str:
    return f"Chỉ số CCHC năm {year} — dữ liệu minh họa (bộ tiêu chí mô phỏng)"


def _opened_period(year: int, blocks: dict[str, str], admin: Any, *, title: str) -> Period:
    """The period of `year` with its methods, open for self-assessment (assessments and empty
    score rows created by the evaluation services)."""
    period = Period.objects.filter(year=year).first() or period_create(
        year=year, title=title, by=admin
    )
    if period.state == PeriodState.DRAFT:
        for block, name in blocks.items():
            period_set_method(period=period, block=block, method_yaml=method_yaml(name), by=admin)
        period = period_transition(period=period, to=PeriodState.SELF_ASSESSMENT, by=admin)
    return period


def _load_scores(period: Period, year: int) -> int:
    """The example's values as each unit's submitted claim (bulk: this is history)."""
    values: dict[tuple[str, str], str] = {}
    for block in BLOCKS:
        path = example_folder() / f"scores-{year}-{block}.csv"
        for row in read_scores(path).rows:
            if not is_blank(row.value):
                values[(row.unit, row.criterion)] = str(row.value).strip()
    scores = list(
        Score.objects.filter(assessment__period=period).select_related("assessment__unit")
    )
    for score in scores:
        score.self_value = values.get((score.assessment.unit.code, score.criterion), "")
    Score.objects.bulk_update(scores, ["self_value"], batch_size=1000)
    Assessment.objects.filter(period=period).update(
        status=AssessmentStatus.SUBMITTED, submitted_at=timezone.now()
    )
    return sum(1 for s in scores if s.self_value)


def _publish_block(period: Period, block: str, chair: Any) -> None:
    _, units, rows = period_inputs(period, block)
    yaml = period.methods.get(block=block).method_yaml
    built = snapshot_build(
        method_yaml=yaml,
        units=units,
        rows=rows,
        previous=snapshot_published(year=period.year - 1, block=block),
        lineage=lineage_of(units),
        standard_errors={(u.code, "survey"): DEMO_SURVEY_SE for u in units},
        intervals_note=INTERVALS_NOTE,
        seed=period.year,
    )
    snapshot_create(period=period, block=block, method_yaml=yaml, built=built, by=chair)


# --- the live year ------------------------------------------------------------------------------


def _seed_live_year(users: dict[str, Any], say: Callable[[str], None]) -> None:
    if Period.objects.filter(year=LIVE_YEAR).exclude(state=PeriodState.DRAFT).exists():
        say(f"Năm {LIVE_YEAR}: đã có, giữ nguyên.")
        return
    title = (
        f"Kỳ đánh giá năm {LIVE_YEAR} — thử nghiệm quy trình "
        "(dùng lại bộ tiêu chí mô phỏng năm 2024, chỉ khối sở, ban, ngành)"
    )
    with transaction.atomic():
        _opened_period(LIVE_YEAR, LIVE_BLOCKS, users["quantri"], title=title)
    say(f"Năm {LIVE_YEAR}: mở tự đánh giá cho các sở, ban, ngành.")
