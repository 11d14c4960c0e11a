"""Rows by primary key from statements compiled once (movies/selectors/rows.py)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from core import compiled
from movies.models import Movie
from movies.selectors.rows import row_by_pk, rows_by_pks
from movies.services.ratings import movie_ratings_recompute
from movies.tests.factories import MovieFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def movie():
    movie = MovieFactory(
        title="Alien", release_date=datetime.date(1979, 5, 25), imdb_id="tt0078748", tmdb_id=348
    )
    ReviewFactory(movie=movie, rating=5)
    ReviewFactory(movie=movie, rating=2)
    movie_ratings_recompute(movie_ids=[movie.pk])
    return movie


def column_values(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname) for field in Movie._meta.concrete_fields
    }


def test_every_column_is_what_the_orm_reads(movie, django_assert_num_queries):
    # given the movie as the ORM reads it
    expected = Movie.objects.get(pk=movie.pk)
    # when it is read by primary key
    with django_assert_num_queries(1):
        found = row_by_pk(Movie, movie.pk)
    # then every column is equal, converted as the ORM converts it (aware datetimes,
    # decimals), and the instance is a saved row of this database
    assert column_values(found) == column_values(expected)
    assert found.average_rating == Decimal("3.50")
    assert found.created_at.tzinfo is not None
    assert found.get_deferred_fields() == set()
    assert found._state.adding is False and found._state.db == "default"


def test_only_the_named_columns_are_read(movie, django_assert_num_queries):
    # when only the title is asked for
    with CaptureQueriesContext(connection) as queries:
        found = row_by_pk(Movie, movie.pk, ["title"])
    # then one query reads the id and the title, and the rest is deferred
    assert len(queries) == 1
    sql = queries.captured_queries[0]["sql"]
    assert '"title"' in sql and '"plot"' not in sql and '"created_at"' not in sql
    assert (found.pk, found.title) == (movie.pk, "Alien")
    others = {f.attname for f in Movie._meta.concrete_fields} - {"id", "title"}
    assert found.get_deferred_fields() == others
    # and a deferred column is still right, at the price of a query (as with .only())
    with django_assert_num_queries(1):
        assert found.release_date == datetime.date(1979, 5, 25)


def test_a_missing_row_is_none(movie, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert row_by_pk(Movie, movie.pk + 1000, ["title"]) is None


def test_the_statement_is_compiled_once_per_column_set(movie, monkeypatch):
    # given a first read of two column sets, with the compiler's as_sql counted
    compiled._statements.clear()
    calls = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: calls.append(1) or original(self, *a, **k)
    )
    row_by_pk(Movie, movie.pk, ["title"])
    row_by_pk(Movie, movie.pk, ["plot"])
    assert len(calls) == 2
    # when the same column sets are read again: the pk named or not, in another order,
    # for another id
    row_by_pk(Movie, movie.pk, ["title", "id"])
    row_by_pk(Movie, movie.pk + 1, ["plot"])
    row_by_pk(Movie, movie.pk, ["id", "title"])
    # then nothing is compiled again
    assert len(calls) == 2


def test_rows_by_keys_are_what_the_orm_reads(movie, django_assert_num_queries):
    # given two more movies, and the three as the ORM reads them
    others = [MovieFactory(title="Aliens"), MovieFactory(title="Alien 3")]
    ids = [others[1].pk, movie.pk, others[0].pk]
    expected = {m.pk: column_values(m) for m in Movie.objects.filter(pk__in=ids)}
    # when they are read by their keys, with a key repeated and one with no movie
    with django_assert_num_queries(1):
        found = rows_by_pks(Movie, [*ids, movie.pk, max(ids) + 1000])
    # then each is there once, every column converted as the ORM converts it
    assert {m.pk: column_values(m) for m in found} == expected
    assert len(found) == 3
    assert all(m._state.db == "default" and not m._state.adding for m in found)


def test_no_keys_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert rows_by_pks(Movie, []) == []


def test_the_keys_statement_is_compiled_once_per_number_of_keys(movie, monkeypatch):
    # given reads of one and of two keys, with the compiler's as_sql counted
    other = MovieFactory()
    compiled._statements.clear()
    calls = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: calls.append(1) or original(self, *a, **k)
    )
    rows_by_pks(Movie, [movie.pk])
    rows_by_pks(Movie, [movie.pk, other.pk])
    assert len(calls) == 2
    # when the same numbers of other keys are read: nothing is compiled again, and the
    # rows are those of the keys given this time
    assert [m.pk for m in rows_by_pks(Movie, [other.pk])] == [other.pk]
    assert {m.pk for m in rows_by_pks(Movie, [other.pk, movie.pk])} == {movie.pk, other.pk}
    assert len(calls) == 2
