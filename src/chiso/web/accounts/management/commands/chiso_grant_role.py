"""`manage.py chiso_grant_role USERNAME ROLE [--unit CODE] [--field CODE]`: grant a role from the
shell — the way to appoint the first administrator, who then manages the others on the web."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.web.accounts.models import Role
from chiso.web.accounts.services import role_assign
from chiso.web.units.models import Unit


class Command(BaseCommand):
    help = "Phân quyền cho người dùng (vai trò: " + ", ".join(Role.values) + ")."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--unit", metavar="CODE", help="mã đơn vị (bắt buộc với officer)")
        parser.add_argument("--field", default="", metavar="CODE", help="mã lĩnh vực")

    def handle(self, *args: Any, **options: Any) -> None:
        model = get_user_model()
        try:
            user = model.objects.get(username=options["username"])
            unit = Unit.objects.get(code=options["unit"]) if options["unit"] else None
        except (model.DoesNotExist, Unit.DoesNotExist) as exc:
            raise CommandError(str(exc)) from None
        if options["role"] == Role.OFFICER and unit is None:
            raise CommandError("Cán bộ đầu mối cần --unit.")
        role_assign(
            user=user, role=options["role"], unit=unit, field_code=options["field"], by=None
        )
        self.stdout.write(f"Đã phân quyền {options['role']} cho {user.get_username()}.")
