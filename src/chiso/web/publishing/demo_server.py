"""`chiso web demo`: migrate, seed and serve the web demo with production-like settings.

DEBUG stays off: waitress (pure Python, any OS) serves the app and WhiteNoise the static files;
the background-job worker (django-q2's `qcluster`) runs beside it as a child process.
The demo always uses its own SQLite file under `data_dir` — never `DATABASE_URL` from the
shell, so demo users with known passwords cannot land in a real database.
"""

from __future__ import annotations

import os
import secrets
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEFAULT_DATA_DIR = Path("var") / "demo-web"


def configure(data_dir: Path, host: str) -> None:
    """Environment for `chiso.web.settings`, set before Django reads it."""
    os.environ.pop("DATABASE_URL", None)
    os.environ["CHISO_DATA_DIR"] = str(data_dir.resolve())
    os.environ["DJANGO_SETTINGS_MODULE"] = "chiso.web.settings"
    os.environ.setdefault("CHISO_SECRET_KEY", _secret_key(data_dir))
    os.environ.setdefault("CHISO_DEBUG", "false")
    # Plain HTTP on this machine: cookies cannot be HTTPS-only.
    os.environ.setdefault("CHISO_SECURE_COOKIES", "false")
    # One background job at a time is plenty for a demo, and leaves the cores to the pages.
    os.environ.setdefault("CHISO_JOB_WORKERS", "1")
    hosts = {"localhost", "127.0.0.1", "[::1]", host}
    os.environ.setdefault("CHISO_ALLOWED_HOSTS", ",".join(sorted(hosts)))


def _secret_key(data_dir: Path) -> str:
    """One random key per demo folder, kept so logins survive a restart."""
    path = data_dir / "secret-key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def prepare(say: Callable[[str], None]) -> None:
    """Migrate the demo database, seed it, collect the static files."""
    import django
    from django.core.management import call_command

    django.setup()
    say("Cập nhật cơ sở dữ liệu (migrate) …")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from chiso.web.publishing.demo_seed import seed_demo

    seed_demo(say=say)


def logins() -> list[str]:
    """The demo users and their password, for the terminal (after `prepare`)."""
    from chiso.web.publishing.demo_seed import DEMO_PASSWORD, DEMO_USERS

    lines = [f"Tài khoản demo (mật khẩu chung: {DEMO_PASSWORD}):"]
    return lines + [f"  {user.username:<10} {user.name}" for user in DEMO_USERS]


def application() -> Any:
    """The WSGI app with WhiteNoise serving the collected static files."""
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from whitenoise import WhiteNoise

    return WhiteNoise(
        get_wsgi_application(), root=str(settings.STATIC_ROOT), prefix=settings.STATIC_URL
    )


def serve(host: str, port: int, threads: int = 8) -> None:
    """Serve with waitress, with the background-job worker running beside it (a child process
    stopped with the server: Ctrl+C, SIGTERM, or the end of waitress)."""
    from waitress import serve as waitress_serve

    from chiso.web.jobs.worker import worker_process

    app = application()
    # SIGTERM ends waitress the way Ctrl+C does, so the worker is stopped too.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    with worker_process():
        waitress_serve(app, host=host, port=port, threads=threads)


def _exit_on_signal(signum: int, frame: Any) -> None:
    raise SystemExit(0)
