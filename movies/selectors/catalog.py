"""Reads of movies: the filtered list, one movie, and their genres, cast, crew and keywords.

A movie row carries its rating statistics (`movies.services.ratings` keeps them), so no
read here aggregates reviews. The REST shapes show only `{id, name}` of genres, actors
and crew members: `attach_refs` loads them for a whole page in one query into plain
lists, which skips the model, manager and datetime work of full related objects. The
crew and keywords are the detail's only (`detail=True`): the list's query reads neither.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import F, Prefetch, QuerySet, prefetch_related_objects
from django.db.models.query import ModelIterable

from core import compiled
from core.ids import to_db_id
from movies.filters import MovieFilterSet
from movies.models import RATING_STATS_FIELDS, Actor, Casting, CrewCredit, Genre, Keyword, Movie
from movies.selectors.filtering import apply_filterset
from movies.selectors.rows import row_by_pk, rows_by_pks

# The `kind` column of the refs query: which list a row belongs to.
_GENRE, _CAST, _CREW, _KEYWORD = 0, 1, 2, 3


@dataclass(slots=True)
class Ref:
    """A genre or actor as nested in a movie; actors also carry their casting."""

    id: int
    name: str
    character: str = ""
    billing_order: int = 0


@dataclass(slots=True)
class CrewRef:
    """A crew credit as nested in a movie: `person` is `{id, name}` (a Ref)."""

    person: Ref
    job: str
    department: str


def actors_in_billing_order(*, refs_only: bool = False) -> Prefetch:
    """Prefetch of `Movie.actors` in billing order, each actor carrying its casting.

    One query yields both the `actors` list and the cast: every prefetched actor has
    `character` and `billing_order` from its Casting row (the through-table join of
    the prefetch is reused, so no row is duplicated). With `refs_only` the actors carry
    only `id` and `name`.
    """
    queryset = Actor.objects.annotate(
        character=F("castings__character"), billing_order=F("castings__order")
    ).order_by("castings__order", "castings__id")
    if refs_only:
        queryset = queryset.only("id", "name")
    return Prefetch("actors", queryset=queryset)


# The refs query's SQL per database vendor (identifier quoting differs) and which
# optional branches it reads (crew, keywords), built once.
_REFS_SQL: dict[tuple[str, bool, bool], str] = {}


def _keywords_sql(q) -> str:
    """The keyword rows' branch of the refs query (the movie detail shows keywords)."""
    link, keyword = Movie.keywords.through._meta.db_table, Keyword._meta.db_table
    return (
        f" UNION ALL SELECT k.{q('movie_id')}, {_KEYWORD}, k.{q('keyword_id')}, w.{q('name')}"  # noqa: S608
        f", '', 0, k.{q('id')}, '' FROM {q(link)} k INNER JOIN {q(keyword)} w"
        f" ON w.{q('id')} = k.{q('keyword_id')} WHERE k.{q('movie_id')} IN ({{ids}})"
    )


def _refs_sql(connection, crew: bool, keywords: bool) -> str:
    """Genre and cast rows (and crew rows with `crew`, keyword rows with `keywords`) of
    a set of movies in ONE query (a UNION ALL of the links), with an `{ids}` slot for
    the id placeholders.

    Columns: movie id, kind, ref id, name, character (a crew row: job), billing order
    (crew: the written order), link id, department (crew only).
    Written out once instead of built by the ORM on every request: compiling two
    `values_list` querysets and their union was about a fifth of a movie detail's time
    in a profile (bench/README.md, "The uncached path"). Identifiers come from the
    models' metadata, quoted by the backend; every value is a query parameter.
    """
    sql = _REFS_SQL.get((connection.vendor, crew, keywords))
    if sql is None:
        q = connection.ops.quote_name
        link, genre = Movie.genres.through._meta.db_table, Genre._meta.db_table
        casting, actor = Casting._meta.db_table, Actor._meta.db_table
        sql = (
            f"SELECT l.{q('movie_id')}, {_GENRE}, l.{q('genre_id')}, g.{q('name')}, '', 0"  # noqa: S608
            f", l.{q('id')}, '' FROM {q(link)} l INNER JOIN {q(genre)} g"
            f" ON g.{q('id')} = l.{q('genre_id')} WHERE l.{q('movie_id')} IN ({{ids}})"
            " UNION ALL"
            f" SELECT c.{q('movie_id')}, {_CAST}, c.{q('actor_id')}, a.{q('name')},"
            f" c.{q('character')}, c.{q('order')}, c.{q('id')}, ''"
            f" FROM {q(casting)} c INNER JOIN {q(actor)} a"
            f" ON a.{q('id')} = c.{q('actor_id')} WHERE c.{q('movie_id')} IN ({{ids}})"
        )
        if crew:
            credit = CrewCredit._meta.db_table
            sql += (
                " UNION ALL"  # noqa: S608
                f" SELECT k.{q('movie_id')}, {_CREW}, k.{q('person_id')}, p.{q('name')},"
                f" k.{q('job')}, k.{q('order')}, k.{q('id')}, k.{q('department')}"
                f" FROM {q(credit)} k INNER JOIN {q(actor)} p"
                f" ON p.{q('id')} = k.{q('person_id')} WHERE k.{q('movie_id')} IN ({{ids}})"
            )
        if keywords:
            sql += _keywords_sql(q)
        _REFS_SQL[connection.vendor, crew, keywords] = sql
    return sql


def _refs_rows(movie_ids: list[int], alias: str, crew: bool, keywords: bool) -> list[tuple]:
    """Genre, cast (and crew, keyword) rows of these movies, read from `alias`."""
    connection = connections[alias]
    sql = _refs_sql(connection, crew, keywords).format(ids=", ".join(["%s"] * len(movie_ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, movie_ids * (2 + crew + keywords))
        return cursor.fetchall()


def attach_refs(
    movies: Iterable[Movie], *, crew: bool = False, keywords: bool = False
) -> list[Movie]:
    """Set `movie.genre_refs` (by name) and `movie.actor_refs` (billing order, with
    `character` and `billing_order`) on every movie, in one query for all of them; with
    `crew`, also `movie.crew_refs` (CrewRefs, in the credits' order), with `keywords`,
    `movie.keyword_refs` (by name), in the same query."""
    movies = list(movies)
    by_id = {movie.pk: movie for movie in movies}
    for movie in movies:
        movie.genre_refs, movie.actor_refs = [], []
        if crew:
            movie.crew_refs = []
        if keywords:
            movie.keyword_refs = []
    if not by_id:
        return movies
    genre_rows, cast_rows, crew_rows, keyword_rows = [], [], [], []
    # The rows come from the database the movies were read from (a replica or the
    # primary), so a page never mixes two copies.
    alias = movies[0]._state.db or router.db_for_read(Movie)
    for row in _refs_rows(list(by_id), alias, crew, keywords):
        movie_id, kind, ref_id, name, character, order, link_id, department = row
        if kind == _GENRE:
            genre_rows.append((name, ref_id, movie_id))
        elif kind == _CAST:
            cast_rows.append((order, link_id, movie_id, ref_id, name, character))
        elif kind == _KEYWORD:
            keyword_rows.append((name, ref_id, movie_id))
        else:
            crew_rows.append((order, link_id, movie_id, ref_id, name, character, department))
    # The orders of the models: genres by (name, id), castings and credits by (order, id).
    for name, ref_id, movie_id in sorted(genre_rows):
        by_id[movie_id].genre_refs.append(Ref(ref_id, name))
    for order, _link, movie_id, ref_id, name, character in sorted(cast_rows):
        by_id[movie_id].actor_refs.append(Ref(ref_id, name, character, order))
    for _order, _link, movie_id, ref_id, name, job, department in sorted(crew_rows):
        by_id[movie_id].crew_refs.append(CrewRef(Ref(ref_id, name), job, department))
    # Keywords by (name, id), the model's order.
    for name, ref_id, movie_id in sorted(keyword_rows):
        by_id[movie_id].keyword_refs.append(Ref(ref_id, name))
    return movies


def crew_in_order(*, refs_only: bool = False) -> Prefetch:
    """Prefetch of `Movie.crew_credits` in the written order, each with its person (one
    query), into `movie.crew_list`. With `refs_only` the people carry only id and name."""
    queryset = CrewCredit.objects.select_related("person")
    if refs_only:
        queryset = queryset.only("movie", "job", "department", "person__id", "person__name")
    return Prefetch("crew_credits", queryset=queryset, to_attr="crew_list")


def movie_genres(movie: Movie):
    """A movie's genres: its `attach_refs` list when it has one, else the relation."""
    refs = getattr(movie, "genre_refs", None)
    return movie.genres.all() if refs is None else refs


def movie_keywords(movie: Movie):
    """A movie's keywords by name: its `attach_refs` list when it has one."""
    refs = getattr(movie, "keyword_refs", None)
    return movie.keywords.all() if refs is None else refs


def movie_actors(movie: Movie):
    """A movie's actors in billing order: its `attach_refs` list when it has one."""
    refs = getattr(movie, "actor_refs", None)
    return movie.actors.all() if refs is None else refs


def movie_crew(movie: Movie) -> list:
    """A movie's crew in the written order, each with `person` (id, name), `job` and
    `department`: its `attach_refs(crew=True)` list, its `crew_in_order` prefetch, or
    else read now (one query)."""
    crew = getattr(movie, "crew_refs", None)
    if crew is None:
        crew = getattr(movie, "crew_list", None)
    if crew is None:
        crew = list(movie.crew_credits.select_related("person"))
    return crew


class RefsQuerySet(QuerySet):
    """A movie queryset whose model rows come back with `attach_refs` applied.

    An unfiltered page (the front page of the catalog) is read by a statement compiled
    once (core/compiled.py); anything else goes through the ORM.
    """

    # Whether the refs include the detail's crew and keywords (a clone keeps its class).
    detail = False

    def _fetch_all(self):
        loading = self._result_cache is None
        if loading and (rows := compiled.plain_rows(self)) is not None:
            self._result_cache = attach_refs(rows, crew=self.detail, keywords=self.detail)
            return
        super()._fetch_all()
        if loading and issubclass(self._iterable_class, ModelIterable):
            attach_refs(self._result_cache, crew=self.detail, keywords=self.detail)


class DetailRefsQuerySet(RefsQuerySet):
    """A RefsQuerySet whose movies also carry what only the detail shows: their crew
    (`movie.crew_refs`) and keywords (`movie.keyword_refs`), in the same refs query."""

    detail = True


def movie_queryset(*, refs_only: bool = False, detail: bool = False) -> QuerySet[Movie]:
    """All movies with their genres and actors (billing order): one extra query a page.

    `refs_only`: genres and actors come as `{id, name}` refs (`movie.genre_refs`,
    `movie.actor_refs`, see `attach_refs`), all the REST shapes show. Otherwise they
    are full objects in the `genres` and `actors` prefetches (two queries). `detail`:
    the crew and keywords too, in the same refs query, or two more prefetches.
    """
    if refs_only:
        return (DetailRefsQuerySet if detail else RefsQuerySet)(model=Movie)
    lookups = ("genres", actors_in_billing_order())
    if detail:
        lookups += (crew_in_order(), "keywords")
    return Movie.objects.prefetch_related(*lookups)


def movies_by_ids(movie_ids: Iterable[int]) -> list[Movie]:
    """The movies of `movie_ids` with their refs, as `movie_queryset(refs_only=True)`
    reads them, in no particular order (an id with no movie is left out): two queries,
    the movies' from a statement compiled once per number of ids (rows.rows_by_pks)."""
    return attach_refs(rows_by_pks(Movie, movie_ids))


def movie_list(*, filters: Mapping | None = None, refs_only: bool = False) -> QuerySet[Movie]:
    """Movies matching `filters` (the names of MovieFilterSet), relations loaded.

    Raises ValidationError naming the filter when a value is invalid. Default order is
    newest first; any `ordering` ends with an id tie-break, so pages are stable.
    `refs_only` as in `movie_queryset`.
    """
    return apply_filterset(
        MovieFilterSet, filters=filters, queryset=movie_queryset(refs_only=refs_only)
    )


def movie_get(
    *,
    movie_id,
    lookups: list | None = None,
    refs_only: bool = False,
    detail: bool = False,
    fields: Iterable[str] | None = None,
) -> Movie | None:
    """One movie with its relations, or None (also for a malformed id).

    `lookups` replaces the default prefetches (genres, actors) with the caller's own;
    `refs_only` and `detail` as in `movie_queryset` (two queries in all). With `lookups`, `fields`
    names the columns to load (the others are deferred, as with `.only()`; None: all),
    and the row comes from a statement compiled once (`rows.row_by_pk`), then the
    lookups are prefetched on it.
    """
    pk = to_db_id(movie_id)
    if pk is None:
        return None
    if lookups is not None:
        movie = row_by_pk(Movie, pk, fields)
        if movie is not None and lookups:
            prefetch_related_objects([movie], *lookups)
        return movie
    # One row by primary key: no ORDER BY (`.first()` would add the default ordering).
    queryset = movie_queryset(refs_only=refs_only, detail=detail)
    return next(iter(queryset.filter(pk=pk).order_by()[:1]), None)


def _with_stats(movie) -> Movie:
    if isinstance(movie, Movie):
        return movie
    return Movie.objects.only(*RATING_STATS_FIELDS).get(pk=movie)


def movie_rating_stats(*, movie) -> dict:
    """A movie's rating summary from its columns: `{"count", "average", "counts"}`.

    `counts` is `{"0.5": n, "1.0": n, ..., "5.0": n}` with every half step present;
    `average` is the published `average_rating` as a float, None without ratings.
    `movie` is a Movie (no query) or an id (one query for the columns).
    """
    movie = _with_stats(movie)
    average = movie.average_rating
    return {
        "count": movie.rating_count,
        "average": None if average is None else float(average),
        "counts": movie.rating_counts(),
    }


def movie_review_stats(*, movie) -> dict:
    """The deprecated summary `{"total", "average", "counts"}` (docs/api-changelog.md).

    Its old shape over the ratings: `total` counts every rating, `average` is 0.0
    without any (as before), and `counts` keeps its whole-star keys "1".."5", so the
    half steps are only in `movie_rating_stats`.
    """
    stats = movie_rating_stats(movie=movie)
    return {
        "total": stats["count"],
        "average": stats["average"] or 0.0,
        "counts": {key[0]: n for key, n in stats["counts"].items() if key.endswith(".0")},
    }
