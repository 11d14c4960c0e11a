"""Exact list totals, memoised per (COUNT query, database, catalog generation).

A page-number list answers `count`: a COUNT over every matching row, which at 100k
movies is most of the cost of a list page (docs/performance.md). A total only changes
when a row of a table it reads changes, and every write to a watched model bumps that
model's generation when it commits (invalidation.py). So a total stored with the
generations read *before* it was counted is exact for as long as they are current —
the argument of the response cache's read race (docs/caching.md): a write that commits
while the COUNT runs bumps after it, so that entry is dead at once.

The key is the COUNT's own SQL and parameters (ordering removed) plus the database:
two spellings of one filter share an entry, any difference in filtering gets its own,
and nothing has to list which query parameters matter.

No memo, a plain COUNT, when:
- the query reads a table of a model no app watches (`lists_*`: favourites, ...);
- it runs inside a transaction: it may see its own uncommitted rows, which must not be
  told to other processes (a rollback would leave that total current), nor may it be
  told theirs;
- the store is down or a bump failed in this process (`generation.lookup` gives None);
- the queryset was pinned to a database by its caller, or `COUNT_CACHE_ENABLED` is off.
A miss counts on the primary: a lagging replica would store an old total under the
new generation.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, router

from core import compiled
from core.caching import invalidation
from core.caching.shared import remembered

KEY_PREFIX = "list-count:"


def exact_count(queryset) -> int:
    """`queryset.count()`, from the shared cache when that is provably the same number."""
    return remembered(count_key(queryset), queryset.count)


def count_key(queryset) -> str | None:
    """The memo key of `queryset`'s total, or None when it must not be memoised."""
    if not getattr(settings, "COUNT_CACHE_ENABLED", True) or queryset._db is not None:
        return None
    alias = router.db_for_write(queryset.model)
    connection = connections[alias]
    if connection.in_atomic_block:
        return None
    try:
        sql, params = _count_source(queryset, alias)
    except EmptyResultSet:
        return None  # nothing can match: Django answers 0 without a query
    if not watched_only(sql):
        return None
    database = connection.settings_dict
    source = repr(
        (connection.vendor, database["NAME"], database["HOST"], database["PORT"], sql, params)
    )
    return KEY_PREFIX + hashlib.sha256(source.encode()).hexdigest()


def watched_only(sql: str) -> bool:
    """True when every table `sql` reads (subqueries included) is a watched model's, so
    its writes bump a generation (invalidation.py): otherwise no lookup is worth making,
    as nothing computed from it would be stored."""
    return invalidation.dependencies(invalidation.tables_read(sql)) is not None


def _count_source(queryset, alias: str) -> tuple[str, tuple]:
    """The SQL and parameters that identify `queryset`'s total.

    What COUNT itself ignores is left out: the order, and the joins that only load
    related rows. An unfiltered queryset's source is compiled once (compiled.py).
    """

    def build():
        query = queryset.query.clone()
        query.clear_ordering(force=False)
        query.select_related = False
        return query

    if compiled.plain_key(queryset) is not None:
        sql, params, _compiler = compiled.statement(("count", queryset.model), alias, build)
        return sql, params
    return build().get_compiler(alias).as_sql()
