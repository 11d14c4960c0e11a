"""How the settings describe a Redis cache, a read replica and the media store (base.py).

Functions rather than values because tests and the replica list build several of them.
"""

import os

from botocore.config import Config as BotoConfig


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
            # request through. Each caller decides instead: core.security.ratelimit fails
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


def cache_stores(url: str, security_url: str) -> dict:
    """CACHES: Redis where a URL is given (REDIS_URL, REDIS_SECURITY_URL), else local memory."""
    if url:
        return redis_caches(url, security_url)
    if security_url:
        return {**local_caches(), "security": redis_cache(security_url)}
    return local_caches()


def local_caches() -> dict:
    """Two separate local-memory stores: the embedded default (one process only)."""
    backend = "django.core.cache.backends.locmem.LocMemCache"
    # LocMemCache shares its storage between aliases with the same LOCATION.
    return {
        "default": {"BACKEND": backend, "LOCATION": "response-cache"},
        "security": {"BACKEND": backend, "LOCATION": "security"},
    }


def primary_database(env, *, default: str) -> dict:
    """The DATABASES entry of the primary: DATABASE_URL, else `default`."""
    primary = env.db("DATABASE_URL", default=default)
    primary.update(
        ATOMIC_REQUESTS=False,
        # Reconnect transparently after a database restart instead of failing every request.
        CONN_HEALTH_CHECKS=True,
        CONN_MAX_AGE=env.int("CONN_MAX_AGE", default=60),
    )
    if primary["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run while a writer commits; the busy timeout makes concurrent
        # writers wait for the lock instead of failing with "database is locked".
        primary["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return primary


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


def s3_storage(*, bucket: str, endpoint_url: str = "", signed: bool = True, **options) -> dict:
    """The STORAGES entry for media in `bucket` (also used by movies/tests/api/test_posters_s3)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # Empty for AWS itself; the store's URL for MinIO, R2, Ceph and the like.
            "endpoint_url": endpoint_url or None,
            # Signed, expiring URLs (private bucket) or plain ones (public-read bucket).
            "querystring_auth": signed,
            # Names are random already; never overwrite, never make objects public.
            "file_overwrite": False,
            "default_acl": None,
            # A store that is down fails the write in seconds, not minutes of retries.
            "client_config": BotoConfig(
                signature_version="s3v4",
                connect_timeout=2,
                read_timeout=10,
                retries={"max_attempts": 2, "mode": "standard"},
            ),
            **options,
        },
    }


def replica_databases(env, urls: list[str], primary: dict) -> dict:
    """The aliases replica_0, replica_1, ... of the replicas at `urls`."""
    return {
        f"replica_{index}": replica_database(env, url, primary) for index, url in enumerate(urls)
    }


def media_storage(env, bucket: str) -> dict:
    """The STORAGES entry for media in `bucket`, configured by the AWS_* and MEDIA_*
    variables (.env.example, docs/deploy.md)."""
    return s3_storage(
        bucket=bucket,
        endpoint_url=env("AWS_S3_ENDPOINT_URL", default=""),
        signed=env.bool("MEDIA_SIGNED_URLS", default=True),
        region_name=env("AWS_S3_REGION_NAME", default="") or None,
        access_key=env("AWS_ACCESS_KEY_ID", default="") or None,
        secret_key=env("AWS_SECRET_ACCESS_KEY", default="") or None,
        querystring_expire=env.int("MEDIA_URL_EXPIRE_SECONDS", default=3600),
        custom_domain=env("AWS_S3_CUSTOM_DOMAIN", default="") or None,
        addressing_style=env("AWS_S3_ADDRESSING_STYLE", default="") or None,
    )
