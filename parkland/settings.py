"""Parkland settings: one module, every knob read from the environment with a safe default.

The README lists every variable. Debug is off unless DJANGO_DEBUG says otherwise, and then a
secret key must be given.
"""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

# Required when debug is off: left empty, Django refuses to sign anything (sessions, CSRF) and
# `check --deploy` fails, while commands that sign nothing (migrations, reports) still run.
SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "parkland-insecure-development-key-only-for-debug-mode"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_filters",
    "simple_history",
    "parkland.apps.SignInRecordsConfig",  # django-axes
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "cases",
    "evaluation",
    "jobs",
    # Only for parkland/admin.py: the sign-in records in the admin, for superusers.
    "parkland",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The security headers first, so that every response carries them, refusals included.
    "csp.middleware.CSPMiddleware",
    "parkland.middleware.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "parkland.middleware.IdleSessionMiddleware",
    "cases.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the user is known, so the 400 and 405 pages show the user's own menu.
    "parkland.middleware.HostileInputMiddleware",
    "parkland.middleware.MethodNotAllowedPageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "parkland.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

FORM_RENDERER = "cases.forms.FormRenderer"

WSGI_APPLICATION = "parkland.wsgi.application"

# An embedded SQLite file under var/ unless DATABASE_URL names another database.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'parkland.sqlite3'}"),
        conn_max_age=int(env("DJANGO_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock at BEGIN, so two requests numbering cases never interleave.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The case list's covering index carries its columns on PostgreSQL only; SQLite indexes the keys.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "cases" / "locale"]
FORMAT_MODULE_PATH = ["parkland.formats"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))

# Evidence may end up in court: it lives in private storage that no URL serves.
EVIDENCE_ROOT = Path(env("PARKLAND_EVIDENCE_ROOT", str(BASE_DIR / "var" / "evidence")))

# Evidence uploads: the size limit is checked while the file arrives; every upload goes to a
# temporary file, never into memory.
PARKLAND_EVIDENCE_MAX_BYTES = int(env("PARKLAND_EVIDENCE_MAX_MB", "200")) * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "cases.uploads.EvidenceSizeLimitHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_TEMP_DIR = env("DJANGO_FILE_UPLOAD_TEMP_DIR") or None

# Ledger (台账) imports: the largest file accepted. Between its dry run and the confirmed import an
# uploaded file waits in the private storage below (a day at most; no URL serves it).
PARKLAND_LEDGER_MAX_BYTES = int(env("PARKLAND_LEDGER_MAX_MB", "20")) * 1024 * 1024

# The map (docs/map.md): how far an imported boundary's computed area may be from the parcel's
# recorded area before the import warns (per cent), and an optional WMS background for intranets that
# have one (a GetMap URL with its LAYERS, STYLES and FORMAT; Parkland adds the box and the size).
# None by default, so the map loads nothing from another host.
PARKLAND_BOUNDARY_AREA_TOLERANCE_PCT = Decimal(env("PARKLAND_BOUNDARY_AREA_TOLERANCE_PCT", "1"))
PARKLAND_MAP_WMS_URL = env("PARKLAND_MAP_WMS_URL")

# Files every app server must see (docs/deploy.md): "evidence" (the case files) and "private" (a
# ledger waiting for its confirmation, job results). PARKLAND_STORAGE chooses where they live:
# "filesystem" (default: PARKLAND_EVIDENCE_ROOT and PARKLAND_PRIVATE_ROOT, on a volume all servers
# mount) or "s3" (an S3-compatible bucket through django-storages, under the prefixes evidence/ and
# private/). No URL serves either: downloads go through permission-checked views.
PARKLAND_STORAGE = env("PARKLAND_STORAGE", "filesystem")
PRIVATE_ROOT = Path(env("PARKLAND_PRIVATE_ROOT", str(BASE_DIR / "var" / "private")))
# How a permitted download leaves the server (cases/downloads.py): "app" (the worker sends the file),
# "x-accel" (nginx sends it from its internal location PARKLAND_X_ACCEL_PREFIX/<storage>/<name>), or
# "presigned" (a redirect to a presigned URL of the bucket, valid PARKLAND_S3_URL_SECONDS).
PARKLAND_DOWNLOADS = env("PARKLAND_DOWNLOADS", "presigned" if PARKLAND_STORAGE == "s3" else "app")
PARKLAND_X_ACCEL_PREFIX = "/" + env("PARKLAND_X_ACCEL_PREFIX", "/_protected/").strip("/") + "/"
if (PARKLAND_STORAGE, PARKLAND_DOWNLOADS) not in {
    ("filesystem", "app"),
    ("filesystem", "x-accel"),
    ("s3", "app"),
    ("s3", "presigned"),
}:
    raise ValueError(
        "PARKLAND_DOWNLOADS must be app or x-accel with the filesystem storage, app or presigned with s3; "
        f"not {PARKLAND_DOWNLOADS!r} with {PARKLAND_STORAGE!r}"
    )


def _file_storage(location: Path, prefix: str) -> dict:
    if PARKLAND_STORAGE == "s3":
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env("PARKLAND_S3_BUCKET"),
                "endpoint_url": env("PARKLAND_S3_ENDPOINT_URL") or None,
                "region_name": env("PARKLAND_S3_REGION") or None,
                # Empty: boto3 finds credentials itself (AWS_* variables, instance role).
                "access_key": env("PARKLAND_S3_ACCESS_KEY") or None,
                "secret_key": env("PARKLAND_S3_SECRET_KEY") or None,
                "location": prefix,
                "default_acl": None,
                "file_overwrite": False,
                "querystring_auth": True,
                "querystring_expire": int(env("PARKLAND_S3_URL_SECONDS", "300")),
                "addressing_style": env("PARKLAND_S3_ADDRESSING_STYLE") or None,
                "signature_version": "s3v4",
            },
        }
    if PARKLAND_STORAGE != "filesystem":
        raise ValueError(f"PARKLAND_STORAGE must be filesystem or s3, not {PARKLAND_STORAGE!r}")
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Readable by the group, which nginx joins to send files itself (docs/deploy.md).
        "OPTIONS": {
            "location": str(location),
            "base_url": None,
            "file_permissions_mode": 0o640,
            "directory_permissions_mode": 0o750,
        },
    }


STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(BASE_DIR / "var" / "media")},
    },
    "evidence": _file_storage(EVIDENCE_ROOT, "evidence"),
    "private": _file_storage(PRIVATE_ROOT, "private"),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Sign-in: after PARKLAND_LOGIN_FAILURE_LIMIT failed attempts for one user name, or from one address,
# sign-in is refused (the right password too) for PARKLAND_LOGIN_LOCKOUT_MINUTES after the last
# attempt. django-axes records every failure, lockout, sign-in and sign-out; superusers see them in
# the admin and unlock with `manage.py axes_reset_username NAME` or by deleting the attempt there.
AUTHENTICATION_BACKENDS = [
    "parkland.security.LockoutBackend",
    # Django's ModelBackend, with the signed-in user read in plain SQL on each request.
    "parkland.security.ModelBackend",
]
PARKLAND_LOGIN_FAILURE_LIMIT = int(env("PARKLAND_LOGIN_FAILURE_LIMIT", "5"))
PARKLAND_LOGIN_LOCKOUT_MINUTES = int(env("PARKLAND_LOGIN_LOCKOUT_MINUTES", "30"))
AXES_FAILURE_LIMIT = PARKLAND_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=PARKLAND_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success does not wipe the failures: axes would also wipe those of other user names from the same
# address, so an insider could keep guessing a colleague's password four times between own sign-ins.
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "parkland.security.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# parkland/admin.py shows the records to superusers only.
AXES_ENABLE_ADMIN = False
if env_bool("DJANGO_BEHIND_TLS_PROXY"):
    # The client's address is the one the reverse proxy saw.
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = 1

# A session ends when the browser closes, and after PARKLAND_SESSION_IDLE_MINUTES without a request
# (requests renew it: IdleSessionMiddleware writes the session at most once a minute, not on each).
PARKLAND_SESSION_IDLE_MINUTES = int(env("PARKLAND_SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = PARKLAND_SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Sessions and the cache (the API's throttling counts) must be shared by every app server: sessions
# are in the database unless DJANGO_SESSION_ENGINE says "cache" or "cached_db"; DJANGO_CACHE_URL
# "redis://HOST:6379/1" keeps the cache in Redis, "db" in the table of `createcachetable`; empty, each
# process keeps its own (one server only).
# In the database: Django's engine with a renewal written as one UPDATE (parkland/sessions.py).
_SESSION_ENGINE = env("DJANGO_SESSION_ENGINE", "db")
SESSION_ENGINE = (
    "parkland.sessions" if _SESSION_ENGINE == "db" else f"django.contrib.sessions.backends.{_SESSION_ENGINE}"
)
_CACHE_URL = env("DJANGO_CACHE_URL")
if _CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}}
elif _CACHE_URL == "db":
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "parkland_cache"}
    }
elif _CACHE_URL:
    raise ValueError("DJANGO_CACHE_URL must be redis://HOST:PORT/DB, db, or empty")

CSRF_FAILURE_VIEW = "parkland.views.csrf_failure"

# The disposal-rate benchmark where no DisposalTarget is set: Xinqing park's 2022 result.
PARKLAND_DEFAULT_BENCHMARK_PCT = Decimal(env("PARKLAND_DEFAULT_BENCHMARK_PCT", "55.4"))
# The report's and the dashboard's figures are kept in the cache until the cases change
# (cases/figures.py); this bounds how long, whatever happens.
PARKLAND_FIGURES_CACHE_SECONDS = int(env("PARKLAND_FIGURES_CACHE_SECONDS", "900"))
# Open cases with no timeline event for this many days count as stalled.
PARKLAND_STALLED_AFTER_DAYS = int(env("PARKLAND_STALLED_AFTER_DAYS", "60"))
# 开竣工预警 on grant commitments (docs/evaluation.md): warn this many days before an agreed start or
# completion, and once it is this many days past (0: from the day after it).
PARKLAND_COMMITMENT_WARN_BEFORE_DAYS = [
    int(d) for d in env_list("PARKLAND_COMMITMENT_WARN_BEFORE_DAYS", "60,30")
]
PARKLAND_COMMITMENT_WARN_AFTER_DAYS = [int(d) for d in env_list("PARKLAND_COMMITMENT_WARN_AFTER_DAYS", "0")]
# Statutory deadlines (cases/deadlines.py): what counts as due soon, and the clocks where local
# rules differ from the national ones, e.g. "holder_reply_days=15,review_window_days=60".
PARKLAND_DUE_SOON_DAYS = int(env("PARKLAND_DUE_SOON_DAYS", "14"))
PARKLAND_DEADLINE_PERIODS = {
    name.strip(): value.strip()
    for name, _sep, value in (item.partition("=") for item in env_list("PARKLAND_DEADLINE_PERIODS"))
}
# Links in e-mails (send_reminders) point here.
PARKLAND_BASE_URL = env("PARKLAND_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Mail: printed to the console in debug mode unless a backend is named; SMTP otherwise.
_MAIL_DEFAULT = "console" if DEBUG else "smtp"
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", f"django.core.mail.backends.{_MAIL_DEFAULT}.EmailBackend")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "parkland@localhost")

SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_FILEFIELD_TO_CHARFIELD = True

SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(env("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("DJANGO_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The load balancer may ask /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Every script and style comes from the site's own static files: no inline code, no other host.
# The map's optional WMS background is the one image origin besides the site's own.
_WMS_ORIGIN = (
    [urlsplit(PARKLAND_MAP_WMS_URL)._replace(path="", query="").geturl()] if PARKLAND_MAP_WMS_URL else []
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws its select arrows and toggler icons as data: SVG images.
        "img-src": [SELF, "data:", *_WMS_ORIGIN],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = "camera=(self), geolocation=(self), microphone=(), payment=(), usb=()"

# The REST API (/api/v1/, docs/api.md): tokens or the session, problem details, pages of 50, each
# token throttled to PARKLAND_API_RATE requests (e.g. "2000/hour").
PARKLAND_API_RATE = env("PARKLAND_API_RATE", "2000/hour")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cases.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["cases.api.throttling.TokenRateThrottle"],
    "DEFAULT_PARSER_CLASSES": ["cases.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["cases.api.filters.ScopedFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "cases.api.filters.Pagination",
    "DEFAULT_SCHEMA_CLASS": "cases.api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "cases.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Parkland API",
    "DESCRIPTION": "Idle and low-efficiency industrial land disposal cases (docs/api.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cases.api.schema.without_database_ranges",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.models.choices.Status",
        "MeasureStatusEnum": "cases.models.measures.MeasureStatus",
        "LeadStatusEnum": "cases.models.leads.LeadStatus",
        "EventKindEnum": "cases.models.events.EventKind",
        "PartnerKindEnum": "cases.models.measures.PartnerKind",
    },
}

# Background jobs (docs/jobs.md): Celery with Redis as broker and result store when CELERY_BROKER_URL
# (or PARKLAND_REDIS_URL, e.g. redis://127.0.0.1:6379/0) names one; without a broker every job runs in
# the process that starts it (`make run`, the tests), so nothing else is needed.
CELERY_BROKER_URL = env("CELERY_BROKER_URL") or env("PARKLAND_REDIS_URL")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND") or env("PARKLAND_REDIS_URL") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = env("PARKLAND_JOBS_QUEUE", "parkland")
if CELERY_BROKER_URL and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A worker writes progress on a connection of its own, so that progress made inside the ledger
    # import's one transaction is seen while it runs (jobs/running.py).
    DATABASES["jobs"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
CELERY_TASK_EAGER_PROPAGATES = True
# A job's message is acknowledged when it ends, and given back if its worker dies, one at a time.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 60 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True
# Job results are kept this many days, then removed with their row (jobs.tasks.sweep_jobs).
PARKLAND_JOB_KEEP_DAYS = int(env("PARKLAND_JOB_KEEP_DAYS", "7"))
# A running job's worker writes a heartbeat; a job silent for this long is marked failed.
PARKLAND_JOB_LEASE_SECONDS = int(env("PARKLAND_JOB_LEASE_SECONDS", "300"))
# Once a cluster: the monthly reports on the 1st at 06:00, the deadline reminders on weekdays at 08:00,
# and the sweep of expired and stalled jobs every ten minutes, from one `celery beat`.
CELERY_BEAT_SCHEDULE = {
    "month-start-reports": {
        "task": "jobs.tasks.month_start_reports",
        "schedule": crontab(minute=0, hour=6, day_of_month=1),
    },
    "weekday-reminders": {
        "task": "jobs.tasks.weekday_reminders",
        "schedule": crontab(minute=0, hour=8, day_of_week="mon-fri"),
    },
    "sweep-jobs": {"task": "jobs.tasks.sweep_jobs", "schedule": crontab(minute="*/10")},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "WARNING")},
}
