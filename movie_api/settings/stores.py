"""How the settings describe a Redis cache and a read replica (movie_api/settings/base.py).

Functions rather than values because tests and the replica list build several of them.
"""

import os


def redis_cache(url: str) -> dict:
    """The django-redis cache entry for `url` (also used by the Redis fault tests)."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {
            # A hung Redis must not hang requests: fail fast (docs/security.md). Every cache call
            # waits at most this long; the throttles then stop asking for a few seconds
            # (THROTTLE_STORE_RETRY_SECONDS), so a request pays one timeout at most.
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
            # No IGNORE_EXCEPTIONS: it is global, and would turn a dead Redis into an
            # empty one, so the fail-closed account throttles would silently let every
            # request through. Each caller decides instead: movie_api.security.ratelimit fails
            # open (catalog) or closed (accounts) and logs; /healthz reports it.
        },
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX") or "movie_api",
    }


def redis_caches(url: str, security_url: str = "") -> dict:
    """CACHES for a response cache at `url` and the security store at `security_url`.

    The security store ("security" alias) keeps what must never be evicted: logout's
    access-token deny-list, the rate-limit windows, and the response cache's generation
    counter (docs/security.md, "Hardening II: the shared store"). Without a
    `security_url` both aliases reach `url`: the same Redis, so the same eviction risk
    (production refuses to start that way; tests and development accept it).
    """
    return {"default": redis_cache(url), "security": redis_cache(security_url or url)}


def local_caches() -> dict:
    """Two separate local-memory stores: the embedded default (one process only)."""
    backend = "django.core.cache.backends.locmem.LocMemCache"
    # LocMemCache shares its storage between aliases with the same LOCATION.
    return {
        "default": {"BACKEND": backend, "LOCATION": "response-cache"},
        "security": {"BACKEND": backend, "LOCATION": "security"},
    }


def replica_database(env, url: str, primary: dict) -> dict:
    """The DATABASES entry of a read replica at `url`, parsed like DATABASE_URL."""
    replica = env.db_url_config(url)
    replica.update(
        ATOMIC_REQUESTS=False,
        CONN_HEALTH_CHECKS=True,
        CONN_MAX_AGE=primary["CONN_MAX_AGE"],
        # Tests read the stand-in replica's rows through the test database.
        TEST={"MIRROR": "default"},
    )
    # A replica that vanishes from the network must fail fast, not hang the request:
    # bounded connect time, and unacknowledged sends fail after 3 s.
    replica.setdefault("OPTIONS", {}).update(connect_timeout=2, tcp_user_timeout=3000)
    return replica
