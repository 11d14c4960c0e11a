"""Benchmark settings: the production settings with local secrets (bench/ only).

DEBUG off and the production middleware, so timings are production-like; what differs
is only what a loopback benchmark cannot have: no TLS redirect, throwaway keys, the
local-memory cache unless REDIS_URL is set, and throttle rates high enough that the
harness is never throttled (the throttle checks themselves still run).
"""

import os
import warnings

_redis_url = os.environ.get("REDIS_URL", "")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
os.environ.setdefault("JWT_SIGNING_KEY", "bench-only-jwt-signing-key-0123456789abcdef")
# production.py insists on Redis; without one the bench swaps in local memory below.
os.environ["REDIS_URL"] = _redis_url or "redis://127.0.0.1:6379/0"

from .production import *  # noqa: E402, F403
from .production import REST_FRAMEWORK  # noqa: E402

if not _redis_url:
    os.environ["REDIS_URL"] = ""
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
    "anon": "100000000/min",
    "user": "100000000/min",
}
# Fast hashing for the bench users' logins; never affects what is timed.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# WhiteNoise warns when collectstatic has not run; the benchmark serves no static files.
warnings.filterwarnings("ignore", message="No directory at")
