from typing import Any

from django.apps import AppConfig
from django.core import checks


class JobsConfig(AppConfig):
    name = "chiso.web.jobs"
    label = "jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        checks.register(check_broker, checks.Tags.compatibility)


def check_broker(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """With REDIS_URL set the queue needs the redis client; say so at start, not at the first
    job (which would otherwise wait in a queue nobody reads)."""
    from django.conf import settings

    if not settings.Q_CLUSTER.get("redis"):
        return []
    try:
        import redis  # noqa: F401
    except ImportError:
        return [
            checks.Error(
                "REDIS_URL is set but the redis client is not installed.",
                hint="pip install 'chiso[redis]', or unset REDIS_URL to use the database queue.",
                id="jobs.E001",
            )
        ]
    return []
