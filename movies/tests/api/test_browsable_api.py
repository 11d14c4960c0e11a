"""The browsable API (HTML) renders every catalog page, forms included, for staff."""

from http import HTTPStatus

import pytest

from conftest import bearer_client
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory
from users.tests.factories import UserFactory


@pytest.mark.django_db
def test_html_pages_render_for_staff():
    # given a movie with relations and a staff Bearer token (forms are shown to staff;
    # a session cookie authenticates no API request)
    genre, actor = GenreFactory(), ActorFactory()
    movie = MovieFactory(genres=[genre], actors=[actor])
    client = bearer_client(UserFactory(is_staff=True))
    urls = [
        "/api/movies/",
        f"/api/movies/{movie.pk}/",
        "/api/movies/genres/",
        f"/api/movies/genres/{genre.pk}/",
        "/api/movies/actors/",
        f"/api/movies/actors/{actor.pk}/",
    ]
    for url in urls:
        # when the page is opened in a browser
        response = client.get(url, HTTP_ACCEPT="text/html")
        # then it renders, with the movie's current values in the edit form
        assert response.status_code == HTTPStatus.OK, url
        assert response["Content-Type"].startswith("text/html")
    page = client.get(f"/api/movies/{movie.pk}/", HTTP_ACCEPT="text/html").content.decode()
    assert movie.title in page
    assert 'data-method="PUT"' in page
