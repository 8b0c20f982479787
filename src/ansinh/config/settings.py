"""Settings for ansinh, read from the environment.

Production is the default: DEBUG is off, a SECRET_KEY must be given, cookies are secure.
The demo (``make demo``) and the tests set ``ANSINH_ENV=demo`` / ``ANSINH_ENV=test``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from ansinh.lib.addresses import parse_networks

# Lets generic Django classes (ModelAdmin[Model], QuerySet[Model]) be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
# production | demo | test | local (the CLI outside a deployment). Under pytest the default is test.
ENV = os.environ.get("ANSINH_ENV") or ("test" if "pytest" in sys.modules else "production")
DATA_DIR = Path(os.environ.get("ANSINH_DATA_DIR", Path.cwd() / "var"))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_from_url(url: str) -> dict[str, object]:
    """Turn ``DATABASE_URL`` into a Django ``DATABASES['default']`` entry.

    >>> database_from_url("sqlite:///tmp/a.sqlite3")["NAME"]
    '/tmp/a.sqlite3'
    >>> database_from_url("postgres://u:p@127.0.0.1:5432/ansinh")["ENGINE"]
    'django.db.backends.postgresql'
    """
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        name = unquote(parsed.path) if parsed.netloc in ("", "localhost") else unquote(parsed.netloc + parsed.path)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name or ":memory:",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    if parsed.scheme in ("postgres", "postgresql", "pgsql"):
        options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": int(os.environ.get("CONN_MAX_AGE", "60")),
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(f"Unsupported DATABASE_URL scheme: {parsed.scheme!r}")


# Off everywhere unless asked for (DEBUG=1): the demo shows the friendly error pages a user would see, and its
# static files are served by WhiteNoise from the finders (WHITENOISE_USE_FINDERS below), not by DEBUG.
DEBUG = _bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if ENV == "production":
        raise ImproperlyConfigured("SECRET_KEY must be set in production (or set ANSINH_ENV=demo).")
    SECRET_KEY = "insecure-" + ENV + "-key-do-not-use-in-production"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

DATABASES = {
    "default": database_from_url(os.environ.get("DATABASE_URL", "sqlite:///" + str(DATA_DIR / "ansinh.sqlite3")))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "ansinh.cli",  # first: its createsuperuser (audited) replaces Django's
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # the API's documentation page and its swagger-ui files, served from the project (no CDN)
    "ansinh.accounts",
    "ansinh.audit",
    "ansinh.geo",
    "ansinh.registry",
    "ansinh.review",
    "ansinh.web",
    "ansinh.tasks",
    "ansinh.imports",
    "ansinh.programs",
    "ansinh.payments",
    "ansinh.dossiers",
    "ansinh.cases",
    "ansinh.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ansinh.web.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ansinh.web.middleware.ControlCharactersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ansinh.audit.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "ansinh.config.urls"
WSGI_APPLICATION = "ansinh.config.wsgi.application"

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
                "ansinh.web.context.navigation",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
# Permissions come from the role (the matrix), never from Django's per-user permissions or groups.
AUTHENTICATION_BACKENDS = ["ansinh.accounts.backends.MatrixBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if ENV == "test":
    # Argon2 is deliberately slow; the test suite hashes thousands of passwords.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = (
    []
    if ENV in ("demo", "test")
    else [
        {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
        {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    ]
)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock-out after repeated failed logins (per username and per client address).
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE = ENV == "production" and _bool("SECURE_COOKIES", True)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _bool("BEHIND_PROXY", False) else None
# The reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated): the client
# address of the lock-out and of the audit trail is read from it only when the connection comes from one.
TRUSTED_PROXIES = parse_networks(os.environ.get("TRUSTED_PROXIES", ""))
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
WHITENOISE_USE_FINDERS = ENV != "production"
WHITENOISE_AUTOREFRESH = _bool("WHITENOISE_AUTOREFRESH", DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if ENV == "production"
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(5 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# Imports (docs/import-format.md): the largest file a user may upload, in MB.
IMPORT_MAX_UPLOAD_MB = int(os.environ.get("IMPORT_MAX_UPLOAD_MB", "100"))
# Staged import files hold citizens' personal data (names, ID numbers); `ansinh purge-imports` removes them
# this many days after an import is committed or fails (a cancelled import's files go at once) ...
IMPORT_STAGING_RETENTION_DAYS = int(os.environ.get("IMPORT_STAGING_RETENTION_DAYS", "7"))
# ... and cancels, then purges, an import left unfinished (never committed or cancelled) this many days.
IMPORT_UNFINISHED_RETENTION_DAYS = int(os.environ.get("IMPORT_UNFINISHED_RETENTION_DAYS", "30"))

# Victims' cases (docs/cases.md, ADR 0012): the key file of the field encryption, outside the database and the
# repository (one Fernet key a line, the first encrypts, all decrypt: rotation); the demo writes one under var/.
CASES_KEY_FILE = Path(os.environ.get("CASES_KEY_FILE", DATA_DIR / "keys" / "cases.key"))
# Aggregates of cases: a cell counting fewer cases than this is suppressed (with complementary suppression).
CASES_SUPPRESSION_THRESHOLD = int(os.environ.get("CASES_SUPPRESSION_THRESHOLD", "5"))
# How long a break-the-glass opening of a case outside one's circle lasts, in hours.
CASES_BREAK_GLASS_HOURS = int(os.environ.get("CASES_BREAK_GLASS_HOURS", "4"))
# The largest attachment of a case, in MB (PDF, JPEG or PNG).
CASES_ATTACHMENT_MAX_MB = int(os.environ.get("CASES_ATTACHMENT_MAX_MB", "10"))
# The API (docs/api.md): requests per window per token or user, and per client address; the window in seconds;
# how long a signed export download link and an idempotency record last.
API_RATE_LIMIT = int(os.environ.get("API_RATE_LIMIT", "1200"))
API_ADDRESS_RATE_LIMIT = int(os.environ.get("API_ADDRESS_RATE_LIMIT", "2400"))
API_RATE_WINDOW = int(os.environ.get("API_RATE_WINDOW", "60"))
API_DOWNLOAD_SECONDS = int(os.environ.get("API_DOWNLOAD_SECONDS", "900"))
IDEMPOTENCY_HOURS = int(os.environ.get("IDEMPOTENCY_HOURS", "24"))
# Dossiers (docs/dossiers.md): a citizen's attachments, at most this many MB each and this many per dossier,
# stored outside the web root (never under MEDIA_ROOT or STATIC_ROOT).
DOSSIER_ATTACHMENT_MAX_MB = int(os.environ.get("DOSSIER_ATTACHMENT_MAX_MB", "5"))
DOSSIER_ATTACHMENTS_MAX = int(os.environ.get("DOSSIER_ATTACHMENTS_MAX", "10"))
DOSSIER_FILES_DIR = Path(os.environ.get("DOSSIER_FILES_DIR", DATA_DIR / "private" / "dossiers"))

# Demo accounts exist only in demo mode.
DEMO_MODE = ENV == "demo"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
