"""Production: DEBUG off, secrets required, hardened headers (check --deploy clean)."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    LOGGING,
    NUM_PROXIES,
    REDIS_SECURITY_URL,
    REDIS_URL,
    REST_FRAMEWORK,
    SECRET_KEY,
    SIMPLE_JWT,
    env,
)

DEBUG = env.bool("DEBUG", default=False)

if not SECRET_KEY or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of 50+ characters.")
if len(SIMPLE_JWT["SIGNING_KEY"].encode()) < 32 or SIMPLE_JWT["SIGNING_KEY"] == SECRET_KEY:
    raise ImproperlyConfigured(
        "JWT_SIGNING_KEY must be set: at least 32 bytes, different from SECRET_KEY."
    )

# Throttles and caches must be shared by every worker process: local memory would give
# each of N workers its own counters and multiply every limit by N.
if not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL must be set in production (shared cache and throttles).")
# The deny-list and the rate-limit windows must outlive a full cache: on the cache's own
# Redis, anonymous junk pages evicted them (a signed-out token worked again). There is no
# safe default to fall back on (a second database of the same Redis shares its memory
# and its eviction policy), so the operator names the security store.
if not REDIS_SECURITY_URL:
    raise ImproperlyConfigured(
        "REDIS_SECURITY_URL must be set in production: a Redis instance of its own with "
        "maxmemory-policy noeviction, for the deny-list and rate-limit windows (docs/deploy.md)."
    )

# X-Forwarded-Proto is believed only from a proxy we were told about: with no proxy in
# front, any client could claim "https" and pass as a secure request.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if NUM_PROXIES > 0 else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# JSON only: no browsable API (HTML forms) and no session authentication of the API;
# Bearer tokens are the one way in. The admin keeps its own session login.
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = ["rest_framework.renderers.JSONRenderer"]
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = ["movie_api.authentication.BearerAuthentication"]
# One JSON object per log line, with the request id (libs/opskit).
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", default="json")
