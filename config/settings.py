"""Settings, read from the environment (12-factor, via django-environ).

Every value a deployment changes comes from an environment variable; the
defaults give a working local set-up on an embedded SQLite file. README.md
lists the variables. Production: DEBUG=false, a real SECRET_KEY, real
ALLOWED_HOSTS and HTTPS=true make `manage.py check --deploy` pass.
"""

from datetime import timedelta
from pathlib import Path

import environ

from config.errortracking import init_error_tracking
from config.logconfig import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The default key is only good for local work; check --deploy rejects it.
SECRET_KEY = env.str(
    "SECRET_KEY",
    default="django-insecure-local-development-key-change-me",
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "axes",
    "csp",
    "django_guid",
    "django_prometheus",
    "articles",
    "comments",
    "moderation",
    "community",
    "notifications",
    "privacy",
]

MIDDLEWARE = [
    # First: every later middleware's and view's log lines carry the request id.
    "django_guid.middleware.guid_middleware",
    # Request metrics (django-prometheus): this one first, its After twin last.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # /healthz and /readyz answered here, before host checks, HTTPS redirects and sessions (config/health.py).
    "config.health.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before CommonMiddleware, so preflight and redirect responses carry the CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    # /api/: 415 for a body that is not JSON and 414 for an over-long URL, before anything reads the body.
    "config.parsers.ApiRequestGateMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Admin login POSTs per client IP (ADMIN_LOGIN_RATE), then the lockout page (django-axes, last;
    # inside CSP, so the 429 pages get its header too).
    "config.lockout.AdminLoginRateLimitMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
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
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE transactions
    # take the write lock up front, so concurrent posts queue for the busy
    # timeout instead of failing with "database is locked" on lock upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

LOGIN_URL = "admin:login"

# --- Password guessing: lockout per username + client IP (django-axes, config/lockout.py) ---
# After LOGIN_FAILURE_LIMIT failed passwords for one username from one IP, that pair is
# refused (admin login and POST /api/auth/token/: 429) until LOGIN_COOLOFF_MINUTES have
# passed since its last attempt. Attempts are database rows, shared by every process.
AUTHENTICATION_BACKENDS = [
    "config.lockout.LockoutBackend",  # refuses a locked-out pair before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = True  # django-axes' default, named here so config.lockout can read it
AXES_CLIENT_IP_CALLABLE = "comments.http.client_ip"  # REMOTE_ADDR, or TRUSTED_PROXY_COUNT hops back
AXES_USERNAME_CALLABLE = "config.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"  # 429 + Retry-After: a page, JSON under /api/
AXES_DISABLE_ACCESS_LOG = True  # only failures are recorded, not every successful login
AXES_VERBOSE = False  # no start-up banner on every command
# Admin login POSTs per client IP, counted atomically (bounds a burst sent before the lockout applies).
ADMIN_LOGIN_RATE = env.str("ADMIN_LOGIN_RATE", default="10/minute")

# --- Security (production turns these on with HTTPS=true) --------------------
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp) on every page: scripts, styles, images and API calls only
# from this site, no plugins, no framing, forms post only here. Every script and style of ours is
# a static file (the API docs use Swagger UI's split view for the same reason), so no page needs
# 'unsafe-inline'; Django admin's one inline <style> (a column width on a changelist without
# actions) is cosmetic and is blocked.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# How long an admin (moderator) login lasts: a working shift, not Django's two weeks.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
# Number of reverse proxies in front of the app whose X-Forwarded-For entries
# are trusted for the commenter's IP address; 0 means use REMOTE_ADDR only.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Comments -----------------------------------------------------------------
COMMENT_MAX_LENGTH = env.int("COMMENT_MAX_LENGTH", default=5000)
COMMENT_AUTHOR_NAME_MAX_LENGTH = 80
# Words a reader's name may not imitate (comments/names.py): a name that reads as one is
# flagged for the moderators, one spelled with look-alike letters of another alphabet refused.
# Include the site's own name.
COMMENT_STAFF_NAME_WORDS = env.list(
    "COMMENT_STAFF_NAME_WORDS",
    default=[
        "moderator",
        "moderation",
        "admin",
        "administrator",
        "editor",
        "staff",
        "official",
        "newsroom",
        "Rudaw",
        "ڕووداو",
    ],
)
# Window in which identical text counts as a repeat post (promotion signal).
COMMENT_DUPLICATE_WINDOW_HOURS = env.int("COMMENT_DUPLICATE_WINDOW_HOURS", default=72)
# When true, a comment that hits a moderator's "banned" term is rejected at
# once by the system (recorded as a system decision) instead of waiting.
MODERATION_AUTO_REJECT_BANNED = env.bool("MODERATION_AUTO_REJECT_BANNED", default=False)
# How long opening a pending comment in the review queue claims it for you.
MODERATION_CLAIM_MINUTES = env.int("MODERATION_CLAIM_MINUTES", default=5)

# --- Community: who is writing (community/) -------------------------------------------
# Commenter history: how many days back "comments from the same IP address" reaches.
COMMUNITY_SAME_IP_DAYS = env.int("COMMUNITY_SAME_IP_DAYS", default=30)
# Bans: a banned commenter's comment is stored and rejected by the system at once (reason "banned"),
# and the reader sees the usual "received" answer. True: the API and the form refuse it instead
# (403, code "commenter_banned").
COMMUNITY_BANNED_REFUSE = env.bool("COMMUNITY_BANNED_REFUSE", default=False)
# Trust: the system suggests trusting a commenter with at least this many approved comments and
# none rejected; a moderator decides. A trusted commenter's comments get their priority multiplied
# by COMMUNITY_TRUSTED_PRIORITY_FACTOR (still moderated like every comment).
COMMUNITY_TRUST_SUGGEST_APPROVED = env.int("COMMUNITY_TRUST_SUGGEST_APPROVED", default=10)
COMMUNITY_TRUSTED_PRIORITY_FACTOR = env.float("COMMUNITY_TRUSTED_PRIORITY_FACTOR", default=0.5)
# Reader reports: how many reports one IP address may send (django-style rate, e.g. "10/hour").
COMMUNITY_REPORT_RATE = env.str("COMMUNITY_REPORT_RATE", default="10/hour")

# --- Commenter emails (notifications/emails.py) ------------------------------------------
# Where email goes: EMAIL_URL as django-environ reads it, e.g. smtp+tls://user:password@smtp.example:587
# (smtp+ssl:// for implicit TLS). The default prints each email on the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Comments <comments@localhost>")
# Links in emails are absolute: the public address of this site, and its name in the footer.
PUBLIC_SITE_URL = env.str("PUBLIC_SITE_URL", default="http://127.0.0.1:8000")
PUBLIC_SITE_NAME = env.str("PUBLIC_SITE_NAME", default="The newsroom")
# How often a worker retries a failed send (back-off doubling from 1 minute, at most 1 hour apart).
NOTIFICATION_EMAIL_RETRIES = env.int("NOTIFICATION_EMAIL_RETRIES", default=6)

# --- Learned layer of the guideline checks (moderation/checkmodels.py) -------------
# False: the checks run on the rules alone (no model scores, no model findings).
CHECKS_MODEL_ENABLED = env.bool("CHECKS_MODEL_ENABLED", default=True)
# Training from moderators' decisions: refused below this many usable decisions;
# at most the most recently decided CHECKS_RETRAIN_MAX_DECISIONS comments are used.
CHECKS_RETRAIN_MIN_DECISIONS = env.int("CHECKS_RETRAIN_MIN_DECISIONS", default=200)
CHECKS_RETRAIN_MAX_DECISIONS = env.int("CHECKS_RETRAIN_MAX_DECISIONS", default=50_000)
# L-BFGS iterations of a fine-tune (the default takes seconds on a few thousand decisions).
CHECKS_RETRAIN_MAXITER = env.int("CHECKS_RETRAIN_MAXITER", default=100)
# Hours between periodic retrainings by Celery beat (empty: never); whether the new
# version is activated at once or waits for an admin to activate it.
CHECKS_RETRAIN_HOURS = float(env.str("CHECKS_RETRAIN_HOURS", default="") or 0) or None
CHECKS_RETRAIN_ACTIVATE = env.bool("CHECKS_RETRAIN_ACTIVATE", default=False)

# --- REST framework, API schema, CORS, submission limits ------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous call to a moderator endpoint gets 401 + WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # JSON only: a form or multipart body is a 415 (config/parsers.py), so no cross-site HTML
    # form can post to the API and no file part is ever read.
    "DEFAULT_PARSER_CLASSES": ["config.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "config.api.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.api_exception_handler",
}
# Longest URL (path and query string) the API answers; longer ones get 414.
API_MAX_URL_LENGTH = 2048
# Token requests (POST /api/auth/token/) per client IP: password guessing is slowed down.
AUTH_TOKEN_RATE = env.str("AUTH_TOKEN_RATE", default="10/minute")
# Comment submissions (API and form) per client IP and per author email; moderators are
# exempt. DRF rate syntax ("5/minute", "100/hour"); empty turns a limit off.
COMMENT_RATE_PER_IP = env.str("COMMENT_RATE_PER_IP", default="5/minute")
COMMENT_RATE_PER_EMAIL = env.str("COMMENT_RATE_PER_EMAIL", default="5/minute")

SPECTACULAR_SETTINGS = {
    "TITLE": "Newsroom comments API",
    "DESCRIPTION": (
        "Reader comments on news articles, every one moderated before it is shown. Public endpoints "
        "list articles and approved comments, accept comments and tell a submitter (holding the "
        "receipt) where their comment stands. Moderator endpoints (token or session, moderation "
        "permission) list the queue and decide. Every error has the shape "
        '`{"detail": str, "code": str, "errors": {field: [messages]}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the pinned drf-spectacular-sidecar package: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 10**18 - 1}},
    # The document states what the API enforces: JSON bodies without unknown properties, 413/414/415.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.state_what_the_api_enforces",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CommentStatusEnum": "comments.models.Comment.Status",
        "GuidelineEnum": "moderation.guidelines.Guideline",
        "VerdictEnum": "moderation.models.ModerationDecision.Verdict",
        "SanctionKindEnum": "community.models.Sanction.Kind",
    },
}

# Cross-origin browser access for the configured frontends, to the API only.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "x-csrftoken",
    "x-requested-with",
    "x-comment-receipt",
    "x-request-id",
)
CORS_EXPOSE_HEADERS = ["Retry-After", "X-Request-ID"]

# Logs (config/logconfig.py): LOG_FORMAT "json" (one JSON object per line: time, level, logger,
# request_id, message and any fields a line adds, e.g. comment_id and moderator) or "text" (readable
# lines); JSON by default unless DEBUG is on. The request id comes from the request's X-Request-ID
# header (a valid UUID) or is made here, and is returned in the response's X-Request-ID header.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = logging_config(log_format=LOG_FORMAT, level=env.str("LOG_LEVEL", default="INFO"))
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,  # CORS_EXPOSE_HEADERS names it (django-guid would replace that list)
    # Only a UUID is taken from a request (anything else gets a new id): no log injection.
    # Tasks queued while handling a request carry its id to the worker: config/requestid.py.
}
# Error tracking (optional): with SENTRY_DSN set, unhandled errors go to Sentry without personal
# data (no IP addresses, cookies, user details or request bodies: config/errortracking.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
# Metrics (config/metrics.py): GET /metrics in Prometheus' text format, served to these addresses or
# networks, or to a request with "Authorization: Bearer <METRICS_TOKEN>" (empty: no token accepted).
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1/32", "::1/128"])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# The queue figures (pending per category, oldest pending) are computed at most this often.
METRICS_QUEUE_SECONDS = env.int("METRICS_QUEUE_SECONDS", default=15)
init_error_tracking(dsn=SENTRY_DSN, environment=env.str("SENTRY_ENVIRONMENT", default="production"))

# --- Production stack: cache, task queue, static files, 503 on database loss ---
# (issue 6) Without REDIS_URL everything runs in one process: a local-memory
# cache and Celery tasks run eagerly. With it, the public comment lists and the
# throttle counters live in Redis, shared by every app process.
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="newsroom")
# How long a cached public comment list may live. A list is keyed by the article's
# public comments version, which the database keeps and every change that alters
# what is public increments in its own transaction (comments/cache.py): a change is
# public at once, in every process, whatever the cache missed. This only bounds memory.
PUBLIC_COMMENTS_CACHE_SECONDS = env.int("PUBLIC_COMMENTS_CACHE_SECONDS", default=60)
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis with a per-process back-off: after a failed call Redis is skipped for
            # CACHE_FAILURE_BACKOFF_SECONDS (misses, no-ops) and the outage is logged once (config/cache.py).
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # Redis down must cost a request milliseconds, not seconds.
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=0.25),
                "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=0.25),
                # Degrade, don't fail: a cache miss instead of a 500 (logged below).
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "config.cache"
# After a cache call fails to reach Redis, each process answers cache calls as misses without
# trying Redis for this long; then one call tries again (config/cache.py). 0: try on every call.
CACHE_FAILURE_BACKOFF_SECONDS = env.float("CACHE_FAILURE_BACKOFF_SECONDS", default=5.0)

# Celery: the Redis broker when one is configured; otherwise tasks run inline.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="newsroom")
# A task is acknowledged only after it ran, so a worker that dies mid-batch
# leaves the message for another worker (the tasks are idempotent).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Publishing gives up quickly when the broker is down; the caller then runs
# the work inline (moderation/tasks.py), so nothing waits long or is lost.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# Periodic work (run `celery -A config beat` beside the workers): retraining the
# learned checks from moderators' decisions, only when CHECKS_RETRAIN_HOURS is set.
CELERY_BEAT_SCHEDULE = {}
if CHECKS_RETRAIN_HOURS:
    CELERY_BEAT_SCHEDULE["retrain-check-model"] = {
        "task": "moderation.retrain_check_model",
        "schedule": timedelta(hours=CHECKS_RETRAIN_HOURS),
    }

if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # An unreachable server fails the request (503) after seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )

# Static files: with STATIC_MANIFEST (the default when DEBUG is off) whitenoise
# serves the collected, hashed and compressed files from STATIC_ROOT, so run
# `manage.py collectstatic` first. The test suite turns it off (conftest.py).
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
if STATIC_MANIFEST:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
# Database unreachable: a clear 503 (JSON under /api/) instead of a 500.
MIDDLEWARE.append("config.middleware.DatabaseUnavailableMiddleware")

# --- Webhooks (notifications/webhooks.py) ------------------------------------------------------
# Seconds an endpoint gets to accept the connection and answer one delivery attempt.
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=5.0)
# Seconds to wait after each failed attempt before the next (one retry per entry); when all are used
# the delivery has failed for good. Default: 6 attempts, the retries after 10 s, 1 min, 10 min, 1 h, 6 h.
WEBHOOKS_RETRY_DELAYS = env.list("WEBHOOKS_RETRY_DELAYS", cast=int, default=[10, 60, 600, 3600, 21600])
# After this many deliveries in a row failed for good, the endpoint is turned off with the reason
# shown in admin (0: never).
WEBHOOKS_DISABLE_AFTER_FAILURES = env.int("WEBHOOKS_DISABLE_AFTER_FAILURES", default=5)
# True lets endpoints be on private, loopback or link-local addresses (the SSRF guard off): for a
# receiver on this machine or inside the newsroom's network only.
WEBHOOKS_ALLOW_PRIVATE_HOSTS = env.bool("WEBHOOKS_ALLOW_PRIVATE_HOSTS", default=False)
# After publishing a delivery to the broker failed, this process leaves new deliveries pending (for the
# sweep or `manage.py deliver_webhooks`) for this many seconds instead of making each request wait.
WEBHOOKS_BROKER_BACKOFF_SECONDS = env.float("WEBHOOKS_BROKER_BACKOFF_SECONDS", default=30.0)
# Seconds between Celery beat sweeps that queue deliveries whose message was lost (0: no sweep).
WEBHOOKS_SWEEP_SECONDS = env.int("WEBHOOKS_SWEEP_SECONDS", default=60)
# Days delivered and failed deliveries stay in the delivery log (pruned by the sweep; 0: kept).
WEBHOOKS_LOG_DAYS = env.int("WEBHOOKS_LOG_DAYS", default=30)
if WEBHOOKS_SWEEP_SECONDS:
    CELERY_BEAT_SCHEDULE["deliver-due-webhooks"] = {
        "task": "notifications.deliver_due_webhooks",
        "schedule": timedelta(seconds=WEBHOOKS_SWEEP_SECONDS),
    }

# --- Personal data (privacy/): retention of connection data ------------------------------
# Days a comment keeps its IP address and user agent; then the retention purge clears them
# (the periodic task below, or `manage.py purge_personal_data`).
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=90)
# Comments cleared per purge transaction: small enough that no batch holds row locks for long.
PERSONAL_DATA_PURGE_BATCH_SIZE = env.int("PERSONAL_DATA_PURGE_BATCH_SIZE", default=1000)
# Hours between runs of the purge by Celery beat (0: never; run the command from cron instead).
PERSONAL_DATA_PURGE_HOURS = env.float("PERSONAL_DATA_PURGE_HOURS", default=24)
if PERSONAL_DATA_PURGE_HOURS > 0:
    CELERY_BEAT_SCHEDULE["purge-personal-data"] = {
        "task": "privacy.purge_personal_data",
        "schedule": timedelta(hours=PERSONAL_DATA_PURGE_HOURS),
    }
