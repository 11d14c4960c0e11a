"""Genres and actors over REST: shapes, name filter, writes through the services."""

from http import HTTPStatus

import pytest

from movies.models import Actor, Genre
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory


def test_genre_list_shape_and_name_filter(api_client, db):
    drama, _ = GenreFactory(name="Drama"), GenreFactory(name="Comedy")
    body = api_client.get("/api/movies/genres/?name=RAM").json()
    assert body["count"] == 1
    assert body["results"] == [{"id": drama.pk, "name": "Drama"}]


def test_genre_names_are_unique_regardless_of_case(staff_client, db):
    GenreFactory(name="Drama")
    response = staff_client.post("/api/movies/genres/", {"name": " dRaMa "}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"] == [
        {"field": "name", "code": "unique", "message": "A genre with this name already exists."}
    ]
    assert Genre.objects.count() == 1


def test_genre_rename_to_own_name_in_other_case_is_allowed(staff_client, db):
    genre = GenreFactory(name="Sci-fi")
    response = staff_client.put(
        f"/api/movies/genres/{genre.pk}/", {"name": "SCI-FI"}, format="json"
    )
    assert response.status_code == HTTPStatus.OK
    genre.refresh_from_db()
    assert genre.name == "SCI-FI"


def test_deleting_a_genre_keeps_its_movies(staff_client, db):
    genre = GenreFactory()
    movie = MovieFactory(genres=[genre])
    assert staff_client.delete(f"/api/movies/genres/{genre.pk}/").status_code == 204
    assert movie.genres.count() == 0


def test_actor_shape_filter_and_create(api_client, staff_client, db):
    # given two actors
    keanu = ActorFactory(name="Keanu Reeves", bio="Canadian actor.")
    ActorFactory(name="Tom Hanks")
    # when filtering by part of a name
    body = api_client.get("/api/movies/actors/?name=keanu").json()
    # then only Keanu, in the contract's shape
    assert body["results"] == [
        {"id": keanu.pk, "name": "Keanu Reeves", "birth_date": None, "death_date": None,
         "place_of_birth": "", "bio": "Canadian actor.", "photo": None, "imdb_id": None,
         "tmdb_id": None, "known_for_department": ""}
    ]  # fmt: skip
    # when staff creates one
    created = staff_client.post(
        "/api/movies/actors/", {"name": "Laurence Fishburne", "birth_date": "1961-07-30"}
    )
    assert created.status_code == HTTPStatus.CREATED
    assert Actor.objects.get(pk=created.json()["id"]).birth_date.isoformat() == "1961-07-30"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "ok", "birth_date": "2999-01-01"}, "birth_date"),
        ({"name": "ok", "birth_date": "yesterday"}, "birth_date"),
    ],
)
def test_bad_actor_body(staff_client, db, body, field):
    response = staff_client.post("/api/movies/actors/", body, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert Actor.objects.count() == 0


def test_non_numeric_ids_are_404_not_500(api_client, db):
    for url in ("/api/movies/abc/", "/api/movies/genres/abc/", "/api/movies/actors/1e3/"):
        response = api_client.get(url)
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert response.json()["status"] == HTTPStatus.NOT_FOUND
