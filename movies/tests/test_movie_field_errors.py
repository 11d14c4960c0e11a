"""A movie write names every invalid field at once, on both doors (as registration does)."""

from http import HTTPStatus

import pytest

from movies.models import Movie
from movies.tests.factories import MovieFactory

pytestmark = pytest.mark.django_db

# Three fields wrong, each by a rule of the catalog service, and one right.
BAD = {"title": "x" * 256, "imdb_id": "nm0000206", "tmdb_id": 0, "plot": "Fine."}
BAD_FIELDS = ["title", "imdb_id", "tmdb_id"]
MESSAGES = {
    "title": "Ensure this field has no more than 255 characters.",
    "imdb_id": "IMDb ids look like tt0133093.",
}

CREATE = """
mutation($input: MovieInput!) { createMovie(input: $input) { movie { id } } }
"""
GRAPHQL_INPUT = {"title": "x" * 256, "imdbId": "nm0000206", "tmdbId": 0, "plot": "Fine."}


def test_rest_create_names_the_three_invalid_fields(staff_client):
    # when staff create a movie with three invalid fields
    response = staff_client.post("/api/movies/", BAD, format="json")

    # then one 400 lists all three, with their messages, and nothing is stored
    assert response.status_code == HTTPStatus.BAD_REQUEST
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == BAD_FIELDS
    assert {e["field"]: e["message"] for e in errors if e["field"] in MESSAGES} == MESSAGES
    assert not Movie.objects.exists()


def test_graphql_create_names_the_three_invalid_fields(staff_client, gql):
    # when staff create a movie with the same three invalid fields
    body = gql(CREATE, {"input": GRAPHQL_INPUT}, client=staff_client)

    # then one BAD_USER_INPUT lists all three, and nothing is stored
    extensions = body["errors"][0]["extensions"]
    assert extensions["code"] == "BAD_USER_INPUT"
    assert [error["field"] for error in extensions["errors"]] == ["title", "imdbId", "tmdbId"]
    assert not Movie.objects.exists()


def test_rest_update_names_every_invalid_field_and_changes_nothing(staff_client):
    # given a movie
    movie = MovieFactory(title="Heat", plot="Cops and robbers.")

    # when staff change it with three invalid fields
    response = staff_client.patch(f"/api/movies/{movie.pk}/", BAD, format="json")

    # then all three are named, and the movie is as it was
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert [error["field"] for error in response.json()["errors"]] == BAD_FIELDS
    movie.refresh_from_db()
    assert (movie.title, movie.plot) == ("Heat", "Cops and robbers.")
