"""Survey and SIPAS results: imported all or nothing, every bad row named by row and column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chiso.web.audit.models import AuditEvent
from chiso.web.evaluations.models import Period, Score
from chiso.web.evaluations.services import survey_import
from chiso.web.evaluations.workflow import WorkflowError
from tests.web.evaluations.helpers import officer_of, score_of

pytestmark = pytest.mark.db


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "khao-sat.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def appraising(period: Period, move: Any) -> Period:
    return move(period, "appraisal")


def test_survey_values_are_set_and_audited(
    appraising: Period, admin_user: Any, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "unit,criterion,value\nTN.SNV,1.7.1,A=30;B=10\nTN.SNV,8.1.1,92,5\nTN.STP,5.6.2,\n",
    )
    assert survey_import(period=appraising, path=path, by=admin_user) == 2
    survey = score_of(appraising, "TN.SNV", "1.7.1")
    assert survey.appraised_value == "A=30;B=10" and survey.appraised_points == pytest.approx(0.9)
    assert survey.version == 2 and "khao-sat.csv" in survey.appraisal_reason
    assert score_of(appraising, "TN.SNV", "8.1.1").appraised_value == "92"
    assert AuditEvent.objects.filter(action="score.survey_import").count() == 2


def test_every_bad_row_is_reported_and_nothing_saved(
    appraising: Period, admin_user: Any, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "unit,criterion,value\n"
        "TN.SNV,1.7.1,A\n"  # fine, but the file has errors: not saved
        "TN.XYZ,1.7.1,A\n"  # unknown unit
        "TN.SNV,1.1.1,dung_han\n"  # not a survey criterion
        "TN.SNV,8.2.1,E\n"  # not an option
        "TN.SNV,8.1.2,150\n"  # a rate over 100
        "TN.BDT,8.1.1,90\n"  # exempt
        "TN.SNV,1.7.1,B\n",  # given twice
    )
    with pytest.raises(ValidationError) as caught:
        survey_import(period=appraising, path=path, by=admin_user)
    messages = caught.value.messages
    assert len(messages) == 6
    assert messages[0].startswith("khao-sat.csv dòng 3, cột 'value': đơn vị 'TN.XYZ'")
    assert [m.split(":")[0].split(" dòng ")[1] for m in messages] == [
        "3, cột 'value'",
        "4, cột 'value'",
        "5, cột 'value'",
        "6, cột 'value'",
        "7, cột 'value'",
        "8, cột 'value'",
    ]
    assert "không lấy điểm từ điều tra" in messages[1]
    assert "không áp dụng" in messages[4] and "bị trùng" in messages[5]
    assert not Score.objects.exclude(appraised_value="").exists()


def test_a_file_without_the_columns_is_refused(
    appraising: Period, admin_user: Any, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match="INP001"):
        survey_import(period=appraising, path=write(tmp_path, "foo,bar\nx,1\n"), by=admin_user)


def test_survey_import_is_for_the_office_and_before_the_council(
    appraising: Period, admin_user: Any, units: Any, tmp_path: Path, move: Any
) -> None:
    path = write(tmp_path, "unit,criterion,value\nTN.SNV,1.7.1,A\n")
    with pytest.raises(PermissionDenied):
        survey_import(period=appraising, path=path, by=officer_of(units["TN.SNV"]))
    period = move(appraising, "council_review")
    with pytest.raises(WorkflowError):
        survey_import(period=period, path=path, by=admin_user)


def test_standard_errors_are_stored_in_points_and_combined_per_component(
    appraising: Period, admin_user: Any, tmp_path: Path
) -> None:
    from chiso.web.evaluations.selectors import period_standard_errors

    path = write(
        tmp_path,
        "unit,criterion,value,se\nTN.SNV,8.1.1,90,2\nTN.SNV,8.1.2,80,4\nTN.STP,8.1.1,85,\n",
    )
    survey_import(period=appraising, path=path, by=admin_user)
    assert score_of(appraising, "TN.SNV", "8.1.1").appraised_se == pytest.approx(1.5 * 2 / 100)
    assert score_of(appraising, "TN.STP", "8.1.1").appraised_se is None
    errors = period_standard_errors(appraising, "so")
    assert errors == {("TN.SNV", "survey"): pytest.approx((0.03**2 + 0.06**2) ** 0.5)}


def test_standard_error_problems_are_named(
    appraising: Period, admin_user: Any, tmp_path: Path
) -> None:
    path = write(tmp_path, "unit,criterion,value,se\nTN.SNV,8.1.1,90,-1\nTN.SNV,8.1.2,80,x\n")
    with pytest.raises(ValidationError) as caught:
        survey_import(period=appraising, path=path, by=admin_user)
    text = " ".join(caught.value.messages)
    assert "dòng 2" in text and "dòng 3" in text and "≥ 0" in text
    assert score_of(appraising, "TN.SNV", "8.1.1").appraised_se is None
