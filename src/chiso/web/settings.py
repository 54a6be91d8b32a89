"""Django settings, read from environment variables.

Everything that differs between a laptop and a production server comes from the environment, so
the same code runs everywhere. The embedded default needs no setup: SQLite in WAL mode and
evidence files on the local disk, both under ``CHISO_DATA_DIR``.

Environment variables:

``CHISO_DEBUG``
    ``true`` on a developer machine only (default ``false``).
``CHISO_SECRET_KEY``
    Required unless ``CHISO_DEBUG`` is true.
``CHISO_ALLOWED_HOSTS``
    Comma-separated host names (default: localhost only when debugging, none otherwise).
``CHISO_DATA_DIR``
    Where the default SQLite file and the evidence files live (default ``./var``).
``DATABASE_URL``
    Any dj-database-url URL, e.g. ``postgres://chiso@db:5432/chiso``
    (default: SQLite at ``$CHISO_DATA_DIR/chiso.sqlite3``).
``CHISO_SECURE_COOKIES``
    Send session and CSRF cookies over HTTPS only (default: true unless debugging).
``REDIS_URL``
    Put the background-job queue in Redis (``redis://host:6379/0``; needs ``chiso[redis]``)
    instead of a table of the database (the default, which needs no other server).
``CHISO_JOB_WORKERS``
    Worker processes of the job queue (default 2).
``CHISO_JOB_TIMEOUT``
    Seconds a background job may run before its worker stops it (default 7200).
``CHISO_JOBS_SYNC``
    Run every background job at once in the process that starts it, without a worker
    (default false; the test suite sets it).
``CHISO_PROXY_COUNT``
    Number of reverse proxies in front of the app (default 0), so login throttling sees the
    client's address rather than the proxy's.
``CHISO_RATELIMIT``
    Rate limits of the public survey form and kiosk (default true; the benchmark turns them off).
``CHISO_RATELIMIT_REDIS_URL``
    Keep the rate-limit counters in Redis (needs the ``redis`` package) instead of files under
    ``CHISO_DATA_DIR`` — for several servers, or exact counts under heavy concurrency.
``CHISO_SIPAS_DRAFT_BACKGROUND``
    Respondents from which a survey's SIPAS draft is estimated by a background job while its
    page shows the progress, rather than in the request (default 3000; the draft is kept
    either way, so it is estimated once per set of answers and options).
``CHISO_SERVICE_INDICATORS``
    Dotted path of the function that gives the unit and province reports their published
    service-quality (Decision 766) figures (default: the service-quality app's,
    ``chiso.web.services.report_figures.service_figures``; ``none`` leaves the section out).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false.")


def _env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = _env_bool("CHISO_DEBUG", default=False)

SECRET_KEY = os.environ.get("CHISO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # A guessable key lets anyone forge sessions and password-reset links: refuse to start.
        raise ImproperlyConfigured(
            "CHISO_SECRET_KEY is not set. Set it to a long random string, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`, "
            "or set CHISO_DEBUG=true on a development machine."
        )
    SECRET_KEY = "django-insecure-chiso-development-only"

ALLOWED_HOSTS = _env_list(
    "CHISO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)

DATA_DIR = Path(os.environ.get("CHISO_DATA_DIR") or "var").resolve()
# The web package itself: project-wide templates and static files live here.
BASE_DIR = Path(__file__).resolve().parent

# --- Database -----------------------------------------------------------------------------------

_database_url = os.environ.get("DATABASE_URL", "").strip()
if _database_url:
    _default_db: dict[str, Any] = dict(
        dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)
    )
else:
    # Zero-setup default; the directory must exist before SQLite can create its file.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _default_db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "chiso.sqlite3",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }

if _default_db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers (public pages) run while a writer commits; NORMAL synchronous is safe
    # with WAL and much faster. IMMEDIATE takes the write lock at BEGIN, so a writer waits up to
    # `timeout` seconds for another writer instead of failing with "database is locked" halfway
    # through a transaction. Options given in DATABASE_URL's query string win.
    _default_db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        **_default_db.get("OPTIONS", {}),
    }

DATABASES = {"default": _default_db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications -------------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "chiso.web.units",
    "chiso.web.accounts",
    "chiso.web.audit",
    "chiso.web.evaluations",
    "chiso.web.publishing",
    "chiso.web.public",
    "django_q",
    "chiso.web.jobs",
    "chiso.web.surveys",
    "chiso.web.services",
]

ROOT_URLCONF = "chiso.web.urls"
WSGI_APPLICATION = "chiso.web.wsgi.application"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "evaluations:home"
LOGOUT_REDIRECT_URL = "public:home"
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Gzip for text responses (docs/architecture.md): above every middleware that reads or
    # changes the body, so it compresses last; under SecurityMiddleware, whose HTTPS redirect
    # needs no compressing.
    "chiso.web.middleware.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chiso.web.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Accounts and sessions ----------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Officials often share office PCs: a session lasts one working day and ends with the browser.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Off only for plain-HTTP development; an intranet deployment without TLS must opt out explicitly.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_bool("CHISO_SECURE_COOKIES", default=not DEBUG)

# Login throttling (django-axes). Five wrong passwords lock that user name *from that address*
# for 15 minutes: locking the address alone would lock a whole office behind one NAT, locking the
# name alone would let anyone lock an official out from anywhere. The lockout counts 15 minutes
# from the last failure before it, and a success clears the count.
AUTHENTICATION_BACKENDS = [
    "chiso.web.accounts.backends.ThrottledBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
# Behind a reverse proxy set this to the number of proxies, so the client's address is used.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("CHISO_PROXY_COUNT", "0")) or None

# --- Caches and rate limits (public survey endpoints) -------------------------------------------

# The default cache stays in each process (rendered public fragments of immutable snapshots).
# Rate-limit counts must be shared by every server thread and process: by default a file cache
# under DATA_DIR (no server to run; its increments are not atomic, so a burst of simultaneous
# requests can pass a few over the limit — set CHISO_RATELIMIT_REDIS_URL for exact counts).
_ratelimit_redis = os.environ.get("CHISO_RATELIMIT_REDIS_URL", "").strip()
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _ratelimit_redis}
        if _ratelimit_redis
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "ratelimit"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    ),
}
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_ENABLE = _env_bool("CHISO_RATELIMIT", default=True)

# --- Background jobs (django-q2) ----------------------------------------------------------------

# Long work runs in a worker (`django-admin qcluster`; `chiso web demo` starts one itself). The
# queue is a table in the database by default — SQLite or PostgreSQL, no server to run — and
# Redis when REDIS_URL is set. A task is acknowledged whether it succeeded or not and never
# retried by the queue: `chiso.web.jobs` records the outcome, and a retry is the user's choice.
# `retry` only re-delivers a task whose worker died without an answer, so it must exceed
# `timeout` (else a job still running would be handed to a second worker).
_job_timeout = int(os.environ.get("CHISO_JOB_TIMEOUT", str(2 * 60 * 60)))
Q_CLUSTER: dict[str, Any] = {
    "name": "chiso",
    "workers": int(os.environ.get("CHISO_JOB_WORKERS", "2")),
    "timeout": _job_timeout,
    "retry": _job_timeout + 10 * 60,
    "max_attempts": 1,
    "ack_failures": True,
    "save_limit": 200,
    "poll": 0.5,
    "catch_up": False,
    "label": "Hàng đợi tác vụ (django-q2)",
    "sync": _env_bool("CHISO_JOBS_SYNC", default=False),
}
_redis_url = os.environ.get("REDIS_URL", "").strip()
if _redis_url:
    Q_CLUSTER["redis"] = _redis_url
else:
    Q_CLUSTER["orm"] = "default"

# A survey's SIPAS draft with at least this many respondents is estimated in the background.
CHISO_SIPAS_DRAFT_BACKGROUND = int(os.environ.get("CHISO_SIPAS_DRAFT_BACKGROUND", "3000"))

# --- Language and time --------------------------------------------------------------------------

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

# --- Files --------------------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Evidence files are private: they live outside any web root and are served only by views that
# check permissions, so there is deliberately no MEDIA_URL for a web server to expose.
MEDIA_ROOT = DATA_DIR / "files"

# --- Reports ------------------------------------------------------------------------------------

# Where the unit and province reports read published service-quality figures from (the hook of
# `chiso.web.public.report_files`); "none" turns the section off.
_service_indicators = os.environ.get("CHISO_SERVICE_INDICATORS", "").strip()
CHISO_SERVICE_INDICATORS = (
    _service_indicators or "chiso.web.services.report_figures.service_figures"
    if _service_indicators.lower() != "none"
    else ""
)
