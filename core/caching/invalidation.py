"""Which models cached answers read, and a generation per model that their writes bump.

Writes are declared, not guessed from SQL text: each app names the models that cached
answers may read (`watch()` in its `AppConfig.ready()`), and every write to one of them
bumps that model's own generation:
- model `save()` / `delete()` (cascades included) and many-to-many changes, through the
  `post_save`, `post_delete` and `m2m_changed` signals connected here;
- `QuerySet.update()`, `bulk_create()` and `bulk_update()`, which send no signal,
  through the model's manager: a watched model's queryset is an
  `InvalidatingQuerySet` (`watch()` refuses one that is not), so no call site can
  forget it;
- raw SQL calls `changed(Model, ...)` (or `schedule_bump`) where it is;
- `migrate` bumps the global generation when it ends (`post_migrate`): data migrations
  write through historical models, which send no signal to these receivers;
- writes made outside Django (psql, a restore): `manage.py cache_bump`, which bumps the
  generation every entry depends on.

Reads are recorded, not declared by hand: while a cached answer is computed
(`recording()`), every statement its connections send passes through an execute wrapper
that notes the tables it reads (`FROM`/`JOIN`, subqueries included). The answer is
stored with the generations of exactly those models (and the global one); it is not
stored at all when it read a table no app watches. So a new filter that reads another
app's table is invalidated by writes there as soon as that app watches the model, and
is never cached stale when it does not. Why recorded rather than listed next to each
filter: a list kept by hand goes stale silently the day a serializer adds a join,
whereas the statements are what the answer really read (docs/caching.md).

When a watched model is written:
- inside a transaction, its bump is scheduled for the commit (`on_commit`; nothing if it
  rolls back). The same connection also bumps at once, so a request (or a test) that
  reads its own uncommitted write is not served the answer from before it; other
  processes cannot see the write yet, and the commit bumps again for them;
- outside a transaction (autocommit) the write has committed: bump right away.
"""

import contextvars
import functools
import re
from contextlib import contextmanager

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, models, router
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from core.caching import generation

# Every table a statement reads, subqueries included, however the backend quotes names.
_TABLES = re.compile(r"\b(?:FROM|JOIN)\s+[`\"\[]?(\w+)", re.IGNORECASE)

# model label -> the fields cached answers show (None: every field).
_watched: dict[str, tuple[str, ...] | None] = {}


def watch(*models, fields: tuple[str, ...] | None = None) -> None:
    """Declare that cached answers may read `models`: connect the signals that bump each
    model's generation on its writes.

    `fields`: only these columns are shown by cached answers, and only through rows
    of other watched models that reference the row: a `save()` limited to other fields
    (`update_fields`, e.g. a login's `last_login`) bumps nothing, nor does a new row
    (it shows nowhere until a referencing row is written, and that write bumps).
    """
    for model in models:
        label = model._meta.label_lower
        if not (
            model._meta.auto_created
            or fields is not None
            or isinstance(model._default_manager.all(), InvalidatingQuerySet)
        ):
            raise ImproperlyConfigured(
                f"{label} is read by cached answers: its manager's queryset must be an "
                "InvalidatingQuerySet, or its update() and bulk_create() bump nothing."
            )
        _watched[label] = fields
        uid = f"response-cache:{label}"
        post_save.connect(_saved, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid, weak=False)
        if model._meta.auto_created:  # a many-to-many table: add/remove/clear send no save
            m2m_changed.connect(_linked, sender=model, dispatch_uid=uid, weak=False)
    _restricted_tables.cache_clear()
    # A full lookup reads the global generation and every watched model's, in one call.
    generation.KEYS = (
        generation.GENERATION_KEY,
        generation.WRITES_KEY,
        *(key_of(label) for label in sorted(_watched)),
    )


def watched(model) -> bool:
    return model._meta.label_lower in _watched


def watched_models() -> list:
    return [apps.get_model(label) for label in sorted(_watched)]


def key_of(label: str) -> str:
    return f"{generation.GENERATION_KEY}:{label}"


def changed(*models, using: str | None = None) -> None:
    """Bump the generations of `models` for a write that sends no signal (`update()`,
    `bulk_create()`, raw SQL): on commit, and at once on the writing connection."""
    for model in models:
        alias = using or router.db_for_write(model)
        schedule_bump(connections[alias], key_of(model._meta.label_lower))


class InvalidatingQuerySet(models.QuerySet):
    """The queryset of a model cached answers read: its set-based writes, which send no
    signal, bump the model's generation like a `save()` does."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)  # bulk_update() ends here too
        changed(self.model, using=self.db)
        return rows

    def bulk_create(self, *args, **kwargs):
        created = super().bulk_create(*args, **kwargs)
        changed(self.model, using=self.db)
        return created


def _saved(sender, created=False, update_fields=None, using=DEFAULT_DB_ALIAS, **kwargs):
    fields = _watched.get(sender._meta.label_lower)
    if fields is not None and (
        created or (update_fields is not None and not set(update_fields) & set(fields))
    ):
        return  # a new row or columns no cached answer shows (see `watch`)
    schedule_bump(connections[using], key_of(sender._meta.label_lower))


def _deleted(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    schedule_bump(connections[using], key_of(sender._meta.label_lower))


def _linked(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action.startswith("post_"):
        schedule_bump(connections[using], key_of(sender._meta.label_lower))


class _Bump:
    """The commit callback of one generation (compared by key, so a transaction
    schedules each generation once)."""

    __slots__ = ("key",)

    def __init__(self, key: str):
        self.key = key

    def __call__(self) -> None:
        generation.bump(self.key)

    def __eq__(self, other):
        return isinstance(other, _Bump) and other.key == self.key

    def __hash__(self):
        return hash(self.key)


def schedule_bump(connection, key: str = generation.GENERATION_KEY) -> None:
    if not connection.in_atomic_block:
        # Autocommit: the write has committed. (Manual transaction management offers
        # no commit hook; bump now as well: docs/caching.md.)
        generation.bump(key)
        return
    # This connection sees its own uncommitted write: bump once per run of writes
    # (again after any lookup in this process), so its own reads miss.
    bumped = connection.__dict__.setdefault("response_cache_bumped_at", {})
    if bumped.get(key) != generation.state.lookups:
        bumped[key] = generation.state.lookups
        generation.bump(key)
    # One bump per generation and transaction on commit. Checked against the pending
    # callbacks, not a flag: a rolled-back savepoint discards the callback it registered.
    callback = _Bump(key)
    if not any(pending[1] == callback for pending in connection.run_on_commit):
        connection.on_commit(callback)


# ---------------------------------------------------------------------------- reads

_recordings: contextvars.ContextVar[tuple] = contextvars.ContextVar(
    "response_cache_recordings", default=()
)


@contextmanager
def recording():
    """Note the tables every statement reads inside the block (nested blocks feed the
    outer ones too); yields the set of table names (lower case)."""
    tables: set[str] = set()
    token = _recordings.set((*_recordings.get(), tables))
    try:
        yield tables
    finally:
        _recordings.reset(token)


@contextmanager
def unrecorded():
    """Reads of the caller's own fields (`my_state`): never part of what is stored
    (shared.py blanks them before storing, and a signed-in answer is never stored
    whole), so the stored part does not depend on their tables."""
    token = _recordings.set(())
    try:
        yield
    finally:
        _recordings.reset(token)


def note(tables) -> None:
    """Add `tables` to the active recordings: a memo served from the cache (a list
    total, a page of rows) sends no statement, yet the answer still read them."""
    for recorded in _recordings.get():
        recorded.update(tables)


def tables_read(sql: str) -> set[str]:
    """The tables `sql` reads, lower case. A table watched for some of its columns only
    (`watch(fields=...)`) that the statement filters, joins or orders by another column,
    or reads under an alias (a subquery's `U0`), is named `<table>.*`, which no model
    has: an answer that depends on such a column is never stored."""
    tables = {table.lower() for table in _TABLES.findall(sql)}
    for table, columns in _restricted_tables().items():
        if table in tables and _beyond(sql, table, columns):
            tables.add(f"{table}.*")
    return tables


def _beyond(sql: str, table: str, columns: frozenset) -> bool:
    """Whether `sql` depends on a column of `table` other than `columns`: one named
    outside a select list (a join, a filter, an order), or the table under an alias.
    Columns only selected are shown or not by the answer's own shape, which `fields`
    declares. A select list runs from a SELECT to the next FROM (a scalar subquery's
    FROM ends it early: the rest is then checked too, the safe side)."""
    quoted = rf"[`\"\[]?{table}[`\"\]]?"
    if re.search(rf"(?:FROM|JOIN)\s+{quoted}\s+(?:AS\s+)?[`\"\[]?(?!ON\b)\w", sql, re.I):
        return True
    selecting = False
    for match in re.finditer(rf"\b(SELECT|FROM)\b|{quoted}\.[`\"\[]?(\w+)", sql, re.I):
        keyword, column = match.groups()
        if keyword:
            selecting = keyword.upper() == "SELECT"
        elif not selecting and column.lower() not in columns:
            return True
    return False


@functools.cache
def _restricted_tables() -> dict[str, frozenset]:
    restricted = {}
    for label, fields in _watched.items():
        if fields is not None:
            meta = apps.get_model(label)._meta
            columns = {meta.get_field(name).column for name in fields} | {meta.pk.column}
            restricted[meta.db_table.lower()] = frozenset(column.lower() for column in columns)
    return restricted


@functools.cache
def _labels_by_table() -> dict[str, str]:
    return {
        model._meta.db_table.lower(): model._meta.label_lower
        for model in apps.get_models(include_auto_created=True)
    }


def dependencies(tables) -> tuple[str, ...] | None:
    """The generation keys an answer that read `tables` depends on (the global one
    first), or None when one of them is not a watched model's table (or no table was
    read at all): such an answer must not be stored."""
    if not tables:
        return None
    labels = _labels_by_table()
    keys = [generation.GENERATION_KEY]
    for table in sorted(tables):
        label = labels.get(table)
        if label not in _watched:
            return None
        keys.append(key_of(label))
    return tuple(keys)


def stamp(current: dict, tables) -> dict | None:
    """The generations to store with an answer read under `current` (a lookup's
    snapshot) that read `tables`; None when it must not be stored."""
    keys = dependencies(tables)
    if keys is None or current is None or any(current.get(key) is None for key in keys):
        return None  # (a hit refused by the rate limit read only the count of writes)
    return {key: current[key] for key in keys}


def _note_reads(execute, sql, params, many, context):
    """The execute wrapper: note what the statement reads while a recording is on."""
    recordings = _recordings.get()
    if recordings:
        tables = tables_read(sql)
        for recorded in recordings:
            recorded.update(tables)
    return execute(sql, params, many, context)


def attach(connection) -> None:
    """Put the wrapper on `connection` once (a reconnect keeps the same wrapper list).

    First in the list, not appended: `connection.execute_wrapper()` blocks pop the last
    entry, and a connection created inside one must not lose theirs to ours.
    """
    if _note_reads not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _note_reads)


def _on_connection_created(sender, connection, **kwargs):
    attach(connection)


def _migrated(**kwargs) -> None:
    generation.bump()


def install() -> None:
    connection_created.connect(_on_connection_created, dispatch_uid="response-cache-reads")
    post_migrate.connect(_migrated, dispatch_uid="response-cache-migrated")
    for connection in connections.all(initialized_only=True):
        attach(connection)
