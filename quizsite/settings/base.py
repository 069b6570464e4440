"""Settings shared by every environment; values come from the environment (12-factor)."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from core.dbrouting import replica_from_env
from core.redisconf import cache_options, channel_layer_host, sentinel_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "ninja",  # serves the API docs' Swagger UI from our static files (no CDN, CSP-clean)
    "import_export",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "questionbank",
    "competitions",
    "judging",
    "results",
    "leaderboards",
    "reading",
    "stage",
    "honours",
    "playlist",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "quizsite.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.ForcePasswordChangeMiddleware",
    "quizsite.middleware.AppErrorMiddleware",
    "quizsite.middleware.RequestSanityMiddleware",
    # axes last so it sees the authenticated user and can render the lockout response
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "quizsite.urls"
ASGI_APPLICATION = "quizsite.asgi.application"
WSGI_APPLICATION = None

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
                "accounts.context_processors.roles",
                "core.context_processors.organisation",
            ],
        },
    },
]

# --- database -------------------------------------------------------------
DEFAULT_SQLITE_PATH = BASE_DIR / "db.sqlite3"


# WAL lets readers proceed during a write; IMMEDIATE + a busy timeout make writers queue, not fail with
# "database is locked". Every SQLite database gets them, the default file and any sqlite:/// URL alike.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def database_from_env(url: str | None = None) -> dict:
    url = (os.environ.get("DATABASE_URL", "") if url is None else url).strip()
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": DEFAULT_SQLITE_PATH, "OPTIONS": dict(SQLITE_OPTIONS)}
    config = dj_database_url.parse(url, conn_max_age=0)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    if config["ENGINE"] == "django.db.backends.postgresql":
        # psycopg 3 pool instead of persistent connections, which leak under ASGI
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(os.environ.get("DB_POOL_MIN", "2")),
            "max_size": int(os.environ.get("DB_POOL_MAX", "20")),
            "timeout": 10,
        }
    return config


DATABASES = {"default": database_from_env()}
# Statistics and exports may read from a streaming replica (core/dbrouting.py: staleness bound, fallback).
if replica := replica_from_env(database_from_env):
    DATABASES["replica"] = replica
DATABASE_ROUTERS = ["core.dbrouting.ReplicaRouter"]
REPLICA_MAX_LAG_S = float(os.environ.get("REPLICA_MAX_LAG_S", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- redis: channel layer and cache --------------------------------------
# REDIS_SENTINELS=host:port,... + REDIS_SENTINEL_MASTER=name switch every Redis client (channel layer,
# cache, leaderboard store and notifications, stage quiz hub) to Sentinel discovery (core/redisconf.py).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
REDIS_SENTINEL = sentinel_config()
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [channel_layer_host(REDIS_URL, REDIS_SENTINEL)]},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "quizsite"),
            "OPTIONS": cache_options(REDIS_SENTINEL),
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- background tasks -----------------------------------------------------
# Swapping to a Redis-backed backend later changes only this dict.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# --- auth -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # hashes off the request thread; ModelBackend stays listed so sessions begun through it stay valid,
    # and never hashes (accounts/backends.py)
    "accounts.backends.PasswordBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2id at OWASP's minimum: a tenth of PBKDF2's CPU per sign-in (accounts/hashers.py); hashes stored
# with the others still verify and are re-hashed with the first at the next sign-in
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
# Lock a username+IP pair, plus a generous per-IP ceiling against password spraying (accounts/lockout.py).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["ip_address"]]
AXES_IP_FAILURE_LIMIT = int(os.environ.get("AXES_IP_FAILURE_LIMIT", "100"))
AXES_HANDLER = "accounts.lockout.PairAndAddressLockoutHandler"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Reverse proxies in front of daphne (nginx = 1): who the client is, for lockout, vote limits (core/clientip.py)
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT or None
AXES_VERBOSE = False

# --- i18n -----------------------------------------------------------------
# The organisation running the platform: footer, page titles, certificates' default issuer (see core/README.md)
ORG_NAME = os.environ.get("ORG_NAME", "南通市关心下一代工作委员会")
ORG_SHORT_NAME = os.environ.get("ORG_SHORT_NAME", "南通市关工委")
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Protected media through nginx: when set (production: "/_protected_media/"), permitted files are answered
# with X-Accel-Redirect to this internal nginx location (deploy/nginx.conf) instead of streamed by Django.
MEDIA_ACCEL_REDIRECT = os.environ.get("MEDIA_ACCEL_REDIRECT", "").strip()
# Anonymous viewers (a throw-away cookie) counted per client address, video and day at most (playlist app)
PLAYLIST_VIEWERS_PER_ADDRESS = int(os.environ.get("PLAYLIST_VIEWERS_PER_ADDRESS", "20"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Uploads: keep request bodies bounded; large files spill to disk
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Off: it strips one leading "=" (data loss, "==" still runs); resources use core.spreadsheet.safe_cell.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

# Content-Security-Policy (django-csp): our pages run only our own static scripts, no inline script
# (put JS in static/<app>/*.js). Inline style *attributes* are allowed (style-src-attr), <style> elements
# and style sheets from elsewhere are not: ~14 templates set data-driven widths/depths (progress bars,
# histograms, tree indents) as style="…", and an attribute can only restyle its own element, whereas
# the CSS-injection tricks that read page data need a <style> element or a foreign sheet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Public base URL for certificate QR codes and verify links, e.g. https://contest.example.cn. Required in
# production (`check --deploy` fails without it, see results/checks.py); unset in development the
# request's own host is used.
SITE_URL = os.environ.get("SITE_URL", "").strip()
