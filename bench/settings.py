"""Benchmark settings: the production settings with local secrets, plus the bench app.

DEBUG off and the production middleware, so timings are production-like; what differs
is only what a loopback benchmark cannot have: no TLS redirect, throwaway keys, the
local-memory cache unless REDIS_URL is set, and throttle rates high enough that the
harness is never throttled (the throttle checks themselves still run).

Only these settings install the `bench` app (the `seed_bench` command) and select
`bench.urls`, the product URLs plus the baselines under /__bench__/. The product
settings and URLs know nothing of the benchmark.
"""

import os
import warnings

# Imported first for its side effect: the environment production.py reads on import.
from bench.settings_env import REDIS_URL_GIVEN
from movie_api.settings.production import *  # noqa: F403
from movie_api.settings.production import INSTALLED_APPS, REST_FRAMEWORK
from movie_api.settings.stores import local_caches

if not REDIS_URL_GIVEN:
    os.environ["REDIS_URL"] = ""
    os.environ["REDIS_SECURITY_URL"] = ""
    CACHES = local_caches()

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Per second, not per minute: the local-memory limiter keeps one timestamp per request
# of the window, so a minute-long window at the harness's request rate would hold tens
# of thousands (pickled on every request), a cost no client under the real limits pays.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
    "anon": "100000000/s",
    "user": "100000000/s",
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
