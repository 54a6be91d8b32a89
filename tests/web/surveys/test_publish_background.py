"""Publishing a survey's SIPAS never estimates in the web request: the kept draft of the
answers and options shown is frozen as it is; without one, a background job estimates and
publishes while its page shows the progress — and on an error or a cancel nothing is
published."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from chiso.web.jobs.models import Job, JobState
from chiso.web.jobs.runner import job_run
from chiso.web.publishing import sipas
from chiso.web.publishing.models import SipasSnapshot
from chiso.web.surveys import drafts, publish_jobs
from chiso.web.surveys.estimates import survey_estimate, unit_names
from chiso.web.surveys.models import Survey
from chiso.web.surveys.results import survey_sipas_publish
from tests.web.surveys.helpers import (
    PLAN,
    QUICK,
    QUICK_OPTIONS,
    answered_survey,
    estimates_url,
    signed_in,
)

pytestmark = [pytest.mark.db, pytest.mark.usefixtures("data_dir")]


@pytest.fixture
def estimated(monkeypatch: pytest.MonkeyPatch) -> mock.Mock:
    """Counts the estimates made, wherever they are made: every one runs the engine through
    publishing's `_results` (once per estimate, with its channel split)."""
    wrapped = mock.Mock(wraps=sipas._results)
    monkeypatch.setattr(sipas, "_results", wrapped)
    return wrapped


def publish_post(survey: Survey) -> dict[str, Any]:
    answers_hash = survey_estimate(survey, QUICK_OPTIONS).estimate.document["about"]["answers_hash"]
    return {**QUICK, "margins": ["unit"], "answers_hash": answers_hash}


def test_publishing_freezes_the_kept_draft_without_estimating_again(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path, estimated: mock.Mock
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN)
    client = signed_in(chair)
    page = client.get(estimates_url(survey), QUICK).content.decode()
    assert "Công bố SIPAS năm 2025" in page
    assert estimated.call_count == 1
    (kept,) = drafts.drafts_dir(survey).glob("*.json")
    draft = drafts.Draft.from_json(kept.read_text(encoding="utf-8"))
    assert draft is not None
    post = {**QUICK, "margins": ["unit"], "answers_hash": draft.document["about"]["answers_hash"]}

    done = client.post(f"{estimates_url(survey)}cong-bo/", post)
    assert done.status_code == 302 and done["Location"] == estimates_url(survey)
    assert estimated.call_count == 1  # the bootstrap ran once, for the draft
    assert not Job.objects.filter(kind=publish_jobs.PUBLISH_JOB).exists()
    snapshot = SipasSnapshot.objects.get(year=survey.year)
    assert snapshot.document == draft.document
    # What was frozen is what re-estimating the stored parts gives back.
    assert sipas.sipas_recompute(snapshot=snapshot) == snapshot.document
    assert snapshot.estimation["source"]["options"] == QUICK_OPTIONS.recorded()
    assert snapshot.estimation["names"] == {u: tn_units[u].name for u in PLAN}
    public = client.get(f"/{survey.year}/sipas/").content.decode()
    assert tn_units["TN.SNV"].name in public


def test_without_a_kept_draft_a_background_job_estimates_and_publishes(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path, estimated: mock.Mock
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN)
    client = signed_in(chair)
    post = publish_post(survey)
    estimated.reset_mock()

    started = client.post(f"{estimates_url(survey)}cong-bo/", post)
    job = Job.objects.get(kind=publish_jobs.PUBLISH_JOB)
    assert started.status_code == 302 and started["Location"] == f"/quan-ly/tac-vu/{job.pk}/"
    assert estimated.call_count == 0  # not in the request
    assert not SipasSnapshot.objects.exists()
    assert job.started_by == chair and job.target == f"survey:{survey.pk}"
    assert job.params == {
        "survey": survey.pk,
        "options": QUICK_OPTIONS.recorded(),
        "answers_hash": post["answers_hash"],
    }
    # The job's page shows it waiting, polled; starting again joins the same job.
    detail = client.get(started["Location"]).content.decode()
    assert "Ước lượng và công bố SIPAS của cuộc khảo sát" in detail and "hx-get" in detail
    again = publish_jobs.survey_publish_start(
        survey=survey, options=QUICK_OPTIONS, answers_hash=post["answers_hash"], by=chair
    )
    assert again == job

    assert job_run(job.pk) == "done"
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total) == (2, 2)
    assert job.result["estimated"] is True
    assert estimated.call_count == 1
    snapshot = SipasSnapshot.objects.get(year=survey.year)
    assert snapshot.document == survey_estimate(survey, QUICK_OPTIONS).estimate.document
    assert job.result["url"] == f"/{survey.year}/sipas/" and job.result["snapshot"] == snapshot.pk
    done = client.get(f"/quan-ly/tac-vu/{job.pk}/").content.decode()
    assert "Đã công bố kết quả SIPAS năm 2025" in done and 'href="/2025/sipas/"' in done
    # The estimate is kept as the draft too: the draft page reads it, no third estimate.
    calls = estimated.call_count
    after = client.get(estimates_url(survey), QUICK).content.decode()
    assert estimated.call_count == calls
    assert "đã công bố ngày" in after and "Đang ước lượng và công bố trong nền" not in after


def test_the_draft_page_says_the_publication_is_under_way(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path, settings: Any
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN)
    client = signed_in(chair)
    client.post(f"{estimates_url(survey)}cong-bo/", publish_post(survey))
    job = Job.objects.get(kind=publish_jobs.PUBLISH_JOB)
    settings.CHISO_SIPAS_DRAFT_BACKGROUND = 1  # the draft is being estimated too
    page = client.get(estimates_url(survey), QUICK).content.decode()
    publish = page[page.index('<h2 id="publish">') : page.index('<h2 id="par">')]
    assert "Đang ước lượng và công bố trong nền" in publish
    assert f'href="/quan-ly/tac-vu/{job.pk}/"' in publish
    assert "<form" not in publish


def test_a_failed_publication_publishes_nothing_and_says_so(
    admin: Any,
    chair: Any,
    tn_units: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN)
    client = signed_in(chair)
    post = publish_post(survey)

    # The publication's own transaction fails after the snapshot row was written.
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(sipas, "audit_record", broken)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{estimates_url(survey)}cong-bo/", post)
    job = Job.objects.get(kind=publish_jobs.PUBLISH_JOB)
    assert job.state == JobState.FAILED and f"tác vụ số {job.pk}" in job.error
    assert not SipasSnapshot.objects.exists()
    # The draft page shows why, and the button to try again (the draft is kept by now).
    page = client.get(estimates_url(survey), QUICK).content.decode()
    assert f"Lần công bố trước (tác vụ #{job.pk}) không thành, chưa công bố gì" in page
    assert f"{survey.pk}/uoc-luong/cong-bo/" in page
    client.cookies["django_language"] = "en"  # the worker's message, in the reader's language
    english = client.get(estimates_url(survey), QUICK).content.decode()
    assert f"(job no. {job.pk})" in english and "tác vụ số" not in english
    monkeypatch.undo()
    assert client.post(f"{estimates_url(survey)}cong-bo/", post)["Location"] == estimates_url(
        survey
    )
    assert SipasSnapshot.objects.filter(year=survey.year).count() == 1


def test_a_publication_cancelled_while_estimating_publishes_nothing(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN)
    client = signed_in(chair)
    client.post(f"{estimates_url(survey)}cong-bo/", publish_post(survey))
    job = Job.objects.get(kind=publish_jobs.PUBLISH_JOB)
    engine = sipas._results

    def cancelled_meanwhile(*args: Any, **kwargs: Any) -> Any:
        Job.objects.filter(pk=job.pk).update(cancel_requested=True)
        return engine(*args, **kwargs)

    monkeypatch.setattr(sipas, "_results", cancelled_meanwhile)
    assert job_run(job.pk) == "cancelled"
    assert not SipasSnapshot.objects.exists()


def test_the_job_checks_again_when_it_runs(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN)
    client = signed_in(chair)
    post = publish_post(survey)
    client.post(f"{estimates_url(survey)}cong-bo/", post)
    job = Job.objects.get(kind=publish_jobs.PUBLISH_JOB)
    # Published meanwhile (from a shell): the job refuses, and the published year stays.
    first = survey_sipas_publish(survey=survey, options=QUICK_OPTIONS, by=chair)
    assert job_run(job.pk) == "failed"
    job.refresh_from_db()
    assert "đã công bố kết quả SIPAS" in job.error
    assert list(SipasSnapshot.objects.all()) == [first]


def test_the_job_refuses_bad_parameters_and_other_people(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path
) -> None:
    from django.core.exceptions import PermissionDenied

    survey = answered_survey(admin, tmp_path, PLAN)
    params = {"survey": survey.pk, "options": QUICK_OPTIONS.recorded(), "answers_hash": "sha256:x"}
    with pytest.raises(PermissionDenied):
        publish_jobs.survey_publish_start(
            survey=survey, options=QUICK_OPTIONS, answers_hash="sha256:x", by=admin
        )
    assert signed_in(admin).post(f"{estimates_url(survey)}cong-bo/", QUICK).status_code == 403
    with pytest.raises(ValidationError, match="mã băm"):
        publish_jobs.publish_params({**params, "answers_hash": ""})
    with pytest.raises(ValidationError, match="bootstrap"):
        publish_jobs.publish_params(
            {**params, "options": {**QUICK_OPTIONS.recorded(), "bootstrap": 5}}
        )
    assert not Job.objects.filter(kind=publish_jobs.PUBLISH_JOB).exists()


def test_a_kept_estimate_of_other_settings_is_never_frozen(
    admin: Any, chair: Any, tn_units: Any, tmp_path: Path
) -> None:
    survey = answered_survey(admin, tmp_path, PLAN)
    estimate = survey_estimate(survey, QUICK_OPTIONS)
    frame = estimate.prepared.frame
    arguments = {
        "year": survey.year,
        "title": survey.title,
        "questionnaire_yaml": survey.questionnaire_yaml,
        "answers": frame,
        "names": unit_names(frame["unit"].unique().to_list()),
        "bootstrap": QUICK_OPTIONS.bootstrap,
        "level": QUICK_OPTIONS.level,
        "min_sample": survey.min_sample,
        "by": chair,
    }
    document = estimate.estimate.document
    with pytest.raises(ValidationError, match="seed"):
        sipas.sipas_publish(**arguments, seed=8, estimated=document)
    fewer = frame.filter(frame["unit"] != "TN.BDT")
    with pytest.raises(ValidationError, match="answers_hash"):
        sipas.sipas_publish(**{**arguments, "answers": fewer}, seed=7, estimated=document)
    assert not SipasSnapshot.objects.exists()
    snapshot = sipas.sipas_publish(**arguments, seed=7, estimated=document)
    assert snapshot.document == document
