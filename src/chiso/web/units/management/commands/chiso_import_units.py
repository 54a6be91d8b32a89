"""`manage.py chiso_import_units PATH`: import or update the unit list (or lineage, or the 2025
communes) from the shell. Nothing is written unless every row is good."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.web.units.services import (
    ImportReport,
    lineage_import,
    units_import,
    units_load_communes,
)


class Command(BaseCommand):
    help = "Nhập hoặc cập nhật danh sách đơn vị từ tệp CSV/XLSX (theo mã đơn vị)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, help="tệp CSV hoặc XLSX")
        parser.add_argument(
            "--lineage", action="store_true", help="tệp là quan hệ kế thừa (current, previous, …)"
        )
        parser.add_argument(
            "--communes",
            type=int,
            metavar="PROVINCE_CODE",
            help="nạp các xã, phường năm 2025 của tỉnh (vd. 19 = Thái Nguyên)",
        )
        parser.add_argument("--block", default="xa", help="khối xếp hạng cho --communes")
        parser.add_argument("--by", metavar="USERNAME", help="ghi nhật ký dưới tên người dùng này")

    def handle(self, *args: Any, **options: Any) -> None:
        by = self._user(options["by"])
        if options["communes"] is not None:
            report = units_load_communes(
                province_code=options["communes"], block=options["block"], by=by
            )
        elif options["path"] is None:
            raise CommandError("Cần đường dẫn tệp, hoặc --communes MÃ_TỈNH.")
        elif options["lineage"]:
            report = lineage_import(path=options["path"], by=by)
        else:
            report = units_import(path=options["path"], by=by)
        self._print(report)

    def _user(self, username: str | None) -> Any:
        if username is None:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Không có người dùng '{username}'.") from None

    def _print(self, report: ImportReport) -> None:
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(report.errors)} lỗi; không ghi gì vào cơ sở dữ liệu.")
        self.stdout.write(
            f"Thêm mới {report.created}, cập nhật {report.updated}, không đổi {report.unchanged}."
        )
