"""Test settings: the local defaults plus fast password hashing.

DATABASE_URL / REDIS_URL from the environment still apply, so the same suite runs
on SQLite + local memory and on PostgreSQL + Redis.
"""

import tempfile
from pathlib import Path

from .local import *  # noqa: F403
from .local import REST_FRAMEWORK

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
# Tests serve static files through the finders (no collectstatic run beforehand).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
