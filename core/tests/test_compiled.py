"""Plain querysets read through a statement compiled once (core/compiled.py).

The kept statement must give exactly what the ORM gives (rows, order, values and
their Python types), be used only for querysets whose SQL cannot differ, and not be
compiled again.
"""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Count, F
from django.db.models.sql.compiler import SQLCompiler
from django.http import QueryDict

from core import compiled
from movies import selectors
from movies.models import Movie
from movies.tests.factories import GenreFactory, MovieFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_statements():
    compiled._statements.clear()
    yield
    compiled._statements.clear()


@pytest.fixture
def movies():
    return [
        MovieFactory(
            title=f"Movie {n}",
            release_date=datetime.date(1990 + n, 1, 2) if n % 2 else None,
            average_rating=Decimal("3.25") if n % 3 else None,  # unrated
            review_count=n,
        )
        for n in range(7)
    ]


def values(movie) -> dict:
    return {f.attname: getattr(movie, f.attname) for f in Movie._meta.concrete_fields}


@pytest.mark.parametrize(
    "ordering",
    # Through a relation too: the join is part of the statement, which the key fixes.
    [(), ("title",), ("-average_rating", "-id"), ("release_date", "id"), ("genres__name", "id")],
)
@pytest.mark.parametrize("window", [(0, 3), (2, 5), (0, 20)])
def test_a_plain_page_is_the_orms_page_value_for_value(movies, ordering, window):
    # given a plain queryset, ordered and sliced
    queryset = Movie.objects.order_by(*ordering) if ordering else Movie.objects.all()
    low, high = window
    # when read from the kept statement and through the ORM
    rows = compiled.plain_rows(queryset[low:high])
    expected = list(queryset[low:high])
    # then the same instances, in the same order, with the same values and types
    assert [values(m) for m in rows] == [values(m) for m in expected]
    assert [{name: type(value) for name, value in values(m).items()} for m in rows] == [
        {name: type(value) for name, value in values(m).items()} for m in expected
    ]
    assert all(m._state.db == "default" and not m._state.adding for m in rows)


def test_the_statement_is_compiled_once_per_shape(movies, monkeypatch):
    # given the compiler's as_sql counted
    calls = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: calls.append(1) or original(self, *a, **k)
    )
    # when the same page is read three times, then another slice once
    for _ in range(3):
        compiled.plain_rows(Movie.objects.order_by("title")[0:2])
    compiled.plain_rows(Movie.objects.order_by("title")[2:4])
    # then two compilations: one per (ordering, slice)
    assert len(calls) == 2


def test_the_front_page_of_the_catalog_uses_it_and_filtered_lists_do_not(movies):
    GenreFactory(name="Drama")
    unfiltered = selectors.movie_list(filters=QueryDict(""), refs_only=True)
    ordered = selectors.movie_list(filters=QueryDict("ordering=title"), refs_only=True)
    filtered = selectors.movie_list(filters=QueryDict("year=1991"), refs_only=True)
    searched = selectors.movie_list(filters=QueryDict("search=Movie"), refs_only=True)

    assert compiled.plain_key(unfiltered[0:20]) is not None
    assert compiled.plain_key(ordered[0:20]) is not None
    assert compiled.plain_key(filtered[0:20]) is None
    assert compiled.plain_key(searched[0:20]) is None
    # and a page read through it carries its genres and cast like any other
    page = list(unfiltered[0:3])
    assert [m.title for m in page] == [
        m.title for m in Movie.objects.order_by("-created_at", "-id")[0:3]
    ]
    assert all(m.genre_refs == [] and m.actor_refs == [] for m in page)


@pytest.mark.parametrize(
    "change",
    [
        lambda qs: qs.filter(title="Movie 1"),
        lambda qs: qs.exclude(review_count=0),
        lambda qs: qs.only("title"),
        lambda qs: qs.defer("plot"),
        lambda qs: qs.values("id"),
        lambda qs: qs.select_related(),
        lambda qs: qs.prefetch_related("genres"),
        lambda qs: qs.distinct(),
        lambda qs: qs.none(),
        lambda qs: qs.annotate(n=Count("genres")),
        lambda qs: qs.order_by(F("title").desc()),
        lambda qs: qs.union(Movie.objects.all()),
        lambda qs: qs.select_for_update(),
    ],
)
def test_anything_not_plain_goes_through_the_orm(movies, change):
    assert compiled.plain_key(change(Movie.objects.all())) is None


def test_the_kept_statements_are_bounded(movies, monkeypatch):
    monkeypatch.setattr(compiled, "_MAX_STATEMENTS", 3)
    for low in range(5):
        compiled.plain_rows(Movie.objects.all()[low : low + 1])
        assert len(compiled._statements) <= 3


def test_graphql_all_movies_reads_its_first_page_through_the_kept_statement(
    movies, gql, settings, monkeypatch
):
    # given the response cache off (it would answer a repeat) and the kept reads counted
    settings.RESPONSE_CACHE_ENABLED = False
    kept = []
    original = compiled.plain_rows
    monkeypatch.setattr(compiled, "plain_rows", lambda qs: kept.append(r := original(qs)) or r)
    query = "{ allMovies(first: 3) { edges { node { title } } } }"
    # when the first page is read
    body = gql(query)
    # then it came from the kept statement, in the ORM's order
    assert [rows is not None for rows in kept] == [True]
    titles = [edge["node"]["title"] for edge in body["data"]["allMovies"]["edges"]]
    assert titles == [m.title for m in Movie.objects.order_by("-created_at", "-id")[:3]]
