"""Every authorisation decision in one place: who may do what, for which unit and field.

A user's powers come only from their `RoleAssignment` rows (Django's `is_superuser` and
`is_staff` grant nothing here: they govern the Django admin, not the evaluation). Each action
lists the roles that grant it and how far each grant reaches:

- ``ANY``: the role grants the action whatever the unit or field;
- ``UNIT``: the assignment must cover the unit — its unit is empty (all units) or is the unit;
- ``UNIT_FIELD``: as ``UNIT``, and its field is empty (all fields) or is the criterion's field.

A query without a unit (or field) asks about *all* units (fields), so only an assignment that
covers all of them answers yes. Forgetting to pass the unit therefore refuses, never widens.

Why the reform office (admin) may not edit a unit's self-assessment: the claim is the unit's own
statement, signed by its head, and the appraisal is checked against it. If the office that also
runs the appraisal could change the claim, the two would no longer be independent and the audit
log could not tell the unit's word from the office's. Corrections go through the appraisal (with
a reason) or the unit withdraws and resubmits. For the same reason the admin may not appraise.
"""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chiso.web.accounts.models import Role, RoleAssignment

__all__ = ["Action", "can", "officer_of", "require"]


class Action(StrEnum):
    PERIOD_MANAGE = "period.manage"
    UNITS_MANAGE = "units.manage"
    ACCOUNTS_MANAGE = "accounts.manage"
    ASSESSMENT_EDIT = "assessment.edit"
    ASSESSMENT_VIEW = "assessment.view"
    SCORE_APPRAISE = "score.appraise"
    EXPLANATION_REQUEST = "explanation.request"
    EXPLANATION_ANSWER = "explanation.answer"
    SURVEY_IMPORT = "survey.import"
    RESULTS_VIEW_DRAFT = "results.view_draft"
    PERIOD_APPROVE = "period.approve"
    AUDIT_VIEW = "audit.view"
    EVIDENCE_VIEW = "evidence.view"
    JOBS_MANAGE = "jobs.manage"
    SURVEY_MANAGE = "survey.manage"
    SURVEY_CONTACTS = "survey.contacts"
    SURVEY_ENTER = "survey.enter"
    SURVEY_VIEW = "survey.view"
    SURVEY_ESTIMATES = "survey.estimates"
    SERVICE_MANAGE = "service.manage"
    SERVICE_PUBLISH = "service.publish"
    SERVICE_VIEW = "service.view"
    SERVICE_DOSSIERS = "service.dossiers"


class Scope(Enum):
    ANY = "any"
    UNIT = "unit"
    UNIT_FIELD = "unit_field"


A, S = Action, Scope
ADMIN, OFFICER, APPRAISER = Role.ADMIN, Role.OFFICER, Role.APPRAISER
CHAIR, LEADERSHIP, SURVEYOR = Role.CHAIR, Role.LEADERSHIP, Role.SURVEYOR

# action → {role: how far the grant reaches}. A role not listed is refused.
POLICY: dict[Action, dict[Role, Scope]] = {
    A.PERIOD_MANAGE: {ADMIN: S.ANY},
    A.UNITS_MANAGE: {ADMIN: S.ANY},
    A.ACCOUNTS_MANAGE: {ADMIN: S.ANY},
    A.ASSESSMENT_EDIT: {OFFICER: S.UNIT},
    A.ASSESSMENT_VIEW: {
        OFFICER: S.UNIT,
        APPRAISER: S.UNIT,
        ADMIN: S.ANY,
        CHAIR: S.ANY,
        LEADERSHIP: S.ANY,
    },
    A.SCORE_APPRAISE: {APPRAISER: S.UNIT_FIELD},
    A.EXPLANATION_REQUEST: {APPRAISER: S.UNIT_FIELD},
    A.EXPLANATION_ANSWER: {OFFICER: S.UNIT},
    A.SURVEY_IMPORT: {ADMIN: S.ANY},
    A.RESULTS_VIEW_DRAFT: {ADMIN: S.ANY, CHAIR: S.ANY, APPRAISER: S.ANY, LEADERSHIP: S.ANY},
    A.PERIOD_APPROVE: {CHAIR: S.ANY},
    A.AUDIT_VIEW: {ADMIN: S.ANY, CHAIR: S.ANY},
    A.EVIDENCE_VIEW: {OFFICER: S.UNIT, APPRAISER: S.UNIT, ADMIN: S.ANY, CHAIR: S.ANY},
    A.JOBS_MANAGE: {ADMIN: S.ANY},
    # SIPAS: the reform office runs the survey and alone sees respondents' contacts. Its
    # data-entry staff (surveyor) key paper and phone forms and follow the fieldwork, but see
    # neither contacts nor estimates before they are published. A unit's officer never enters
    # or sees answers about their own unit (they are what is rated): `paper_enter` refuses a
    # surveyor who is also the officer of the form's unit.
    A.SURVEY_MANAGE: {ADMIN: S.ANY},
    A.SURVEY_CONTACTS: {ADMIN: S.ANY},
    A.SURVEY_ENTER: {ADMIN: S.ANY, SURVEYOR: S.ANY},
    A.SURVEY_VIEW: {ADMIN: S.ANY, CHAIR: S.ANY, LEADERSHIP: S.ANY, SURVEYOR: S.ANY},
    A.SURVEY_ESTIMATES: {ADMIN: S.ANY, CHAIR: S.ANY, LEADERSHIP: S.ANY},
    # Decision 766 service quality: the reform office loads the records and computes; it or the
    # council's chair publishes. A unit's officer (and the appraiser of that unit) may see the
    # unit's own overdue dossiers — the list behind its on-time rate — but no one else's.
    A.SERVICE_MANAGE: {ADMIN: S.ANY},
    A.SERVICE_PUBLISH: {ADMIN: S.ANY, CHAIR: S.ANY},
    A.SERVICE_VIEW: {ADMIN: S.ANY, CHAIR: S.ANY, LEADERSHIP: S.ANY, APPRAISER: S.ANY},
    A.SERVICE_DOSSIERS: {
        ADMIN: S.ANY,
        CHAIR: S.ANY,
        LEADERSHIP: S.ANY,
        OFFICER: S.UNIT,
        APPRAISER: S.UNIT,
    },
}

# What the refusal message says the user tried to do ("Bạn không có quyền …").
LABELS: dict[Action, Any] = {
    A.PERIOD_MANAGE: _("quản lý kỳ đánh giá"),
    A.UNITS_MANAGE: _("quản lý danh sách đơn vị"),
    A.ACCOUNTS_MANAGE: _("quản lý tài khoản và phân quyền"),
    A.ASSESSMENT_EDIT: _("sửa hồ sơ tự đánh giá của đơn vị này"),
    A.ASSESSMENT_VIEW: _("xem hồ sơ đánh giá của đơn vị này"),
    A.SCORE_APPRAISE: _("thẩm định tiêu chí này của đơn vị này"),
    A.EXPLANATION_REQUEST: _("yêu cầu giải trình tiêu chí này của đơn vị này"),
    A.EXPLANATION_ANSWER: _("giải trình thay cho đơn vị này"),
    A.SURVEY_IMPORT: _("nhập kết quả điều tra xã hội học"),
    A.RESULTS_VIEW_DRAFT: _("xem kết quả chưa công bố"),
    A.PERIOD_APPROVE: _("phê duyệt kết quả"),
    A.AUDIT_VIEW: _("xem nhật ký thay đổi"),
    A.EVIDENCE_VIEW: _("xem tài liệu kiểm chứng của đơn vị này"),
    A.JOBS_MANAGE: _("chạy tác vụ nền hoặc xem tác vụ của người khác"),
    A.SURVEY_MANAGE: _("quản lý khảo sát sự hài lòng"),
    A.SURVEY_CONTACTS: _("xem thông tin liên hệ của người được khảo sát"),
    A.SURVEY_ENTER: _("nhập phiếu khảo sát giấy"),
    A.SURVEY_VIEW: _("xem tiến độ khảo sát"),
    A.SURVEY_ESTIMATES: _("xem kết quả ước lượng khảo sát chưa công bố"),
    A.SERVICE_MANAGE: _("nạp hồ sơ và tính chỉ số chất lượng phục vụ"),
    A.SERVICE_PUBLISH: _("công bố chỉ số chất lượng phục vụ"),
    A.SERVICE_VIEW: _("xem chỉ số chất lượng phục vụ chưa công bố"),
    A.SERVICE_DOSSIERS: _("xem danh sách hồ sơ trễ hạn của đơn vị này"),
}


def can(user: Any, action: Action, *, unit: Any = None, field_code: str | None = None) -> bool:
    """Whether `user` may do `action` for `unit` (a `Unit` or None = all units) and
    `field_code` (a criterion's field, or None = all fields)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    grants = POLICY[Action(action)]
    unit_id = getattr(unit, "pk", None)
    assignments = RoleAssignment.objects.filter(user=user, role__in=list(grants))
    for role, unit_pk, field in assignments.values_list("role", "unit_id", "field_code"):
        scope = grants[Role(role)]
        if _covers(scope, unit_pk, field, unit_id=unit_id, field_code=field_code):
            return True
    return False


def require(user: Any, action: Action, *, unit: Any = None, field_code: str | None = None) -> None:
    """Raise `PermissionDenied` with a Vietnamese message unless `can(...)`."""
    if not can(user, action, unit=unit, field_code=field_code):
        raise PermissionDenied(
            gettext("Bạn không có quyền %(what)s.") % {"what": LABELS[Action(action)]}
        )


def officer_of(user: Any, unit: Any) -> bool:
    """Whether `user` is the officer of `unit`: what the unit claims is theirs, so whatever
    rates the unit (survey answers) must not pass through their hands."""
    if user is None or not user.is_authenticated or unit is None:
        return False
    return RoleAssignment.objects.filter(user=user, role=Role.OFFICER, unit=unit).exists()


def _covers(
    scope: Scope,
    assigned_unit: int | None,
    assigned_field: str,
    *,
    unit_id: int | None,
    field_code: str | None,
) -> bool:
    if scope is Scope.ANY:
        return True
    if assigned_unit is not None and assigned_unit != unit_id:
        return False
    if scope is Scope.UNIT_FIELD:
        return not assigned_field or assigned_field == field_code
    return True
