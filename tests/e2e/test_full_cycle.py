"""One year's cycle in a real browser: an officer self-assesses with an evidence file, an
appraiser changes a score with a reason and asks for an explanation, the officer explains, the
chair approves, and the public ranking shows the new rank."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.db, pytest.mark.django_db(transaction=True)]

METHOD = """
format: chiso.method/1
id: e2e-2024-so
title: Bộ tiêu chí thử nghiệm đầu-cuối
jurisdiction: Tỉnh Thử
level: department
year: 2024
language: vi
status: modelled
legal_basis: {decision: "1/QĐ-UBND", date: "2024-10-01"}
blocks: [{code: so, title: Khối sở}]
components: [{code: appraisal, title: Điểm thẩm định, sources: [appraisal], points: 5}]
criteria:
  - code: "1"
    title: Chỉ đạo điều hành
    max: 5
    children:
      - {code: "1.1", title: Ban hành kế hoạch CCHC, max: 2, source: appraisal,
         rule: {kind: binary}}
      - {code: "1.2", title: Kiểm tra công tác CCHC, max: 3, source: appraisal,
         rule: {kind: manual, step: 0.5}}
banding:
  kind: bands
  compare: full_precision
  bands:
    - {code: xuat_sac, label: Xuất sắc, range: "[90, inf)"}
    - {code: tot, label: Tốt, range: "[80, 90)"}
    - {code: kha, label: Khá, range: "[70, 80)"}
    - {code: trung_binh, label: Trung bình, range: "[50, 70)"}
    - {code: yeu, label: Yếu, range: "[0, 50)"}
ranking: {ties: shared}
display: {points_decimals: 2, index_decimals: 2, rounding: half_up}
missing_input: zero
"""
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def year(settings: Any, tmp_path: Path) -> dict[str, Any]:
    """Two departments; Sở Tư pháp has already claimed 4.5 of 5 and submitted."""
    from chiso.web.accounts.models import Role
    from chiso.web.evaluations import services
    from chiso.web.evaluations.models import Score
    from tests.web.factories import RoleAssignmentFactory, UnitFactory

    settings.MEDIA_ROOT = tmp_path / "files"
    snv = UnitFactory(code="SNV", name="Sở Nội vụ", kind="department", block="so")
    stp = UnitFactory(code="STP", name="Sở Tư pháp", kind="department", block="so")
    users = {
        name: RoleAssignmentFactory(user__username=name, **traits).user
        for name, traits in {
            "quantri": {"role": Role.ADMIN},
            "canbo": {"role": Role.OFFICER, "unit": snv},
            "canbo.stp": {"role": Role.OFFICER, "unit": stp},
            "thamdinh": {"appraiser": True},
            "chutich": {"chair": True},
        }.items()
    }
    admin = users["quantri"]
    period = services.period_create(year=2024, title="Chỉ số CCHC năm 2024", by=admin)
    services.period_set_method(period=period, block="so", method_yaml=METHOD, by=admin)
    period = services.period_transition(period=period, to="self_assessment", by=admin)
    for code, value in (("1.1", "có"), ("1.2", "2.5")):
        score = Score.objects.get(assessment__unit=stp, criterion=code)
        services.score_self_assess(
            score=score,
            value=value,
            note="Báo cáo số 12/BC",
            version=score.version,
            by=users["canbo.stp"],
        )
    services.assessment_submit(assessment=stp.assessments.get(), by=users["canbo.stp"])
    return {"period": period, "users": users, "evidence": _evidence(tmp_path)}


def _evidence(tmp_path: Path) -> Path:
    path = tmp_path / "ke-hoach-cchc-2024.pdf"
    path.write_bytes(PDF)
    return path


def _login(browser: Any, base: str, username: str) -> Any:
    page = browser.new_page()
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.fill("input[name=username]", username)
    from tests.web.factories import PASSWORD

    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/quan-ly/**")
    return page


def _stored(unit: str, criterion: str, **expected: str) -> None:
    """Wait until a row's save has reached the database: under load the page can show an
    earlier save's status while the latest request is still on its way."""
    from chiso.web.evaluations.models import Score

    for _ in range(200):
        score = Score.objects.get(assessment__unit__code=unit, criterion=criterion)
        if all(getattr(score, name) == value for name, value in expected.items()):
            return
        time.sleep(0.1)
    raise AssertionError(f"{unit} {criterion} never saved {expected}")


def _move(year: dict[str, Any], *states: str) -> None:
    """Move the period on, confirming the units not ready (Sở Tư pháp is not appraised)."""
    from tests.web.evaluations.helpers import move_on

    for state in states:
        year["period"] = move_on(year["period"], state, year["users"]["quantri"])


def test_full_cycle(browser: Any, live_server: Any, year: dict[str, Any]) -> None:
    base = live_server.url
    # 1. The officer of Sở Nội vụ claims full marks, with an evidence file, and submits.
    page = _login(browser, base, "canbo")
    page.goto(f"{base}/quan-ly/tu-danh-gia/SNV/")
    row = page.locator("#row-1\\.1")
    row.get_by_label("Có", exact=False).first.check()
    page.wait_for_selector("#row-1\\.1 .row-status:has-text('Đã lưu')")
    page.locator("#row-1\\.1 input[type=file]").set_input_files(str(year["evidence"]))
    page.wait_for_selector("#row-1\\.1 >> text=ke-hoach-cchc-2024.pdf")
    # Each field saves its row when the officer leaves it (htmx); wait for each save.
    page.fill("#row-1\\.2 input[type=number]", "3")
    page.press("#row-1\\.2 input[type=number]", "Tab")
    page.wait_for_selector("#row-1\\.2 >> text== 3 điểm")
    page.wait_for_load_state("networkidle")
    page.fill("#row-1\\.2 textarea", "Biên bản kiểm tra số 5/BB")
    page.press("#row-1\\.2 textarea", "Tab")
    _stored("SNV", "1.2", self_note="Biên bản kiểm tra số 5/BB")
    page.reload()  # the officer comes back later: the page shows what was saved
    page.click("button[value=submit]")
    page.wait_for_selector("text=Đã nộp")
    page.close()

    # 2. The appraiser lowers 1.2 with a reason and asks for an explanation.
    _move(year, "appraisal")
    page = _login(browser, base, "thamdinh")
    page.goto(f"{base}/quan-ly/tham-dinh/SNV/")
    page.fill("#row-1\\.2 textarea[name$=reason]", "Chỉ kiểm tra 2 trên 5 đơn vị trực thuộc")
    page.press("#row-1\\.2 textarea[name$=reason]", "Tab")
    _stored("SNV", "1.2", appraisal_reason="Chỉ kiểm tra 2 trên 5 đơn vị trực thuộc")
    page.wait_for_load_state("networkidle")
    page.fill("#row-1\\.2 input[type=number]", "1.5")
    page.press("#row-1\\.2 input[type=number]", "Tab")
    page.wait_for_selector("#row-1\\.2 >> text== 1,5 điểm")
    page.wait_for_load_state("networkidle")
    page.locator("#row-1\\.2 details.ask summary").click()
    page.fill("#row-1\\.2 textarea[name$=message]", "Đề nghị cung cấp kế hoạch kiểm tra")
    page.locator("#row-1\\.2 details.ask button").click()
    page.wait_for_selector("#row-1\\.2 >> text=Đề nghị cung cấp kế hoạch kiểm tra")
    page.close()

    # 3. The officer explains.
    _move(year, "explanation")
    page = _login(browser, base, "canbo")
    page.goto(f"{base}/quan-ly/giai-trinh/SNV/")
    page.locator("main textarea").first.fill("Kế hoạch kiểm tra đã gửi kèm công văn 45/SNV")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_selector("main .row-status:has-text('Đã gửi')")
    page.close()

    # 4. The chair approves; the public ranking shows the new order.
    _move(year, "second_appraisal", "council_review")
    page = _login(browser, base, "chutich")
    page.goto(f"{base}/quan-ly/hoi-dong/")
    page.check("input[name=confirm]")
    with page.expect_navigation():
        page.click("form[action$='cong-bo/'] button[type=submit]")
    page.wait_for_selector("text=Đã phê duyệt và công bố kết quả.")
    page.close()

    page = browser.new_page()
    page.goto(f"{base}/2024/so/")
    rows = page.locator("table tbody tr")
    assert "Sở Tư pháp" in rows.nth(0).inner_text()  # 4.5 of 5 = 90 %
    assert "Sở Nội vụ" in rows.nth(1).inner_text()  # 2 + 1.5 = 3.5 of 5 = 70 %
    assert "70" in rows.nth(1).inner_text()
    page.close()
    _check_records()


def _check_records() -> None:
    """What the clicks left behind: the evidence, the reasoned change, the answer, the audit."""
    from chiso.web.audit.models import AuditEvent
    from chiso.web.evaluations.models import Evidence, ExplanationRequest, Score
    from chiso.web.publishing.models import Snapshot

    assert Evidence.objects.get().original_name == "ke-hoach-cchc-2024.pdf"
    score = Score.objects.get(assessment__unit__code="SNV", criterion="1.2")
    assert (score.self_value, score.appraised_value) == ("3", "1.5")
    assert score.appraisal_reason == "Chỉ kiểm tra 2 trên 5 đơn vị trực thuộc"
    assert ExplanationRequest.objects.get().answer.startswith("Kế hoạch kiểm tra")
    assert Snapshot.objects.filter(period__year=2024, block="so").exists()
    assert AuditEvent.objects.filter(reason="Chỉ kiểm tra 2 trên 5 đơn vị trực thuộc").exists()
