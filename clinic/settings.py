"""Settings for the clinic site, read from the environment (see .env.example).

Every deploy value comes from the environment; a bad value stops start-up with a
message naming the variable. ``DJANGO_DEBUG=true`` is the development mode that
``make run`` uses; anything else is production and must pass
``manage.py check --deploy --fail-level WARNING``.
"""

from datetime import timedelta
from pathlib import Path
from zoneinfo import available_timezones

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _env_bool(name: str, default: bool) -> bool:
    """django-environ treats unknown words as False; we refuse them instead."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false.")


def _env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.str(name, default=str(default))
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


DEBUG = _env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is not true "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required in production.")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

CLINIC_DEFAULT_TIME_ZONE = env.str("CLINIC_DEFAULT_TIME_ZONE", default="Europe/London")
if CLINIC_DEFAULT_TIME_ZONE not in available_timezones():
    raise ImproperlyConfigured(
        f"CLINIC_DEFAULT_TIME_ZONE={CLINIC_DEFAULT_TIME_ZONE!r} is not an IANA time zone."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "phonenumber_field",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "clinic",
    "patients",
    "assessments",
    "exercises",
    "programmes",
    "alerts",
    "tracking",
    "reminders",
    "fhir_r4",
    "messaging",
    "portal",
    "devtools",
]

MIDDLEWARE = [
    "clinic.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clinic.security.SessionOTPMiddleware",
    # Idle and absolute session lifetimes, then the second factor for staff
    # (clinic/security.py): one place each, so every page of every app is covered.
    "clinic.security.SessionTimeoutMiddleware",
    "clinic.security.SecondFactorMiddleware",
    # The portal's language: the patient's preferred one; English elsewhere.
    "portal.middleware.PortalLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "clinic.middleware.ClinicTimeZoneMiddleware",
    "clinic.middleware.AuditDeniedMiddleware",
    "csp.middleware.CSPMiddleware",
    # django-axes must be last (its docs): it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.staff",
            ],
        },
    },
    # Hot fragments (``<app>/jinja2/``) render with Jinja2 through the
    # ``jinja`` template tag: several times faster than the Django template
    # language on long tables (the caseload's rows). Listed second, so every
    # page template is still found by the Django engine first.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "clinic.jinja2.environment"},
    },
]

# Widgets (inputs, radio options, selects) render with Django's Jinja2 widget
# templates: the same markup, several times faster than the Django template
# language on the pages that show hundreds of them (assessment, portal Today).
FORM_RENDERER = "clinic.renderers.FastWidgetRenderer"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = _env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer in transaction mode (docs/deployment.md): no server-side
# cursors (``.iterator()`` would lose its cursor between transactions) and no
# prepared statements kept on a server connection.
if _env_bool("DATABASE_PGBOUNCER_TRANSACTION_MODE", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
    DATABASES["default"]["CONN_MAX_AGE"] = _env_int("DATABASE_CONN_MAX_AGE", 0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Passwords (ASVS V2.1): length 12 or more, no common passwords, no composition
# rules (so no "must contain a digit" and no numeric-only check), long passphrases
# allowed (Argon2 hashes any length; Django caps input at 4096 characters).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# django-axes first: it refuses a locked-out (username, IP) pair before any
# password is checked, and counts failures.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
# Issue 18: the patient portal, patient emails and SMS in the patient's
# preferred language (patients.language). Staff pages stay in English.
LANGUAGES = [("en-gb", "English"), ("pl", "Polski")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "portal_language"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT: Path | None = Path(
    env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "var" / "static"))
)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Private: pictures, videos and clips (clinic/storage.py); never served
    # from MEDIA_URL, only through the views that check access.
    "media": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT / "private"), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Object storage for media (issue 15): MEDIA_STORAGE=s3 with the MEDIA_S3_*
# settings (any S3-compatible server). Objects are private; the serving views
# redirect to a signed URL valid MEDIA_SIGNED_URL_SECONDS.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
MEDIA_SIGNED_URL_SECONDS = _env_int("MEDIA_SIGNED_URL_SECONDS", 300, minimum=10)
if MEDIA_STORAGE == "s3":
    STORAGES["media"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("MEDIA_S3_BUCKET", default="clinic-media"),
            "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("MEDIA_S3_REGION", default="") or None,
            "access_key": env.str("MEDIA_S3_ACCESS_KEY_ID", default=""),
            "secret_key": env.str("MEDIA_S3_SECRET_ACCESS_KEY", default=""),
            "location": env.str("MEDIA_S3_PREFIX", default=""),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": MEDIA_SIGNED_URL_SECONDS,
            "signature_version": "s3v4",
            "file_overwrite": False,
        },
    }

# Clinical records are changed forward (with a reason), never reverted in bulk.
SIMPLE_HISTORY_REVERT_DISABLED = True

WHITENOISE_USE_FINDERS = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
PHONENUMBER_DEFAULT_REGION = env.str("PHONENUMBER_DEFAULT_REGION", default="GB")

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = _env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="clinic@localhost")

# --- Celery (the beat schedule itself lives in clinic/celery.py) ---
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} must start with redis:// or rediss://.")
# Django's cache (issue 20): Redis, shared by every web process and host. The
# broker's URL unless REDIS_CACHE_URL names another database or server.
REDIS_CACHE_URL = env.str("REDIS_CACHE_URL", default=REDIS_URL)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_CACHE_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="clinic"),
        "TIMEOUT": 300,
    }
}
# Sessions read from the cache, written through to the database (a cache flush
# or a Redis restart logs nobody out): one query less on every page.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_SOFT_TIME_LIMIT = _env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60, minimum=1)
CELERY_TASK_TIME_LIMIT = _env_int("CELERY_TASK_TIME_LIMIT", 90, minimum=1)
# Our tasks are idempotent (they load a row and compare-and-set its state), so a
# message is acknowledged only after the work is done and is redelivered if the
# worker dies; see DESIGN.md, reliability rules.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Longer than any countdown we use (at most 5 minutes) so Redis does not
# redeliver a message that is merely waiting.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _env_int("CELERY_VISIBILITY_TIMEOUT_S", 3600, minimum=60)
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = False

# --- Reminders (issue 5): delivery settings; the schedule is in clinic/celery.py ---
# Absolute base of links in emails and texts (workers have no request).
SITE_BASE_URL = env.str("SITE_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Two queues (issue 21): sends on REMINDER_QUEUE; the tick (sweep + dispatch) and
# planning on REMINDER_DISPATCH_QUEUE, so dispatch never waits behind a send
# backlog. The Procfile and deploy/systemd start a worker for each.
REMINDER_QUEUE = env.str("REMINDER_QUEUE", default="reminders-send")
REMINDER_DISPATCH_QUEUE = env.str("REMINDER_DISPATCH_QUEUE", default="reminders-dispatch")
CELERY_TASK_ROUTES = {
    "reminders.send_reminders": {"queue": REMINDER_QUEUE},
    "reminders.tick": {"queue": REMINDER_DISPATCH_QUEUE},
    "reminders.plan": {"queue": REMINDER_DISPATCH_QUEUE},
    "programmes.tasks.reminders_tick": {"queue": REMINDER_DISPATCH_QUEUE},
    "programmes.tasks.reminders_plan": {"queue": REMINDER_DISPATCH_QUEUE},
    # The first release's names (messages queued before an upgrade).
    "programmes.tasks.send_reminder": {"queue": REMINDER_QUEUE},
    "programmes.tasks.send_reminders": {"queue": REMINDER_QUEUE},
}
# "console" logs texts; "webhook" POSTs JSON {"to", "body", "reference"} to the URL;
# "locmem" keeps them in memory (tests). See reminders/sms.py.
REMINDER_SMS_BACKEND = env.str("REMINDER_SMS_BACKEND", default="console")
if REMINDER_SMS_BACKEND not in ("console", "webhook", "locmem"):
    raise ImproperlyConfigured("REMINDER_SMS_BACKEND must be console, webhook or locmem.")
REMINDER_SMS_WEBHOOK_URL = env.str("REMINDER_SMS_WEBHOOK_URL", default="")
REMINDER_SMS_WEBHOOK_TOKEN = env.str("REMINDER_SMS_WEBHOOK_TOKEN", default="")
if REMINDER_SMS_BACKEND == "webhook" and not REMINDER_SMS_WEBHOOK_URL:
    raise ImproperlyConfigured("REMINDER_SMS_WEBHOOK_URL is required with the webhook backend.")
# Queued (claimed) but not started after this long: queue again (never handed over).
REMINDER_CLAIM_TIMEOUT_S = _env_int("REMINDER_CLAIM_TIMEOUT_S", 300, minimum=1)
# Handed to a worker's provider call and not finished after this long: unknown.
REMINDER_SENDING_TIMEOUT_S = _env_int("REMINDER_SENDING_TIMEOUT_S", 900, minimum=1)
# A reminder not delivered this long after it was due fails (and the clinic is alerted).
REMINDER_MAX_AGE_MINUTES = _env_int("REMINDER_MAX_AGE_MINUTES", 240, minimum=1)
REMINDER_DISPATCH_BATCH = _env_int("REMINDER_DISPATCH_BATCH", 500, minimum=1)
# How often beat runs the tick (sweep + dispatch), and the retry backoff:
# BASE * 2^(attempt-1), capped (DESIGN.md: nothing waits longer than 5 minutes).
REMINDER_TICK_S = _env_int("REMINDER_TICK_S", 60, minimum=5)
REMINDER_BACKOFF_BASE_S = _env_int("REMINDER_BACKOFF_BASE_S", 30, minimum=1)
REMINDER_BACKOFF_CAP_S = _env_int("REMINDER_BACKOFF_CAP_S", 300, minimum=1)
# Circuit breaker per channel (reminders/breaker.py): after THRESHOLD connection
# failures in a row, pause the channel for PAUSE_S, doubled per trip, at most CAP_S.
REMINDER_BREAKER_THRESHOLD = _env_int("REMINDER_BREAKER_THRESHOLD", 5, minimum=1)
REMINDER_BREAKER_PAUSE_S = _env_int("REMINDER_BREAKER_PAUSE_S", 10, minimum=1)
REMINDER_BREAKER_PAUSE_CAP_S = _env_int("REMINDER_BREAKER_PAUSE_CAP_S", 120, minimum=1)

# --- Operations (issue 21; docs/operations.md): /health/ and /metrics ---
# A worker without a heartbeat for this long, or no reminders tick for this
# long, makes /health/ answer 503.
HEALTH_WORKER_STALE_S = _env_int("HEALTH_WORKER_STALE_S", 60, minimum=5)
HEALTH_TICK_STALE_S = _env_int("HEALTH_TICK_STALE_S", 180, minimum=10)
# The oldest due reminder older than this is unhealthy (nothing is going out).
HEALTH_OLDEST_DUE_S = _env_int("HEALTH_OLDEST_DUE_S", 900, minimum=60)
# Bearer token for /metrics (Prometheus' `authorization` setting). Empty: /metrics is off (404).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# --- Security: production values; development relaxes only what HTTP needs ---
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = _env_int("SESSION_COOKIE_AGE", 12 * 3600, minimum=60)
# Idle and absolute limits, enforced per request by clinic.security.SessionTimeoutMiddleware.
STAFF_IDLE_TIMEOUT_MINUTES = _env_int("STAFF_IDLE_TIMEOUT_MINUTES", 30, minimum=1)
PORTAL_IDLE_TIMEOUT_MINUTES = _env_int("PORTAL_IDLE_TIMEOUT_MINUTES", 30, minimum=1)
SESSION_ABSOLUTE_HOURS = _env_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1)

# --- Second factor (django-otp): TOTP plus single-use recovery codes ---
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Clinic")
# Erasure: a clinic's retention period never goes below this many years after
# care ends (UK guidance for adult physiotherapy records: 8; issue 19).
RETENTION_MIN_YEARS = _env_int("RETENTION_MIN_YEARS", 8, minimum=0)
# Enrolment links for accounts without a second-factor device (issue 19).
OTP_ENROLMENT_LINK_HOURS = _env_int("OTP_ENROLMENT_LINK_HOURS", 24, minimum=1)
# Development only: seed_demo gives demo staff a TOTP device with this published
# secret so `make run` works; it is refused outside DEBUG (see seed_demo).
OTP_DEMO_SECRET_HEX = "3132333435363738393031323334353637383930"  # RFC 6238 test key

# --- Brute force (django-axes): lock the (username, IP) pair, so an attacker
# elsewhere cannot lock a clinician out; the lock lifts after the cool-off. ---
AXES_ENABLED = _env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = _env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=_env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "clinic/lockout.html"
# Lockouts show in our audit log (locked_out); `manage.py axes_reset_username` lifts one.
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# The same address as the audit trail: REMOTE_ADDR only, which the proxy sets
# (a client-sent X-Forwarded-For must not let an attacker pick a fresh "IP").
AXES_CLIENT_IP_CALLABLE = "clinic.audit.client_ip"
# The portal's typed email (known or not) is the "username" axes locks.
AXES_USERNAME_CALLABLE = "clinic.security.axes_username"

# --- Content Security Policy (django-csp), enforced everywhere: no inline
# scripts, no eval, nothing from other origins. ---
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Media on object storage: the pages load pictures and videos from the signed
# links the serving views redirect to (MEDIA_S3_PUBLIC_ORIGIN, e.g.
# https://bucket.s3.eu-west-2.amazonaws.com; by default the endpoint's origin).
if MEDIA_STORAGE == "s3":
    _media_origin = env.str("MEDIA_S3_PUBLIC_ORIGIN", default="") or "/".join(
        (env.str("MEDIA_S3_ENDPOINT_URL", default="") or "https://*.amazonaws.com").split("/")[:3]
    )
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_media_origin)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["media-src"] = [SELF, _media_origin]
if not DEBUG:
    SECURE_SSL_REDIRECT = _env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = _env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# LOG_FORMAT: "json" (one object per line with the request or task id; the
# default outside development) or "plain". Messages carry ids, never clinical content.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # An expected 403 (a role refused a page) is one line, without the
    # traceback Django attaches to it (clinic.logfilters).
    "filters": {
        "request_id": {"()": "clinic.logs.RequestIdFilter"},
        "no_403_traceback": {"()": "clinic.logfilters.NoForbiddenTraceback"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "clinic.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "no_403_traceback"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Lockouts and failures are in our audit log; axes' INFO lines are noise.
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Chunked passes (clinic/passes.py): nightly snapshots and alert rules, reminder planning ---
PASS_QUEUE = env.str("PASS_QUEUE", default="celery")
# A chunk works at most this long, then records how far it got and queues itself
# again: far inside the soft limit (CELERY_TASK_SOFT_TIME_LIMIT).
PASS_CHUNK_BUDGET_S = _env_int("PASS_CHUNK_BUDGET_S", 20, minimum=1)
# A chunk running longer than this lost its worker (more than the hard limit).
PASS_LEASE_S = _env_int("PASS_LEASE_S", CELERY_TASK_TIME_LIMIT + 60, minimum=1)
# A run with no chunk claimed or finished for this long has lost messages.
PASS_REQUEUE_AFTER_S = _env_int("PASS_REQUEUE_AFTER_S", 600, minimum=1)
PASS_MAX_ATTEMPTS = _env_int("PASS_MAX_ATTEMPTS", 3, minimum=1)
# Patients per chunk for every pass (0: each pass's own size; tests and bench).
PASS_CHUNK_SIZE = _env_int("PASS_CHUNK_SIZE", 0, minimum=0)
