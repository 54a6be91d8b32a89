"""Records into the store as background jobs: uploads of several files land whole or not at
all (every bad row listed on the job page with its place and reason), re-imports do not
duplicate, one job writes the store at a time, and the synthetic province is labelled so and
never written over real records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from chiso.engine.problems import Problem
from chiso.engine.service import known_row_hashes, table_row_hash
from chiso.engine.service_tables import TABLES
from chiso.io.dossier_store import connect, open_store
from chiso.web.audit.models import AuditEvent
from chiso.web.jobs.models import Job, JobState
from chiso.web.services.store import store_root, uploads_root
from tests.web.factories import RoleAssignmentFactory
from tests.web.services.helpers import dossier, reference_files, synthetic_store, write_csv

pytestmark = pytest.mark.db

UPLOAD = "/quan-ly/chat-luong/tai-len/"


@pytest.fixture
def office(admin: Any, data_dir: Path) -> Client:
    client = Client()
    client.force_login(admin)
    return client


def upload(client: Client, files: dict[str, Path], capture: Any, run: bool = True) -> Any:
    """Post the files (table → path); the job runs when the request commits; follow it."""
    handles = {table: path.open("rb") for table, path in files.items()}
    try:
        with capture(execute=run):
            response = client.post(UPLOAD, handles)
    finally:
        for handle in handles.values():
            handle.close()
    assert response.status_code == 302, response.content
    return client.get(response["Location"])


def dossier_count() -> int:
    con = connect(store_root())
    try:
        return int(con.execute("SELECT count(*) FROM dossiers").fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


def test_several_files_land_together(
    office: Client, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    files = reference_files(tmp_path)
    files["dossiers"] = write_csv(tmp_path / "ho-so.csv", [dossier(n) for n in range(1, 6)])
    page = upload(office, files, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert job.kind == "service.import" and job.state == JobState.DONE, job.error
    assert job.progress_done == job.progress_total == 5
    assert [f["table"] for f in job.result["files"]] == [
        "units", "procedures", "unit_procedures", "dossiers",
    ]  # fmt: skip
    assert dossier_count() == 5
    html = page.content.decode()
    assert "ho-so.csv" in html and job.result["version"] in html
    assert AuditEvent.objects.filter(action="service.store_import").count() == 1
    dashboard = office.get("/quan-ly/chat-luong/").content.decode()
    assert "ho-so.csv" in dashboard and f"/quan-ly/tac-vu/{job.pk}/" in dashboard
    assert not list(uploads_root().iterdir()), "the uploaded files are removed after the job"
    # the landed tables keep the row hashes the staging computed: the fingerprint reads them
    con = connect(store_root())
    recorded = known_row_hashes(con)
    assert recorded["dossiers"][0] == 5
    assert recorded == {t.name: table_row_hash(con, t.name) for t in TABLES}


def test_a_bad_row_in_one_file_stops_every_file(
    office: Client, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    files = reference_files(tmp_path)
    rows = [
        dossier(1),
        dossier(2, unit_code="H99.X99"),
        dossier(3, received_at="2025-13-45 09:00"),
        dossier(4, channel="fax"),
    ]
    files["dossiers"] = write_csv(tmp_path / "ho-so.csv", rows)
    page = upload(office, files, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert job.state == JobState.FAILED
    error = job.error
    assert error.startswith("Không nhập gì — kho dữ liệu giữ nguyên: 1/4 tệp có lỗi.")
    assert "Tệp ho-so.csv (bảng dossiers): 3 dòng lỗi:" in error
    assert "ho-so.csv dòng 3, cột 'unit_code'" in error and "(DOS007)" in error
    assert "ho-so.csv dòng 4, cột 'received_at'" in error and "(DOS004)" in error
    assert "ho-so.csv dòng 5, cột 'channel'" in error and "fax" in error
    # The good reference files did not land either: the store is still empty.
    assert open_store(store_root()) is None
    assert "dòng 3, cột" in page.content.decode()
    office.cookies["django_language"] = "en"
    english = office.get(page.request["PATH_INFO"]).content.decode()
    assert "Nothing imported — the data store is unchanged: 1 of 4 files" in english
    assert "File ho-so.csv (table dossiers): 3 row(s) with errors:" in english
    assert "ho-so.csv row 3, column &#x27;unit_code&#x27;" in english and "dòng" not in english


def test_the_same_file_again_does_not_duplicate(
    office: Client, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    files = reference_files(tmp_path)
    files["dossiers"] = write_csv(tmp_path / "ho-so.csv", [dossier(1), dossier(2)])
    upload(office, files, django_capture_on_commit_callbacks)
    version = open_store(store_root()).name  # type: ignore[union-attr]
    upload(office, {"dossiers": files["dossiers"]}, django_capture_on_commit_callbacks)
    again = Job.objects.order_by("-pk").first()
    assert again is not None and again.state == JobState.DONE
    assert again.result["version"] is None and again.result["files"][0]["already"]
    assert open_store(store_root()).name == version  # type: ignore[union-attr]
    changed = write_csv(tmp_path / "ho-so-2.csv", [dossier(2, channel="truc_tiep"), dossier(3)])
    upload(office, {"dossiers": changed}, django_capture_on_commit_callbacks)
    latest = Job.objects.order_by("-pk").first()
    assert latest is not None and latest.result["files"][0] | {} == {
        **latest.result["files"][0], "new": 1, "updated": 1, "total": 3,
    }  # fmt: skip
    assert dossier_count() == 3


def test_one_job_writes_the_store_at_a_time(
    office: Client, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    files = reference_files(tmp_path)
    upload(office, {"units": files["units"]}, django_capture_on_commit_callbacks, run=False)
    assert Job.objects.get().state == JobState.QUEUED
    with files["procedures"].open("rb") as handle:
        response = office.post(UPLOAD, {"procedures": handle}, follow=True)
    assert "Đang có tác vụ #" in response.content.decode()
    assert Job.objects.count() == 1
    assert len(list(uploads_root().iterdir())) == 1  # the refused upload's files are gone


def test_only_csv_xlsx_json_parquet(office: Client, tmp_path: Path) -> None:
    text = tmp_path / "ho-so.txt"
    text.write_text("x", encoding="utf-8")
    with text.open("rb") as handle:
        response = office.post(UPLOAD, {"dossiers": handle}, follow=True)
    assert "chỉ nhận CSV, XLSX, JSON hoặc Parquet" in response.content.decode()
    assert not Job.objects.exists()


def test_officers_may_not_upload(data_dir: Path, tmp_path: Path) -> None:
    client = Client()
    client.force_login(RoleAssignmentFactory(officer=True).user)
    with reference_files(tmp_path)["units"].open("rb") as handle:
        assert client.post(UPLOAD, {"units": handle}).status_code == 403
    assert client.get("/quan-ly/chat-luong/").status_code == 403


def test_the_synthetic_province_is_labelled_and_spares_real_records(
    office: Client, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    form = {"dossiers": 300, "year": 2025, "seed": 1}
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post("/quan-ly/chat-luong/sinh-du-lieu/", form)
    job = Job.objects.get()
    assert job.state == JobState.DONE, job.error
    assert job.result["synthetic"] and job.result["tables"]["dossiers"] == 300
    assert "TỔNG HỢP" in office.get(response["Location"]).content.decode()
    store = open_store(store_root())
    assert store is not None and store.manifest["synthetic"] is True
    assert "Dữ liệu tổng hợp (giả lập)" in office.get("/quan-ly/chat-luong/").content.decode()

    # Real records replace the synthetic province whole (never mixed with it) …
    files = reference_files(tmp_path)
    files["dossiers"] = write_csv(tmp_path / "ho-so.csv", [dossier(1)])
    upload(office, files, django_capture_on_commit_callbacks)
    store = open_store(store_root())
    assert store is not None and not store.manifest["synthetic"]
    assert "generated" not in store.manifest and store.rows("feedback") == 0
    assert dossier_count() == 1 and not store_root().joinpath("README.md").exists()
    # … and the demo button now refuses to replace them.
    response = office.post("/quan-ly/chat-luong/sinh-du-lieu/", form, follow=True)
    assert "Kho đang có hồ sơ thật đã nhập (1 hồ sơ)" in response.content.decode()
    assert Job.objects.filter(kind="service.generate").count() == 1


def test_a_file_whose_references_are_not_uploaded_says_which_to_import(
    office: Client, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    files = {"dossiers": write_csv(tmp_path / "ho-so.csv", [dossier(1)])}
    upload(office, files, django_capture_on_commit_callbacks)
    error = Job.objects.get().error
    assert (
        "ho-so.csv: bảng dossiers tham chiếu đến bảng units, mà kho chưa có: hãy nhập bảng "
        "units trước (DOS014)"
    ) in error
    assert open_store(store_root()) is None


def test_over_synthetic_data_a_reference_left_out_is_said_to_be_synthetic(
    office: Client, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    # The dashboard lists the synthetic units and procedures: "the store has no units" would
    # contradict it. What stops the file is that real records never use synthetic ones.
    synthetic_store(store_root())
    before = open_store(store_root())
    assert before is not None
    files = {"dossiers": write_csv(tmp_path / "ho-so.csv", [dossier(1)])}
    page = upload(office, files, django_capture_on_commit_callbacks).content.decode()
    error = Job.objects.get().error
    assert "kho chưa có" not in error and "(DOS014)" not in error
    assert (
        "ho-so.csv: bảng units trong kho là dữ liệu tổng hợp (giả lập), không dùng cho hồ sơ "
        "thật: hãy tải lên bảng units thật cùng với bảng dossiers — dữ liệu thật thay toàn bộ "
        "dữ liệu tổng hợp (DOS018)"
    ) in error
    assert "bảng procedures trong kho là dữ liệu tổng hợp" in error
    assert "bảng units trong kho là dữ liệu tổng hợp" in page
    after = open_store(store_root())
    assert after is not None and after.name == before.name and after.manifest["synthetic"]
    english = Problem("DOS018", "ho-so.csv", {"needed": "units", "table": "dossiers"})
    assert english.message("en") == (
        "the store's units are synthetic data, which real records never use: upload the real "
        "units together with dossiers — real data replace the synthetic data as a whole"
    )
