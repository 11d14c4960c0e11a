"""Exact list totals, memoised per (COUNT query, database, catalog generation).

A page-number list answers `count`: a COUNT over every matching row, which at 100,000
movies is most of the cost of a list page (docs/performance.md, "Metrics and gates").
A total only changes when a row of a table it reads changes, and every such write bumps the
response-cache generation when it commits (invalidation.py). So a total stored under
the generation read *before* it was counted is exact for as long as that generation is
current — the argument of the response cache's read race (docs/caching.md): a write
that commits while the COUNT runs bumps after it, so that entry is dead at once.

The key is the COUNT's own SQL and parameters (ordering removed) plus the database:
two spellings of one filter share an entry, any difference in filtering gets its own,
and nothing has to list which query parameters matter.

No memo, a plain COUNT, when:
- the query reads a table whose writes do not all bump (`users_*`: favourites, ...);
- it runs inside a transaction: it may see its own uncommitted rows, which must not be
  told to other processes (a rollback would leave that total current), nor may it be
  told theirs;
- the store is down or a bump failed in this process (`generation.lookup` gives None);
- the queryset was pinned to a database by its caller, or `COUNT_CACHE_ENABLED` is off.
A miss counts on the primary: a lagging replica would store an old total under the
new generation.
"""

import hashlib
import re

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, router

from movie_api import compiled
from movie_api.caching import generation
from movie_api.caching.invalidation import WATCHED_PREFIXES
from movie_api.replicas import use_primary

KEY_PREFIX = "list-count:"
# Every table a statement reads, subqueries included, however the backend quotes names.
_TABLES = re.compile(r"\b(?:FROM|JOIN)\s+[`\"\[]?(\w+)", re.IGNORECASE)


def exact_count(queryset) -> int:
    """`queryset.count()`, from the shared cache when that is provably the same number."""
    key = count_key(queryset)
    if key is None:
        return queryset.count()
    found = generation.lookup(key)
    if found is None:
        return queryset.count()
    current, entry = found
    if entry is not None:
        return entry[1]
    with use_primary():
        total = queryset.count()
    generation.save(key, (current, total))
    return total


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
    """True when every table `sql` reads (subqueries included) is one whose writes all
    bump the generation (`WATCHED_PREFIXES`)."""
    tables = set(_TABLES.findall(sql))
    return bool(tables) and all(table.lower().startswith(WATCHED_PREFIXES) for table in tables)


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
