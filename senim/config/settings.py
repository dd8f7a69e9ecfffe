"""Settings, all driven by environment variables (see docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from senim.config.env import env_bool, env_list, env_str
from senim.config.keys import DEV_PII_KEY, DEV_SECRET_KEY
from senim.core.csp import DEFAULT_POLICY as DEFAULT_CSP

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(env_str("SENIM_VAR_DIR", str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("SENIM_DEBUG", False)
# The development fallback key is only acceptable with DEBUG on; production must set its own.
SECRET_KEY = env_str("SENIM_SECRET_KEY", DEV_SECRET_KEY)
# A separate key for keyed hashes of personal identifiers (IIN): rotating the web secret
# must not break the linking of people across records.
PII_HASH_KEY = env_str("SENIM_PII_KEY", DEV_PII_KEY)
ALLOWED_HOSTS = env_list("SENIM_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("SENIM_CSRF_TRUSTED_ORIGINS", "")

# HTTPS: on by default with debug off (production), so a forgotten setting fails safe; the demo
# and development over plain http://127.0.0.1 turn it off (SENIM_HTTPS=0, bin/demo-env).
HTTPS = env_bool("SENIM_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(env_str("SENIM_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SENIM_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SENIM_HSTS_PRELOAD", HTTPS)
# Behind a reverse proxy that terminates TLS, Django sees plain http: trust the proxy's header
# (e.g. X-Forwarded-Proto) only when the proxy sets it and strips it from clients' requests.
_PROXY_SSL_HEADER = env_str("SENIM_PROXY_SSL_HEADER", "")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https") if _PROXY_SSL_HEADER else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = env_str("SENIM_REFERRER_POLICY", "same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Content-Security-Policy (senim.core.csp): scripts only from our static files.
SENIM_CSP = env_str("SENIM_CSP", DEFAULT_CSP)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "senim.core",
    "senim.register",
    "senim.demo",
    "senim.analysis",
    "senim.ops",
    "senim.prevention",
    "senim.oversight",
    "senim.safeguards",  # after oversight: its demo uses the NPM register's facilities
    "senim.trust",
    "senim.integrity",  # after safeguards: it links ill-treatment complaints
    "senim.results",  # national thematic results; its demo adds organised-crime offences
    "senim.portal",  # last: its demo step publishes what every other app built
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "senim.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "senim.core.middleware.ApiControlCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "senim.core.middleware.AuditActorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "senim.config.urls"
WSGI_APPLICATION = "senim.config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "senim.core.context.senim_context",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("SENIM_DATABASE_URL", f"sqlite:///{VAR_DIR / 'senim.sqlite3'}"),
        # Persistent connections, checked before reuse in each request: a database restart
        # (or a killed backend) costs a reconnect, not a 500.
        conn_max_age=int(env_str("SENIM_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a load writes; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # each role lands on its daily work (senim.core.permissions)
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["senim.formats"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = env_str("SENIM_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# Data generated by `senim demo` is synthetic; pages say so while this is on.
SENIM_DEMO_BANNER = env_bool("SENIM_DEMO_BANNER", True)
INGEST_BATCH_SIZE = int(env_str("SENIM_INGEST_BATCH_SIZE", "10000"))
INGEST_MAX_UPLOAD_BYTES = int(env_str("SENIM_INGEST_MAX_UPLOAD_BYTES", str(200 * 1024 * 1024)))
# Where `senim open_data` writes the public files the portal serves.
SENIM_OPEN_DATA_DIR = env_str("SENIM_OPEN_DATA_DIR", str(VAR_DIR / "open-data"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SENIM_LOG_LEVEL", "WARNING")},
}

# The covering index's INCLUDE columns only matter on PostgreSQL; SQLite builds the plain index.
# W047: SQLite lacks NULLS NOT DISTINCT; register migration 0004 builds an equivalent index there.
SILENCED_SYSTEM_CHECKS = ["models.W040", "models.W047"]

# Sign-in throttling (senim.core.signin, docs/operations.md): this many failed sign-ins within
# the window lock the account, or the client address, for the lock time; an administrator can
# lift a lock sooner with `senim unlock`.
SENIM_SIGNIN_ACCOUNT_FAILURES = int(env_str("SENIM_SIGNIN_ACCOUNT_FAILURES", "5"))
SENIM_SIGNIN_ADDRESS_FAILURES = int(env_str("SENIM_SIGNIN_ADDRESS_FAILURES", "20"))
SENIM_SIGNIN_WINDOW_MINUTES = int(env_str("SENIM_SIGNIN_WINDOW_MINUTES", "15"))
SENIM_SIGNIN_LOCK_MINUTES = int(env_str("SENIM_SIGNIN_LOCK_MINUTES", "15"))
# Behind a reverse proxy, the request header that carries the client address the proxy saw
# (e.g. HTTP_X_REAL_IP); empty: the connection's own address (REMOTE_ADDR).
SENIM_SIGNIN_ADDRESS_HEADER = env_str("SENIM_SIGNIN_ADDRESS_HEADER", "")
# Complaints a citizen may send through the portal from one address in 24 hours (an assumed
# limit against flooding the internal-security queue; docs/integrity.md).
SENIM_PORTAL_COMPLAINTS_PER_DAY = int(env_str("SENIM_PORTAL_COMPLAINTS_PER_DAY", "5"))
# API tokens expire this many days after they are issued (`senim api_token USER` issues one).
SENIM_API_TOKEN_DAYS = int(env_str("SENIM_API_TOKEN_DAYS", "90"))
