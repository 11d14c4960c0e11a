"""Settings shared by every environment; everything deployment-specific comes from env vars."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer's .env fills in what the real environment leaves unset (real env vars win).
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "accounts",
    "tickets",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The person's movie API token on every call; their session ends with their grant.
    "accounts.middleware.MovieApiGrantMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "support_site.csp.ContentSecurityPolicyMiddleware",
    # The help desk's pages: the movie API being down is a clear 503 page, not a 500.
    "tickets.web.middleware.MovieApiDownMiddleware",
]

ROOT_URLCONF = "support_site.urls"
WSGI_APPLICATION = "support_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# Its own database, never the movie API's: SQLite beside manage.py unless DATABASE_URL says.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'support.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # services open their own transactions
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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

# Passwords exist only for desk-local accounts (the admin's); each check is counted per
# account name and per address (accounts.guard), as at the movie API's sign-in.
AUTHENTICATION_BACKENDS = ["accounts.guard.GuardedModelBackend"]
DESK_PASSWORD_MAX_FAILURES = env.int("DESK_PASSWORD_MAX_FAILURES", default=10)
DESK_PASSWORD_MAX_FAILURES_PER_ADDRESS = env.int(
    "DESK_PASSWORD_MAX_FAILURES_PER_ADDRESS", default=50
)
DESK_PASSWORD_FAILURE_WINDOW_SECONDS = env.int(
    "DESK_PASSWORD_FAILURE_WINDOW_SECONDS", default=15 * 60
)
# Proxies in front of the desk that append to X-Forwarded-For (compose: 1, the nginx).
DESK_NUM_PROXIES = env.int("DESK_NUM_PROXIES", default=0)

# Cookies are per host, not per port: on a laptop the desk (127.0.0.1:8001) and the movie
# API (127.0.0.1:8000) would overwrite each other's "sessionid" in the middle of a sign-in.
SESSION_COOKIE_NAME = "desk_sessionid"
CSRF_COOKIE_NAME = "desk_csrftoken"

STATIC_URL = "static/"
# The help desk's pages sign people in with their movie API account (accounts.services).
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")

REST_FRAMEWORK = {
    # Our own users: the browser (admin/session) and scripts (basic auth over HTTPS).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "support_site.exception_handlers.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# The movie API, reached over HTTP only (this project never imports its code).
# Its public address is where browsers are sent (its sign-in page); the internal one is where
# this server calls it (compose: the api container on the private network). When the two
# differ, server calls carry the public Host and scheme (tickets.movie_api_client.client), so
# the API's production checks (allowed hosts, the redirect to https) pass as for a browser.
MOVIE_API_URL = env("MOVIE_API_URL", default="http://127.0.0.1:8000").rstrip("/")
MOVIE_API_INTERNAL_URL = env("MOVIE_API_INTERNAL_URL", default="").rstrip("/") or MOVIE_API_URL
MOVIE_API_GRAPHQL_URL = f"{MOVIE_API_INTERNAL_URL}/graphql/"
MOVIE_API_TOKEN = env("MOVIE_API_TOKEN", default="")
# Sign in with Movie API: the desk's OAuth client (registered at the API with
# `manage.py register_oauth_client`, redirect URI <desk>/oauth/callback/).
# The defaults are the client the movie API's demo data registers (oauth/demo.py there).
MOVIE_API_OAUTH_CLIENT_ID = env("MOVIE_API_OAUTH_CLIENT_ID", default="movie-api-help-desk")
MOVIE_API_OAUTH_CLIENT_SECRET = env("MOVIE_API_OAUTH_CLIENT_SECRET", default="")
# The ID token's `iss`: the API's public origin + "/o" unless its OIDC_ISSUER says otherwise.
MOVIE_API_OAUTH_ISSUER = env("MOVIE_API_OAUTH_ISSUER", default="") or f"{MOVIE_API_URL}/o"
# How often (seconds) a signed-in session asks the API whether its grant still stands.
MOVIE_API_SESSION_CHECK_SECONDS = env.int("MOVIE_API_SESSION_CHECK_SECONDS", default=60)
# Seconds. Short, so a caller hears "unavailable" quickly instead of hanging with the API.
MOVIE_API_CONNECT_TIMEOUT = env.float("MOVIE_API_CONNECT_TIMEOUT", default=2.0)
MOVIE_API_READ_TIMEOUT = env.float("MOVIE_API_READ_TIMEOUT", default=5.0)
# Extra attempts after a connection error or a 5xx; read timeouts are not retried.
MOVIE_API_RETRIES = env.int("MOVIE_API_RETRIES", default=2)
MOVIE_API_RETRY_BACKOFF = env.float("MOVIE_API_RETRY_BACKOFF", default=0.2)

# Every page: our own stylesheet and htmx, nothing inline, no frames. The sign-in form
# button leads to the movie API's sign-in page, which form-action must allow (a form posted
# there, and redirects after a form, are checked against it).
CONTENT_SECURITY_POLICY = env("CONTENT_SECURITY_POLICY", default="") or (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    f"form-action 'self' {MOVIE_API_URL}"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"tickets": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")}},
}

# --- operations: request ids, JSON logs, metrics, error tracking, static files ---
# (opskit, the package in ../libs/opskit that the movie API uses too; docs/deploy.md at
# the repository root). Kept in one block so other settings stay apart.

# Outermost, so the request id, the access line and the metrics cover every answer.
MIDDLEWARE = ["opskit.RequestContextMiddleware", *MIDDLEWARE]
# The admin's static files, collected into the image at build time, served by the app.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)

# "json" (one object per line, with the request id) or "plain" (for a terminal).
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING["formatters"] = {
    "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    "json": {"()": "opskit.JsonFormatter"},
}
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT
LOGGING["root"] = {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")}
# The tickets logger reaches the console through the root handler (no double lines).
LOGGING["loggers"]["tickets"] = {"level": env("LOG_LEVEL", default="INFO")}

# /metrics answers only "Authorization: Bearer <METRICS_TOKEN>"; unset = no endpoint.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_EXTRA_COLLECTORS = []

# Sentry: on when SENTRY_DSN is set; events are scrubbed (opskit.scrub_event).
SENTRY_DSN = env("SENTRY_DSN", default="")
RELEASE = env("RELEASE", default="")
if SENTRY_DSN:
    from opskit import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        release=RELEASE,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
# --- end operations ---
