"""Demo SIPAS surveys for the web demo: synthetic, seeded, labelled so.

- 2024: a closed survey of the 19 departments — frame, draw, answers — published as the year's
  SIPAS through the same service the chair uses (`survey_sipas_publish`), so `/2024/sipas/`
  shows it and the survey's draft page shows where the numbers came from;
- 2025: a survey linked to the 2025 evaluation period, collecting, with a drawn sample, tokens,
  a counter kiosk and some answers already in; the rest of the tokens are left unused so a
  visitor can open a link (`demo_links` gives one) or the kiosk.

The frames are made up (dossier codes, procedures, submission channels; contact through the
receipt, so no phone number or e-mail exists). Set-up goes through the survey services; the
answers to the online links are written in bulk — they are *seeded history*, not responses
anyone gave — which one audit event per survey says. Idempotent: a survey whose title exists is
left alone, and so is a year already published.
"""

from __future__ import annotations

import csv
import random
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from chiso.io.questionnaire_files import resolve_questionnaire
from chiso.web.audit.services import audit_record
from chiso.web.evaluations.models import Period
from chiso.web.publishing.selectors import sipas_snapshot_of
from chiso.web.surveys import collection, services
from chiso.web.surveys.estimates import EstimateOptions
from chiso.web.surveys.models import (
    Answer,
    Channel,
    Draw,
    Kiosk,
    Outcome,
    Response,
    SampleMember,
    Survey,
    SurveyState,
    Token,
)
from chiso.web.surveys.results import survey_sipas_publish
from chiso.web.surveys.selectors import survey_questionnaire
from chiso.web.units.models import Unit

QUESTIONNAIRE = "service-user-2024"
BLOCK = "so"
PROCEDURES = ("1.001", "1.002", "2.001", "2.002")
SUBMISSION = (("truc_tiep", 0.6), ("truc_tuyen", 0.3), ("buu_chinh", 0.1))
SEED_REASON = (
    "Dữ liệu mẫu: phiếu trả lời tổng hợp (giả lập) cho bản demo, không phải ý kiến của ai "
    "(không qua biểu mẫu công khai)."
)


@dataclass(frozen=True)
class DemoSurvey:
    year: int
    title: str
    per_unit: int  # main sample per unit (fixed allocation)
    answered: tuple[float, float]  # range of the share of the sample that answers, per unit
    phone: int  # phone interviews per unit, keyed by staff
    close_and_publish: bool


SURVEYS = (
    DemoSurvey(
        2024,
        "Khảo sát SIPAS năm 2024 — dữ liệu minh họa (giả lập)",
        per_unit=40,
        answered=(0.55, 0.95),
        phone=1,
        close_and_publish=True,
    ),
    DemoSurvey(
        2025,
        "Khảo sát SIPAS năm 2025 — thử nghiệm (giả lập)",
        per_unit=40,
        answered=(0.6, 0.9),
        phone=0,
        close_and_publish=False,
    ),
)


def seed_sipas(users: dict[str, Any], say: Callable[[str], None]) -> None:
    """Seed both demo surveys (see the module docstring)."""
    for demo in SURVEYS:
        if Survey.objects.filter(year=demo.year, title=demo.title).exists():
            say(f"Khảo sát SIPAS {demo.year}: đã có, giữ nguyên.")
            continue
        with transaction.atomic():
            count = _seed_survey(demo, users)
        say(f"Khảo sát SIPAS {demo.year}: {count} phiếu trả lời (giả lập).")
        if demo.close_and_publish and sipas_snapshot_of(demo.year) is None:
            survey = Survey.objects.get(year=demo.year, title=demo.title)
            survey_sipas_publish(
                survey=survey,
                # 1,000 draws instead of 2,000 keep the seed quick; the page says how many.
                options=EstimateOptions(weighting="design", bootstrap=1000, seed=demo.year),
                by=users["chutich"],
            )
            say(f"Khảo sát SIPAS {demo.year}: đã công bố tại /{demo.year}/sipas/.")
    for what, path in demo_links():
        say(f"  Thử khảo sát (không cần đăng nhập) — {what}: {path}")


def demo_links() -> list[tuple[str, str]]:
    """(what, path) of a survey link not answered yet and a counter kiosk of the open demo
    survey, for the demo's printed instructions; empty when there is none."""
    live = SURVEYS[-1]
    survey = Survey.objects.filter(year=live.year, title=live.title).first()
    if survey is None or survey.state != SurveyState.COLLECTING:
        return []
    links = []
    token = (
        Token.objects.filter(survey=survey, used_at__isnull=True, revoked_at__isnull=True)
        .filter(Q(member__outcome="") | Q(member__outcome=Outcome.INVITED))
        .order_by("member__stratum", "member__order")
        .first()
    )
    if token is not None:
        links.append(("Phiếu khảo sát (đường dẫn một lần)", f"/ks/{token.value}/"))
    kiosk = Kiosk.objects.filter(survey=survey, enabled=True).order_by("pk").first()
    if kiosk is not None:
        links.append((f"Máy đánh giá tại quầy ({kiosk.label})", f"/ks/quay/{kiosk.key}/"))
    return links


# --- one survey ---------------------------------------------------------------------------------


def _seed_survey(demo: DemoSurvey, users: dict[str, Any]) -> int:
    admin = users["quantri"]
    rng = random.Random(demo.year)
    units = list(Unit.objects.filter(block=BLOCK).order_by("code"))
    survey = services.survey_create(
        year=demo.year,
        title=demo.title,
        questionnaire_yaml=resolve_questionnaire(QUESTIONNAIRE).read_text(encoding="utf-8"),
        period=Period.objects.filter(year=demo.year).first(),
        by=admin,
    )
    services.survey_transition(survey=survey, to=SurveyState.SAMPLING, by=admin)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "khung-mau.csv"
        _write_frame(path, demo.year, units, rng)
        report = services.frame_import(survey=survey, path=path, by=admin)
    if not report.ok:
        raise RuntimeError("; ".join(str(e) for e in report.errors))
    design = services.design_of(
        strata=("unit",),
        size_rule="fixed",
        per_stratum=demo.per_unit,
        reserve_share=Decimal("0.25"),
    )
    services.sample_draw(survey=survey, design=design, seed=demo.year, by=admin)
    services.tokens_issue(survey=survey, by=admin)
    kiosks = [
        services.kiosk_create(survey=survey, unit=unit, label=f"Quầy một cửa {unit.name}", by=admin)
        for unit in units[:3]
    ]
    survey = services.survey_transition(survey=survey, to=SurveyState.COLLECTING, by=admin)
    satisfaction = {u.code: rng.uniform(0.68, 0.95) for u in units}
    count = _answer_links(survey, demo, satisfaction, rng)
    count += _answer_kiosks(survey, kiosks, satisfaction, rng)
    count += _answer_by_phone(survey, demo.phone, satisfaction, rng, admin)
    if demo.close_and_publish:
        services.survey_transition(survey=survey, to=SurveyState.CLOSED, by=admin)
    return count


def _write_frame(path: Path, year: int, units: list[Unit], rng: random.Random) -> None:
    """Dossiers with a result, per unit 50–160, reached through their receipt."""
    channels, shares = zip(*SUBMISSION, strict=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["ma_don_vi", "ma_ho_so", "thu_tuc", "kenh", "kenh_lien_he"])
        for unit in units:
            for n in range(1, rng.randint(50, 160) + 1):
                code = f"{unit.code}-{year}-{n:05d}"
                channel = rng.choices(channels, weights=shares)[0]
                out.writerow([unit.code, code, rng.choice(PROCEDURES), channel, "receipt"])


def _values(items: list[str], p: float, rng: random.Random) -> dict[str, int]:
    """One respondent's answers: satisfied (4, 5) with chance p, a few "no answer" (0)."""
    out = {}
    for item in items:
        if rng.random() < 0.03:
            out[item] = 0
        elif rng.random() < p:
            out[item] = rng.choice((4, 4, 5))
        else:
            out[item] = rng.choice((1, 2, 3, 3))
    return out


def _answer_links(
    survey: Survey, demo: DemoSurvey, satisfaction: dict[str, float], rng: random.Random
) -> int:
    """A share of each unit's links answered, written in bulk (see the module docstring)."""
    items = [item.code for item in survey_questionnaire(survey).items]
    tokens = list(
        Token.objects.filter(survey=survey)
        .select_related("member__entry", "unit")
        .order_by("member__stratum", "member__order")
    )
    by_unit: dict[str, list[Token]] = {}
    for token in tokens:
        by_unit.setdefault(token.unit.code, []).append(token)
    now = timezone.now()
    chosen: list[tuple[Token, dict[str, int]]] = []
    for code, unit_tokens in by_unit.items():
        share = rng.uniform(*demo.answered)
        # The first link of each unit stays unanswered: the one the demo prints.
        for token in unit_tokens[1 : 1 + round(share * len(unit_tokens))]:
            chosen.append((token, _values(items, satisfaction[code], rng)))
    responses = Response.objects.bulk_create(
        Response(
            survey=survey,
            unit_id=token.unit_id,
            channel=Channel.ONLINE,
            submitted_at=now,
            token=token,
            member=token.member,
            dossier_digest=collection.dossier_digest(survey, token.member.entry.dossier_code),
        )
        for token, _ in chosen
    )
    _insert_answers(
        (response.pk, item, value)
        for response, (_, values) in zip(responses, chosen, strict=True)
        for item, value in values.items()
    )
    Token.objects.filter(pk__in=[t.pk for t, _ in chosen]).update(used_at=now)
    SampleMember.objects.filter(pk__in=[t.member_id for t, _ in chosen]).update(
        outcome=Outcome.ANSWERED, outcome_at=now
    )
    audit_record(
        actor=None,
        action="survey.seed",
        target=f"survey {survey.pk} ({survey.year})",
        new={"responses": len(chosen), "channel": Channel.ONLINE},
        reason=SEED_REASON,
    )
    return len(chosen)


def _insert_answers(rows: Iterable[tuple[int, str, int]]) -> None:
    """Answer rows in one `executemany`: ~7× faster than `bulk_create` for the tens of
    thousands of rows of a seeded survey (no model instance per row)."""
    quote = connection.ops.quote_name
    table = quote(Answer._meta.db_table)
    columns = ", ".join(quote(c) for c in ("response_id", "item", "value"))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s)", list(rows))


def _answer_kiosks(
    survey: Survey, kiosks: list[Kiosk], satisfaction: dict[str, float], rng: random.Random
) -> int:
    """A few counter ratings per kiosk, for dossiers outside the sample, through the kiosk's
    own service (one rating per dossier)."""
    draw = Draw.objects.get(survey=survey)
    sampled = SampleMember.objects.filter(draw=draw).values_list("entry_id", flat=True)
    count = 0
    for kiosk in kiosks:
        entries = (
            survey.frame.filter(unit=kiosk.unit)
            .exclude(pk__in=sampled)
            .order_by("dossier_code")
            .values_list("dossier_code", flat=True)
        )
        p = min(0.98, satisfaction[kiosk.unit.code] + 0.03)
        items = [item.code for item in survey_questionnaire(survey).items]
        for code in list(entries)[: rng.randint(6, 12)]:
            data = {
                f"{collection.FIELD_PREFIX}{k}": str(v) for k, v in _values(items, p, rng).items()
            }
            collection.response_submit_kiosk(kiosk=kiosk, dossier_code=code, data=data)
            count += 1
    return count


def _answer_by_phone(
    survey: Survey, per_unit: int, satisfaction: dict[str, float], rng: random.Random, admin: Any
) -> int:
    """`per_unit` phone interviews per unit with members who had not answered, keyed by staff
    through the paper-entry service."""
    if not per_unit:
        return 0
    items = [item.code for item in survey_questionnaire(survey).items]
    waiting = (
        SampleMember.objects.filter(draw__survey=survey, role="main")
        .filter(Q(outcome="") | Q(outcome=Outcome.INVITED))
        .select_related("entry__unit")
        .order_by("stratum", "-order")
    )
    seen: dict[str, int] = {}
    count = 0
    for member in waiting:
        unit = member.entry.unit.code
        if seen.get(unit, 0) >= per_unit:
            continue
        seen[unit] = seen.get(unit, 0) + 1
        collection.paper_enter(
            survey=survey,
            number=f"DT-{member.pk}",
            answers=_values(items, satisfaction[unit], rng),
            by=admin,
            member=member,
            channel=Channel.PHONE,
        )
        count += 1
    return count
