"""`manage.py chiso_seed_demo`: the Thái Nguyên demo data (units, users, 2023 and 2024
published, 2025 open). Idempotent; run `migrate` first."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chiso.web.publishing.demo_seed import DEMO_PASSWORD, DEMO_USERS, seed_demo


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu minh họa Thái Nguyên: đơn vị, tài khoản demo, kết quả 2023 và 2024 "
        "đã công bố, kỳ 2025 đang tự đánh giá. Chạy lại không tạo trùng. Chỉ dùng cho máy "
        "demo: mật khẩu của các tài khoản demo là công khai."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        seed_demo(say=self.stdout.write)
        self.stdout.write("")
        self.stdout.write(
            f"Đăng nhập (mật khẩu chung, công khai — chỉ dùng để demo: {DEMO_PASSWORD}):"
        )
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<10} {user.name}")
