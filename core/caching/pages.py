"""Shared pages of rows: a page of model instances (with what was loaded on them) from
the cache while the generations of the models it read are current, for signed-in
GraphQL lists (docs/caching.md, "Signed-in reads"); stored and served by
`shared.remembered`, the mechanism of every shared part. This module makes the key.

What is stored is catalog data only: the rows of one slice of a queryset, with the
prefetches and attributes its caller loaded. The caller's own fields (`myState`) are
never part of it: they are read from the database on every request, after this.

The key is the page's own SQL and parameters (filters, order, offset and limit), the
SQL of every prefetch, the database, and a tag from the caller for what it adds to
the rows; so nothing has to list which arguments matter, as for list totals
(counts.py). No sharing, the rows computed as without a cache, when:
- `RESPONSE_CACHE_ENABLED` is off, or the store is down (`generation.lookup` is None);
- a connection is inside a transaction (its own uncommitted rows must not be told to
  other processes, nor theirs hide them);
- any statement reads a table no app watches (invalidation.py), since then a write
  could leave a stored page current and wrong.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Prefetch

from core.caching.counts import watched_only
from core.caching.shared import remembered

KEY_PREFIX = "shared-rows:"


def page_key(queryset, tag: str = "") -> str | None:
    """The key of the (sliced) `queryset`'s rows, or None when they must not be shared."""
    if not settings.RESPONSE_CACHE_ENABLED or queryset._db is not None:
        return None
    if any(connection.in_atomic_block for connection in connections.all(initialized_only=True)):
        return None
    alias = router.db_for_write(queryset.model)
    try:
        statements = _statements(queryset, alias)
    except EmptyResultSet:
        return None  # nothing can match: no query to save
    if statements is None or not all(watched_only(sql) for _where, sql, _params in statements):
        return None
    database = connections[alias].settings_dict
    source = repr((database["NAME"], database["HOST"], database["PORT"], tag, statements))
    return KEY_PREFIX + hashlib.sha256(source.encode()).hexdigest()


def shared_rows(key: str | None, compute: Callable[[], object]):
    """`compute()`'s result, from the cache when an entry of current generations has
    it (`shared.remembered`: a miss computes on the primary and stores what it read)."""
    return remembered(key, compute)


def _statements(queryset, alias: str, where: tuple = ()) -> list | None:
    """Every statement the rows come from, the queryset's and its prefetches' (nested
    too), as (where the rows land, sql, params); None when a prefetch's source cannot be
    told (a bare path or a Prefetch without a queryset reads what the default manager
    reads, which the key could not see)."""
    sql, params = queryset.query.get_compiler(alias).as_sql()
    statements = [(where, sql, tuple(params))]
    for lookup in queryset._prefetch_related_lookups:
        if not isinstance(lookup, Prefetch) or lookup.queryset is None:
            return None
        place = (*where, lookup.prefetch_through, lookup.to_attr)
        nested = _statements(lookup.queryset, alias, place)
        if nested is None:
            return None
        statements.extend(nested)
    return statements
