"""Django settings for Tilts.

Everything that differs between a laptop and a server comes from the environment, with defaults that are
safe for development (SQLite, console e-mail). Production sets at least ``DEBUG=0``, ``SECRET_KEY``,
``ALLOWED_HOSTS`` and ``DATABASE_URL``; ``manage.py check --deploy`` then reports nothing (a test keeps it so).
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdefghijklmnop"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The public address of the site, used in e-mails sent outside a request (invitations, reminders). Required in
# production: without it e-mailed links would point at the developer's own machine.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
if not SITE_URL:
    if not DEBUG:
        raise ImproperlyConfigured("SITE_URL must be set when DEBUG is off (e.g. https://tilts.example.lv).")
    SITE_URL = "http://127.0.0.1:8000"

INSTALLED_APPS = [
    "modeltranslation",  # must come before the admin
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
    "django_htmx",
    "django_countries",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves Swagger UI for /api/v1/docs from its own static files, not from a CDN
    "tilts.core",
    "tilts.accounts",
    "tilts.consortium",
    "tilts.public",
    "tilts.grants",
    "tilts.projects",
    "tilts.mobility",
    "tilts.selection",
    "tilts.reporting",
    "tilts.followup",
    "tilts.exports",
    "tilts.quality",
    "tilts.payments",
    "tilts.notifications",
    "tilts.housekeeping",
    "tilts.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tilts.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tilts.core.middleware.RequestGuardMiddleware",
    "tilts.core.storage.RolledBackFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "tilts.core.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tilts.core.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tilts.accounts.mfa.MfaRequiredMiddleware",
    "tilts.accounts.access_log.AccessLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "tilts.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tilts" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tilts.core.context_processors.site",
                "tilts.accounts.mfa.deadline",
            ],
        },
    },
]
# What every page and e-mail shows of the site, from the app that owns it (read by tilts.core.context_processors).
SITE_CONTEXT = "tilts.consortium.selectors.site_context"

WSGI_APPLICATION = "tilts.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "tilts.accounts.backends.ModelBackend",
    "tilts.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "backoffice:dashboard"
LOGOUT_REDIRECT_URL = "public:home"

# django-allauth: log in by e-mail; nobody signs up on their own, the coordinator invites.
ACCOUNT_ADAPTER = "tilts.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Tilts] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Tilts"
# Two-factor authentication is compulsory for these roles (tilts.accounts.mfa): after MFA_GRACE_DAYS from their
# first login without it, they can only set it up (an authenticator app, with recovery codes).
MFA_REQUIRED_ROLES = env_list("MFA_REQUIRED_ROLES", "coordinator,auditor,evaluator")
MFA_GRACE_DAYS = int(os.environ.get("MFA_GRACE_DAYS", "14"))

# Languages: Latvian first. Latvian URLs carry no prefix, English ones start with /en/.
LANGUAGE_CODE = "lv"
LANGUAGES = [("lv", _("Latvian")), ("en", _("English"))]
# English dates day-first, as in Europe (tilts/formats/en); Latvian uses Django's own formats.
FORMAT_MODULE_PATH = ["tilts.formats"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "lv"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("lv", "en")}
LOCALE_PATHS = [BASE_DIR / "tilts" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Riga"
USE_TZ = True
# The PostgreSQL ICU collation used for sorting names; SQLite gets a Python twin under the same name.
LATVIAN_COLLATION = "lv-x-icu"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "tilts" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# The gazetteer's read-only index (tilts.grants.rules.gazetteer), built by manage.py build_gazetteer.
GAZETTEER_FILE = Path(os.environ.get("GAZETTEER_FILE", BASE_DIR / "var" / "gazetteer.sqlite3"))

# Media (every uploaded file is private, served through permission-checked views): a directory by default; an
# S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set, so that several app servers and workers share it.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
MEDIA_STORAGE: dict[str, Any] = {"BACKEND": "tilts.core.storage.TransactionalFileSystemStorage"}
if AWS_STORAGE_BUCKET_NAME:
    MEDIA_STORAGE = {
        "BACKEND": "tilts.core.s3.TransactionalS3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,  # MinIO, Ceph, another provider
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
            "location": os.environ.get("AWS_LOCATION", ""),  # a prefix inside the bucket
            "default_acl": None,  # the bucket's own (private) policy; never public-read
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,  # "path" for most MinIO setups
        },
    }
STORAGES = {
    # Deletes files written by transactions that roll back (tilts.core.storage).
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# E-mail: printed to the console in development; SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Tilts <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)

# JSON API rate limits per client ("requests/period", period s, m, h or d).
API_ANON_RATE = os.environ.get("API_ANON_RATE", "120/m")
API_USER_RATE = os.environ.get("API_USER_RATE", "1200/m")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Exports of projects with fewer mobilities are built while the person waits; larger ones in the background.
EXPORT_INLINE_LIMIT = int(os.environ.get("EXPORT_INLINE_LIMIT", "200"))
# A background export with no sign of life for this long was interrupted: it is tried again, at most this often.
EXPORT_STALE_MINUTES = int(os.environ.get("EXPORT_STALE_MINUTES", "10"))
EXPORT_MAX_ATTEMPTS = int(os.environ.get("EXPORT_MAX_ATTEMPTS", "3"))
# The Beneficiary Module's mobility export uploaded back (tilts.exports.module_import): at most this large.
MODULE_IMPORT_MAX_BYTES = int(os.environ.get("MODULE_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# The coordinator's dashboard counts EU Survey reports not submitted this many days after the mobility's end.
EU_REPORT_OVERDUE_DAYS = int(os.environ.get("EU_REPORT_OVERDUE_DAYS", "30"))
# The worker's housekeeping runs every few minutes and leaves a heartbeat; /healthz reports a worker silent
# for longer than this as failed.
WORKER_HEARTBEAT_MAX_AGE_MINUTES = int(os.environ.get("WORKER_HEARTBEAT_MAX_AGE_MINUTES", "15"))

# The cache holds rate-limit counters, so every worker must see the same one: the database by default (the table
# is created by ``migrate``), Redis or Valkey when CACHE_URL is redis://...; locmem:// only for a single process.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES: dict[str, dict[str, Any]]
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL.startswith("locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Django's database cache with a one-statement set (tilts.core.cache); culled past CACHE_MAX_ENTRIES values.
    CACHES = {
        "default": {
            "BACKEND": "tilts.core.cache.DatabaseCache",
            "LOCATION": "tilts_cache",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "5000"))},
        }
    }
# Each worker also keeps a copy of the kept figures and page parts it has read, and of the signed-in person and the
# objects whose access it checked, until the next change (tilts.core.figures.in_process): this many MB at most.
FIGURES_LOCAL_BYTES = int(float(os.environ.get("FIGURES_LOCAL_MB", "8")) * 2**20)

# How many trusted reverse proxies stand in front of the app: rate limits then take the client's address from
# X-Forwarded-For (the address the outermost trusted proxy saw). 0 trusts nobody and uses REMOTE_ADDR.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))
NINJA_NUM_PROXIES = NUM_PROXIES

# Selection: an evaluator spread above this share of a call's possible score range is flagged in the ranking.
SELECTION_SPREAD_FLAG = os.environ.get("SELECTION_SPREAD_FLAG", "0.2")

SESSION_COOKIE_HTTPONLY = True
# Pages send the CSRF token to htmx through hx-headers; API clients using a session read it from the cookie.
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Sent on every response (tilts.core.middleware.SecurityHeadersMiddleware): scripts and styles only from this
# site (htmx and Swagger UI are served locally), nothing framed, no plug-ins. Style attributes stay allowed for
# the charts' inline SVG.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), "
    "usb=(), interest-cohort=()"
)

# Idle timeout: a session unused for this many minutes ends (0 turns it off). Sessions also end when the browser
# closes only if SESSION_EXPIRE_AT_BROWSER_CLOSE is set; their absolute lifetime is SESSION_COOKIE_AGE.
SESSION_IDLE_TIMEOUT_MINUTES = int(os.environ.get("SESSION_IDLE_TIMEOUT_MINUTES", "60"))

# allauth counts failed logins per e-mail address AND client address (tilts.accounts.adapter), so nobody can lock
# a known person out from elsewhere; its own limits on password reset requests apply as they are.

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Uploads: checked by content and size in the forms that take them; this caps what reaches memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# No request body may be larger than this: refused (413) from its Content-Length before it is read.
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", str(25 * 1024 * 1024)))
# The longest single text value accepted in a form or API field (longer ones are answered 422).
TEXT_MAX_LENGTH = int(os.environ.get("TEXT_MAX_LENGTH", "20000"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Retention (the privacy notice), applied daily by the worker's housekeeping (tilts.housekeeping.retention): rejected or
# withdrawn applications and rejected join applications after RETENTION_REJECTED_DAYS; evidence files, attendance
# lists and accepted join applications once the project ended RETENTION_AUDIT_YEARS ago; exports after a week;
# join applications never decided after RETENTION_PENDING_JOIN_DAYS from their submission.
RETENTION_REJECTED_DAYS = int(os.environ.get("RETENTION_REJECTED_DAYS", str(2 * 365)))
RETENTION_PENDING_JOIN_DAYS = int(os.environ.get("RETENTION_PENDING_JOIN_DAYS", "365"))
RETENTION_AUDIT_YEARS = int(os.environ.get("RETENTION_AUDIT_YEARS", "5"))
RETENTION_EXPORT_DAYS = int(os.environ.get("RETENTION_EXPORT_DAYS", "7"))
# The access log (who viewed or exported personal data) is kept this long.
ACCESS_LOG_DAYS = int(os.environ.get("ACCESS_LOG_DAYS", "365"))

# Participant reports: due this many days after the mobility ends (an agreement's default too); a reminder this many
# days before.
REPORT_DUE_DAYS = int(os.environ.get("REPORT_DUE_DAYS", "30"))
# A grant agreement pays this share of the grant as pre-financing unless the coordinator enters another.
AGREEMENT_PREFINANCING_PERCENT = int(os.environ.get("AGREEMENT_PREFINANCING_PERCENT", "80"))
REPORT_REMINDER_DAYS_BEFORE = int(os.environ.get("REPORT_REMINDER_DAYS_BEFORE", "7"))
# The largest uploaded file (evidence, signed agreements, attendance lists, materials), checked by tilts.core.uploads.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# Follow-up: months after a mobility's end before a missing delivered follow-up is flagged.
FOLLOWUP_GRACE_MONTHS = int(os.environ.get("FOLLOWUP_GRACE_MONTHS", "6"))
