"""The shared stores (Redis in production) and their circuit breaker.

Two cache aliases: SECURITY ("security", REDIS_SECURITY_URL) keeps the state an
attacker must not be able to evict (the deny-list, the rate-limit windows, the
response cache's generation); CACHE ("default", REDIS_URL) keeps the response cache's
entries and other memos, which may be evicted at any time.

When a store fails or hangs (docs/security.md, "Redis down"), callers decide what
to do: the general rate limits fail open, the account limits fail closed. Either way
a process that saw a store fail slowly stops asking it for
THROTTLE_STORE_RETRY_SECONDS, so a request pays the 1 s socket timeout at most once
and requests during an outage do not wait at all.
"""

import logging
import time

from django.conf import settings

logger = logging.getLogger("core.security")

# The cache aliases (settings.CACHES): the security store and the evictable cache.
SECURITY = "security"
CACHE = "default"


def _store_errors() -> tuple[type[BaseException], ...]:
    """What a failing cache raises: socket errors, redis-py's and django-redis's wrappers."""
    errors: list[type[BaseException]] = [OSError]
    try:
        from django_redis.exceptions import ConnectionInterrupted
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover - django-redis is in requirements.txt
        return tuple(errors)
    return (*errors, ConnectionInterrupted, RedisError)


STORE_ERRORS = _store_errors()


class StoreCircuit:
    """Per-process memory that the store failed recently (a circuit breaker).

    Only a slow failure (a hung Redis: the call waited out its socket timeout) opens
    the circuit; a refused connection costs nothing, so the store is simply asked again
    next time and recovers at once. Warnings are logged at most once per interval, so
    an outage does not log at request rate. Keyed by the store's LOCATION, so the
    security store and the cache fail separately (and share one memory when they are
    the same Redis), and a test pointing a store elsewhere does not see another store's
    outage. Plain float
    writes: safe enough across threads under the GIL; the worst race is one extra probe.
    """

    # A failure slower than this means the store hangs: stop asking for a while.
    SLOW_FAILURE_SECONDS = 0.2

    def __init__(self) -> None:
        self._open_until: dict[str, float] = {}
        self._next_warning: dict[str, float] = {}

    @staticmethod
    def _location(alias: str) -> str:
        return str(settings.CACHES.get(alias, {}).get("LOCATION", ""))

    @staticmethod
    def retry_seconds() -> float:
        return float(getattr(settings, "THROTTLE_STORE_RETRY_SECONDS", 5.0))

    def is_open(self, alias: str = SECURITY) -> bool:
        return time.monotonic() < self._open_until.get(self._location(alias), 0.0)

    def record_failure(self, elapsed: float, alias: str = SECURITY) -> bool:
        """Note a failed call to `alias` that took `elapsed` seconds; True when it should
        be logged."""
        now, key, seconds = time.monotonic(), self._location(alias), self.retry_seconds()
        if elapsed >= self.SLOW_FAILURE_SECONDS:
            self._open_until[key] = now + seconds
        if now < self._next_warning.get(key, 0.0):
            return False
        self._next_warning[key] = now + seconds
        return True

    def reset(self) -> None:
        self._open_until.clear()
        self._next_warning.clear()


store_circuit = StoreCircuit()


def guarded(call, *, on_failure, warning: str, alias: str = SECURITY):
    """`call()`, unless the circuit of store `alias` is open or the store fails: then
    `on_failure()`.

    A failure is noted in the circuit and logged (at most once per retry interval)
    as `warning % (error name, error, retry seconds)`.
    """
    if store_circuit.is_open(alias):
        return on_failure()
    started = time.monotonic()
    try:
        return call()
    except STORE_ERRORS as exc:
        if store_circuit.record_failure(time.monotonic() - started, alias):
            logger.warning(warning, exc.__class__.__name__, exc, store_circuit.retry_seconds())
        return on_failure()
