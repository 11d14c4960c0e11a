"""Reads of the lists users make: the lists a caller may see, and a list's movies.

`GET /api/lists/` and GraphQL `lists` show the public lists plus the caller's own
(private ones too): "my lists" are `?owner=<my id>`. A list's items read by position;
as positions are 1..n with no gap (lists/user_list_services.py), page k is the
position range ((k-1)*size, k*size]: an index range, so the 250th page of a list of
5,000 costs what the first does, and the total is the list's own `item_count` (no
COUNT).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import connections, router
from django.db.models import F, QuerySet

from core import compiled
from core.errors import field_error
from core.ids import to_db_id
from lists.models import UserList
from movies.models import Movie
from movies.selectors.catalog import attach_refs

# The filters of the list of lists, with their words for the docs (both doors).
FILTERS = {
    "owner": "Only the lists of this user (id).",
    "movie": "Only the lists that hold this movie (id).",
}


def _id_filter(filters: Mapping, name: str) -> int | None:
    value = filters.get(name)
    if value in (None, ""):
        return None
    pk = to_db_id(value)
    if pk is None:
        raise field_error(name, f"Must be a {'user' if name == 'owner' else 'movie'} id.")
    return pk


def user_lists(*, viewer, filters: Mapping | None = None) -> QuerySet[UserList]:
    """The lists `viewer` may see (public ones and their own), most recently changed
    first, with their owners; `owner` and `movie` (FILTERS) narrow them."""
    filters = filters or {}
    lists = UserList.objects.visible_to(viewer).select_related("owner").newest_first()
    owner = _id_filter(filters, "owner")
    if owner is not None:
        lists = lists.filter(owner_id=owner)
    movie = _id_filter(filters, "movie")
    if movie is not None:
        lists = lists.filter(items__movie_id=movie)  # (list, movie) is unique: no repeats
    return lists


@dataclass(slots=True)
class ListedMovie:
    """One movie on a list, as the list's pages show it: `position`, `note`,
    `added_at` and the `movie` (with its genre and cast refs)."""

    position: int
    note: str
    added_at: datetime
    movie: Movie

    @property
    def movie_id(self) -> int:
        return self.movie.pk


# The item's columns each listed movie carries, after the movie's own.
_ITEM_COLUMNS = {
    "listed_position": F("user_list_items__position"),
    "listed_note": F("user_list_items__note"),
    "listed_added_at": F("user_list_items__added_at"),
}


def _listed_movies(**where) -> QuerySet[Movie]:
    # One filter() call: every condition on the same item row (one join).
    return (
        Movie.objects.filter(**{f"user_list_items__{name}": v for name, v in where.items()})
        .annotate(**_ITEM_COLUMNS)
        .order_by("listed_position")
    )


def list_items(*, user_list: UserList, movie_id: int) -> list[ListedMovie]:
    """The list's item of `movie_id` (none if it is not on it), as list_items_page."""
    movies = attach_refs(_listed_movies(list=user_list, movie_id=movie_id))
    return [ListedMovie(m.listed_position, m.listed_note, m.listed_added_at, m) for m in movies]


# Stand-ins the kept statement of a page carries for (list id, first, last position);
# every call puts the real values in their places. Distinct, and in the columns' range
# (the ORM compiles an out-of-range comparison to "nothing matches").
_PAGE_PLACEHOLDERS = (2_000_000_001, 2_000_000_002, 2_000_000_003)


def list_items_page(*, user_list: UserList, offset: int, size: int) -> list[ListedMovie]:
    """The items at positions offset+1 .. offset+size (positions are dense: see above).

    Read as movies with their item's columns alongside, not as items with their movies
    joined (one model a row, not two), by a statement the ORM compiles once
    (core/compiled.py, as the movie list's front pages): building the query each time
    and the second model were what this page cost over the movie list's
    (bench/README.md, "Lists of 5,000"). The refs come in one more query
    (movies.selectors.catalog.attach_refs), as for the movie list.
    """
    if size <= 0:
        return []
    alias = router.db_for_read(Movie)
    list_id, first, last = _PAGE_PLACEHOLDERS
    sql, params, compiler = compiled.statement(
        ("list items page",),
        alias,
        lambda: _listed_movies(list_id=list_id, position__gt=first, position__lte=last).query,
    )
    values = dict(zip(_PAGE_PLACEHOLDERS, (user_list.pk, offset, offset + size), strict=True))
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [values[param] for param in params])
        rows = cursor.fetchall()
    columns = [expression for expression, _sql, _alias in compiler.select]
    local = compiler.query.get_compiler(connection=connections[alias])
    converters = local.get_converters(columns)
    if converters:
        rows = list(local.apply_converters(rows, converters))
    movie_columns = len(columns) - len(_ITEM_COLUMNS)
    names = [column.target.attname for column in columns[:movie_columns]]
    movies = attach_refs(Movie.from_db(alias, names, row[:movie_columns]) for row in rows)
    return [
        ListedMovie(*row[movie_columns:], movie) for row, movie in zip(rows, movies, strict=True)
    ]
