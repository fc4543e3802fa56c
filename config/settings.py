"""Benchboard settings: one module, driven by the environment (see README).

Safe by default: DEBUG is off unless DJANGO_DEBUG says so, and without DEBUG a
DJANGO_SECRET_KEY is required. Malformed values stop start-up with a message
naming the variable (config/env.py).
"""

import datetime
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import env_bool, env_int, env_list, env_str, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. Set it to a long "
            "random string, or set DJANGO_DEBUG=1 for a local run."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
for origin in CSRF_TRUSTED_ORIGINS:
    if not origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"DJANGO_CSRF_TRUSTED_ORIGINS entries must start with http:// or https://, "
            f"not {origin!r}."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "simple_history",
    "axes",
    "models_registry",
    "sources",
    "benchmarks",
    "submissions",
    "pages",
    "ingest",
    "loadbench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.SecurityHeadersMiddleware",
    # Before anything reads the address or the admin's query: PostgreSQL cannot hold NUL.
    "config.security.RefuseNulMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records who made each change in the history of curated records.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a refused admin login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "pages.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": parse_database_url(
        env_str("DATABASE_URL", "sqlite:///db.sqlite3"), base_dir=BASE_DIR
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections, checked before each request reuses them, so the
    # site survives a database restart without serving errors.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A model's change page in the admin edits all its results in place (several
# fields a row); the default of 1,000 fields is too few for a well-measured model.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Chart.js comes from npm at setup (package.json); it is never committed.
    ("vendor/chart.js", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: curators hear of new tickets, reporters of their outcome. Without
# DJANGO_EMAIL_HOST mails are printed on the console; with it they go by SMTP.
_EMAIL_HOST = env_str("DJANGO_EMAIL_HOST")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _EMAIL_HOST,
                "port": env_int("DJANGO_EMAIL_PORT", 587, minimum=1),
                "username": env_str("DJANGO_EMAIL_USER"),
                "password": env_str("DJANGO_EMAIL_PASSWORD"),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", default=True),
                "timeout": 10,
            },
        }
        if _EMAIL_HOST
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "Benchboard <benchboard@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Where visitors' report and submission attempts are counted for the rate limit:
# the database by default, Redis when REDIS_URL is set. Either holds across
# several server processes.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"REDIS_URL must start with redis://, rediss:// or unix://, not {REDIS_URL!r}."
    )
BENCHBOARD_TICKET_RATE_LIMIT = env_int("BENCHBOARD_TICKET_RATE_LIMIT", 5, minimum=1)
BENCHBOARD_TICKET_RATE_WINDOW = env_int("BENCHBOARD_TICKET_RATE_WINDOW", 600, minimum=1)

# Django's cache: local memory (one per process) by default, Redis when CACHE_URL
# names one (shared by every worker). The public pages are cached whole in it
# unless BENCHBOARD_PAGE_CACHE is off (config/caching.py).
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"CACHE_URL must be empty or start with redis://, rediss:// or unix://, not {CACHE_URL!r}."
    )
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {
            # Each process's own pages, at most PAGE_CACHE_MB of them (config/cache_backends).
            "BACKEND": "config.cache_backends.BoundedLocMemCache",
            "LOCATION": "benchboard",
            "OPTIONS": {
                "MAX_ENTRIES": 2000,
                "MAX_BYTES": env_int("BENCHBOARD_PAGE_CACHE_MB", 48) * 1024 * 1024,
            },
        }
    )
}
BENCHBOARD_PAGE_CACHE = env_bool("BENCHBOARD_PAGE_CACHE", default=True)
# Static files are the site's own: no other origin reads them (whitenoise would send
# Access-Control-Allow-Origin: *, at odds with Cross-Origin-Resource-Policy: same-origin).
WHITENOISE_ALLOW_ALL_ORIGINS = False
# Curators log in through the admin: a refused or missing ?next= leads there, not to
# Django's default /accounts/profile/ (a 404 here).
LOGIN_REDIRECT_URL = "admin:index"

# Security: headers, cookies, the Content Security Policy, admin login throttling.
# `manage.py check --deploy` passes with the production settings in README.
_BEHIND_HTTPS_PROXY = env_bool("DJANGO_BEHIND_HTTPS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _BEHIND_HTTPS_PROXY else None
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=_BEHIND_HTTPS_PROXY)
# Sent only on HTTPS responses (SecurityMiddleware). A year behind an HTTPS proxy.
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000 if _BEHIND_HTTPS_PROXY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=False)
# Covering the other subdomains, and the browsers' preload list, bind hosts that
# are not this site's: they are the operator's choice (the two settings above),
# so check --deploy does not warn that they are off.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# config/security.py sends these two.
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# Cookies only over HTTPS outside debug. No script reads the CSRF cookie: every
# form that posts carries its token.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
# Strict, in every environment (tests too, so the browser tests catch violations).
# No nonces: pages are cached and shared. All JavaScript is in static files, page
# data is in json_script blocks, and htmx is set up not to eval (base.html).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Admin login throttling (django-axes): after BENCHBOARD_LOGIN_FAILURE_LIMIT wrong
# passwords for one username from one address, that pair is refused (429 and
# config/security.py) for BENCHBOARD_LOGIN_COOLOFF_MINUTES. Attempts are
# stored in the database, so the limit holds across server processes. The address
# is REMOTE_ADDR, as for the ticket rate limit (submissions/ratelimit.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("BENCHBOARD_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=env_int("BENCHBOARD_LOGIN_COOLOFF_MINUTES", 15, minimum=1)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# No "AXES: BEGIN" banner on every manage.py command (it would mix into command output).
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "config.security.login_lockout"


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # An outage is logged once, with its cause, and its end (config.errors).
    "filters": {"database_outage": {"()": "config.errors.database_outage_log"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["database_outage"]}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}
