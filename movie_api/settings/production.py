"""Production: DEBUG off, secrets required, hardened headers (check --deploy clean)."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    LOGGING,
    NUM_PROXIES,
    OAUTH2_PROVIDER,
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

# ID tokens are signed with this key; clients verify them against /o/.well-known/jwks.json.
if "PRIVATE KEY-----" not in OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"]:
    raise ImproperlyConfigured("OIDC_RSA_PRIVATE_KEY must be set to a PEM RSA private key.")

# Redirect URIs must be https: a code sent over plain http can be read on the way
# (RFC 9700 section 2.1). Local settings also allow http for 127.0.0.1 callbacks.
OAUTH2_PROVIDER["ALLOWED_REDIRECT_URI_SCHEMES"] = ["https"]
OAUTH2_PROVIDER["COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME"] = True

# Throttles and caches must be shared by every worker process: local memory would give
# each of N workers its own counters and multiply every limit by N.
if not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL must be set in production (shared cache and throttles).")

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

# JSON only: no browsable API (HTML forms). Bearer tokens are the one way in, as in
# every settings module (base.py); the admin keeps its own session login.
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = ["rest_framework.renderers.JSONRenderer"]
# One JSON object per log line, with the request id (libs/opskit).
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", default="json")
