"""Settings shared by every environment; each value comes from the environment.

`local` (manage.py's default) runs with no setup: SQLite, local-memory cache, console
SMS. `production` refuses to start without real keys. `.env.example` lists them all.
"""

from datetime import timedelta
from pathlib import Path

import environ

from .oauth_provider import oauth2_provider
from .operations import logging_config, start_error_tracking
from .pipeline import (  # noqa: F401 (settings are read by name)
    API_VERSION,
    API_VERSIONS,
    CORS_ALLOW_CREDENTIALS,
    CORS_ALLOW_HEADERS,
    CORS_EXPOSE_HEADERS,
    CORS_PREFLIGHT_MAX_AGE,
    CORS_URLS_REGEX,
    IDEMPOTENCY_KEY_TTL_SECONDS,
    IDEMPOTENCY_LOCK_SECONDS,
    MIDDLEWARE,
)
from .stores import cache_stores, media_storage, primary_database, replica_databases

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A .env file in the project root is optional; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_yasg",
    "graphene_django",
    "corsheaders",
    "users",
    "movies",
    "lists",
    "imports",
    # Response cache: generation bumps on writes, `manage.py cache_bump`.
    "core.caching",
    # Idempotency-Key: the kept answers, `manage.py prune_idempotency_keys`.
    "core.idempotency",
]

# Every page's scripts come from this server (or carry the per-request nonce); styles
# may be inline (Swagger UI, ReDoc and GraphiQL set them from script); ReDoc runs its
# search in a blob: worker. core.middleware.ContentSecurityPolicyMiddleware.
# Unset or empty: this policy (an empty value never turns the policy off).
CONTENT_SECURITY_POLICY = env("CONTENT_SECURITY_POLICY", default="") or (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Pages that widen that policy for themselves: functions of the request returning their
# own policy or None (the sign-in page of an OAuth flow lets its redirects through).
CONTENT_SECURITY_POLICY_PAGES = ["oauth.csp.sign_in_page_policy"]

# CORS_ALLOWED_ORIGINS: comma-separated origins; empty = no cross-origin access; "*" = any
# origin, never with credentials (the rest of CORS, Idempotency-Key, versions: pipeline.py).
_cors_origins = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_ALL_ORIGINS = _cors_origins == ["*"]
CORS_ALLOWED_ORIGINS = [] if CORS_ALLOW_ALL_ORIGINS else _cors_origins

ROOT_URLCONF = "movie_api.urls"
WSGI_APPLICATION = "movie_api.wsgi.application"

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

DATABASES = {"default": primary_database(env, default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# While the database is down, requests get 503 with this Retry-After (core/views.py).
DATABASE_RETRY_AFTER_SECONDS = env.int("DATABASE_RETRY_AFTER_SECONDS", default=5)

# --- Read replicas (core/replicas.py, docs/deploy.md) -------------------------------
# DATABASE_REPLICA_URLS: comma-separated URLs, each parsed like DATABASE_URL, become the
# aliases replica_0, replica_1, ... Reads go to a usable replica, writes to `default`.
# None set (the embedded default): no router, no middleware, no overhead.
DATABASE_REPLICA_URLS = env.list("DATABASE_REPLICA_URLS", default=[])
# A replica whose replay lags more than this is skipped until it catches up.
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5.0)
# After a write, the client's reads go to the primary for this long (keep it above the
# lag bound, so a write is on every replica used before the window closes).
REPLICA_READ_YOUR_WRITES_SECONDS = env.float("REPLICA_READ_YOUR_WRITES_SECONDS", default=10.0)
# A replica that failed to connect or answer is skipped for this long (per process).
REPLICA_RETRY_SECONDS = env.float("REPLICA_RETRY_SECONDS", default=5.0)
DATABASES.update(replica_databases(env, DATABASE_REPLICA_URLS, DATABASES["default"]))
REPLICA_DATABASES = [alias for alias in DATABASES if alias != "default"]
if REPLICA_DATABASES:
    DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"]
    # Before the session and authentication middleware, whose reads it routes.
    MIDDLEWARE = [MIDDLEWARE[0], "core.replicas.ReadYourWritesMiddleware", *MIDDLEWARE[1:]]
# --- end of read replicas ------------------------------------------------------------


# Two stores (docs/security.md, "Hardening II: the shared store"): REDIS_URL is the
# response cache, which may evict (allkeys-lru, bounded memory); REDIS_SECURITY_URL is
# the security store (deny-list, rate-limit windows, the cache generation), a Redis
# instance of its own with `noeviction`. Unset: the security store shares REDIS_URL,
# which production refuses (eviction policy is per instance, not per database).
REDIS_URL = env("REDIS_URL", default="")
REDIS_SECURITY_URL = env("REDIS_SECURITY_URL", default="")
# After a throttle-store failure, how long each process serves without asking it again.
THROTTLE_STORE_RETRY_SECONDS = env.float("THROTTLE_STORE_RETRY_SECONDS", default=5.0)
CACHES = cache_stores(REDIS_URL, REDIS_SECURITY_URL)

# --- Response cache and edge caching (core/caching, docs/caching.md) ---------------
# Anonymous catalog reads come from the cache above (core/response_cache), invalidated
# exactly: every committed write to a watched model bumps its generation
# (core/caching/invalidation.py).
RESPONSE_CACHE_ENABLED = env.bool("RESPONSE_CACHE_ENABLED", default=True)
# Upper bound on how long an entry occupies memory; freshness never depends on it.
RESPONSE_CACHE_TIMEOUT = env.int("RESPONSE_CACHE_TIMEOUT", default=600)
# Each process keeps copies of the answers it serves, up to this many bytes of bodies,
# served only while current: a hit then reads just the generation (caching/generation.py).
RESPONSE_CACHE_NEAR_BYTES = env.int("RESPONSE_CACHE_NEAR_BYTES", default=8 * 1024 * 1024)
# An answer bigger than this is never stored (caching/generation.py `save`): each query
# string is an entry of its own, so big pages with junk parameters would otherwise push
# the small, often-read answers out of the cache's bounded memory (docs/caching.md).
RESPONSE_CACHE_MAX_ENTRY_BYTES = env.int("RESPONSE_CACHE_MAX_ENTRY_BYTES", default=64 * 1024)
# List totals memoised per (COUNT, generation) in the same store (caching/counts.py).
COUNT_CACHE_ENABLED = env.bool("COUNT_CACHE_ENABLED", default=True)
# Shared caches in front (a CDN, nginx proxy_cache) may keep an anonymous answer this
# many seconds, and serve it this much longer while they refetch (docs/guide/caching.md).
CACHE_EDGE_S_MAXAGE = env.int("CACHE_EDGE_S_MAXAGE", default=10)
CACHE_EDGE_STALE_WHILE_REVALIDATE = env.int("CACHE_EDGE_STALE_WHILE_REVALIDATE", default=30)
# --- end of the response cache block ---------------------------------------------

AUTH_USER_MODEL = "users.User"
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

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads: real images only, bounded in bytes and pixels (docs/security.md, "Uploads").
MAX_IMAGE_UPLOAD_BYTES = env.int("MAX_IMAGE_UPLOAD_BYTES", default=5 * 1024 * 1024)
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=25_000_000)
# Decoding costs time per pixel, so an image must not declare far more pixels than its
# bytes can hold: a 38-byte lossless WebP of 4999 x 5000 pixels took ~2 s of a worker to
# decode and re-encode. Real pictures compress to 2-45 pixels per byte (JPEG and lossy
# WebP photos), at most ~350 for flat graphics in PNG (deflate's own ceiling) and ~800
# for a flat poster in lossless WebP; only solid blocks of colour go further, and below
# IMAGE_PIXELS_ALWAYS_ALLOWED (1 megapixel, ~40 ms to decode and re-encode) those pass
# whatever their size. docs/security.md, "Hardening II: uploads and the proxy".
MAX_IMAGE_PIXELS_PER_BYTE = env.int("MAX_IMAGE_PIXELS_PER_BYTE", default=1000)
IMAGE_PIXELS_ALWAYS_ALLOWED = 1_000_000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# History imports (imports/services.py): past either, 413 naming it (bench/README.md).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=8 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# How many X-Forwarded-For hops to believe when identifying a client. 0 means the
# socket address only, so a client cannot spoof its way past a throttle.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

REST_FRAMEWORK = {
    # The browser pages' session (the admin, the sign-in page of /account/ that the OAuth
    # flow uses) never authenticates the API: REST, like GraphQL, reads Bearer tokens
    # only, so a page on another site cannot borrow a signed-in browser's cookies.
    "DEFAULT_AUTHENTICATION_CLASSES": ["core.authentication.BearerAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "core.exception_handlers.api_exception_handler",
    # `request.version` from `Accept: application/json; version=1`; none asked = current.
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.AcceptHeaderVersioning",
    "DEFAULT_VERSION": API_VERSION,
    "ALLOWED_VERSIONS": API_VERSIONS,
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonRateThrottle",
        "core.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", default="600/min"),
        "user": env("THROTTLE_USER", default="1200/min"),
        # --- accounts (users app): per-client-address scopes ---
        "register": env("THROTTLE_REGISTER", default="20/hour"),
        "otp_verify": env("THROTTLE_OTP_VERIFY", default="30/min"),
        "otp_resend": env("THROTTLE_OTP_RESEND", default="20/hour"),
        "login": env("THROTTLE_LOGIN", default="30/min"),
        "token_refresh": env("THROTTLE_TOKEN_REFRESH", default="60/min"),
        # Per account: tries to change the email (each tells whether an address is taken).
        "email_change": env("THROTTLE_EMAIL_CHANGE", default="5/day"),
        # --- end accounts ---
        # Sign in with Movie API: requests to /o/token/ per client address (oauth/views.py).
        "oauth_token": env("THROTTLE_OAUTH_TOKEN", default="120/min"),
        "import": env("THROTTLE_IMPORT", default="20/hour"),  # imports/operations.py
    },
    "NUM_PROXIES": NUM_PROXIES,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SIMPLE_JWT = {
    "ALGORITHM": "HS256",
    # Its own key, never SECRET_KEY, so rotating one does not rotate the other.
    "SIGNING_KEY": env("JWT_SIGNING_KEY", default=""),
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=1),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "LEEWAY": 0,
    "CHECK_USER_IS_ACTIVE": True,
    "CHECK_REVOKE_TOKEN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
}

SWAGGER_SETTINGS = {
    "SECURITY_DEFINITIONS": {
        "Bearer": {
            "type": "apiKey",
            "name": "Authorization",
            "in": "header",
            "description": "JWT access token from /api/users/login/, as `Bearer <access>`.",
        }
    },
    "USE_SESSION_AUTH": False,
    # Documents error responses and optional auth, so the API scan can hold us to it.
    "DEFAULT_AUTO_SCHEMA_CLASS": "core.openapi.MovieAPIAutoSchema",
    "DEFAULT_GENERATOR_CLASS": "core.openapi.MovieAPISchemaGenerator",
}
SWAGGER_USE_COMPAT_RENDERERS = False

GRAPHENE = {
    "SCHEMA": "movie_api.schema.schema",
    "RELAY_CONNECTION_MAX_LIMIT": 100,
    "ATOMIC_MUTATIONS": True,
    # Explicitly none: with DEBUG on, graphene-django adds DjangoDebugMiddleware, which
    # wraps every database cursor for a `_debug` field we do not expose, and leaves the
    # wrapper in place after the request (it broke later SQL in the same thread).
    "MIDDLEWARE": [],
}
GRAPHQL_GRAPHIQL = env.bool("GRAPHQL_GRAPHIQL", default=False)
GRAPHQL_INTROSPECTION = env.bool("GRAPHQL_INTROSPECTION", default=False)
GRAPHQL_MAX_DEPTH = 8
GRAPHQL_MAX_ALIASES = 15
# Persisted queries (core/graphql/persisted.py): the largest document stored, and
# how long it is kept after it was last registered.
GRAPHQL_PERSISTED_QUERY_MAX_BYTES = env.int("GRAPHQL_PERSISTED_QUERY_MAX_BYTES", default=10 * 1024)
GRAPHQL_PERSISTED_QUERY_TIMEOUT = env.int("GRAPHQL_PERSISTED_QUERY_TIMEOUT", default=24 * 3600)

# SMS: "console" prints codes to the server log; "twilio" sends them with the SDK.
SMS_BACKEND = env("SMS_BACKEND", default="console")
# Sign-in step-up codes are sent off the request thread (users.sms.send_in_background).
SMS_SEND_IN_BACKGROUND = env.bool("SMS_SEND_IN_BACKGROUND", default=True)
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER", default="")
TWILIO_MESSAGING_SERVICE_SID = env("TWILIO_MESSAGING_SERVICE_SID", default="")
TWILIO_TIMEOUT_SECONDS = env.int("TWILIO_TIMEOUT_SECONDS", default=10)

# OTP figures (docs/security.md).
OTP_TTL_SECONDS = env.int("OTP_TTL_SECONDS", default=300)
OTP_ALLOWED_COUNTRIES = env.list("OTP_ALLOWED_COUNTRIES", default=[])

# --- accounts (users app): OTP, SMS-send and login limits (docs/security.md) ---
# All of these counters live in the database, so they hold across processes and a
# cache outage. The code lifetime is capped at 600 s whatever the environment says.
OTP_TTL_SECONDS = min(OTP_TTL_SECONDS, 600)
OTP_MAX_ATTEMPTS_PER_CODE = 5
# Consecutive failed verifications per phone before a lock (NIST: never more than 100).
OTP_MAX_FAILURES = min(env.int("OTP_MAX_FAILURES", default=20), 100)
OTP_FAILURE_WINDOW_SECONDS = 3600
OTP_LOCK_SECONDS = 3600
OTP_SEND_COOLDOWN_SECONDS = 60
OTP_SENDS_PER_PHONE_10_MIN = 5
OTP_SENDS_PER_PHONE_DAY = 10
OTP_SENDS_PER_ADDRESS_HOUR = env.int("OTP_SENDS_PER_ADDRESS_HOUR", default=20)
LOGIN_MAX_FAILURES_PER_ADDRESS_MINUTE = 5
LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR = min(env.int("LOGIN_MAX_FAILURES_PER_HOUR", default=20), 100)
# A registration whose phone is not verified within this time is void: its username,
# email and number are free for anyone who registers them (users/services/pending.py),
# and prune_account_records deletes it. A day: the longest the limits above can make an
# honest owner wait for a code (10 sends a day per number); never below a number's lock.
PENDING_ACCOUNT_TTL_SECONDS = max(
    env.int("PENDING_ACCOUNT_TTL_SECONDS", default=86400), OTP_LOCK_SECONDS
)
# A refresh chain dies this long after the sign-in that started it, however often it rotates.
JWT_REFRESH_MAX_AGE = timedelta(days=30)
# A password reset request answers no sooner than this, whether or not an account matched
# and however long the SMS provider took, so its timing does not tell who has an account.
PASSWORD_RESET_MIN_SECONDS = env.float("PASSWORD_RESET_MIN_SECONDS", default=1.0)
# --- end accounts ---

# --- Sign in with Movie API: the OAuth 2 / OpenID Connect provider (docs/oauth.md) ---
# django-oauth-toolkit speaks the protocol; the `oauth` app adds scopes, claims and the
# "my authorized apps" services. Endpoints under /o/, discovery also at the root.
INSTALLED_APPS += ["oauth2_provider", "oauth", "diary", "discovery"]
# The table of which scope each operation needs of an app's token, read by both doors'
# authentication (`rest_operation`, `graphql_operation`, `require_scope`).
OAUTH_SCOPE_POLICY = "oauth.access"
# Where the authorize and device pages send a visitor without a session (`pages` app).
LOGIN_URL = "/account/sign-in/"
# Token lifetimes, in seconds (docs/oauth.md, "Token lifetimes").
OAUTH_ACCESS_TOKEN_SECONDS = env.int("OAUTH_ACCESS_TOKEN_SECONDS", default=3600)
OAUTH_REFRESH_TOKEN_SECONDS = env.int("OAUTH_REFRESH_TOKEN_SECONDS", default=30 * 24 * 3600)
OAUTH_ID_TOKEN_SECONDS = env.int("OAUTH_ID_TOKEN_SECONDS", default=3600)
OAUTH2_PROVIDER = oauth2_provider(
    access_seconds=OAUTH_ACCESS_TOKEN_SECONDS,
    refresh_seconds=OAUTH_REFRESH_TOKEN_SECONDS,
    id_seconds=OAUTH_ID_TOKEN_SECONDS,
    rsa_private_key=env.str("OIDC_RSA_PRIVATE_KEY", default="", multiline=True),
    # Empty: the issuer is this server's origin + "/o", from the request (the scheme and
    # host the proxy forwards, see SECURE_PROXY_SSL_HEADER in production.py).
    issuer=env("OIDC_ISSUER", default=""),
)
# --- end of Sign in with Movie API ---

# --- operations: request ids, JSON logs, metrics, error tracking, media storage ---
# (libs/opskit and docs/deploy.md). Kept in one block so other settings stay apart.

# Outermost, so the request id, the access line and the metrics cover every answer,
# including those other middleware produce (redirects, 400 for a bad Host, 500).
MIDDLEWARE = ["opskit.RequestContextMiddleware", *MIDDLEWARE]

# "json" (one object per line, for log shippers) or "plain" (for a terminal).
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = logging_config(log_format=LOG_FORMAT, level=env("LOG_LEVEL", default="INFO"))

# /metrics answers only "Authorization: Bearer <METRICS_TOKEN>"; unset = no endpoint.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_EXTRA_COLLECTORS = ["core.metrics.RedisCacheCollector"]

# Sentry: on when SENTRY_DSN is set. Events are scrubbed (opskit.scrub_event).
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="production")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
# The release: the deployed commit (the image sets it from its GIT_SHA build argument).
RELEASE = env("RELEASE", default="")
start_error_tracking(
    dsn=SENTRY_DSN,
    release=RELEASE,
    environment=SENTRY_ENVIRONMENT,
    traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
)

# Media (posters, photos, profile pictures) on S3-compatible storage when a bucket is
# named; local disk (MEDIA_ROOT) otherwise.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = media_storage(env, AWS_STORAGE_BUCKET_NAME)
# --- end operations ---
