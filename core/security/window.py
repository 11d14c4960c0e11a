"""The sliding window kept in the security store: one Redis script call for every
limit of a request, or the same window kept in a plain cache (local memory).

`count` is what core/security/ratelimit.py's `check_rate` calls once per request.
"""

import hashlib
import itertools
import os
import time
from array import array
from bisect import bisect_right, insort

from django.core.cache import caches
from redis.exceptions import NoScriptError

from core.security.limits import Decision, Limit, LimitState
from core.security.store import SECURITY

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


def count(rated: list[tuple[Limit, tuple[int, int]]], gate: int, read: list[str]) -> Decision:
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
    (core/security/store.py) opens.
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
