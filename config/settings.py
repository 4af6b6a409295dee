"""Settings for the PMM reporting app.

One file, read from the environment. Development defaults are safe to run on a laptop
(SQLite, console email); ``DJANGO_ENV=production`` switches on the values that pass
``manage.py check --deploy`` and refuses to start without a real SECRET_KEY.
"""

import datetime
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
import fontpkg_montserrat
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

ENV = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = ENV == "production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", not PRODUCTION)

if PRODUCTION:
    SECRET_KEY = os.environ["SECRET_KEY"]
    # What Django's check --deploy asks of a key, refused at start-up instead of warned about.
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "SECRET_KEY must be at least 50 random characters in production "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "django_tasks_db",
    "axes",
    # Two-factor sign-in (reporting/twofactor.py): TOTP authenticators and backup codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "reporting",
    "compendium",
]

MIDDLEWARE = [
    "config.security.reject_control_characters",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After the response, the thread is Spanish again (docs/english-edition.md §E7).
    "compendium.language_switch.back_to_spanish",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.security.no_store_when_signed_in",
    "config.security.log_refusals",
    # Coordinators' idle sessions end (reporting/idle.py); the second step of sign-in is
    # required before any page (reporting/twofactor.py).
    "reporting.idle.ExpireIdleSessions",
    "reporting.twofactor.RequireSecondFactor",
    # A sign-in refused because too many password checks are under way: 503 with Retry-After
    # and the form as typed (reporting/signin.py, docs/load-test.md §L3).
    "reporting.signin.AnswerBusySignIns",
    # Last, as django-axes asks: it answers locked-out sign-ins (reporting.signin).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.csp",
                "compendium.language_switch.language_switch",
            ],
        },
    },
]

if "DATABASE_URL" not in os.environ:
    # The embedded default lives in var/, which a fresh clone does not have yet.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, and a statement run five times on a connection is
    # prepared there (psycopg 3's automatic preparation, which Django turns off by default):
    # PostgreSQL then plans it once per connection instead of once per execution. Planning
    # was some 80% of PostgreSQL's CPU per request (docs/load-test.md §L9). A pooler in
    # transaction mode (PgBouncer without max_prepared_statements) needs PG_PREPARE_THRESHOLD=none.
    threshold = os.environ.get("PG_PREPARE_THRESHOLD", "5").strip().lower()
    if threshold not in ("none", "off", "") and not threshold.isdigit():
        raise ImproperlyConfigured(
            f"PG_PREPARE_THRESHOLD must be a whole number ≥ 0 or 'none', not {threshold!r}."
        )
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": int(threshold) if threshold.isdigit() else None,
    } | DATABASES["default"].get("OPTIONS", {})
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes a build status.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "reporting.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = [
    # Refuses sign-in for a locked-out account or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after 5 failures for one account or from one address, for 30 minutes; a success
# clears the count. Administrators unlock in the admin («Access attempts») or with
# `manage.py axes_reset_username EMAIL` (reporting/signin.py).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "reporting.signin.typed_username"
AXES_LOCKOUT_CALLABLE = "reporting.signin.lockout_response"
# Our own log lines (pmm.security) name people by id only; axes' would carry the address.
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1" if PRODUCTION else "0"))
# Argon2id at OWASP's recommended parameters for new passwords; PBKDF2 hashes stored before
# still work and are re-made as Argon2id at the next sign-in. Every check runs in a short line
# on a low-priority thread so a burst of sign-ins cannot starve saves (reporting/passwords.py,
# docs/load-test.md §L3). Not Django's own Argon2 hasher too: same algorithm name.
PASSWORD_HASHERS = [
    "reporting.passwords.QueuedArgon2PasswordHasher",
    "reporting.passwords.QueuedPBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Two-factor sign-in (reporting/twofactor.py): coordinators, administrators and staff must
# enrol an authenticator app; focal points may. The test suite switches the requirement off
# for the accounts it signs in with force_login (tests/conftest.py).
OTP_REQUIRED_FOR_STAFF = True
OTP_TOTP_ISSUER = "PMM SEGOB"
# Coordinators' sessions end after this many minutes without a request (reporting/idle.py).
COORDINATOR_IDLE_MINUTES = int(os.environ.get("COORDINATOR_IDLE_MINUTES", "30"))
# Invitation and password-reset links (single use by construction) expire after 7 days.
PASSWORD_RESET_TIMEOUT = 7 * 24 * 3600

LANGUAGE_CODE = "es-mx"
# English only for the public pages under /en/: the language comes from the path alone (the root
# i18n_patterns in config/urls.py), never from Accept-Language or a cookie, so the app and the
# admin stay Spanish (docs/english-edition.md §E7).
LANGUAGES = [("es-mx", "Español (México)"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Mexico_City"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Montserrat comes from a registry package instead of a copy in the repo.
    ("fonts/montserrat", fontpkg_montserrat.ROOT / "files"),
]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
# Compendio builds (docs/performance.md §F3-F5): processes rendering parts (default: one per
# core), how many body parts, and where the last build of each document keeps its parts.
PDF_BUILD_PROCESSES = int(os.environ.get("PDF_BUILD_PROCESSES", 0)) or os.cpu_count() or 1
PDF_BUILD_PARTS = int(os.environ.get("PDF_BUILD_PARTS", 8))
PDF_PARTS_DIR = Path(os.environ.get("PDF_PARTS_DIR", VAR_DIR / "pdf-parts"))
# Parts embed shared static instances of variable fonts (docs/performance.md §F6); 0: off.
PDF_SHARED_FONTS = os.environ.get("PDF_SHARED_FONTS", "1") != "0"
STORAGES = {
    # Generated PDFs. Files are served by the public views, never from MEDIA_URL directly.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}


def mailer_from_url(url: str) -> dict:
    """Translate EMAIL_URL (console://, smtp://user:pass@host:587, smtps://…) into a mailer."""
    parts = urlsplit(url)
    if parts.scheme in {"", "console"}:
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parts.scheme in {"smtp", "smtps"}:
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname or "localhost",
                "port": parts.port or (465 if parts.scheme == "smtps" else 587),
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_ssl": parts.scheme == "smtps",
                "use_tls": parts.scheme == "smtp",
                "timeout": 20,
            },
        }
    raise ValueError(f"Unsupported EMAIL_URL scheme: {parts.scheme}")


# Production must name a real mail server; development prints emails on the console. The
# console and memory backends are refused in production: they would put addresses and
# invitation or reset links into the logs, or lose the messages.
MAILERS = {
    "default": mailer_from_url(
        os.environ["EMAIL_URL"] if PRODUCTION else os.environ.get("EMAIL_URL", "console://")
    )
}
if PRODUCTION and not MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    raise ImproperlyConfigured("EMAIL_URL must be smtp:// or smtps:// in production.")
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Pacto Mundial para la Migración <no-responder@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The public API (compendium/api.py, docs/data-and-api.md §A4): anonymous requests per client
# address, counted in the cache «throttle»; behind a proxy the client is taken from
# X-Forwarded-For. In production (API_THROTTLE_CACHE=database) the counts live in the table
# made by migration compendium/0012, shared by every gunicorn worker; elsewhere per process.
_THROTTLE_IN_DATABASE = (
    os.environ.get("API_THROTTLE_CACHE", "database" if PRODUCTION else "memory") == "database"
)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "api_throttle_cache",
    }
    if _THROTTLE_IN_DATABASE
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"},
    # Counts of the public record, per process, keyed by its stamp (docs/open-data.md §R7).
    "public_record": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "public_record",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 512},
    },
}
NINJA_DEFAULT_THROTTLE_RATES = {
    "anon": os.environ.get("API_RATE", "120/min"),
    "auth": "10000/day",
    "user": "10000/day",
}
NINJA_NUM_PROXIES = AXES_IPWARE_PROXY_COUNT

# The open data's licence (compendium/opendata.py, docs/data-and-api.md §D4): the Mexican
# government's open-data terms, pending UPMRIP's confirmation.
OPEN_DATA_LICENSE = {
    "name": "Libre-Uso-MX",
    "path": "https://datos.gob.mx/libreusomx",
    "title": "Términos de Libre Uso MX",
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Exports from the admin escape leading formula characters; our resources escape the rest.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
# Import and export in the admin need the model's own permissions («add» to import, «view» to
# export): being staff is not enough (issue 17).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    # Inline style attributes (widgets, progress bars) need unsafe-inline; scripts stay strict.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Django's database sessions, read with a prepared statement (reporting/sessions.py).
SESSION_ENGINE = "reporting.sessions"
SESSION_COOKIE_HTTPONLY = True
# No script reads the csrftoken cookie: htmx sends the token from hx-headers on <body> and
# ficha_form.js posts the form's csrfmiddlewaretoken field, so the cookie can be HttpOnly.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # WeasyPrint warns about every unsupported CSS property at length.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "ERROR"},
    },
}
