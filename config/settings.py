"""Settings for Deputy Action (代表行动).

One module, every value read from the environment through the typed helpers in ``config.env``.
With nothing set it runs on SQLite with Celery tasks executed in-process after commit, so a new
user sees the product with one command. With ``DATABASE_URL`` and ``CELERY_BROKER_URL`` it runs on
PostgreSQL and Redis with real ``celery worker`` and ``celery beat`` processes.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    env_bool,
    env_database,
    env_float,
    env_int,
    env_list,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only for a local first look: never used with DEBUG off.
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "simple_history",
    # The product's apps, in dependency order: an app imports only apps above it.
    "regions",
    "accounts",
    "health",
    "deputies",
    "liaison_stations",
    "activities",
    "suggestions",
    "residents",
    "dashboards",
    "reports",
    "duty",
]

MIDDLEWARE = [
    # Before anything reads X-Forwarded-*: only the listed proxies may send them (config/proxy.py).
    "config.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # NUL bytes, lone surrogates, non-UTF-8 forms, deep JSON and oversized API bodies: 400/413 naming the field.
    "config.hygiene.InputHygieneMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # With DEBUG on, Django's English 404 page becomes the product's own (config/errors.py).
    "config.errors.ProductErrorPagesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last, so it sees the authenticated user and can answer with the lock-out page.
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
                "django.template.context_processors.i18n",
                "config.navigation.navigation",
                "suggestions.context_processors.inbox",
                "config.offline.offline_pages",
            ],
            # {{ region|place:user }} in every template: a village with its township (regions/templatetags).
            "builtins": ["regions.templatetags.places"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'deputy_action.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is the embedded first-look default; give writers a moment instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASE_IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (throttling, dashboards) -------------------------------------------------------------
CACHE_URL = env_url("CACHE_URL", None, schemes={"redis", "rediss"})
if CACHE_URL:
    # Redis away: reads miss, writes are skipped, limits fail open, with a warning (config/cache_outage.py).
    CACHES = {
        "default": {
            "BACKEND": "config.cache_outage.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# After the cache fails to answer, a process leaves it alone this long before trying again.
CACHE_OUTAGE_RETRY_SECONDS = env_float("CACHE_OUTAGE_RETRY_SECONDS", 5.0)

# --- Accounts and authentication -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend that also loads the unread-message count for the badge on every page.
    "suggestions.auth.InboxModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "config.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login lock-out (django-axes): five failures for one username from one address lock it.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# Locked by username (from any address) only after many failures; before that each failure makes the
# next attempt for that username wait longer (config/signin.py).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 20, minimum=1)
LOGIN_DELAY_AFTER = env_int("LOGIN_DELAY_AFTER", 3, minimum=1)
LOGIN_DELAY_MAX = env_int("LOGIN_DELAY_MAX", 60, minimum=1)
AXES_COOLOFF_TIME = env_float("AXES_COOLOFF_HOURS", 0.5)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns that a lock by username alone lets a guesser rotate addresses. That is the point here
# (issue #24): guesses spread over addresses still count against the username, with growing delays
# (config/signin.py), and nobody on a shared township network can lock a colleague out by address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "config.signin.lockout_username"

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploads (photos, attachments) live outside static files and are served by views that check
    # the viewer's scope, never by the web server directly.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never routed publicly; see the scoped download views
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# An image over this many pixels is refused before it is decoded (a 140 KB PNG can hold 144 megapixels).
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 40_000_000, minimum=10_000)
# Images are stored re-encoded, no larger than this on their longest side: the copy every page shows.
UPLOAD_IMAGE_MAX_SIDE = env_int("UPLOAD_IMAGE_MAX_SIDE", 1600, minimum=64)
API_JSON_MAX_DEPTH = env_int("API_JSON_MAX_DEPTH", 32, minimum=2)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)

# --- REST API ---------------------------------------------------------------------------------------
# API tokens (django-rest-knox, accounts/tokens.py): a new one at each login, living this many days;
# logout (POST /api/v1/auth/logout/) and a password change revoke all of a user's tokens.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 7, minimum=1)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
# The browsable API (?format=api) draws forms and filters whose choices are not scoped to the user:
# it is on only where DEBUG is (a developer's machine); production answers JSON only.
API_BROWSABLE = env_bool("API_BROWSABLE", DEBUG)
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if API_BROWSABLE else []),
    ],
    # Token first: its WWW-Authenticate header makes an anonymous request a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "config.filters.FilterBackend",
        "config.filters.OrderingFilter",
    ],
    # JSON: nested rows and null have no form encoding. A view that takes files adds multipart itself.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.Pagination",
    "PAGE_SIZE": 50,
    # Every operation's error answers, the bounds the services keep, times of day as written (config/schema.py).
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    # A time of day as the schema states it (HH:MM[:SS[.ffffff]]), not whatever ISO 8601 parsing also takes.
    "TIME_INPUT_FORMATS": ["%H:%M", "%H:%M:%S", "%H:%M:%S.%f"],
    "DEFAULT_THROTTLE_CLASSES": [
        "config.throttling.AnonRateThrottle",
        "config.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "120/minute"),
        "user": env_str("API_THROTTLE_USER", "3000/minute"),
    },
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Deputy Action (代表行动) API",
    "DESCRIPTION": "Deputies, liaison stations, field activities, suggestions and dashboards. "
    "Authenticate with a session or with `Authorization: Token <token>` from `POST /api/v1/auth/token/`. "
    "No text may hold a NUL character or a lone surrogate (a 400 naming the field). Every error is JSON: "
    "`{\"<field>\": [\"message\"]}` for bad input, `{\"detail\": \"…\", \"code\": \"…\"}` otherwise; a 400 lists, "
    "in `x-refused-beyond-schema`, the fields whose well-formed value may still be refused (an id outside your region).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several choice sets share a field name ("level", "role"): name each enum after its domain.
    "ENUM_NAME_OVERRIDES": {
        "RegionLevelEnum": "regions.models.RegionLevel",
        "MandateLevelEnum": "deputies.models.MandateLevel",
        "UserRoleEnum": "accounts.models.Role",
        "MembershipRoleEnum": "deputies.models.MembershipRole",
        "DepartmentTypeEnum": "suggestions.taxonomy.DEPARTMENT_TYPE_CHOICES",
        "ResidentMessageStatusEnum": "residents.models.MessageStatus",
        "SuggestionStatusEnum": "suggestions.models.Status",
    },
}

# --- Celery -----------------------------------------------------------------------------------------
CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", None, schemes={"redis", "rediss", "amqp", "memory"})
# Without a broker, tasks run in-process right after the transaction commits (the embedded default).
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = False
BROKER_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=60)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fixup closes the database connections around every task unless this is set;
# config/celery.py closes them the way Django does around requests instead (CONN_MAX_AGE, broken ones).
# The fixup still closes them every 2 × this many tasks.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000, minimum=1)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = env_int("CELERY_PREFETCH_MULTIPLIER", 4, minimum=1)
# Both limits stay well below the broker's visibility timeout, so a slow task is killed before the
# broker hands it to a second worker.
CELERY_TASK_SOFT_TIME_LIMIT = min(env_int("CELERY_SOFT_TIME_LIMIT", 240, minimum=1), BROKER_VISIBILITY_TIMEOUT // 4)
CELERY_TASK_TIME_LIMIT = min(env_int("CELERY_TIME_LIMIT", 300, minimum=2), BROKER_VISIBILITY_TIMEOUT // 3)
# One queue name per deployment; parallel test processes sharing one Redis each take their own.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "deputy_action")
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The sweepers' tick (seconds): how long, at most, work the broker lost waits once it is back. A
# minute in production; the fault tests shorten it so that they wait on the mechanism, not the clock.
# A tick no worker took expires before the next is sent instead of piling up behind it.
SWEEP_EVERY_SECONDS = env_float("SWEEP_EVERY_SECONDS", 60.0)
if SWEEP_EVERY_SECONDS < 1:
    raise ImproperlyConfigured(f"SWEEP_EVERY_SECONDS={SWEEP_EVERY_SECONDS} must be at least 1 (a minute is the default).")
SWEEP_TICK = {"schedule": SWEEP_EVERY_SECONDS, "options": {"expires": max(1.0, SWEEP_EVERY_SECONDS - 5)}}
# Kept in code so a deployment's schedule is reviewed like any other change.
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "health.tasks.record_heartbeat", "schedule": 60.0},
    # Supervision (催办/督办/通报, sign-off, co-handler opinions, 回头看): each step is sent once per
    # due date (Reminder's unique constraint), so the tick rate only bounds how late it goes out.
    "suggestions-supervise": {"task": "suggestions.tasks.supervise", "schedule": env_float("SUPERVISE_EVERY_SECONDS", 900.0)},
    # Every minute, so nothing waits much longer than a minute once the broker is back: routes the
    # suggestions still "submitted" after 30 s, and delivers the side effects (notices, similar-
    # suggestion indexing) still not done after 30 s (broker down, worker killed). A tick that a
    # stopped worker never took expires instead of piling up behind the next.
    "suggestions-sweep-submitted": {"task": "suggestions.tasks.sweep_stuck_submissions", **SWEEP_TICK},
    "suggestions-sweep-side-effects": {"task": "suggestions.tasks.sweep_side_effects", **SWEEP_TICK},
    # The same for the worker's jobs with a progress bar: a roster import or a campaign report whose
    # task was lost (queued for over a minute, or left mid-run by a dead worker) is sent again.
    "deputies-sweep-roster-imports": {"task": "deputies.tasks.sweep_roster_imports", **SWEEP_TICK},
    "reports-sweep-campaign-reports": {"task": "reports.tasks.sweep_campaign_reports", **SWEEP_TICK},
    # Hot issues (热点问题): the week's clustering of suggestions and residents' messages, Monday 03:00.
    "residents-hot-issues": {"task": "residents.tasks.compute_hot_issues", "schedule": crontab(minute=0, hour=3, day_of_week=1)},

    # Weekly retrain on the bundled examples plus every triage decision kept since (Monday 04:00).
    "suggestions-retrain-router": {"task": "suggestions.tasks.retrain_router", "schedule": crontab(minute=0, hour=4, day_of_week=1)},

    # Dashboard rollups: the running campaigns every few minutes, every campaign at night (02:30).
    "dashboards-refresh-rollups": {
        "task": "dashboards.tasks.refresh_rollups",
        "schedule": env_int("DASHBOARD_ROLLUP_MINUTES", 15, minimum=1) * 60.0,
    },
    # Idempotency keys older than IDEMPOTENCY_KEY_DAYS are forgotten (daily, 03:40).
    "accounts-prune-idempotency-keys": {"task": "accounts.tasks.prune_idempotency_keys", "schedule": crontab(minute=40, hour=3)},
    "dashboards-refresh-rollups-nightly": {
        "task": "dashboards.tasks.refresh_rollups",
        "schedule": crontab(minute=30, hour=2),
        "kwargs": {"everything": True},
    },
}
# How long an API create's Idempotency-Key is kept (config/idempotency.py): a resend of the same
# submission within this many days replays the first answer; afterwards the key is forgotten.
IDEMPOTENCY_KEY_DAYS = env_int("IDEMPOTENCY_KEY_DAYS", 30, minimum=1)
# Bounded retries with backoff for transient faults (database or broker hiccups).
TASK_MAX_RETRIES = env_int("TASK_MAX_RETRIES", 5, minimum=0)

# --- Email and notifications ----------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "代表行动 <noreply@localhost>")
SMS_BACKEND = env_str("SMS_BACKEND", "suggestions.notifications.LoggingSMSBackend")

# --- Security -----------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# The reverse proxies' addresses as gunicorn sees them; X-Forwarded-Proto/-For from anyone else is dropped.
TRUSTED_PROXIES = frozenset(env_list("TRUSTED_PROXIES", []))
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content Security Policy: only the app's own assets, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

# --- Logging: never personal data; the formatters only print what the code logs. --------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Product settings -------------------------------------------------------------------------------
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo")
# Suggestion handling defaults when a suggestion belongs to no campaign (a campaign's fields win).
SUGGESTION_ANSWER_MONTHS = env_int("SUGGESTION_ANSWER_MONTHS", 3, minimum=1)
SUGGESTION_RETURN_WINDOW_DAYS = env_int("SUGGESTION_RETURN_WINDOW_DAYS", 7, minimum=1)
SUGGESTION_COHANDLER_OPINION_MONTHS = env_int("SUGGESTION_COHANDLER_OPINION_MONTHS", 1, minimum=1)
SUGGESTION_REMINDER_DAYS = env_int("SUGGESTION_REMINDER_DAYS", 5, minimum=1)
SUGGESTION_LONG_OVERDUE_DAYS = env_int("SUGGESTION_LONG_OVERDUE_DAYS", 5, minimum=1)
# Working days after assignment before an unsigned assignment gets a sign-off reminder.
SUGGESTION_SIGN_OFF_REMINDER_DAYS = env_int("SUGGESTION_SIGN_OFF_REMINDER_DAYS", 2, minimum=1)

# --- Dashboards -------------------------------------------------------------------------------------
# Figures are cached this long per scope, region and filters (0 turns the cache off).
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 60, minimum=0)
# The departments' league table ranks only departments with at least this many suggestions.
DASHBOARD_LEAGUE_MIN = env_int("DASHBOARD_LEAGUE_MIN", 3, minimum=1)
# …and the page shows this many of them (the Excel export has the whole ranking).
DASHBOARD_LEAGUE_ROWS = env_int("DASHBOARD_LEAGUE_ROWS", 30, minimum=1)
# Province, city and county dashboards are added up from rollups that beat refreshes every
# DASHBOARD_ROLLUP_MINUTES (dashboards/rollup.py); a rollup older than the maximum age is not used
# and the page is computed from the raw rows instead.
# API lists: above this many rows (PostgreSQL's estimate) a page shows the estimate, not an exact
# COUNT(*) (config/pagination.py); a client asks for the exact count with count=exact.
API_EXACT_COUNT_MAX = env_int("API_EXACT_COUNT_MAX", 10_000, minimum=0)
DASHBOARD_ROLLUPS = env_bool("DASHBOARD_ROLLUPS", True)
DASHBOARD_ROLLUP_MINUTES = env_int("DASHBOARD_ROLLUP_MINUTES", 15, minimum=1)
DASHBOARD_ROLLUP_MAX_AGE_MINUTES = env_int("DASHBOARD_ROLLUP_MAX_AGE_MINUTES", 360, minimum=1)

# --- Activities ----------------------------------------------------------------------------------
# The author may correct an activity for this many days after logging it; after that only the
# congress office may (the ledger must not drift once reported).
ACTIVITY_EDIT_DAYS = env_int("ACTIVITY_EDIT_DAYS", 7, minimum=0)
# Photos per activity: enough for a visit, few enough that a phone on a village link can send them.
ACTIVITY_MAX_PHOTOS = env_int("ACTIVITY_MAX_PHOTOS", 9, minimum=1)
# Sanity bounds on one activity: its date, its issue rows and each count it reports.
ACTIVITY_EARLIEST_YEAR = env_int("ACTIVITY_EARLIEST_YEAR", 2000, minimum=1900)
ACTIVITY_MAX_ISSUES = env_int("ACTIVITY_MAX_ISSUES", 100, minimum=1)
ACTIVITY_MAX_COUNT = env_int("ACTIVITY_MAX_COUNT", 100_000, minimum=1)

# --- Residents' voice (群众留言) --------------------------------------------------------------------
# A sliding window (seconds) over the public QR form's messages: past VOICE_RATE_PER_IP from one
# address, or VOICE_RATE_PER_STATION passed on by one station, further messages are kept but held for
# review (待审核) instead of refused; only an address past VOICE_REFUSE_PER_IP is refused.
VOICE_RATE_WINDOW = env_int("VOICE_RATE_WINDOW", 3600, minimum=60)
VOICE_RATE_PER_IP = env_int("VOICE_RATE_PER_IP", 5, minimum=1)
VOICE_REFUSE_PER_IP = env_int("VOICE_REFUSE_PER_IP", 30, minimum=1)
VOICE_RATE_PER_STATION = env_int("VOICE_RATE_PER_STATION", 100, minimum=1)
# A form sent back sooner than this after it was shown is a script, not a person typing.
VOICE_MIN_FILL_SECONDS = env_int("VOICE_MIN_FILL_SECONDS", 3, minimum=0)
# The arithmetic question expires after this long (the page must be reloaded).
VOICE_CHALLENGE_MAX_AGE = env_int("VOICE_CHALLENGE_MAX_AGE", 3600, minimum=60)
# Similar suggestions: how far back "recent" reaches, and how many candidates get an exact score.
SIMILAR_RECENT_DAYS = env_int("SIMILAR_RECENT_DAYS", 365, minimum=1)
SIMILAR_CANDIDATES = env_int("SIMILAR_CANDIDATES", 50, minimum=5)

# --- Routing -----------------------------------------------------------------------------------------
# At or above this confidence the router assigns a suggestion itself; below it goes to triage with the
# three best guesses. The default and its evidence are in suggestions/routing/classifier.py and docs/routing.md.
# 0.82 is suggestions.routing.classifier.DEFAULT_CONFIDENCE_THRESHOLD (not imported: settings stay light; a test
# keeps the two equal).
ROUTER_CONFIDENCE_THRESHOLD = env_float("ROUTER_CONFIDENCE_THRESHOLD", 0.82)
if not 0.0 <= ROUTER_CONFIDENCE_THRESHOLD <= 1.0:
    raise ImproperlyConfigured("ROUTER_CONFIDENCE_THRESHOLD must be between 0 and 1.")
# The model trained on the bundled examples is kept here by the first process that trains it; the web and
# worker processes that start after it load it instead of training again ('' keeps nothing).
ROUTER_MODEL_DIR = env_str("ROUTER_MODEL_DIR", str(VAR_DIR / "router"))
# A routing task routes its own suggestion and up to this many - 1 others still waiting, in one
# transaction (classified together, written in a few statements): a burst of submissions is routed in
# batches rather than one transaction each. 1 routes one suggestion per task. See docs/benchmarks.md.
ROUTING_BATCH_SIZE = env_int("ROUTING_BATCH_SIZE", 100, minimum=1)

# django-filter's empty choices: "全部" rather than dashes (config/choices.py does the forms').
FILTERS_EMPTY_CHOICE_LABEL = _("全部")
