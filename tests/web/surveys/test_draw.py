"""The frame and the draw: all-or-nothing upload, reproducible recorded draw, replacements."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from chiso.engine.sampling import draw_sample
from chiso.web.audit.models import AuditEvent
from chiso.web.surveys import services
from chiso.web.surveys.models import FrameEntry, MemberRole, Outcome, SampleMember, SurveyState
from chiso.web.surveys.selectors import engine_frame, fieldwork
from tests.web.surveys.helpers import HEADER, drawn_survey, frame_csv, make_survey

pytestmark = pytest.mark.db


def _members(draw: Any) -> list[tuple[str, str, str, int]]:
    rows = SampleMember.objects.filter(draw=draw).values_list(
        "entry__dossier_code", "stratum", "role", "order"
    )
    return sorted(rows)


def test_frame_upload_names_every_bad_row_and_writes_nothing(
    admin: Any, units: Any, tmp_path: Path
) -> None:
    survey = make_survey(admin)
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + "SA,HS-1,1.001,truc_tiep,0912345678,\n"
        + "SX,HS-2,1.001,truc_tiep,,\n"  # unknown unit
        + "SA,HS-1,1.001,truc_tiep,,\n"  # repeated dossier
        + "SA,HS-4,1.001,bay,123,not-an-email\n",  # bad channel, phone, email
        encoding="utf-8",
    )
    report = services.frame_import(survey=survey, path=path, by=admin)
    messages = [str(e) for e in report.errors]
    assert any(m.startswith("Dòng 3:") and "SX" in m for m in messages)
    assert any(m.startswith("Dòng 4:") and "dòng 2" in m for m in messages)
    assert sum(m.startswith("Dòng 5:") for m in messages) == 3
    assert not FrameEntry.objects.exists()


def test_a_spreadsheet_phone_number_gets_its_leading_zero_back(
    admin: Any, units: Any, tmp_path: Path
) -> None:
    survey = make_survey(admin)
    path = tmp_path / "frame.csv"
    path.write_text(HEADER + "SA,HS-1,1.001,Trực tuyến,912345678,\n", encoding="utf-8")
    assert services.frame_import(survey=survey, path=path, by=admin).ok
    entry = FrameEntry.objects.get()
    assert (entry.phone, entry.contact_channel, entry.channel) == (
        "0912345678",
        "phone",
        "truc_tuyen",
    )


def test_draw_is_recorded_and_reproducible(admin: Any, units: Any, tmp_path: Path) -> None:
    survey, draw = drawn_survey(admin, tmp_path, {"SA": 30, "SB": 12}, seed=7)

    assert (draw.seed, draw.frame_size, draw.strata_columns) == (7, 42, "unit")
    assert {row["unit"]: row["drawn"] for row in draw.strata} == {"SA": 5, "SB": 5}
    event = AuditEvent.objects.get(action="survey.draw")
    assert '"seed": 7' in event.new and draw.frame_hash in event.new

    # The same frame and seed through the engine give the same members, row for row.
    again = draw_sample(engine_frame(survey, ("unit",)), _design(), seed=7)
    expected = sorted(
        (r["person"], r["unit"], r["role"], r["order"]) for r in again.sample.iter_rows(named=True)
    )
    assert _members(draw) == expected
    assert again.frame_hash == draw.frame_hash
    # Another seed draws other people from the same frame.
    third = draw_sample(engine_frame(survey, ("unit",)), _design(), seed=8)
    assert sorted(third.sample["person"].to_list()) != sorted(again.sample["person"].to_list())


def test_one_draw_per_survey_and_the_frame_is_then_frozen(
    admin: Any, units: Any, tmp_path: Path
) -> None:
    survey, _ = drawn_survey(admin, tmp_path, {"SA": 10})
    with pytest.raises(ValidationError, match="đã chọn mẫu"):
        services.sample_draw(survey=survey, design=_design(), seed=1, by=admin)
    with pytest.raises(ValidationError, match="không thay được"):
        services.frame_import(survey=survey, path=frame_csv(tmp_path, {"SA": 3}), by=admin)


def test_replacement_takes_the_next_reserve_of_the_same_stratum(
    admin: Any, units: Any, tmp_path: Path
) -> None:
    survey, draw = drawn_survey(admin, tmp_path, {"SA": 30, "SB": 30})
    services.tokens_issue(survey=survey, by=admin)
    main = SampleMember.objects.filter(draw=draw, stratum="SB", role=MemberRole.MAIN)
    first, second = main.order_by("order")[:2]
    services.member_set_outcome(member=first, outcome=Outcome.REFUSED, by=admin)
    services.member_set_outcome(member=second, outcome=Outcome.UNREACHABLE, by=admin)

    one = services.member_replace(member=first, by=admin)
    two = services.member_replace(member=second, by=admin)

    assert (one.stratum, one.role, one.order) == ("SB", MemberRole.RESERVE, 1)
    assert (two.stratum, two.role, two.order) == ("SB", MemberRole.RESERVE, 2)
    first.refresh_from_db()
    assert (first.outcome, first.replaced_because) == (Outcome.REPLACED, Outcome.REFUSED)
    assert first.token.revoked_at is not None and one.token.revoked_at is None
    rows = {row["stratum"]: row for row in fieldwork(draw)}
    assert rows["SB"]["replaced"] == 2 and rows["SB"]["reserve_used"] == 2
    assert rows["SB"]["reserve_left"] == 0  # 40 % of 5 → 2 reserves
    assert rows["SA"]["replaced"] == 0 and rows["SA"]["invited"] == 5

    third = main.order_by("order")[2]
    services.member_set_outcome(member=third, outcome=Outcome.REFUSED, by=admin)
    with pytest.raises(ValidationError, match="hết người dự phòng"):
        services.member_replace(member=third, by=admin)


def test_only_refused_or_unreachable_members_are_replaced(
    admin: Any, units: Any, tmp_path: Path
) -> None:
    _survey, draw = drawn_survey(admin, tmp_path, {"SA": 30})
    member = SampleMember.objects.filter(draw=draw, role=MemberRole.MAIN).first()
    with pytest.raises(ValidationError):
        services.member_replace(member=member, by=admin)
    reserve = SampleMember.objects.filter(draw=draw, role=MemberRole.RESERVE).first()
    with pytest.raises(ValidationError, match="dự phòng"):
        services.member_set_outcome(member=reserve, outcome=Outcome.INVITED, by=admin)


def test_stratifying_by_procedure_needs_every_procedure(
    admin: Any, units: Any, tmp_path: Path
) -> None:
    survey = make_survey(admin)
    services.survey_transition(survey=survey, to=SurveyState.SAMPLING, by=admin)
    path = tmp_path / "f.csv"
    path.write_text(HEADER + "SA,HS-1,,truc_tiep,,\nSA,HS-2,1.001,truc_tiep,,\n", "utf-8")
    assert services.frame_import(survey=survey, path=path, by=admin).ok
    design = services.design_of(
        strata=("unit", "procedure"),
        size_rule="slovin",
        margin=Decimal("0.05"),
        reserve_share=Decimal("0.2"),
    )
    with pytest.raises(ValidationError, match="1 người trong khung mẫu thiếu thủ tục"):
        services.sample_draw(survey=survey, design=design, seed=1, by=admin)


def _design() -> Any:
    return services.design_of(
        strata=("unit",), size_rule="fixed", per_stratum=5, reserve_share=Decimal("0.4")
    )
