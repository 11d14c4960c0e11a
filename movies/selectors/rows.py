"""One row by primary key, from a statement the ORM compiles once per column set; a
few rows by their keys, from one compiled once per number of keys.

A read of one row by id (GraphQL's `movie(id)`) is a query of a few microseconds;
building it through a QuerySet on every call (clone, WHERE, compile, converter lookup)
cost ten times that here, most of a GraphQL request's fixed cost (docs/performance.md).
The statement depends only on the model, the columns and the database, so the ORM
compiles it once and it is kept
(core/compiled.py, which also keeps the unfiltered list pages); each
call runs it on the current connection (the execute wrappers, query counting and the
replica router see it as any ORM read) and builds the instance as the ORM's own
iterator does: the same converters, then `Model.from_db`. Columns left out are deferred,
as with `.only()`.
"""

from collections.abc import Iterable

from django.db import connections, router
from django.db.models import Model

from core import compiled

# A value the compiled statement carries where the primary key goes; replaced by the
# real key on every call (the statement has no other parameter).
_PLACEHOLDER = 0
# The first of the distinct values `rows_by_pks` compiles in the keys' places (in the
# ids' range: the ORM compiles an out-of-range comparison to "nothing matches").
_PKS_PLACEHOLDER = 2_000_000_001


def _pk_query(model: type[Model], alias: str, fields: frozenset | None):
    """The query of one row of `model` by pk, with `_PLACEHOLDER` for the pk."""
    queryset = model._default_manager.using(alias).filter(pk=_PLACEHOLDER).order_by()
    if fields is not None:
        queryset = queryset.only(*sorted(fields))
    return queryset[:1].query


def row_by_pk(model: type[Model], pk: int, fields: Iterable[str] | None = None) -> Model | None:
    """The instance of `model` with primary key `pk`, or None.

    `fields`: the model fields to load (the primary key is always loaded); the others
    are deferred as with `.only()`. None loads every column.
    """
    alias = router.db_for_read(model)
    # The key is the set of columns: {"title"} and ["id", "title"] are one statement.
    wanted = None if fields is None else frozenset((*fields, model._meta.pk.name))
    sql, params, compiler = compiled.statement(
        ("pk", model, wanted), alias, lambda: _pk_query(model, alias, wanted)
    )
    if params != (_PLACEHOLDER,):  # pragma: no cover - a pk filter has one parameter
        raise AssertionError(f"unexpected parameters for a pk read: {params!r}")
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, (pk,))
        row = cursor.fetchone()
    if row is None:
        return None
    return compiled.instances(model, alias, compiler, [row])[0]


def rows_by_pks(model: type[Model], pks: Iterable[int]) -> list[Model]:
    """The instances of `model` whose primary keys are in `pks`, every column loaded, in
    no particular order (a key with no row is left out).

    For the few movies of a ranking (discovery's cards, at most 100): the statement is
    compiled once per number of keys, as `row_by_pk`'s is once per column set, since
    building `filter(pk__in=...)` through a QuerySet cost twice as much as running it.
    """
    keys = list(dict.fromkeys(pks))
    if not keys:
        return []
    alias = router.db_for_read(model)
    marks = tuple(range(_PKS_PLACEHOLDER, _PKS_PLACEHOLDER + len(keys)))
    sql, params, compiler = compiled.statement(
        ("pks", model, len(keys)),
        alias,
        lambda: model._default_manager.using(alias).filter(pk__in=marks).order_by().query,
    )
    if params != marks:  # pragma: no cover - an IN of distinct keys keeps them in order
        raise AssertionError(f"unexpected parameters for a read by keys: {params!r}")
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, keys)
        rows = cursor.fetchall()
    return compiled.instances(model, alias, compiler, rows)
