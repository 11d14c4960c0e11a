"""The movie-lookup helpers: allMovies / allGenres / allActors / movie(id) through REST."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from conftest import error_json

from .fake_movie_api import closed_port_url

pytestmark = pytest.mark.django_db


def test_search_movies_by_text_and_genre(auth_client, movie_api):
    by_text = auth_client.get(reverse("movie-search"), {"q": "godfather"})
    by_genre = auth_client.get(reverse("movie-search"), {"genre": "Science Fiction", "first": 5})

    assert by_text.status_code == HTTPStatus.OK
    assert by_text.json() == {
        "count": 1,
        "has_next_page": False,
        "end_cursor": None,
        "results": [
            {
                "id": "2",
                "title": "The Godfather",
                "year": 1972,
                "genres": [{"id": "12", "name": "Crime"}, {"id": "13", "name": "Drama"}],
            }
        ],
    }
    assert [m["title"] for m in by_genre.json()["results"]] == ["The Matrix"]
    sent = movie_api.requests[1]["body"]["variables"]
    assert (sent["search"], sent["genre"], sent["first"]) == (None, "Science Fiction", 5)


def test_genres_and_actors_by_name(auth_client, movie_api):
    genres = auth_client.get(reverse("genre-search"), {"name": "crim"})
    actors = auth_client.get(reverse("actor-search"), {"name": "pacino"})

    assert genres.json()["results"] == [{"id": "12", "name": "Crime"}]
    assert actors.json()["results"] == [{"id": "21", "name": "Al Pacino"}]


def test_movie_detail_and_missing_movie(auth_client, movie_api):
    found = auth_client.get(reverse("movie-detail", args=[1]))
    missing = auth_client.get(reverse("movie-detail", args=[999]))

    assert found.json()["title"] == "The Matrix"
    assert missing.status_code == HTTPStatus.NOT_FOUND
    assert error_json(missing) == {
        "detail": "The movie API has no movie with id 999.",
        "code": "movie_not_found",
    }


def test_page_size_is_capped_like_the_movie_api(auth_client, movie_api):
    response = auth_client.get(reverse("movie-search"), {"q": "x", "first": 101})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(error_json(response)) == ["first"]
    assert movie_api.requests == []


def test_movie_api_down_is_a_503(auth_client, settings):
    settings.MOVIE_API_GRAPHQL_URL = closed_port_url()

    response = auth_client.get(reverse("genre-search"))

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["code"] == "movie_api_unavailable"


def test_helpers_need_a_signed_in_user(api_client, movie_api):
    response = api_client.get(reverse("movie-search"), {"q": "matrix"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert movie_api.requests == []


def test_the_configured_token_is_sent_as_bearer(auth_client, movie_api, settings):
    settings.MOVIE_API_TOKEN = "support-token"

    auth_client.get(reverse("movie-detail", args=[2]))

    assert movie_api.requests[0]["headers"]["Authorization"] == "Bearer support-token"
