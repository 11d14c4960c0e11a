"""Test runs: fast hashing, no retries' backoff sleeping, a fixed key."""

from .base import *  # noqa: F403

SECRET_KEY = "customer-support-tests-only"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MOVIE_API_RETRY_BACKOFF = 0.0
# No collectstatic before tests: WhiteNoise looks files up per request instead.
WHITENOISE_AUTOREFRESH = True
