"""Test settings: the local defaults plus fast password hashing.

DATABASE_URL / REDIS_URL from the environment still apply, so the same suite runs
on SQLite + local memory and on PostgreSQL + Redis.
"""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .base import REDIS_SECURITY_URL, REDIS_URL
from .local import *  # noqa: F403
from .local import REST_FRAMEWORK
from .stores import redis_caches


def _redis_url_for_this_worker(url: str, worker: str) -> str:
    """pytest-xdist worker gwN gets Redis database (base - N) mod 16.

    Tests clear the cache between tests (conftest.py) and django-redis clears a whole
    database, so parallel workers sharing one would wipe each other's throttle counters.
    """
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    database = (base - int(worker.removeprefix("gw"))) % 16
    return urlunsplit(parts._replace(path=f"/{database}"))


_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _xdist_worker:
    CACHES = redis_caches(
        _redis_url_for_this_worker(REDIS_URL, _xdist_worker),
        REDIS_SECURITY_URL and _redis_url_for_this_worker(REDIS_SECURITY_URL, _xdist_worker),
    )

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests read the step-up code from the console SMS log right after the request.
SMS_SEND_IN_BACKGROUND = False
# Uploads made by tests go to a throwaway folder, never into the project's media/.
MEDIA_ROOT = Path(tempfile.gettempdir()) / "movie_api_test_media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Generous defaults so ordinary tests never trip the global throttles; throttle
# tests set their own rates.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
    "anon": "100000/min",
    "user": "100000/min",
}
# The reset request's answer-time floor is checked by its own test (users/tests/
# test_lifecycle.py) and measured by bench/reset_timing.py; other tests need no wait.
PASSWORD_RESET_MIN_SECONDS = 0
# Tests serve static files through the finders (no collectstatic run beforehand).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
