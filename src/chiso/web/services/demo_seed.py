"""The demo's service quality: a small synthetic province with the Thái Nguyên example's units
(`synthetic.py`) whose records span 2024 and 2025 in one store, each year computed and
published, and the 2025 rates put into the live PAR year's `data` leaves — with one claim of the
demo officer that the records contradict, so that the appraisal page shows its flag.

Why two years: the PAR Index is published for 2023 and 2024 while 2025 is the live
self-assessment year, so the published PAR reports (a unit's, the province's) show their
service-quality section only for a year whose Decision 766 results are published — 2024. The
2024 snapshot is published before the 2025 one, so 2025 stays the latest publication.

Kept small (`DEMO`: a few thousand dossiers a year) so that `make demo` stays quick; everything
is labelled synthetic where it is shown. Idempotent: a year already published is left alone,
and a store holding real records is never replaced. A synthetic store that lacks a year still
to publish (one seeded before the demo spanned two years, or a province generated on the staff
page) is replaced by the demo province: synthetic data only, never real records.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, Final

from chiso.io.calendar_files import load_calendar
from chiso.io.dossier_store import StoreConflict, open_store
from chiso.io.synthetic_store import write_synthetic
from chiso.web.evaluations.models import Period, Score
from chiso.web.evaluations.services import SURVEY_STATES, score_self_assess
from chiso.web.services.compute import compute
from chiso.web.services.models import ServiceSnapshot
from chiso.web.services.par_feed import par_fill_measured
from chiso.web.services.services import snapshot_create, snapshot_publish
from chiso.web.services.store import store_root
from chiso.web.services.synthetic import DemoSpec, demo_data

DEMO: Final = DemoSpec(dossiers=5_000, year=2025, seed=766, first_year=2024)
# The demo officer's unit claims every dossier on time (criterion 3.3.2 ← indicator 2.1).
CLAIM: Final = ("TN.SCT", "3.3.2", "100")
CLAIM_NOTE: Final = "Theo báo cáo của đơn vị, mọi hồ sơ đều giải quyết đúng hạn (minh họa)."


def seed_service_demo(*, admin: Any, chair: Any, officer: Any, say: Callable[[str], None]) -> None:
    """Publish every year of `DEMO` not yet published, oldest first; fill the data leaves of
    a PAR period still being assessed from its year's new snapshot."""
    todo = []
    for year in DEMO.years:
        if ServiceSnapshot.objects.filter(spec=str(year), published_at__isnull=False).exists():
            say(f"Chất lượng phục vụ {year}: đã công bố, giữ nguyên.")
        else:
            todo.append(year)
    if not todo:
        return
    if not _synthetic_store(todo, say):
        say("Chất lượng phục vụ: kho dữ liệu hồ sơ có hồ sơ thật, không sinh dữ liệu minh họa.")
        return
    for year in todo:
        computation = compute(store_root(), str(year), None, lambda done, total, stage: None)
        snapshot = snapshot_create(computation=computation, by=admin)
        snapshot = snapshot_publish(snapshot=snapshot, by=chair)
        say(
            f"Chất lượng phục vụ {year}: {len(snapshot.ranking)} đơn vị, "
            f"công bố kết quả #{snapshot.pk}."
        )
        period = Period.objects.filter(year=year, state__in=SURVEY_STATES).first()
        if period is not None:
            _claim(period, officer)
            feed = par_fill_measured(period=period, snapshot=snapshot, by=admin)
            say(f"Chỉ số CCHC {period.year}: điền {len(feed.filled)} tiêu chí từ số liệu đo.")


def _synthetic_store(years: list[int], say: Callable[[str], None]) -> bool:
    """The store, with the demo province written unless it is already synthetic and covers
    `years`; False when it holds real records (left as it is)."""
    current = open_store(store_root())
    if current is not None:
        if not current.manifest.get("synthetic"):
            return False
        if _covers(current.manifest.get("generated") or {}, years):
            return True
    data = demo_data(DEMO, load_calendar(DEMO.years[0], DEMO.year + 1))
    with contextlib.suppress(StoreConflict):  # another process seeded the same data meanwhile
        write_synthetic(data, store_root())
    first, last = DEMO.years[0], DEMO.year
    say(
        f"Chất lượng phục vụ: tỉnh minh họa {first}–{last}, {DEMO.dossiers} hồ sơ tổng hợp mỗi năm."
    )
    return True


def _covers(generated: dict[str, Any], years: list[int]) -> bool:
    """Whether a generated store's records span `years` (a store from before `first_year`
    spans its `year` alone)."""
    last = generated.get("year")
    if not isinstance(last, int):
        return False
    first = generated.get("first_year", last)
    return all(first <= year <= last for year in years)


def _claim(period: Period, officer: Any) -> None:
    unit, criterion, value = CLAIM
    score = Score.objects.filter(
        assessment__period=period, assessment__unit__code=unit, criterion=criterion
    ).first()
    if score is not None and not score.self_value:
        score_self_assess(
            score=score, value=value, note=CLAIM_NOTE, version=score.version, by=officer
        )
