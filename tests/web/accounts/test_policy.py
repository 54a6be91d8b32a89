"""The authorisation policy as a matrix: every role × every action × in scope and out of it.

One table (`EXPECTED`) says, for each action and role, in which of three situations the action
is allowed; every other combination must be refused. The situations are relative to an
officer's unit U and an appraiser's field "2":

- ``in``: unit U, field "2" — the scoped roles' own unit and field;
- ``other_unit``: unit V, field "2";
- ``other_field``: unit U, field "3".
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from chiso.web.accounts.models import Role
from chiso.web.accounts.policy import Action, can, require
from tests.web.factories import RoleAssignmentFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.db

CASES = ("in", "other_unit", "other_field")
ALL = frozenset(CASES)
UNIT = frozenset({"in", "other_field"})  # the unit matters, the field does not
UNIT_FIELD = frozenset({"in"})
NONE: frozenset[str] = frozenset()

ROLES = (
    "admin",
    "officer",
    "appraiser_all",
    "appraiser_scoped",
    "chair",
    "leadership",
    "surveyor",
    "no_role",
    "inactive_admin",
    "anonymous",
)

# action → {role: situations where it is allowed}; roles not listed are refused everywhere.
EXPECTED: dict[Action, dict[str, frozenset[str]]] = {
    Action.PERIOD_MANAGE: {"admin": ALL},
    Action.UNITS_MANAGE: {"admin": ALL},
    Action.ACCOUNTS_MANAGE: {"admin": ALL},
    Action.ASSESSMENT_EDIT: {"officer": UNIT},
    Action.ASSESSMENT_VIEW: {
        "admin": ALL,
        "officer": UNIT,
        "appraiser_all": ALL,
        "appraiser_scoped": UNIT,
        "chair": ALL,
        "leadership": ALL,
    },
    Action.SCORE_APPRAISE: {"appraiser_all": ALL, "appraiser_scoped": UNIT_FIELD},
    Action.EXPLANATION_REQUEST: {"appraiser_all": ALL, "appraiser_scoped": UNIT_FIELD},
    Action.EXPLANATION_ANSWER: {"officer": UNIT},
    Action.SURVEY_IMPORT: {"admin": ALL},
    Action.RESULTS_VIEW_DRAFT: {
        "admin": ALL,
        "appraiser_all": ALL,
        "appraiser_scoped": ALL,
        "chair": ALL,
        "leadership": ALL,
    },
    Action.PERIOD_APPROVE: {"chair": ALL},
    Action.AUDIT_VIEW: {"admin": ALL, "chair": ALL},
    Action.EVIDENCE_VIEW: {
        "admin": ALL,
        "officer": UNIT,
        "appraiser_all": ALL,
        "appraiser_scoped": UNIT,
        "chair": ALL,
    },
    Action.JOBS_MANAGE: {"admin": ALL},
    Action.SURVEY_MANAGE: {"admin": ALL},
    Action.SURVEY_CONTACTS: {"admin": ALL},
    Action.SURVEY_ENTER: {"admin": ALL, "surveyor": ALL},
    Action.SURVEY_VIEW: {"admin": ALL, "chair": ALL, "leadership": ALL, "surveyor": ALL},
    Action.SURVEY_ESTIMATES: {"admin": ALL, "chair": ALL, "leadership": ALL},
    Action.SERVICE_MANAGE: {"admin": ALL},
    Action.SERVICE_PUBLISH: {"admin": ALL, "chair": ALL},
    Action.SERVICE_VIEW: {
        "admin": ALL,
        "appraiser_all": ALL,
        "appraiser_scoped": ALL,
        "chair": ALL,
        "leadership": ALL,
    },
    Action.SERVICE_DOSSIERS: {
        "admin": ALL,
        "officer": UNIT,
        "appraiser_all": ALL,
        "appraiser_scoped": UNIT,
        "chair": ALL,
        "leadership": ALL,
    },
}

MATRIX = [
    pytest.param(
        role, action, case, case in EXPECTED[action].get(role, NONE), id=f"{role}-{action}-{case}"
    )
    for action in Action
    for role in ROLES
    for case in CASES
]


def _actor(role: str, unit_u: Any) -> Any:
    if role == "anonymous":
        return AnonymousUser()
    if role == "no_role":
        return UserFactory()
    if role == "inactive_admin":
        return RoleAssignmentFactory(role=Role.ADMIN, user=UserFactory(is_active=False)).user
    if role == "officer":
        return RoleAssignmentFactory(officer=True, unit=unit_u).user
    if role == "appraiser_all":
        return RoleAssignmentFactory(appraiser=True).user
    if role == "appraiser_scoped":
        return RoleAssignmentFactory(appraiser=True, unit=unit_u, field_code="2").user
    return RoleAssignmentFactory(role=Role(role)).user


def test_the_table_covers_every_action() -> None:
    assert set(EXPECTED) == set(Action)
    assert {role for grants in EXPECTED.values() for role in grants} <= set(ROLES)


@pytest.mark.parametrize(("role", "action", "case", "allowed"), MATRIX)
def test_policy_matrix(role: str, action: Action, case: str, allowed: bool) -> None:
    unit_u, unit_v = UnitFactory(code="U"), UnitFactory(code="V")
    user = _actor(role, unit_u)
    unit, field_code = {
        "in": (unit_u, "2"),
        "other_unit": (unit_v, "2"),
        "other_field": (unit_u, "3"),
    }[case]

    assert can(user, action, unit=unit, field_code=field_code) is allowed
    if allowed:
        require(user, action, unit=unit, field_code=field_code)
    else:
        with pytest.raises(PermissionDenied):
            require(user, action, unit=unit, field_code=field_code)


def test_without_a_unit_only_an_assignment_covering_all_units_answers_yes() -> None:
    scoped = RoleAssignmentFactory(appraiser=True, unit=UnitFactory(), field_code="2").user
    everywhere = RoleAssignmentFactory(appraiser=True).user
    officer = RoleAssignmentFactory(officer=True).user

    assert not can(scoped, Action.SCORE_APPRAISE, field_code="2")
    assert not can(scoped, Action.SCORE_APPRAISE, unit=UnitFactory(), field_code=None)
    assert can(everywhere, Action.SCORE_APPRAISE)
    assert not can(officer, Action.ASSESSMENT_EDIT)


def test_one_of_several_roles_is_enough() -> None:
    unit = UnitFactory()
    assignment = RoleAssignmentFactory(officer=True, unit=unit)
    RoleAssignmentFactory(user=assignment.user, role=Role.LEADERSHIP)

    assert can(assignment.user, Action.ASSESSMENT_VIEW, unit=UnitFactory())
    assert can(assignment.user, Action.ASSESSMENT_EDIT, unit=unit)
    assert not can(assignment.user, Action.PERIOD_MANAGE)


def test_a_superuser_gets_no_power_from_the_flag_alone() -> None:
    boss = UserFactory(is_superuser=True, is_staff=True)
    assert not any(can(boss, action, unit=UnitFactory()) for action in Action)


def test_the_refusal_says_in_vietnamese_what_was_refused() -> None:
    with pytest.raises(PermissionDenied, match="Bạn không có quyền phê duyệt kết quả"):
        require(UserFactory(), Action.PERIOD_APPROVE)


def test_actions_are_accepted_by_their_string_value() -> None:
    admin = RoleAssignmentFactory(role=Role.ADMIN).user
    assert can(admin, "audit.view")  # type: ignore[arg-type]
