"""The generation counter: every cached entry carries the generation it was computed
under, and only an entry of the current generation is served.

A write bumps the counter after it commits (core/caching/invalidation.py), so
every entry filled before the commit is dead at once, on every process, without
deleting anything: entries are overwritten by the next fill or expire on their own.

The counter starts from the clock (nanoseconds) whenever it is missing (first use, a
flushed or evicted store): a fresh start is always above any generation still stored
in old entries, so a lost counter can never make an old entry current again.

The counter lives in the security store (never evicted, settings.CACHES["security"]),
the entries in the cache (evictable, "default"): the anonymous rate-limit window is in
the security store too, so a hit served from this process's own copy still reads the
window and the generation in one round trip. Entries larger than
RESPONSE_CACHE_MAX_ENTRY_BYTES are never stored (`save`).
"""

import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches

from core.security import ratelimit
from core.security.store import CACHE, SECURITY, STORE_ERRORS, store_circuit
from core.security.store import logger as store_logger

GENERATION_KEY = "response-cache:generation"
# Moves with every bump of any generation. A copy kept in this process (`NearCache`)
# that was current when this counter had some value is still current while it has it:
# the common hit reads this one counter, however many generations the copy depends on.
WRITES_KEY = "response-cache:writes"
# The generations a full read gets: the global one (`manage.py cache_bump`), one per
# model that cached answers read (set by `invalidation.watch()`), and the writes.
KEYS: tuple[str, ...] = (GENERATION_KEY, WRITES_KEY)


class _State:
    """Per-process memory: lookups made (see invalidation.py) and a failed bump."""

    lookups = 0
    bump_failed = False


state = _State()


def store():
    """Where the entries are: the shared, evictable cache (Redis in production)."""
    return caches[CACHE]


def counter_store():
    """Where the generation is: the security store, which every process shares and
    nothing evicts (and where the anonymous rate-limit window is read with it)."""
    return caches[SECURITY]


def bump(key: str = GENERATION_KEY) -> bool:
    """Make a new generation of `key` (every stored entry that depends on it is dead;
    every entry depends on the global one); False if the store failed.

    A failed bump is remembered: this process serves nothing from the cache until a
    later bump succeeds (tried again before every lookup).
    """
    started = time.monotonic()
    try:
        _increment(counter_store(), key)
        # After the generation: a reader that sees the new count sees the new generation.
        _increment(counter_store(), WRITES_KEY)
    except STORE_ERRORS as exc:
        state.bump_failed = True
        _store_failed(exc, started, SECURITY)
        return False
    state.bump_failed = False
    return True


def _increment(cache, key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        # Missing: start from the clock, then bump, so a reader that created the key
        # a moment ago (and may be filling from before this write) is left behind.
        cache.add(key, time.time_ns(), timeout=None)
        cache.incr(key)


def lookup(key: str, *, near: bool = False, count=None):
    """(generations, stored entry or None); None when unusable.

    `generations` maps every generation key (`KEYS`) to its current value (only the count
    of writes on a hit from this process's copy); an entry is served only when each
    generation it was stored with is still current (`is_current`).

    Unusable: a store failed or hangs (its circuit is open), or a bump failed in this
    process and still fails; the caller then goes to the database, as without a cache.

    The generations come from the security store (all of them in one call), the entry
    from the cache: two round trips, except with
    - `near`: the entry may come from this process's own copy (`NearCache`): current
      while the count of writes (`WRITES_KEY`) is the one it was last current at, so
      only that counter is read. After a write anywhere, a second read of every
      generation says whether the copy's own are still current (once per copy, process
      and write; a copy that read nothing written stays).
      Only for entries nobody mutates (the response cache's bytes): every caller gets
      the same object.
    - `count`: (request, limits) checked and counted in the same security-store call as
      the generation (`ratelimit.check_rate(read=...)`): a hit from this process's copy
      is one round trip in all.
    """
    state.lookups += 1
    if (
        store_circuit.is_open(SECURITY)
        or store_circuit.is_open(CACHE)
        or (state.bump_failed and not bump())
    ):
        return None
    kept, seen = near_cache.get_seen(key) if near else (None, None)
    # With a copy here, only the count of writes is read (the common hit); without one,
    # every generation: a miss stores its answer with the ones it read.
    started = time.monotonic()
    try:
        current = _read_generation(count, (WRITES_KEY,) if kept is not None else KEYS)
        if current is _FAILED:  # the store failed during the rate check (noted there)
            return None
        if kept is not None and seen is not None and current.get(WRITES_KEY) == seen:
            return current, kept  # no write anywhere since the copy was last current
        if kept is not None:  # some write since: are the copy's own generations current?
            current = counter_store().get_many(KEYS)
        if len(current) < len(KEYS) or None in current.values():
            current = _started(current)
    except STORE_ERRORS as exc:
        _store_failed(exc, started, SECURITY)
        return None
    if kept is not None:
        if is_current(kept[0], current):
            near_cache.mark(key, current[WRITES_KEY])
            return current, kept
        near_cache.drop(key)  # dead: the next lookup reads every generation at once
    # No copy here, or one dead since the last write: the store may hold a newer fill.
    started = time.monotonic()
    try:
        entry = store().get(key)
    except STORE_ERRORS as exc:
        _store_failed(exc, started, CACHE)
        return None
    if entry is None or not is_current(entry[0], current):
        return current, None
    if near:
        near_cache.put(key, entry, seen=current[WRITES_KEY])
    return current, entry


_FAILED = object()


def _read_generation(count, keys):
    """The current values of the generations `keys` (missing ones left out), or _FAILED
    when the rate check's store call failed."""
    if count is None:
        return counter_store().get_many(keys)
    request, limits = count
    found = ratelimit.check_rate(request, limits, read=keys).read
    return _FAILED if found is None else found


def _started(found: dict) -> dict:
    """`found` with every missing generation started from the clock (first use, a
    flushed store), as the store now has them."""
    cache = counter_store()
    for key in KEYS:
        if found.get(key) is None:
            cache.add(key, time.time_ns(), timeout=None)
    return cache.get_many(KEYS)


def is_current(stored, current: dict) -> bool:
    """Whether an entry stored with the generations `stored` may be served now: every
    one of them is still `current`. An entry of the single-generation format (an int,
    left in a shared store by a process before an upgrade) is never current."""
    return type(stored) is dict and all(current.get(key) == value for key, value in stored.items())


def fits(entry: tuple) -> bool:
    """Whether `entry` is small enough to store (RESPONSE_CACHE_MAX_ENTRY_BYTES)."""
    return _size(entry) <= settings.RESPONSE_CACHE_MAX_ENTRY_BYTES


def save(key: str, entry: tuple, *, near: bool = False, seen=None) -> None:
    """Store `entry` (its first item: the generations read before it was computed);
    `near`: keep this process's own copy too (see `lookup`), current while the count of
    writes is `seen` (that read's; None: checked against the generations first).

    An entry past RESPONSE_CACHE_MAX_ENTRY_BYTES is not stored at all: a handful of
    huge pages (page_size=100 with junk parameters, each a key of its own) would
    otherwise push every small, often-read answer out of a bounded cache.
    """
    if not fits(entry):
        return
    if near:
        near_cache.put(key, entry, seen=seen)
    started = time.monotonic()
    try:
        store().set(key, entry, timeout=settings.RESPONSE_CACHE_TIMEOUT)
    except STORE_ERRORS as exc:
        _store_failed(exc, started, CACHE)


class NearCache:
    """This process's copies of response-cache entries, least recently used dropped
    first once their bodies pass `RESPONSE_CACHE_NEAR_BYTES` (0: none kept).

    A copy is served only while its generation is the store's current one, which every
    lookup reads anyway, so it is exactly as fresh as the shared entry; what it saves
    is moving and unpickling a whole answer from Redis on every hit.
    """

    def __init__(self) -> None:
        self._entries: OrderedDict[str, tuple] = OrderedDict()
        self._seen: dict[str, object] = {}  # the count of writes each copy is current at
        self._bytes = 0
        self._lock = threading.Lock()  # gthread workers share one process

    def get(self, key: str) -> tuple | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def get_seen(self, key: str) -> tuple:
        """(copy, the count of writes it is current at); (None, None) without one."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None, None
            self._entries.move_to_end(key)
            return entry, self._seen.get(key)

    def mark(self, key: str, seen) -> None:
        with self._lock:
            if key in self._entries:
                self._seen[key] = seen

    def put(self, key: str, entry: tuple, seen=None) -> None:
        budget = settings.RESPONSE_CACHE_NEAR_BYTES
        size = _size(entry)
        with self._lock:
            self._pop(key)
            if size > budget:
                return
            self._entries[key] = entry
            self._seen[key] = seen
            self._bytes += size
            while self._bytes > budget:
                self._pop(next(iter(self._entries)))

    def drop(self, key: str) -> None:
        with self._lock:
            self._pop(key)

    def _pop(self, key: str) -> None:
        old = self._entries.pop(key, None)
        self._seen.pop(key, None)
        if old is not None:
            self._bytes -= _size(old)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._seen.clear()
            self._bytes = 0


def _size(entry: tuple) -> int:
    # The body dominates; the headers and the rest are counted as a flat kilobyte. A
    # memo (a count, a page's rows) holds no bytes and counts as that kilobyte alone.
    return sum(len(item) for item in entry if isinstance(item, bytes)) + 1024


near_cache = NearCache()


def _store_failed(exc: BaseException, started: float, alias: str) -> None:
    """One failure of a shared store: its circuit, its warning.

    The rate limits and the generation share the security store's circuit breaker, so
    a hung Redis costs a request one socket timeout, whoever noticed it first; the
    warning is the store's one warning per interval and says what its users do now.
    """
    if store_circuit.record_failure(time.monotonic() - started, alias):
        store_logger.warning(
            _WARNINGS[alias], exc.__class__.__name__, exc, store_circuit.retry_seconds()
        )


_WARNINGS = {
    SECURITY: (
        "Rate-limit store unavailable (%s: %s): cached reads go to the database, "
        "general limits fail open, account limits fail closed (503); further failures "
        "in the next %.1f s are not logged"
    ),
    CACHE: (
        "Response cache store unavailable (%s: %s): cached reads go to the database; "
        "further failures in the next %.1f s are not logged"
    ),
}
