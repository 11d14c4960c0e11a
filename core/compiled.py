"""Statements of plain model querysets, compiled by the ORM once and kept.

An unfiltered list page (the catalog's front page, its most requested URL) runs the
same statements on every request: the page, and the COUNT whose SQL keys the memoised
total. Compiling them through the ORM each time was about a third of such a request's
fixed cost in a profile (bench/README.md, "The uncached path"), more than running them.

A *plain* queryset has no filter, annotation, extra, join, DISTINCT, combinator or
locking, loads every column of its model and orders by field names only. Its SQL then
depends on nothing but the model, the ordering, the slice and the database, so it is
compiled on first use under that key and kept. Each call runs it on the current
connection (execute wrappers, query counting and the replica router see an ordinary
read) and makes instances as the ORM's own iterator does: the backend's converters,
then `Model.from_db`. Anything that is not plain goes through the ORM as usual.
GraphQL's one-row reads by id keep their statements here too (movies/selectors/rows.py).
"""

from collections.abc import Callable

from django.db import connections
from django.db.models.query import ModelIterable

# Distinct plain statements are few (a model, a handful of orderings, the first pages);
# the bound only keeps a crawler of deep pages from growing the dict without end.
_MAX_STATEMENTS = 512
_statements: dict[tuple, tuple] = {}


def plain_key(queryset) -> tuple | None:
    """What the SQL of `queryset` depends on when it is plain, else None."""
    query = queryset.query
    if (
        queryset._fields is not None
        or not issubclass(queryset._iterable_class, ModelIterable)
        or queryset._prefetch_related_lookups
        or queryset._known_related_objects
        or query.where
        or query.annotations
        or query.extra
        or query.extra_order_by
        or query.select
        or query.select_related
        or query.distinct
        or query.combinator
        or query.select_for_update
        or query.group_by is not None
        or query.deferred_loading != (frozenset(), True)
        or len(query.alias_map) > 1
        or not all(isinstance(field, str) for field in query.order_by)
    ):
        return None
    return (
        queryset.model,
        tuple(query.order_by),
        query.default_ordering,
        query.standard_ordering,
        query.low_mark,
        query.high_mark,
    )


def statement(key: tuple, alias: str, build: Callable) -> tuple:
    """(sql, params, compiler) kept under `key` for `alias`'s database; on the first
    use `build()` gives the Query to compile."""
    connection = connections[alias]
    full_key = (*key, alias, connection.vendor)
    found = _statements.get(full_key)
    if found is None:
        compiler = build().get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if len(_statements) >= _MAX_STATEMENTS:
            _statements.clear()
        found = _statements[full_key] = (sql, tuple(params), compiler)
    return found


def instances(model, alias: str, compiler, rows) -> list:
    """`model` instances of `rows`, read on `alias` by `compiler`'s kept statement, made
    as the ORM's iterator makes them. Columns the statement leaves out are deferred."""
    columns = [expression for expression, _sql, _alias in compiler.select]
    names = [expression.target.attname for expression in columns]
    # The converters belong to this thread's connection: looked up per call (cheap).
    local = compiler.query.get_compiler(connection=connections[alias])
    converters = local.get_converters(columns)
    if converters:
        rows = local.apply_converters(rows, converters)
    return [model.from_db(alias, names, row) for row in rows]


def plain_rows(queryset) -> list | None:
    """The instances of a plain `queryset` from its kept statement; None if not plain."""
    key = plain_key(queryset)
    if key is None:
        return None
    alias = queryset.db  # the router's pick, once
    sql, params, compiler = statement(key, alias, lambda: queryset.query)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return instances(queryset.model, alias, compiler, rows)


def fetch(queryset) -> list:
    """The rows of `queryset`: from its kept statement when it is plain, else the ORM's."""
    rows = plain_rows(queryset)
    return list(queryset) if rows is None else rows
