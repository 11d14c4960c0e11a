"""`movie(id)` reads only the columns its selection needs (movies/graphql/types.py)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from movie_api.schema import schema
from movies.graphql import types
from movies.models import Movie
from movies.services.ratings import movie_ratings_recompute
from movies.tests.factories import (
    ActorFactory,
    CrewCreditFactory,
    GenreFactory,
    MovieFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db

ONE_MOVIE = "query One($id: ID!) { movie(id: $id) { %s } }"
# Every field of the Movie type, with a sub-selection where it needs one.
SELECTIONS = {
    "id": "id",
    "title": "title",
    "plot": "plot",
    "releaseDate": "releaseDate",
    "year": "year",
    "posterUrl": "posterUrl",
    "imdbId": "imdbId",
    "tmdbId": "tmdbId",
    "averageRating": "averageRating",
    "ratingCount": "ratingCount",
    "reviewCount": "reviewCount",
    "createdAt": "createdAt",
    "updatedAt": "updatedAt",
    "runtime": "runtime",
    "genres": "genres { id name }",
    "actors": "actors { id name birthDate }",
    "cast": "cast { actor { name } character order }",
    "crew": "crew { person { id name knownForDepartment } job department }",
    "keywords": "keywords { id name }",
    "similar": "similar(first: 3) { score movie { title } because { genres { name } } }",
    "reviews": "reviews(first: 2) { rating text }",
    "ratingStats": "ratingStats { count average counts { value count } }",
    "reviewStats": "reviewStats { total average counts { rating count } }",
    "myState": "myState { favorite }",
}


@pytest.fixture
def movie():
    movie = MovieFactory(
        title="Alien",
        release_date=datetime.date(1979, 5, 25),
        imdb_id="tt0078748",
        tmdb_id=348,
        poster="posters/alien.jpg",
        genres=[GenreFactory(name="Horror")],
        actors=[ActorFactory(name="Sigourney Weaver")],
    )
    CrewCreditFactory(movie=movie, person=ActorFactory(name="Ridley Scott"))
    ReviewFactory(movie=movie, rating=5, text="Great")
    ReviewFactory(movie=movie, rating=2, text="Loud")
    movie_ratings_recompute(movie_ids=[movie.pk])
    return movie


def test_every_field_of_the_movie_type_says_which_columns_it_reads():
    # A field missing from the map would silently load every column again.
    fields = set(schema.graphql_schema.get_type("Movie").fields)
    assert fields == set(SELECTIONS)
    assert fields | {"__typename"} == set(types.MOVIE_FIELD_COLUMNS)


@pytest.mark.parametrize("field", sorted(SELECTIONS))
def test_each_field_alone_answers_as_in_the_whole_selection(movie, gql, field):
    # given the answer to a document selecting every field at once (all columns read)
    everything = gql(ONE_MOVIE % " ".join(SELECTIONS.values()), {"id": str(movie.pk)})
    assert "errors" not in everything, everything
    # when the field is selected alone
    with CaptureQueriesContext(connection) as queries:
        alone = gql(ONE_MOVIE % SELECTIONS[field], {"id": str(movie.pk)})
    # then the same value, and the movie row was read once: no deferred column was
    # needed afterwards (that would be one more query on the movies table)
    assert alone == {"data": {"movie": {field: everything["data"]["movie"][field]}}}
    movie_reads = [q for q in queries.captured_queries if 'FROM "movies_movie"' in q["sql"]]
    assert len(movie_reads) == 1, movie_reads


def test_a_title_read_selects_two_columns(movie, gql):
    with CaptureQueriesContext(connection) as queries:
        body = gql(ONE_MOVIE % "title", {"id": str(movie.pk)})
    assert body == {"data": {"movie": {"title": "Alien"}}}
    assert len(queries) == 1
    select = queries.captured_queries[0]["sql"].split(" FROM ")[0]
    assert select.count('"movies_movie".') == 2  # id and title
    assert '"title"' in select


def test_a_field_without_its_columns_declared_reads_them_all(movie, gql, monkeypatch):
    # given a field the map does not know (as a new field would be)
    columns = dict(types.MOVIE_FIELD_COLUMNS)
    del columns["title"]
    monkeypatch.setattr(types, "MOVIE_FIELD_COLUMNS", columns)
    # when it is selected
    with CaptureQueriesContext(connection) as queries:
        body = gql(ONE_MOVIE % "title", {"id": str(movie.pk)})
    # then it is still answered in one query, from every column of the row
    assert body == {"data": {"movie": {"title": "Alien"}}}
    assert len(queries) == 1
    select = queries.captured_queries[0]["sql"].split(" FROM ")[0]
    assert select.count('"movies_movie".') == len(Movie._meta.concrete_fields)
