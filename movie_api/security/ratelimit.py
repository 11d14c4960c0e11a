"""Rate limits for both doors: every limit of a request checked in ONE store call.

A request is subject to a few limits (`Limit`: a scope such as "anon", "user" or
"login", and who is counted: an address or a user). `check_rate(request, limits)`
checks and counts all of them at once: with Redis, one Lua script call (one round
trip) runs DRF's sliding window atomically for each key; with any other cache (local
memory, the embedded default) the same window is kept in the cache as DRF keeps it.
The figures (limit, remaining, reset, wait) are DRF's, so the X-RateLimit-* and
Retry-After headers read the same whichever door or store answered.

When the store fails (docs/security.md, "Redis down"), limits that `fail_open` let
the request through with a logged warning; a failing `fail_open=False` limit (the
account endpoints) makes the decision `unavailable`, which the doors answer with 503.
"""

import functools
import hashlib
import itertools
import math
import os
import time
from array import array
from bisect import bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from redis.exceptions import NoScriptError

from movie_api.metrics import THROTTLE_REFUSALS
from movie_api.security.client import client_ip
from movie_api.security.store import SECURITY, guarded

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
STORE_UNAVAILABLE_MESSAGE = "Temporarily unavailable. Please try again shortly."
STORE_WARNING = (
    "Rate-limit store unavailable (%s: %s): general limits fail open, account limits "
    "fail closed (503); further failures in the next %.1f s are not logged"
)

# DRF's sliding window, one key after another, in one atomic call: drop the entries
# older than the window, count, and add this request only if under the limit. DRF's
# own get-then-set lets simultaneous requests in different workers read the same
# history and each add themselves (4 workers admitted 23 of a 20/min limit).
# ARGV: now, a unique member prefix, how many keys gate the rest, then (window, limit)
# per counted key. When a gating key refuses, the keys after the gate are not counted (a
# request refused by its general limit does not use up a sign-in try). KEYS beyond the
# counted ones are only read (GET), after the counting, so a caller that needs a value
# of the same store (the response cache's generation, kept in the security store for
# this reason) pays no second round trip.
SLIDING_WINDOW_LUA = b"""
local now, gate = tonumber(ARGV[1]), tonumber(ARGV[3])
local counted = (#ARGV - 3) / 2
local out = {}
local refused = false
for i = 1, counted do
  local key = KEYS[i]
  if i > gate and refused then
    break
  end
  local window, limit = tonumber(ARGV[2 * i + 2]), tonumber(ARGV[2 * i + 3])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  local allowed = 0
  if count < limit then
    redis.call('ZADD', key, now, ARGV[2] .. ':' .. i)
    count = count + 1
    allowed = 1
  elseif i <= gate then
    refused = true
  end
  redis.call('PEXPIRE', key, math.ceil(window * 1000))
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2] or ARGV[1]
  out[#out + 1] = allowed
  out[#out + 1] = count
  out[#out + 1] = oldest
end
for i = counted + 1, #KEYS do
  out[#out + 1] = redis.call('GET', KEYS[i])
end
return out
"""


@dataclass(frozen=True)
class Limit:
    """One rate limit that applies to a request: `scope` counted per `ident`."""

    scope: str
    ident: str
    fail_open: bool = True

    @property
    def key(self) -> str:
        # DRF's cache key format, so counters survive the change of implementation.
        return f"throttle_{self.scope}_{self.ident}"


@dataclass
class LimitState:
    """Where a caller stands against one limit after this request (DRF's figures)."""

    limit: Limit
    num_requests: int
    duration: int
    allowed: bool
    count: int  # requests in the window, this one included when allowed
    oldest: float  # time of the oldest request in the window
    now: float

    @property
    def remaining(self) -> int:
        return max(self.num_requests - self.count, 0)

    @property
    def reset(self) -> int:
        if not self.count:
            return self.duration
        return max(math.ceil(self.oldest + self.duration - self.now), 0)

    @property
    def wait(self) -> float | None:
        """Seconds until a request would be allowed (DRF's `wait()`); None if never."""
        elapsed = self.now - self.oldest if self.count else 0
        available = self.num_requests - self.count + 1
        return (self.duration - elapsed) / available if available > 0 else None

    def headers(self) -> dict:
        return {"limit": self.num_requests, "remaining": self.remaining, "reset": self.reset}


@dataclass
class Decision:
    """The outcome of one `check_rate` call."""

    states: list[LimitState] = field(default_factory=list)
    # A fail-closed limit could not be checked (the store is down): answer 503.
    unavailable: bool = False
    # The values of `check_rate(read=...)`'s keys, read in the same store call (a
    # missing key is absent); None when the store failed.
    read: dict | None = None

    @property
    def refused(self) -> list[LimitState]:
        return [state for state in self.states if not state.allowed]

    @property
    def allowed(self) -> bool:
        return not self.unavailable and not self.refused

    @property
    def wait(self) -> float | None:
        """The longest wait among the refusing limits (what Retry-After says)."""
        waits = [state.wait for state in self.refused if state.wait is not None]
        return max(waits, default=None)

    def only(self, limits: Iterable[Limit]) -> "Decision":
        """The part of this decision about `limits`."""
        wanted = set(limits)
        return Decision(
            states=[state for state in self.states if state.limit in wanted],
            unavailable=self.unavailable and any(not limit.fail_open for limit in wanted),
        )


@functools.lru_cache(maxsize=64)
def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """'600/min' -> (600, 60); None means no limit."""
    if rate is None:
        return None
    number, period = rate.split("/")
    return int(number), PERIODS[period[0]]


def configured_rates() -> dict:
    """The rates of every scope (settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])."""
    return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})


def rate_of(scope: str) -> tuple[int, int] | None:
    try:
        return parse_rate(configured_rates()[scope])
    except KeyError:
        raise ImproperlyConfigured(f"No rate-limit rate set for scope '{scope}'.") from None


def _signed_in_user(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def anon_limit(request) -> Limit | None:
    """Per address, for anonymous callers only."""
    return None if _signed_in_user(request) else Limit("anon", client_ip(request))


def user_limit(request, scope: str = "user") -> Limit:
    """Per user when signed in, per address otherwise."""
    user = _signed_in_user(request)
    return Limit(scope, str(user.pk) if user else client_ip(request))


def address_limit(request, scope: str) -> Limit:
    """Per address even for signed-in callers; fails CLOSED (endpoints used before sign-in)."""
    return Limit(scope, client_ip(request), fail_open=False)


def check_rate(
    request, limits: Iterable[Limit], *, then: Iterable[Limit] = (), read: Iterable[str] = ()
) -> Decision:
    """Check and count `limits` for `request` in one store call; record the headers.

    `then` are counted in the same call only when every one of `limits` allows the
    request (a limit may appear there more than once: each occurrence counts once).
    `read`: keys of the security store whose values come back in the same call
    (`Decision.read`). The states are appended to `request.ratelimit_states` (the
    Django request), which RateLimitHeadersMiddleware turns into X-RateLimit-* headers.
    """
    gate = _rated(limits)
    rated = gate + _rated(then)
    read = list(read)
    if not rated and not read:
        return Decision()
    decision = guarded(
        lambda: _count(rated, len(gate), read),
        on_failure=lambda: Decision(unavailable=any(not limit.fail_open for limit, _ in rated)),
        warning=STORE_WARNING,
    )
    django_request = getattr(request, "_request", request)
    states = getattr(django_request, "ratelimit_states", [])
    states.extend(state.headers() for state in decision.states)
    django_request.ratelimit_states = states
    checked = frozenset(limit for limit, _ in rated)
    earlier = getattr(django_request, "ratelimit_checked", [])
    django_request.ratelimit_checked = [*earlier, (checked, decision)]
    for state in decision.refused:
        THROTTLE_REFUSALS.labels(scope=state.limit.scope).inc()
    return decision


def checked_limits(request) -> set[Limit]:
    """The limits this request was already checked (and counted) against."""
    django_request = getattr(request, "_request", request)
    return set().union(*(limits for limits, _ in getattr(django_request, "ratelimit_checked", [])))


def check_rate_once(request, limits: Iterable[Limit]) -> Decision:
    """`check_rate` for the limits of `limits` this request was not checked against yet
    (one store call at most); the decision covers all of `limits`.

    So an early layer (a response cache answering anonymous hits) and the REST door's
    throttles can each ask for the limits they need without counting a request twice.
    """
    django_request = getattr(request, "_request", request)
    limits = list(limits)
    missing = [limit for limit in dict.fromkeys(limits) if limit not in checked_limits(request)]
    if missing:
        check_rate(request, missing)
    earlier: list[tuple[frozenset, Decision]] = getattr(django_request, "ratelimit_checked", [])
    wanted = set(limits)
    if len(earlier) == 1 and earlier[0][0] == wanted:  # one call checked exactly these
        return earlier[0][1]
    return Decision(
        states=[s for _, d in earlier for s in d.states if s.limit in wanted],
        unavailable=any(d.only(wanted & checked).unavailable for checked, d in earlier),
    )


def _rated(limits: Iterable[Limit]) -> list[tuple[Limit, tuple[int, int]]]:
    return [(limit, rate) for limit in limits if (rate := rate_of(limit.scope)) is not None]


def _count(rated: list[tuple[Limit, tuple[int, int]]], gate: int, read: list[str]) -> Decision:
    """The states of `rated`, in order (after the first `gate` entries, only while
    none of those was refused), and the values of the `read` keys."""
    # The security store, never the response cache: a window that an attacker's junk
    # pages could evict would start again from zero.
    backend = caches[SECURITY]
    redis = _redis_client(backend)
    now = time.time()
    if redis is None:
        states = []
        for index, (limit, rate) in enumerate(rated):
            if index >= gate and any(not state.allowed for state in states[:gate]):
                break
            states.append(_count_in_cache(backend, limit, rate, now))
        return Decision(states=states, read=backend.get_many(read) if read else {})
    args = [repr(now), members.next(), gate]
    for _, (num_requests, duration) in rated:
        args += [duration, num_requests]
    keys = [str(backend.client.make_key(f"{limit.key}:window")) for limit, _ in rated]
    keys += [str(backend.client.make_key(key)) for key in read]
    flat = _run_script(redis, keys, args)
    values = flat[len(flat) - len(read) :]
    flat = flat[: len(flat) - len(read)]
    found = {
        key: backend.client.decode(value)
        for key, value in zip(read, values, strict=True)
        if value is not None
    }
    states = [
        LimitState(
            limit,
            rate[0],
            rate[1],
            bool(flat[3 * i]),
            int(flat[3 * i + 1]),
            float(flat[3 * i + 2]),
            now,
        )
        for i, (limit, rate) in enumerate(rated[: len(flat) // 3])
    ]
    return Decision(states=states, read=found)


def _count_in_cache(backend, limit: Limit, rate: tuple[int, int], now: float) -> LimitState:
    """DRF's window kept in a plain cache; not atomic across processes, which is why
    production uses Redis.

    The history is kept oldest first as an array of doubles: the cache pickles it as
    one block of bytes and the window's start is found by bisection, so a check costs
    about the same with ten requests in the window or a hundred thousand (a list of
    floats was unpickled and filtered one by one: 0.6 ms at the benchmark's rates).
    """
    num_requests, duration = rate
    stored = backend.get(limit.key)
    if not isinstance(stored, array):
        # Nothing yet, or DRF's own format (a list, newest first).
        stored = array("d", sorted(stored or ()))
    history = stored[bisect_right(stored, now - duration) :]
    allowed = len(history) < num_requests
    if allowed:
        # Sorted even if the clock stepped back or another thread counted meanwhile.
        insort(history, now)
        backend.set(limit.key, history, duration)
    oldest = history[0] if history else now
    return LimitState(limit, num_requests, duration, allowed, len(history), oldest, now)


class _Members:
    """Unique names for the sorted-set entries this process adds: a random prefix drawn
    per process (again in a forked child, so gunicorn's workers never share one) and a
    counter. A uuid4 per request cost a getrandom call and an object on every hit."""

    def __init__(self) -> None:
        self.renew()
        os.register_at_fork(after_in_child=self.renew)

    def renew(self) -> None:
        self._prefix = os.urandom(8).hex()
        self._counter = itertools.count()

    def next(self) -> str:
        return f"{self._prefix}.{next(self._counter)}"


members = _Members()


def _run_script(redis, keys: list[str], args: list) -> list:
    """EVALSHA of the sliding-window script on a pooled connection: one round trip.

    A response-cache hit makes this call on every anonymous read, and redis-py's
    command path (its retry wrapper, observability hooks and reply callbacks) cost
    more Python than the rest of the hit. What it did that matters here is kept: an
    unknown script (a restarted or flushed Redis) is loaded and run again. A timeout
    is not retried: a hung Redis costs one socket timeout, then the store's circuit
    (movie_api/security/store.py) opens.
    """
    pool = redis.connection_pool
    # The pool hands out a live connection: one Redis closed since (a restart, an idle
    # timeout) reads as ready at checkout and is made again.
    connection = pool.get_connection()
    try:
        return _evalsha(connection, keys, args)
    finally:
        pool.release(connection)


def _evalsha(connection, keys: list[str], args: list) -> list:
    # send_packed_command: redis-py's send_command is wrapped in a deprecation shim.
    command = connection.pack_command("EVALSHA", _SCRIPT_SHA, len(keys), *keys, *args)
    try:
        connection.send_packed_command(command)
        return connection.read_response()
    except NoScriptError:
        # A restarted or flushed Redis has forgotten the script: load it, run it again.
        connection.send_packed_command(
            connection.pack_command("SCRIPT", "LOAD", SLIDING_WINDOW_LUA)
        )
        connection.read_response()
        connection.send_packed_command(command)
        return connection.read_response()


# Redis names a script by the SHA-1 of its text (EVALSHA).
_SCRIPT_SHA = hashlib.sha1(SLIDING_WINDOW_LUA, usedforsecurity=False).hexdigest()


def _redis_client(backend):
    """The redis-py client when the cache is django-redis, else None (local memory)."""
    try:
        from django_redis.cache import RedisCache
    except ImportError:  # pragma: no cover - django-redis is in requirements.txt
        return None
    if not isinstance(backend, RedisCache):
        return None
    return backend.client.get_client(write=True)
