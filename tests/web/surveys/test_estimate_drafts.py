"""The survey's draft is kept: a second view reads it back without estimating, anything it
depends on makes a new one, and a large survey's is estimated by a background job while the
page shows its progress — with the same numbers publishing freezes."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from chiso.web.jobs.models import Job, JobState
from chiso.web.jobs.runner import job_run
from chiso.web.jobs.services import job_settle
from chiso.web.publishing import sipas
from chiso.web.publishing.models import SipasSnapshot
from chiso.web.surveys import collection, drafts, estimates, services
from chiso.web.surveys.estimates import survey_estimate
from chiso.web.surveys.selectors import survey_questionnaire
from chiso.web.units.models import Unit
from tests.web.factories import RoleAssignmentFactory
from tests.web.surveys.helpers import (
    PLAN,
    QUICK,
    QUICK_OPTIONS,
    answered_survey,
    estimates_url,
    make_survey,
    signed_in,
)

pytestmark = [pytest.mark.db, pytest.mark.usefixtures("data_dir")]


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> mock.Mock:
    """Counts the estimates made: every draft goes through publishing's `sipas_estimate`."""
    wrapped = mock.Mock(wraps=sipas.sipas_estimate)
    monkeypatch.setattr(estimates, "sipas_estimate", wrapped)
    return wrapped


def numbers(html: str) -> str:
    """The page's estimates: from the summary to the publishing section."""
    return html[html.index('<h2 id="summary">') : html.index('<h2 id="publish">')]


def test_a_second_view_reads_the_kept_draft(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path, spy: mock.Mock
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN)
    client = signed_in(chair)
    first = client.get(estimates_url(survey), QUICK).content.decode()
    assert spy.call_count == 1
    second = client.get(estimates_url(survey), QUICK).content.decode()
    assert spy.call_count == 1
    assert numbers(second) == numbers(first)
    # Another user sees the same kept draft.
    client = signed_in(admin)
    assert numbers(client.get(estimates_url(survey), QUICK).content.decode()) == numbers(first)
    assert spy.call_count == 1
    # Kept as one file under the data folder, named by its key.
    kept = list((drafts.drafts_dir(survey)).glob("*.json"))
    assert len(kept) == 1


def test_what_the_draft_depends_on_makes_a_new_one(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path, spy: mock.Mock
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN, close=False)
    client = signed_in(chair)
    calls = 0

    def view(query: dict[str, Any], *, estimated: bool) -> str:
        nonlocal calls
        html = client.get(estimates_url(survey), query).content.decode()
        calls += estimated
        assert spy.call_count == calls, query
        return html

    view(QUICK, estimated=True)
    # Every option: seed, draws, level, weighting, margins, sample only.
    view({**QUICK, "seed": "8"}, estimated=True)
    view({**QUICK, "bootstrap": "300"}, estimated=True)
    view({**QUICK, "level": "0.9"}, estimated=True)
    view({**QUICK, "weighting": "design"}, estimated=True)
    view({**QUICK, "weighting": "raking", "margins": ["unit"]}, estimated=True)
    view({**QUICK, "weighting": "raking", "margins": ["unit", "procedure"]}, estimated=True)
    view({**QUICK, "sampled_only": "on"}, estimated=True)
    view(QUICK, estimated=False)
    # A new response changes the answers' hash.
    items = [item.code for item in survey_questionnaire(survey).items]
    collection.paper_enter(
        survey=survey,
        number="X1",
        answers={item: 2 for item in items},
        by=admin,
        unit=tn_units["TN.BDT"],
    )
    html = view(QUICK, estimated=True)
    assert "20 người trả lời" in html
    view(QUICK, estimated=False)
    # The survey's minimum sample, and a unit's name (the document carries both).
    services.survey_update_settings(survey=survey, min_sample=3, by=admin)
    survey.refresh_from_db()
    view(QUICK, estimated=True)
    Unit.objects.filter(code="TN.BDT").update(name="Ban Dân tộc tỉnh (mới)")
    assert "Ban Dân tộc tỉnh (mới)" in view(QUICK, estimated=True)
    view(QUICK, estimated=False)


def test_the_key_covers_the_questionnaire_and_the_code_version(
    admin: Any, tn_units: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN)
    prepared = estimates.survey_prepared_answers(survey, QUICK_OPTIONS)
    names = estimates.prepared_names(prepared)
    key = drafts.draft_key(survey, QUICK_OPTIONS, prepared, names)
    assert drafts.draft_key(survey, QUICK_OPTIONS, prepared, names) == key
    survey.questionnaire_yaml += "\n# another revision\n"
    assert drafts.draft_key(survey, QUICK_OPTIONS, prepared, names) != key
    survey.refresh_from_db()
    monkeypatch.setattr(drafts, "DRAFT_VERSION", drafts.DRAFT_VERSION + 1)
    assert drafts.draft_key(survey, QUICK_OPTIONS, prepared, names) != key


def test_a_damaged_or_older_kept_draft_is_estimated_again(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path, spy: mock.Mock
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN)
    client = signed_in(chair)
    good = numbers(client.get(estimates_url(survey), QUICK).content.decode())
    (path,) = drafts.drafts_dir(survey).glob("*.json")
    path.write_text('{"version": 0, "key": "x"}', encoding="utf-8")
    assert numbers(client.get(estimates_url(survey), QUICK).content.decode()) == good
    path.write_text("{not json", encoding="utf-8")
    assert numbers(client.get(estimates_url(survey), QUICK).content.decode()) == good
    assert spy.call_count == 3
    assert numbers(client.get(estimates_url(survey), QUICK).content.decode()) == good
    assert spy.call_count == 3


def test_only_the_latest_drafts_of_a_survey_are_kept(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(drafts, "KEEP", 2)
    survey = answered_survey(admin, tmp_path, PLAN)
    client = signed_in(chair)
    for seed in ("1", "2", "3"):
        client.get(estimates_url(survey), {**QUICK, "seed": seed, "bootstrap": "100"})
    assert len(list(drafts.drafts_dir(survey).glob("*.json"))) == 2
    assert not list(drafts.drafts_dir(survey).glob(".tmp-*"))


def test_a_large_survey_is_estimated_in_the_background(
    admin: Any,
    chair: Any,
    tn_units: Any,
    tmp_path: Path,
    settings: Any,
    spy: mock.Mock,
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN)  # 19 respondents
    settings.CHISO_SIPAS_DRAFT_BACKGROUND = 19
    client = signed_in(chair)
    html = client.get(estimates_url(survey), QUICK).content.decode()
    assert spy.call_count == 0  # not in the request
    job = Job.objects.get(kind=drafts.ESTIMATE_JOB)
    assert job.state == JobState.QUEUED and job.target == f"survey:{survey.pk}"
    assert job.started_by == chair
    assert job.params == {"survey": survey.pk, "options": QUICK_OPTIONS.recorded()}
    # The page shows the job's progress, polled by htmx, refreshed without JavaScript.
    progress = f"/quan-ly/khao-sat/{survey.pk}/uoc-luong/tien-do/{job.pk}/"
    assert "Đang tính bản nháp" in html and f'hx-get="{progress}"' in html
    assert '<meta http-equiv="refresh" content="5">' in html
    assert "Đang chờ" in html
    assert 'id="summary"' not in html and "Công bố được khi bản nháp đã tính xong" in html
    # Viewed again while it runs: the same job, not a second one.
    client.get(estimates_url(survey), QUICK)
    assert Job.objects.filter(kind=drafts.ESTIMATE_JOB).count() == 1

    assert job_run(job.pk) == "done"
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert job.message == "Đã tính xong bản nháp ước lượng."
    assert spy.call_count == 1
    # The polled fragment now asks htmx to reload the page, which shows the kept draft.
    fragment = client.get(progress, headers={"HX-Request": "true"})
    assert fragment["HX-Refresh"] == "true" and "hx-get" not in fragment.content.decode()
    background = client.get(estimates_url(survey), QUICK).content.decode()
    assert spy.call_count == 1
    assert "Đang tính bản nháp" not in background

    # The same numbers as estimated in the request (a survey under the threshold) …
    for path in drafts.drafts_dir(survey).glob("*.json"):
        path.unlink()
    settings.CHISO_SIPAS_DRAFT_BACKGROUND = 3000
    inline = client.get(estimates_url(survey), QUICK).content.decode()
    assert spy.call_count == 2
    assert numbers(background) == numbers(inline)
    # … and as publishing freezes.
    key = job.result["key"]
    kept = drafts.draft_read(survey, key)
    assert kept is not None
    assert kept.document == survey_estimate(survey, QUICK_OPTIONS).estimate.document
    post = {**QUICK, "margins": ["unit"], "answers_hash": kept.document["about"]["answers_hash"]}
    assert client.post(f"{estimates_url(survey)}cong-bo/", post).status_code == 302
    assert SipasSnapshot.objects.get(year=survey.year).document == kept.document


def test_the_job_runs_on_commit_and_its_page_links_the_draft(
    admin: Any,
    chair: Any,
    tn_units: Any,
    tmp_path: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN)
    settings.CHISO_SIPAS_DRAFT_BACKGROUND = 1
    client = signed_in(chair)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(estimates_url(survey), QUICK)
    job = Job.objects.get(kind=drafts.ESTIMATE_JOB)
    assert job.state == JobState.DONE, job.error
    assert job.result["respondents"] == 19 and not job.result["already_kept"]
    detail = client.get(f"/quan-ly/tac-vu/{job.pk}/").content.decode()
    assert "Ước lượng SIPAS (bản nháp) của cuộc khảo sát" in detail
    assert f'href="{estimates_url(survey)}?' in detail and "seed=7" in detail
    html = client.get(job.result["url"]).content.decode()
    assert 'id="summary"' in html and "19 người trả lời" in html


def test_a_failed_job_is_shown_and_started_again_only_when_asked(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path, settings: Any
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN)
    settings.CHISO_SIPAS_DRAFT_BACKGROUND = 1
    client = signed_in(chair)
    client.get(estimates_url(survey), QUICK)
    job = Job.objects.get(kind=drafts.ESTIMATE_JOB)
    job_settle(job.pk, JobState.FAILED, error="Máy chủ hết bộ nhớ.")
    html = client.get(estimates_url(survey), QUICK).content.decode()
    assert "Máy chủ hết bộ nhớ." in html and "Tính lại trong nền" in html
    assert 'hx-get="' not in html
    assert Job.objects.filter(kind=drafts.ESTIMATE_JOB).count() == 1
    again = client.post(f"{estimates_url(survey)}tinh/", {**QUICK, "margins": ["unit"]})
    assert again.status_code == 302 and "seed=7" in again["Location"]
    assert Job.objects.filter(kind=drafts.ESTIMATE_JOB, state=JobState.QUEUED).count() == 1
    assert "Đang chờ" in client.get(again["Location"]).content.decode()


def test_a_draft_the_web_server_cannot_read_is_not_estimated_in_a_loop(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path, settings: Any
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN)
    settings.CHISO_SIPAS_DRAFT_BACKGROUND = 1
    client = signed_in(chair)
    client.get(estimates_url(survey), QUICK)
    job = Job.objects.get(kind=drafts.ESTIMATE_JOB)
    job_run(job.pk)
    for path in drafts.drafts_dir(survey).glob("*.json"):
        path.unlink()  # as if the worker had written to another data folder
    html = client.get(estimates_url(survey), QUICK).content.decode()
    assert "CHISO_DATA_DIR" in html
    assert Job.objects.filter(kind=drafts.ESTIMATE_JOB).count() == 1


def test_the_progress_is_for_those_who_see_surveys_and_this_survey_only(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path, settings: Any
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN)
    settings.CHISO_SIPAS_DRAFT_BACKGROUND = 1
    signed_in(chair).get(estimates_url(survey), QUICK)
    job = Job.objects.get(kind=drafts.ESTIMATE_JOB)
    progress = f"/quan-ly/khao-sat/{survey.pk}/uoc-luong/tien-do/{job.pk}/"
    # Another user who sees surveys follows the chair's job (without its job page).
    page = signed_in(admin).get(progress)
    assert page.status_code == 200 and "Đang chờ" in page.content.decode()
    officer = RoleAssignmentFactory(officer=True).user
    assert signed_in(officer).get(progress).status_code == 403
    other = make_survey(admin, title="Khảo sát khác")
    elsewhere = f"/quan-ly/khao-sat/{other.pk}/uoc-luong/tien-do/{job.pk}/"
    assert signed_in(admin).get(elsewhere).status_code == 404


def test_the_job_refuses_bad_parameters(admin: Any, tn_units: Any, tmp_path: Path) -> None:
    from django.core.exceptions import ValidationError

    from chiso.web.jobs.services import job_start

    survey = answered_survey(admin, tmp_path, PLAN)
    bad = {**QUICK_OPTIONS.recorded(), "bootstrap": 5}
    with pytest.raises(ValidationError, match="bootstrap"):
        job_start(kind=drafts.ESTIMATE_JOB, params={"survey": survey.pk, "options": bad}, by=admin)
    with pytest.raises(ValidationError, match="Không có cuộc khảo sát"):
        job_start(
            kind=drafts.ESTIMATE_JOB,
            params={"survey": 0, "options": QUICK_OPTIONS.recorded()},
            by=admin,
        )
