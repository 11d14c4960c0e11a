"""Developer machine: DEBUG on, a throwaway secret key unless one is given."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="django-insecure-customer-support-local-only")
# The secret of the client the movie API's demo data registers (local use only, like the
# demo passwords), so "Sign in with Movie API" works right after `make run` there.
MOVIE_API_OAUTH_CLIENT_SECRET = env(
    "MOVIE_API_OAUTH_CLIENT_SECRET", default="help-desk-local-secret"
)
