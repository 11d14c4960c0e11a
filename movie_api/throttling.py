"""Throttles that report their state as X-RateLimit-* headers.

Every throttle here records (limit, remaining, reset) on the Django request; the
RateLimitHeadersMiddleware writes the most restrictive one onto the response, so a
429 and a 200 both say where the caller stands. The client is identified by the
socket address unless NUM_PROXIES says how many X-Forwarded-For hops to believe.

When the store (the cache: Redis in production) fails or hangs (T37), the general
throttles (anon, user, scoped) fail OPEN with a logged warning: they protect capacity,
and the database still serves the catalog. The address throttles of the account
endpoints (register, OTP, login, refresh) fail CLOSED with a 503: never unthrottled.
Either way a process that saw the store fail stops asking it for
THROTTLE_STORE_RETRY_SECONDS, so a request pays the 1 s socket timeout at most once
(not once per throttle) and requests during an outage do not wait at all.
"""

import logging
import math
import time
from uuid import uuid4

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from rest_framework import exceptions, status, throttling

from movie_api.metrics import THROTTLE_REFUSALS

logger = logging.getLogger(__name__)


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


class ThrottleStoreUnavailable(exceptions.APIException):
    """The rate-limit store cannot be reached; a fail-closed throttle refuses the request."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Temporarily unavailable. Please try again shortly."
    default_code = "service_unavailable"


class StoreCircuit:
    """Per-process memory that the throttle store failed recently (a circuit breaker).

    Only a slow failure (a hung Redis: the call waited out its socket timeout) opens
    the circuit; a refused connection costs nothing, so the store is simply asked again
    next time and recovers at once. Warnings are logged at most once per interval, so
    an outage does not log at request rate. Keyed by the cache's LOCATION, so a test
    pointing the cache elsewhere does not see another store's outage. Plain float
    writes: safe enough across threads under the GIL; the worst race is one extra probe.
    """

    # A failure slower than this means the store hangs: stop asking for a while.
    SLOW_FAILURE_SECONDS = 0.2

    def __init__(self) -> None:
        self._open_until: dict[str, float] = {}
        self._next_warning: dict[str, float] = {}

    @staticmethod
    def _location() -> str:
        return str(settings.CACHES.get("default", {}).get("LOCATION", ""))

    @staticmethod
    def retry_seconds() -> float:
        return float(getattr(settings, "THROTTLE_STORE_RETRY_SECONDS", 5.0))

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until.get(self._location(), 0.0)

    def record_failure(self, elapsed: float) -> bool:
        """Note a failed call that took `elapsed` seconds; True when it should be logged."""
        now, key, seconds = time.monotonic(), self._location(), self.retry_seconds()
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


@receiver(setting_changed)
def _reset_circuit_on_cache_change(*, setting, **kwargs):
    if setting == "CACHES":
        store_circuit.reset()


def client_ip(request) -> str:
    """The caller's address, as throttles see it (not spoofable by X-Forwarded-For)."""
    return throttling.BaseThrottle().get_ident(request)


class RateLimitHeadersMixin:
    """Records the throttle's state on the request for the headers middleware."""

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if getattr(self, "rate", None) and getattr(self, "key", None) is not None:
            history = getattr(self, "history", [])
            now = self.now if hasattr(self, "now") else self.timer()
            reset = math.ceil(history[-1] + self.duration - now) if history else self.duration
            state = {
                "limit": self.num_requests,
                "remaining": max(self.num_requests - len(history), 0),
                "reset": max(reset, 0),
            }
            django_request = getattr(request, "_request", request)
            states = getattr(django_request, "ratelimit_states", [])
            states.append(state)
            django_request.ratelimit_states = states
        if not allowed:
            THROTTLE_REFUSALS.labels(scope=getattr(self, "scope", None) or "default").inc()
        return allowed


# One atomic step of DRF's sliding window, in Redis: drop the entries older than the
# window, count, and add this request only if under the limit. DRF's own
# get-then-set lets simultaneous requests in different workers read the same history
# and each add themselves, so 4 workers admitted 23 of a 20/min limit (T30).
SLIDING_WINDOW_LUA = b"""
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  count = count + 1
  allowed = 1
end
redis.call('PEXPIRE', key, math.ceil(window * 1000))
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2] or ARGV[1]
return {allowed, count, oldest}
"""


def _redis_of(cache):
    """(redis client, backend) when `cache` is django-redis, else None (local memory)."""
    from django.core.cache import cache as default_cache
    from django.core.cache import caches

    try:
        from django_redis.cache import RedisCache
    except ImportError:  # pragma: no cover - django-redis is in requirements.txt
        return None
    # DRF's throttles hold Django's `cache` proxy; the backend behind it is per thread.
    backend = caches["default"] if cache is default_cache else cache
    if not isinstance(backend, RedisCache):
        return None
    return backend.client.get_client(write=True), backend


class SharedHistoryRateThrottle(throttling.SimpleRateThrottle):
    """DRF's sliding window made atomic when the store is Redis (T30); otherwise DRF's.

    Listed after DRF's Anon/User/Scoped class in the bases, so it sits right above
    SimpleRateThrottle in the MRO and runs after they have set the rate. Keeps DRF's
    attributes (`history` newest first, `now`), so `wait()` and the X-RateLimit
    headers work unchanged.
    """

    _script = None

    def allow_request(self, request, view):
        shared = _redis_of(self.cache) if getattr(self, "rate", None) is not None else None
        if shared is None:
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        client, backend = shared
        if SharedHistoryRateThrottle._script is None:
            from redis.commands.core import Script

            SharedHistoryRateThrottle._script = Script(None, SLIDING_WINDOW_LUA)
        self.now = self.timer()
        allowed, count, oldest = SharedHistoryRateThrottle._script(
            keys=[str(backend.client.make_key(f"{self.key}:window"))],
            args=[repr(self.now), self.duration, self.num_requests, f"{self.now!r}:{uuid4().hex}"],
            client=client,
        )
        # Only the count and the oldest entry matter to wait() and the headers.
        self.history = [self.now] * (int(count) - 1) + [float(oldest)]
        return bool(allowed)


class StoreFailureMixin:
    """What a throttle does when its store fails: `fail_open` lets the request through
    (with a warning), otherwise it is refused with 503 (ThrottleStoreUnavailable)."""

    fail_open = True

    def allow_request(self, request, view):
        if store_circuit.is_open():
            return self._store_unavailable()
        started = time.monotonic()
        try:
            return super().allow_request(request, view)
        except STORE_ERRORS as exc:
            if store_circuit.record_failure(time.monotonic() - started):
                logger.warning(
                    "Throttle store unavailable (%s: %s): general throttles fail open, "
                    "account throttles fail closed (503); further failures in the next "
                    "%.1f s are not logged",
                    exc.__class__.__name__,
                    exc,
                    store_circuit.retry_seconds(),
                )
            return self._store_unavailable()

    def _store_unavailable(self) -> bool:
        if self.fail_open:
            return True
        raise ThrottleStoreUnavailable()


class AnonRateThrottle(
    StoreFailureMixin, RateLimitHeadersMixin, throttling.AnonRateThrottle, SharedHistoryRateThrottle
):
    """Per-address limit for anonymous callers; fails open if the store is down."""


class UserRateThrottle(
    StoreFailureMixin, RateLimitHeadersMixin, throttling.UserRateThrottle, SharedHistoryRateThrottle
):
    """Per-user limit for signed-in callers (per address for anonymous ones); fails open."""


class ScopedRateThrottle(
    StoreFailureMixin,
    RateLimitHeadersMixin,
    throttling.ScopedRateThrottle,
    SharedHistoryRateThrottle,
):
    """Per-view scope (`throttle_scope`), keyed on user or address; fails open."""


class AddressScopedRateThrottle(
    StoreFailureMixin, RateLimitHeadersMixin, SharedHistoryRateThrottle
):
    """Per-view scope keyed on the client address only, even for signed-in users.

    For endpoints used before sign-in (register, OTP, login, refresh), where the
    address is the only thing that identifies a caller. Fails CLOSED: when the store is
    down the request is refused with 503 rather than served unthrottled (T37).
    """

    fail_open = False
    scope_attr = "throttle_scope"

    def __init__(self):
        # The rate is looked up once the view's scope is known.
        pass

    def allow_request(self, request, view):
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class RateLimitHeadersMiddleware:
    """Adds X-RateLimit-Limit/-Remaining/-Reset from the tightest throttle consulted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        states = getattr(request, "ratelimit_states", None)
        if states:
            # A limit that refused the request (a domain 429) is the one to describe.
            tightest = min(
                states, key=lambda s: (not s.get("refused"), s["remaining"], -s["reset"])
            )
            response["X-RateLimit-Limit"] = str(tightest["limit"])
            response["X-RateLimit-Remaining"] = str(tightest["remaining"])
            response["X-RateLimit-Reset"] = str(tightest["reset"])
        return response
