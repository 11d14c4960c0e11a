"""Spot every write that can change a cached answer, and bump the generation for it.

An execute wrapper sits on every database connection (installed when the connection
is created), so it sees each statement Django sends: model saves and deletes,
`QuerySet.update()`, `bulk_create`, admin, importers, fixtures, data migrations and
raw cursors alike. When a statement writes to a watched table:

- inside a transaction, one bump is scheduled for its commit (`on_commit`; nothing if
  it rolls back). The same connection also bumps at once, so a request (or a test)
  that reads its own uncommitted write is not served the answer from before it;
  other processes cannot see the write yet, and the commit bumps again for them;
- outside a transaction (autocommit) the statement has committed: bump right away.

Writes made outside Django (psql, another program) are invisible here: run
`manage.py cache_bump` after them (docs/caching.md).
"""

import re

from django.db import connections
from django.db.backends.signals import connection_created

from movie_api.caching import generation

# The verb and the table of a write statement, however the backend quotes names.
_WRITE = re.compile(
    r"\s*(INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO|TRUNCATE)"
    r"(?:\s+TABLE)?\s+[`\"\[]?(\w+)",
    re.IGNORECASE,
)


# Writes to these tables change cached answers: every table whose name starts so...
WATCHED_PREFIXES = ("movies_",)
# ...and these columns of other tables (reviews show their author's username).
WATCHED_COLUMNS = {"users_user": ("username",)}


def changes_cached_answers(sql: str) -> bool:
    """True when `sql` writes a table (or a column) that cached answers show."""
    match = _WRITE.match(sql)
    if match is None:
        return False
    verb, table = match.group(1).upper(), match.group(2).lower()
    if verb == "TRUNCATE" or table.startswith(WATCHED_PREFIXES):
        return True
    columns = WATCHED_COLUMNS.get(table)
    if columns is None or verb.startswith(("INSERT", "REPLACE")):
        # A new row of a column-watched table (a new user) shows up nowhere until a
        # watched table references it, and that write bumps.
        return False
    if verb.startswith("DELETE"):
        return True
    assignments = re.split(r"\sWHERE\s", sql, maxsplit=1, flags=re.IGNORECASE)[0]
    return any(re.search(rf"[`\"\[]?\b{column}\b[`\"\]]?\s*=", assignments) for column in columns)


def spot_writes(execute, sql, params, many, context):
    """The execute wrapper: run the statement, then schedule a bump if it matters."""
    result = execute(sql, params, many, context)
    if changes_cached_answers(sql):
        schedule_bump(context["connection"])
    return result


def schedule_bump(connection) -> None:
    if not connection.in_atomic_block:
        # Autocommit: the statement has committed. (Manual transaction management
        # offers no commit hook; bump now as well: docs/caching.md.)
        generation.bump()
        return
    # This connection sees its own uncommitted write: bump once per run of writes
    # (again after any lookup in this process), so its own reads miss.
    if getattr(connection, "response_cache_bumped_at", None) != generation.state.lookups:
        connection.response_cache_bumped_at = generation.state.lookups
        generation.bump()
    # One bump per transaction on commit. Checked against the pending callbacks, not a
    # flag: a rolled-back savepoint discards the callback it registered.
    if not any(pending[1] is generation.bump for pending in connection.run_on_commit):
        connection.on_commit(generation.bump)


def attach(connection) -> None:
    """Put the wrapper on `connection` once (a reconnect keeps the same wrapper list).

    First in the list, not appended: `connection.execute_wrapper()` blocks pop the last
    entry, and a connection created inside one must not lose theirs to ours.
    """
    if spot_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, spot_writes)


def _on_connection_created(sender, connection, **kwargs):
    attach(connection)


def install() -> None:
    connection_created.connect(_on_connection_created, dispatch_uid="response-cache-writes")
    for connection in connections.all(initialized_only=True):
        attach(connection)
