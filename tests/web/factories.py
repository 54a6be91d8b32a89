"""factory-boy factories for the web tests: users, units and role assignments.

    officer = RoleAssignmentFactory(officer=True)             # an officer of a new unit
    appraiser = RoleAssignmentFactory(appraiser=True, unit=u, field_code="2")
    admin_user = RoleAssignmentFactory(role=Role.ADMIN).user

Log a test user in with `client.force_login(user)`; `client.login()` works too (it authenticates
without a request, which login throttling lets through).
"""

from __future__ import annotations

from functools import cache

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from chiso.web.accounts.models import Role, RoleAssignment
from chiso.web.units.models import Unit, UnitKind

PASSWORD = "mật khẩu thử nghiệm"


@cache
def _password_hash() -> str:
    # Hashing is slow by design; hash once per test process, every user shares the result.
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"can.bo.{n}")
    first_name = "Văn An"
    last_name = factory.Sequence(lambda n: f"Nguyễn {n}")
    is_active = True
    password = factory.LazyFunction(_password_hash)  # every user's password is PASSWORD


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SO{n:03d}")
    name = factory.Sequence(lambda n: f"Sở thử nghiệm {n}")
    kind = UnitKind.DEPARTMENT
    block = "so"
    tags = ""


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.ADMIN
    unit = None
    field_code = ""

    class Params:
        officer = factory.Trait(role=Role.OFFICER, unit=factory.SubFactory(UnitFactory))
        appraiser = factory.Trait(role=Role.APPRAISER)
        chair = factory.Trait(role=Role.CHAIR)
        leadership = factory.Trait(role=Role.LEADERSHIP)
