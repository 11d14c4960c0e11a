"""End to end: the real movie API on a loopback port, our client and REST API in front of it.

Skipped only when the movie API's manage.py is absent; any other problem fails.
"""

import os
import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import MovieApiGrant, MovieApiIdentity
from conftest import error_json

from ..models import Ticket, TicketStatusChange
from ..movie_api_client.client import MovieApiClient
from ..movie_api_client.errors import MovieNotFound
from ..movie_api_client.results import Movie
from .live_movie_api import DESK_CLIENT_ID, DESK_CLIENT_SECRET, MANAGE_PY, live_movie_api
from .live_oauth import consent_through_the_api, revoke_the_desk_at_the_api

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not MANAGE_PY.is_file(), reason=f"{MANAGE_PY} (the movie API) is absent"),
]

# Generous: a cold development server on a shared machine, not the timeout under test.
E2E_READ_TIMEOUT = 30.0


@pytest.fixture(scope="module")
def movie_api_url(tmp_path_factory):
    """The GraphQL URL of a freshly migrated movie API loaded with its demo data."""
    with live_movie_api(tmp_path_factory.mktemp("movie_api")) as url:
        yield url


@pytest.fixture
def live(movie_api_url, settings):
    """Point this project at the live movie API and hand back a client for it."""
    settings.MOVIE_API_GRAPHQL_URL = movie_api_url
    settings.MOVIE_API_READ_TIMEOUT = E2E_READ_TIMEOUT
    return MovieApiClient.from_settings()


@pytest.fixture
def some_movie(live) -> Movie:
    """Whatever movie the demo data holds first: the tests assume no particular catalog."""
    page = live.all_movies(first=1)
    assert page.total_count >= 1, "the demo data has no movies"
    assert len(page.items) == 1
    return page.items[0]


def all_pages(fetch, **filters) -> list:
    """Every item of a connection, following cursors (bounded, in case of a cursor bug)."""
    items, after = [], None
    for _ in range(50):
        page = fetch(first=100, after=after, **filters)
        items.extend(page.items)
        if not page.has_next_page:
            return items
        after = page.end_cursor
    raise AssertionError("more than 50 pages: the cursors do not advance")


def test_create_a_ticket_for_an_existing_movie(live, some_movie, auth_client, user):
    # given: a movie that exists in the movie API
    payload = {
        "subject": "Wrong runtime",
        "description": "Listed too long.",
        "movie_id": int(some_movie.id),
    }

    # when
    response = auth_client.post(reverse("ticket-list"), payload)

    # then
    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert response.json()["movie_title"] == some_movie.title
    ticket = Ticket.objects.get()
    assert (ticket.reporter, ticket.movie_id, ticket.movie_title) == (
        user,
        int(some_movie.id),
        some_movie.title,
    )
    assert live.movie(some_movie.id) == some_movie


def test_search_movies_by_a_word_of_the_title(live, some_movie):
    word = max(re.findall(r"\w+", some_movie.title), key=len)

    found = all_pages(live.all_movies, search=word)

    assert some_movie.id in {m.id for m in found}


def test_search_movies_by_genre_name(live, some_movie, auth_client):
    assert some_movie.genres, "the demo movie has no genre to search by"
    genre = some_movie.genres[0].name

    found = all_pages(live.all_movies, genre=genre.upper())  # names match regardless of case
    via_rest = auth_client.get(reverse("movie-search"), {"genre": genre, "first": 100})

    assert some_movie.id in {m.id for m in found}
    assert all(genre.lower() in {g.name.lower() for g in m.genres} for m in found)
    assert via_rest.status_code == HTTPStatus.OK
    assert via_rest.json()["count"] == len(found)


def test_genres_and_actors_are_listed(live, some_movie):
    genre = some_movie.genres[0].name

    genres = live.all_genres(name=genre)
    actors = live.all_actors(first=5)

    assert genre in {g.name for g in genres.items}
    assert actors.total_count >= 1
    assert 1 <= len(actors.items) <= 5


def test_an_unknown_movie_id_is_rejected_and_nothing_is_saved(live, auth_client):
    missing_id = 2_000_000_000

    with pytest.raises(MovieNotFound):
        live.movie(missing_id)
    response = auth_client.post(
        reverse("ticket-list"), {"subject": "s", "description": "d", "movie_id": missing_id}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error_json(response) == {
        "movie_id": [f"The movie API has no movie with id {missing_id}."]
    }
    assert not Ticket.objects.exists()
    assert not TicketStatusChange.objects.exists()


@pytest.fixture
def desk_client_of_live(movie_api_url, settings):
    """The desk configured as the live movie API's OAuth client (its real code flow)."""
    base = movie_api_url.removesuffix("/graphql/")
    settings.MOVIE_API_URL = settings.MOVIE_API_INTERNAL_URL = base
    settings.MOVIE_API_GRAPHQL_URL = movie_api_url
    settings.MOVIE_API_OAUTH_ISSUER = f"{base}/o"
    settings.MOVIE_API_OAUTH_CLIENT_ID = DESK_CLIENT_ID
    settings.MOVIE_API_OAUTH_CLIENT_SECRET = DESK_CLIENT_SECRET
    settings.MOVIE_API_READ_TIMEOUT = E2E_READ_TIMEOUT
    return base


def _sign_in(client, username: str, password: str):
    start = client.get(reverse("sign-in-start"))
    callback = consent_through_the_api(start.url, username, password)
    return client.get(callback.removeprefix("http://testserver"))


@pytest.mark.django_db
def test_sign_in_with_movie_api_runs_the_real_code_flow(desk_client_of_live, client):
    # given: the demo data's customer and staff accounts
    demo_password = os.environ.get("DEMO_USER_PASSWORD", "demo-Pass-123")
    admin_password = os.environ.get("DEMO_ADMIN_PASSWORD", "admin-Pass-123")

    # when: the customer signs in through the API's pages and searches the catalog
    done = _sign_in(client, "demo", demo_password)
    search = client.get(reverse("ticket-movie-search"), {"movie_q": "the"})

    # then: a desk user linked by the API's sub, with no password, searching as themselves
    assert done.status_code == HTTPStatus.FOUND, done.content[:500]
    demo = MovieApiIdentity.objects.select_related("user").get(user__username="demo")
    assert not demo.user.has_usable_password() and not demo.user.is_staff
    assert search.status_code == HTTPStatus.OK and 'name="movie_id"' in search.content.decode()
    grant = MovieApiGrant.objects.get(user=demo.user)
    assert grant.access_token and grant.refresh_token

    # and: API staff are agents
    agent = Client()
    assert _sign_in(agent, "admin", admin_password).status_code == HTTPStatus.FOUND
    assert agent.get(reverse("queue")).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_denying_consent_at_the_api_is_said_in_words(desk_client_of_live, client):
    password = os.environ.get("DEMO_USER_PASSWORD", "demo-Pass-123")
    start = client.get(reverse("sign-in-start"))
    # Ask again even if demo allowed the desk before (django-oauth-toolkit's parameter).
    authorize = start.url + "&approval_prompt=force"

    callback = consent_through_the_api(authorize, "demo", password, allow=False)
    response = client.get(callback.removeprefix("http://testserver"))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "You did not allow the help desk" in response.content.decode()
    assert not MovieApiIdentity.objects.exists()


@pytest.mark.django_db
def test_revoking_the_desk_in_the_movie_api_ends_the_desk_session(desk_client_of_live, client):
    password = os.environ.get("DEMO_USER_PASSWORD", "demo-Pass-123")
    _sign_in(client, "demo", password)
    assert client.get(reverse("ticket-movie-search"), {"movie_q": "the"}).status_code == 200

    # when: demo revokes the desk in the movie API, then searches at the desk
    revoke_the_desk_at_the_api(desk_client_of_live, "demo", password, DESK_CLIENT_ID)
    response = client.get(reverse("ticket-movie-search"), {"movie_q": "the"})

    # then: the desk's session is over
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("sign-in"))
    assert "_auth_user_id" not in client.session
    assert not MovieApiGrant.objects.exists()
