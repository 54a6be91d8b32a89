"""The demo's service quality: a small synthetic province with the Thái Nguyên example's units
(`synthetic.py`), year 2025 computed and published, and its measured rates put into the live
PAR year's `data` leaves — with one claim of the demo officer that the records contradict, so
that the appraisal page shows its flag.

Kept small (`DEMO`: a few thousand dossiers) so that `make demo` stays quick; everything is
labelled synthetic where it is shown. Idempotent: once 2025 is published it is left alone, and
a store holding real records is never replaced.
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

DEMO: Final = DemoSpec(dossiers=5_000, year=2025, seed=766)
# The demo officer's unit claims every dossier on time (criterion 3.3.2 ← indicator 2.1).
CLAIM: Final = ("TN.SCT", "3.3.2", "100")
CLAIM_NOTE: Final = "Theo báo cáo của đơn vị, mọi hồ sơ đều giải quyết đúng hạn (minh họa)."


def seed_service_demo(*, admin: Any, chair: Any, officer: Any, say: Callable[[str], None]) -> None:
    spec = str(DEMO.year)
    if ServiceSnapshot.objects.filter(spec=spec, published_at__isnull=False).exists():
        say(f"Chất lượng phục vụ {spec}: đã công bố, giữ nguyên.")
        return
    if not _synthetic_store():
        say("Chất lượng phục vụ: kho dữ liệu hồ sơ có hồ sơ thật, không sinh dữ liệu minh họa.")
        return
    computation = compute(store_root(), spec, None, lambda done, total, stage: None)
    snapshot = snapshot_create(computation=computation, by=admin)
    snapshot = snapshot_publish(snapshot=snapshot, by=chair)
    say(
        f"Chất lượng phục vụ {spec}: {DEMO.dossiers} hồ sơ tổng hợp, "
        f"{len(snapshot.ranking)} đơn vị, công bố kết quả #{snapshot.pk}."
    )
    period = Period.objects.filter(year=DEMO.year, state__in=SURVEY_STATES).first()
    if period is not None:
        _claim(period, officer)
        feed = par_fill_measured(period=period, snapshot=snapshot, by=admin)
        say(f"Chỉ số CCHC {period.year}: điền {len(feed.filled)} tiêu chí từ số liệu đo.")


def _synthetic_store() -> bool:
    """The demo province in the store (written if the store is empty); False when the store
    holds real records."""
    current = open_store(store_root())
    if current is not None:
        return bool(current.manifest.get("synthetic"))
    data = demo_data(DEMO, load_calendar(DEMO.year, DEMO.year + 1))
    with contextlib.suppress(StoreConflict):  # another process seeded the same data meanwhile
        write_synthetic(data, store_root())
    return True


def _claim(period: Period, officer: Any) -> None:
    unit, criterion, value = CLAIM
    score = Score.objects.filter(
        assessment__period=period, assessment__unit__code=unit, criterion=criterion
    ).first()
    if score is not None and not score.self_value:
        score_self_assess(
            score=score, value=value, note=CLAIM_NOTE, version=score.version, by=officer
        )
