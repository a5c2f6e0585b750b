"""Django settings for CONNECT Portal, read once from the environment.

Every variable is documented in README.md ("Configuration"). A bad value stops
start-up with one line naming the variable (see ``portal.env``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from portal.env import (
    EnvError,
    env_bool,
    env_cache,
    env_database,
    env_email,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
# Local state of the embedded default (SQLite file, queue folders, mail files).
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# The test run needs no secret and no shared services unless the environment
# names them (CI does: PostgreSQL, Redis).
TESTING = "pytest" in sys.modules
if DEBUG or TESTING:
    SECRET_KEY = env_str("SECRET_KEY", "insecure-key-only-for-debug-demo-and-tests")
else:
    SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", ".localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# How many reverse proxies in front of the app append to X-Forwarded-For. 0 (the default):
# the client is REMOTE_ADDR and X-Forwarded-For is ignored, since anyone can send it.
# Rate limits and lockouts (allauth, DRF throttles) key on the address this gives.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise EnvError(f"TRUSTED_PROXY_COUNT={TRUSTED_PROXY_COUNT} must be 0 or more")
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

INSTALLED_APPS = [
    "portal",
    "cases",
    "notices",
    "sla",
    "contracts",
    "mail",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "django_celery_beat",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    # Before anything reads the request (sessions, CSRF, views): refuses NUL and the like.
    "portal.inputs.BadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.UserPreferencesMiddleware",
    "portal.middleware.BrandMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.RateLimitMiddleware",
    "portal.middleware.StaffMFARequiredMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.accounts",
                "portal.context_processors.notice_banners",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "contracts.User"

# allauth's rate limits and the TOTP replay guard need a cache shared by every
# process, so the default is a file cache, not per-process memory.
CACHES = {
    "default": env_cache("CACHE_URL", "locmem://" if TESTING else f"file://{VAR_DIR / 'cache'}")
}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = env_list(
    "PASSWORD_HASHERS",
    # Tests hash thousands of passwords; a cheap hasher keeps the suite fast.
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if TESTING
    else [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ],
)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# allauth: email is the login, no usernames; new addresses must be verified;
# password reset answers the same whether the address exists or not.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
# No "you have no account" email to an unknown address asking for a password reset:
# the portal has no open sign-up to point to, and anyone could make it mail anyone.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ALLOW_REGISTRATION = env_bool("ACCOUNT_ALLOW_REGISTRATION", False)
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CONNECT Portal"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing folder
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Uploads live outside the web root and are served only by access-checked views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

# Email: every message is written to the outbox table first (mail.OutboxMessage);
# the transport below is what the Celery delivery task hands it to.
_email = env_email("EMAIL_URL", "memory://" if TESTING else f"file://{VAR_DIR / 'mail'}")
EMAIL_BACKEND = _email.pop("EMAIL_BACKEND")
globals().update(_email)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CONNECT Support <support@connect.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
# Every email goes out in its recipient's brand: sender name, subject, colours, link host.
MAIL_BRAND = "portal.branding.email_brand"

# Celery: the default broker is kombu's filesystem transport, so `make demo`
# needs no server. Production sets CELERY_BROKER_URL to redis:// or amqp://.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://localhost//")
# Seconds before Redis hands an unacknowledged task out again; mail.services.outbox.STALE_CLAIM
# is no longer (README, Failure behaviour).
BROKER_VISIBILITY_TIMEOUT = 300
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = VAR_DIR / "celery"
    for _folder in ("queue", "processed", "control"):
        (_queue / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "queue"),
        "data_folder_out": str(_queue / "queue"),
        "processed_folder": str(_queue / "processed"),
        # Exchange tables; kombu's default is ./control, relative to wherever the worker starts.
        "control_folder": str(_queue / "control"),
        "store_processed": False,
    }
else:
    # Redis re-delivers a task not acknowledged within this window: acks are late, so a worker
    # killed mid-task loses nothing, and its work is back within five minutes. A task running
    # longer is handed out twice, which every task is safe to take: deliveries claim each
    # message, the sweep each case, a fan-out chunk writes each person once. No task may be
    # scheduled further ahead than it: retries are driven by beat, never by ETAs.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
        # Looks for a dead worker's tasks every 30 s (10 s x 3), not kombu's 100 s.
        "unacked_restore_throttle": 3,
        # A broker down, unreachable or hung fails a publish in well under a second, not the
        # request: the work is saved and the flush sends it (common.publishing).
        "socket_connect_timeout": 0.5,
        "socket_timeout": 0.5,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish is tried once, not four times over 1-12 s (redis-py itself replaces a pooled
# connection that died with a broker restart). Workers and beat keep their connection retries.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON refused when nested too deep or holding NUL, control or surrogate characters.
    "DEFAULT_PARSER_CLASSES": [
        "portal.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Every refusal reads {"detail": ..., "code": ...}, or field errors by field name.
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "30/min", "user": "600/min"},
    # Same trusted proxies as allauth: without it DRF believes any X-Forwarded-For.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CONNECT Portal API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # One schema name per choice set the API shows under several field names.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.models.Status",
        "ContractStatusEnum": "contracts.models.Contract.Status",
        "PriorityEnum": "sla.models.Priority",
        "EscalationLevelEnum": "cases.models.EscalationLevel",
        "SupportStatusEnum": "contracts.services.releases.SupportStatus",
    },
}

# Security: strict by default, loosened only for local HTTP in DEBUG.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

CELERY_BEAT_SCHEDULE = {
    "outbox-flush": {"task": "mail.outbox_flush", "schedule": 60.0},
    "notices-publish-due": {"task": "notices.notices_publish_due", "schedule": 60.0},
    "contracts-daily": {
        "task": "contracts.contracts_daily",
        "schedule": crontab(hour=6, minute=0),
    },
    # A run still queued when the next one is due is dropped, not piled up.
    "sla-sweep": {"task": "cases.sla_sweep", "schedule": 60.0, "options": {"expires": 55}},
    # Deletes by age, so a late or repeated run does the same work once.
    "idempotency-purge": {
        "task": "portal.idempotency_purge",
        "schedule": crontab(hour=3, minute=30),
    },
}
