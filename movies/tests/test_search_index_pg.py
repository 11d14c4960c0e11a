"""The trigram indexes of migration 0003 exist and serve the selectors' own queries (PG only).

EXPLAIN runs on the querysets the selectors build (not hand-written SQL), so a change in
how a filter compiles (another lookup, a cast) that no longer matches the indexed
expression `UPPER(col::text)` fails here.
"""

import random
import string

import pytest
from django.db import connection

from movies.filters import ActorFilterSet
from movies.models import Actor, Casting, Movie
from movies.selectors import apply_filterset, movie_list

pytestmark = [pytest.mark.pg, pytest.mark.django_db]

MOVIE_INDEXES = {"movies_movie_title_upper_trgm", "movies_movie_plot_upper_trgm"}
ALL_INDEXES = MOVIE_INDEXES | {"movies_actor_name_upper_trgm", "movies_genre_name_upper_trgm"}
ROWS = 3000


def _words(rng: random.Random, count: int) -> str:
    return " ".join(
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(count)
    )


@pytest.fixture
def catalog():
    """A few thousand analysed movies and actors of random words; one title, one name stand out."""
    rng = random.Random(7)
    movies = Movie.objects.bulk_create(
        Movie(title=_words(rng, 3).title(), plot=_words(rng, 12)) for _ in range(ROWS)
    )
    actors = Actor.objects.bulk_create(Actor(name=_words(rng, 2).title()) for _ in range(ROWS))
    Casting.objects.bulk_create(
        Casting(movie=movie, actor=actor, order=0)
        for movie, actor in zip(movies, actors, strict=True)
    )
    Movie.objects.filter(pk=movies[1234].pk).update(title="The Quixotic Zephyr")
    Actor.objects.filter(pk=actors[2345].pk).update(name="Xavera Quintbolt")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE movies_movie, movies_actor, movies_casting")
    return {"movie": movies[1234], "actor_movie": movies[2345]}


def _plan_without_scans(queryset) -> str:
    """EXPLAIN with sequential and plain index scans ruled out: only bitmap scans remain.

    A few thousand rows fit in a few dozen pages, where reading them all (or walking the
    created_at index the default order uses) is rightly cheaper than a GIN lookup, so this
    proves the trigram indexes are usable for the query, not that they are chosen. At size
    M the planner chooses them unaided (EXPLAIN ANALYZE in bench/README.md). If the
    compiled expression did not match an index, the plan would name another index.
    """
    with connection.cursor() as cursor:
        # SET LOCAL ends with the test's transaction.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    return queryset.explain()


def test_migration_created_every_trigram_index_on_the_compiled_expression():
    # given the migrated test database
    # when the catalog's indexes are listed
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE %s",
            ["movies_%_upper_trgm"],
        )
        found = dict(cursor.fetchall())
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        has_extension = cursor.fetchone() is not None
    # then each is a GIN trigram index on UPPER(col::text), what icontains compiles to
    assert has_extension
    assert set(found) == ALL_INDEXES
    for definition in found.values():
        assert "USING gin" in definition
        assert "gin_trgm_ops" in definition
        assert "upper(" in definition


def test_selective_search_uses_both_trigram_indexes(catalog):
    # given a few thousand analysed movies and a term only one title holds
    queryset = movie_list(filters={"search": "quixotic"})
    # when the selector's query is planned with only bitmap scans allowed
    plan = _plan_without_scans(queryset)
    # then title OR plot is a BitmapOr of the two trigram indexes, not a scan of the table
    assert "Bitmap Index Scan on movies_movie_title_upper_trgm" in plan, plan
    assert "Bitmap Index Scan on movies_movie_plot_upper_trgm" in plan, plan
    assert "BitmapOr" in plan, plan
    assert list(queryset.values_list("pk", flat=True)) == [catalog["movie"].pk]


def test_title_filter_uses_the_title_index(catalog):
    # given the analysed catalog
    queryset = movie_list(filters={"title": "quixotic zeph"})
    # when the title filter's query is planned with only bitmap scans allowed
    plan = _plan_without_scans(queryset)
    # then the title index can serve it (the expressions match)
    assert "movies_movie_title_upper_trgm" in plan, plan
    assert list(queryset.values_list("pk", flat=True)) == [catalog["movie"].pk]


def test_actor_name_filters_use_the_actor_index(catalog):
    # given the analysed catalog
    by_actor = movie_list(filters={"actor": "quintbolt"})
    actors = apply_filterset(
        ActorFilterSet, filters={"name": "quintbolt"}, queryset=Actor.objects.all()
    )
    # when the movie list's actor filter and the actor list's name filter are planned
    movie_plan = _plan_without_scans(by_actor)
    actor_plan = _plan_without_scans(actors)
    # then both can use the actor name index
    assert "movies_actor_name_upper_trgm" in movie_plan, movie_plan
    assert "movies_actor_name_upper_trgm" in actor_plan, actor_plan
    assert list(by_actor.values_list("pk", flat=True)) == [catalog["actor_movie"].pk]
