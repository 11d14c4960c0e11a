"""The catalog admin pages render for staff, with search and filters."""

from http import HTTPStatus

import pytest

from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory, ReviewFactory
from users.tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["genre", "actor", "movie", "review"])
def test_changelist_search_and_add_pages_render(admin_client, model):
    # given one object of each kind
    genre, actor = GenreFactory(name="Drama"), ActorFactory(name="Keanu Reeves")
    movie = MovieFactory(title="The Matrix", genres=[genre], actors=[actor])
    ReviewFactory(movie=movie)
    # then list, search, add and change pages answer
    base = f"/admin/movies/{model}/"
    assert admin_client.get(base).status_code == HTTPStatus.OK
    assert admin_client.get(base, {"q": "matrix"}).status_code == HTTPStatus.OK
    assert admin_client.get(f"{base}add/").status_code == HTTPStatus.OK
    obj = {"genre": genre, "actor": actor, "movie": movie, "review": movie.reviews.get()}[model]
    assert admin_client.get(f"{base}{obj.pk}/change/").status_code == HTTPStatus.OK


def test_movie_search_finds_by_title(admin_client):
    MovieFactory(title="The Matrix")
    MovieFactory(title="Heat")
    page = admin_client.get("/admin/movies/movie/", {"q": "matrix"}).content.decode()
    assert "The Matrix" in page
    assert "Heat" not in page
