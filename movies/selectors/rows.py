"""One row by primary key, from a statement the ORM compiles once per column set.

A read of one row by id (GraphQL's `movie(id)`) is a query of a few microseconds;
building it through a QuerySet on every call (clone, WHERE, compile, converter lookup)
cost ten times that here (docs/performance.md, L6). The statement depends only on the
model, the columns and the database, so the ORM compiles it once and it is kept; each
call runs it on the current connection (the execute wrappers, query counting and the
replica router see it as any ORM read) and builds the instance as the ORM's own
iterator does: the same converters, then `Model.from_db`. Columns left out are deferred,
as with `.only()`.
"""

import functools
from collections.abc import Iterable

from django.db import connections, router
from django.db.models import Model

# A value the compiled statement carries where the primary key goes; replaced by the
# real key on every call (the statement has no other parameter).
_PLACEHOLDER = 0


@functools.lru_cache(maxsize=64)
def _statement(model: type[Model], alias: str, vendor: str, fields: frozenset | None):
    """(sql, query, select expressions, their attnames) for one row of `model` by pk.

    `vendor` is part of the key only so that a test that swaps an alias's database
    cannot reuse another backend's SQL.
    """
    queryset = model._default_manager.using(alias).filter(pk=_PLACEHOLDER).order_by()
    if fields is not None:
        queryset = queryset.only(*sorted(fields))
    query = queryset[:1].query
    compiler = query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    if tuple(params) != (_PLACEHOLDER,):  # pragma: no cover - a pk filter has one parameter
        raise AssertionError(f"unexpected parameters for a pk read: {params!r}")
    columns = [expression for expression, _sql, _alias in compiler.select]
    names = [expression.target.attname for expression in columns]
    return sql, query, columns, names


def row_by_pk(model: type[Model], pk: int, fields: Iterable[str] | None = None) -> Model | None:
    """The instance of `model` with primary key `pk`, or None.

    `fields`: the model fields to load (the primary key is always loaded); the others
    are deferred as with `.only()`. None loads every column.
    """
    alias = router.db_for_read(model)
    connection = connections[alias]
    # The key is the set of columns: {"title"} and ["id", "title"] are one statement.
    wanted = None if fields is None else frozenset((*fields, model._meta.pk.name))
    sql, query, columns, names = _statement(model, alias, connection.vendor, wanted)
    with connection.cursor() as cursor:
        cursor.execute(sql, (pk,))
        row = cursor.fetchone()
    if row is None:
        return None
    # The converters belong to this thread's connection: looked up per call (cheap).
    compiler = query.get_compiler(connection=connection)
    converters = compiler.get_converters(columns)
    if converters:
        row = next(compiler.apply_converters([row], converters))
    return model.from_db(alias, names, row)
