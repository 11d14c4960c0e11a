"""Read replicas: reads go to a healthy replica, writes and fresh reads to the primary.

`DATABASE_REPLICA_URLS` adds the aliases `replica_0`, `replica_1`, ... (settings/base.py);
with none, neither the router nor the middleware is installed and nothing here runs.

A read goes to the primary (`default`) when any of these holds:
- it runs inside a transaction or `atomic` block of the primary (it may read its own
  uncommitted rows);
- the request is itself a write (any method but GET, HEAD, OPTIONS: REST writes and
  GraphQL mutations alike), or the client wrote within the last
  `REPLICA_READ_YOUR_WRITES_SECONDS` (a signed cookie, `ReadYourWritesMiddleware`);
- the code asked for it with `use_primary()` (cache fills: a cached answer must never be
  built from a lagging copy);
- no replica is usable: each replica that failed to connect or to answer is skipped for
  `REPLICA_RETRY_SECONDS`, and one whose replay lags more than `REPLICA_MAX_LAG_SECONDS`
  is skipped until it catches up (the lag is asked at most once a second per process).
docs/deploy.md describes the deployment side.
"""

import contextvars
import itertools
import logging
import time
from contextlib import contextmanager, suppress

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import DatabaseError, InterfaceError, OperationalError

from core.metrics import READ_ROUTES, REPLICA_LAG

logger = logging.getLogger(__name__)

# True while reads must go to the primary: a write request, a client inside its
# read-your-writes window, or a `use_primary()` block.
_force_primary = contextvars.ContextVar("movie_api_force_primary", default=False)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
COOKIE_SALT = "core.replicas.read_your_writes"

# Caught up when every received WAL record is replayed and the receiver is streaming;
# otherwise the age of the last replayed transaction. An idle primary writes nothing,
# so the replay timestamp alone would look old on a replica that is fully caught up.
LAG_SQL = """
SELECT pg_is_in_recovery(),
       pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
         AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming'),
       EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
"""


def replica_aliases() -> list[str]:
    return getattr(settings, "REPLICA_DATABASES", [])


@contextmanager
def use_primary():
    """Every read inside the block goes to the primary (nests; restores on exit)."""
    token = _force_primary.set(True)
    try:
        yield
    finally:
        _force_primary.reset(token)


class ReplicaHealth:
    """Per-process memory of which replicas to skip, and their last measured lag."""

    def __init__(self):
        self.clock = time.monotonic
        self.down_until: dict[str, float] = {}
        self.lag_checked_at: dict[str, float] = {}
        self.lag: dict[str, float] = {}

    def reset(self):
        self.__init__()

    def mark_down(self, alias: str, exc: BaseException) -> None:
        retry = getattr(settings, "REPLICA_RETRY_SECONDS", 5.0)
        if self.clock() >= self.down_until.get(alias, 0.0):
            logger.warning(
                "Replica %s unusable (%s); reads go to the primary for %ss",
                alias,
                exc.__class__.__name__,
                retry,
            )
        self.down_until[alias] = self.clock() + retry
        # Ask the lag again as soon as it is back.
        self.lag_checked_at.pop(alias, None)

    def is_down(self, alias: str) -> bool:
        return self.clock() < self.down_until.get(alias, 0.0)

    def current_lag(self, alias: str) -> float:
        """The replica's lag in seconds, measured at most once a second per process."""
        now = self.clock()
        if now - self.lag_checked_at.get(alias, float("-inf")) >= 1.0:
            self.lag[alias] = measure_lag(alias)
            self.lag_checked_at[alias] = now
            REPLICA_LAG.labels(alias).set(self.lag[alias])
        return self.lag[alias]


health = ReplicaHealth()


def measure_lag(alias: str) -> float:
    """Seconds the replica is behind; 0 when caught up; raises DatabaseError when down."""
    with connections[alias].cursor() as cursor:
        cursor.execute(LAG_SQL)
        in_recovery, caught_up, replay_age = cursor.fetchone()
    if not in_recovery or caught_up:
        return 0.0
    # Nothing replayed yet since the replica started: treat it as far behind.
    return float("inf") if replay_age is None else max(float(replay_age), 0.0)


def _mark_down_on_error(alias):
    """An execute wrapper: a replica query that fails takes the replica out for a while."""

    def wrapper(execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        except (OperationalError, InterfaceError) as exc:
            health.mark_down(alias, exc)
            raise

    wrapper.replica_alias = alias
    return wrapper


def _usable(alias: str) -> bool:
    if health.is_down(alias):
        return False
    connection = connections[alias]
    if not any(getattr(w, "replica_alias", None) == alias for w in connection.execute_wrappers):
        connection.execute_wrappers.append(_mark_down_on_error(alias))
    try:
        # Connects, or with CONN_HEALTH_CHECKS checks a kept connection once a request.
        connection.ensure_connection()
        lag = health.current_lag(alias)
    except DatabaseError as exc:
        health.mark_down(alias, exc)
        # Drop the broken connection now; the next try after the pause reconnects.
        with suppress(DatabaseError):
            connection.close()
        return False
    return lag <= getattr(settings, "REPLICA_MAX_LAG_SECONDS", 5.0)


class ReplicaRouter:
    """Writes and migrations on `default`; reads on a usable replica (see the module doc)."""

    def __init__(self):
        self._turn = itertools.count()

    def db_for_read(self, model, **hints):
        alias = self._pick()
        READ_ROUTES.labels(alias).inc()
        return alias

    def _pick(self) -> str:
        aliases = replica_aliases()
        if not aliases or _force_primary.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        start = next(self._turn)
        for offset in range(len(aliases)):
            alias = aliases[(start + offset) % len(aliases)]
            if _usable(alias):
                return alias
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Every alias holds the same data: the replicas are copies of the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReadYourWritesMiddleware:
    """Send a client's reads to the primary for a while after it wrote.

    The client is known by a signed, timestamped cookie set on every successful write
    (2xx/3xx answer to a method other than GET, HEAD, OPTIONS); the server checks the
    signature and the age, so a kept or forged cookie cannot stretch the window. A
    cookie needs no shared store and no lookup before authentication (docs/operate/production.md,
    "Read replicas").
    """

    def __init__(self, get_response):
        if not replica_aliases():
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.cookie = getattr(settings, "REPLICA_READ_YOUR_WRITES_COOKIE", "movie_api_rw")

    def __call__(self, request):
        window = settings.REPLICA_READ_YOUR_WRITES_SECONDS
        is_write = request.method not in SAFE_METHODS
        recent = request.get_signed_cookie(
            self.cookie, default=None, salt=COOKIE_SALT, max_age=window
        )
        token = _force_primary.set(is_write or recent is not None)
        try:
            response = self.get_response(request)
        finally:
            _force_primary.reset(token)
        if is_write and response.status_code < 400:
            response.set_signed_cookie(
                self.cookie,
                str(int(time.time())),
                salt=COOKIE_SALT,
                max_age=window,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
