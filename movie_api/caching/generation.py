"""The generation counter: every cached entry carries the generation it was computed
under, and only an entry of the current generation is served.

A write bumps the counter after it commits (movie_api/caching/invalidation.py), so
every entry filled before the commit is dead at once, on every process, without
deleting anything: entries are overwritten by the next fill or expire on their own.

The counter starts from the clock (nanoseconds) whenever it is missing (first use, a
flushed or evicted store): a fresh start is always above any generation still stored
in old entries, so a lost counter can never make an old entry current again.
"""

import time

from django.conf import settings
from django.core.cache import caches

from movie_api.security.store import STORE_ERRORS, store_circuit
from movie_api.security.store import logger as store_logger

GENERATION_KEY = "response-cache:generation"


class _State:
    """Per-process memory: lookups made (see invalidation.py) and a failed bump."""

    lookups = 0
    bump_failed = False


state = _State()


def store():
    # The shared cache (Redis in production): every process must see one generation.
    return caches["default"]


def bump() -> bool:
    """Make a new generation (every stored entry is dead); False if the store failed.

    A failed bump is remembered: this process serves nothing from the cache until a
    later bump succeeds (tried again before every lookup).
    """
    started = time.monotonic()
    try:
        _increment(store())
    except STORE_ERRORS as exc:
        state.bump_failed = True
        _store_failed(exc, started)
        return False
    state.bump_failed = False
    return True


def _increment(cache) -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # Missing: start from the clock, then bump, so a reader that created the key
        # a moment ago (and may be filling from before this write) is left behind.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        cache.incr(GENERATION_KEY)


def lookup(key: str):
    """(generation, stored entry or None) in one round trip; None when unusable.

    Unusable: the store failed or hangs (the circuit is open), or a bump failed in this
    process and still fails; the caller then goes to the database, as without a cache.
    """
    state.lookups += 1
    if store_circuit.is_open() or (state.bump_failed and not bump()):
        return None
    cache = store()
    started = time.monotonic()
    try:
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
            return cache.get(GENERATION_KEY), None
    except STORE_ERRORS as exc:
        _store_failed(exc, started)
        return None
    entry = found.get(key)
    if entry is not None and entry[0] != generation:
        entry = None
    return generation, entry


def save(key: str, entry: tuple) -> None:
    """Store `entry` (its first item is the generation read before it was computed)."""
    started = time.monotonic()
    try:
        store().set(key, entry, timeout=settings.RESPONSE_CACHE_TIMEOUT)
    except STORE_ERRORS as exc:
        _store_failed(exc, started)


def _store_failed(exc: BaseException, started: float) -> None:
    """One failure of the shared store (the throttles' too): its circuit, its warning.

    The rate limits and this cache use one Redis and one circuit breaker, so a hung
    Redis costs a request one socket timeout, whoever noticed it first; the warning is
    the store's one warning per interval and says what every user of it does now.
    """
    if store_circuit.record_failure(time.monotonic() - started):
        store_logger.warning(
            "Rate-limit store unavailable (%s: %s): cached reads go to the database, "
            "general limits fail open, account limits fail closed (503); further failures "
            "in the next %.1f s are not logged",
            exc.__class__.__name__,
            exc,
            store_circuit.retry_seconds(),
        )
