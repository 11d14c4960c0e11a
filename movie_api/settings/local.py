"""Embedded default: runs with no setup (SQLite, local-memory cache, console SMS)."""

from .base import *  # noqa: F403
from .base import BASE_DIR, OAUTH2_PROVIDER, SIMPLE_JWT, env
from .keys import development_rsa_key

DEBUG = env.bool("DEBUG", default=True)
# Development-only keys; production.py refuses to start without real ones.
SECRET_KEY = env("SECRET_KEY", default="django-insecure-local-development-key-change-me")
SIMPLE_JWT["SIGNING_KEY"] = env(
    "JWT_SIGNING_KEY", default="local-development-jwt-signing-key-0123456789abcdef"
)
GRAPHQL_GRAPHIQL = env.bool("GRAPHQL_GRAPHIQL", default=True)
GRAPHQL_INTROSPECTION = env.bool("GRAPHQL_INTROSPECTION", default=True)
# The OIDC signing key: generated once into this gitignored file unless the environment
# gives one (movie_api/settings/keys.py). Test settings inherit it.
if not OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"]:
    OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"] = development_rsa_key(BASE_DIR / ".oidc-dev-key.pem")
