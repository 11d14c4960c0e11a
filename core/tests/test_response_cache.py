"""The anonymous response cache: hits, 304s, keys, invalidation and edge headers."""

import hashlib
import json
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from conftest import bearer_client
from core.caching import invalidation
from core.response_cache import middleware
from core.security.ratelimit import configured_rates
from movies.models import Genre, Movie
from movies.tests.factories import GenreFactory, MovieFactory, ReviewFactory
from users.models import User
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/movies/"
TITLES = "query Titles($first: Int) { allMovies(first: $first) { edges { node { title } } } }"
PUBLIC = "public, max-age=0, s-maxage=10, stale-while-revalidate=30"


@pytest.fixture(autouse=True)
def _edge_settings(settings):
    settings.RESPONSE_CACHE_ENABLED = True
    settings.CACHE_EDGE_S_MAXAGE = 10
    settings.CACHE_EDGE_STALE_WHILE_REVALIDATE = 30


def test_second_anonymous_read_is_a_hit_with_the_same_bytes_and_no_query(api_client):
    # given: a catalog read once (a miss, which stores the answer)
    MovieFactory.create_batch(2)
    first = api_client.get(LIST)
    assert first.status_code == HTTPStatus.OK and "X-Cache" not in first
    # when: read again
    with CaptureQueriesContext(connection) as queries:
        second = api_client.get(LIST)
    # then: the stored bytes, headers and ETag, without touching the database
    assert second["X-Cache"] == "HIT"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"]
    assert second.json()["count"] == 2
    assert len(queries) == 0
    # and both say what an edge may do with them
    assert first["Cache-Control"] == second["Cache-Control"] == PUBLIC
    assert "Authorization" in second["Vary"] and "Accept" in second["Vary"]


def test_matching_if_none_match_on_a_hit_is_a_304(api_client):
    MovieFactory()
    etag = api_client.get(LIST)["ETag"]
    response = api_client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == PUBLIC
    assert response["X-Cache"] == "HIT"
    # a different tag gets the full answer
    other = api_client.get(LIST, HTTP_IF_NONE_MATCH='"other"')
    assert other.status_code == HTTPStatus.OK and other["ETag"] == etag


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(
            lambda movie: Movie.objects.filter(pk=movie.pk).update(title="New"), id="update"
        ),
        pytest.param(lambda movie: setattr(movie, "title", "New") or movie.save(), id="save"),
        pytest.param(lambda movie: MovieFactory(title="New"), id="create"),
        pytest.param(lambda movie: Movie.objects.bulk_create([Movie(title="New")]), id="bulk"),
        pytest.param(lambda movie: movie.genres.add(GenreFactory(name="New")), id="m2m"),
    ],
)
def test_a_write_makes_the_next_read_a_miss_with_the_new_data(api_client, write):
    # given: a stored answer
    movie = MovieFactory(title="Old")
    api_client.get(LIST)
    assert api_client.get(LIST)["X-Cache"] == "HIT"
    # when: any kind of write to the catalog
    write(movie)
    # then: the next read is computed again and shows it
    response = api_client.get(LIST)
    assert "X-Cache" not in response
    assert "New" in response.content.decode()


def test_renaming_a_review_author_invalidates_but_a_login_does_not(api_client):
    review = ReviewFactory(user__username="before")
    path = f"/api/movies/{review.movie_id}/reviews/"
    api_client.get(path)
    review.user.last_login = review.created_at
    review.user.save(update_fields=["last_login"])
    assert api_client.get(path)["X-Cache"] == "HIT"
    review.user.username = "after"
    review.user.save(update_fields=["username"])
    response = api_client.get(path)
    assert "X-Cache" not in response
    assert response.json()["results"][0]["user"]["username"] == "after"


def test_signed_in_and_session_reads_never_use_the_cache(api_client, user):
    MovieFactory()
    api_client.get(LIST)
    signed_in = bearer_client(user).get(LIST)
    assert signed_in.status_code == HTTPStatus.OK and "X-Cache" not in signed_in
    assert signed_in["Cache-Control"] == "private, no-cache"
    api_client.cookies["sessionid"] = "anything"
    assert "X-Cache" not in api_client.get(LIST)


def test_query_order_is_normalised_and_accept_is_part_of_the_key(api_client):
    MovieFactory.create_batch(3)
    first = api_client.get(LIST, {"page_size": 2, "ordering": "title"})
    again = api_client.get(f"{LIST}?ordering=title&page_size=2")
    assert again["X-Cache"] == "HIT" and again.content == first.content
    other_accept = api_client.get(f"{LIST}?ordering=title&page_size=2", HTTP_ACCEPT="*/*")
    assert "X-Cache" not in other_accept


def test_anonymous_graphql_queries_are_keyed_by_document_operation_and_variables(api_client):
    MovieFactory.create_batch(3)
    body = {"query": TITLES, "variables": {"first": 2}, "operationName": "Titles"}
    first = api_client.post("/graphql/", body, format="json")
    assert first.status_code == HTTPStatus.OK and "X-Cache" not in first
    # the same document with other spacing, commas and a comment: the same entry
    spaced = {**body, "query": "# hi\n" + TITLES.replace(" ", "  ,")}
    hit = api_client.post("/graphql/", spaced, format="json")
    assert hit["X-Cache"] == "HIT" and hit.content == first.content
    assert len(hit.json()["data"]["allMovies"]["edges"]) == 2
    # other variables: another entry
    other = api_client.post("/graphql/", {**body, "variables": {"first": 1}}, format="json")
    assert "X-Cache" not in other and len(other.json()["data"]["allMovies"]["edges"]) == 1
    # GET works too
    get = api_client.get("/graphql/", {"query": TITLES, "variables": '{"first": 2}'})
    assert get.status_code == HTTPStatus.OK
    assert api_client.get("/graphql/", {"query": TITLES, "variables": '{"first":2}'})["X-Cache"]


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("{ __schema { queryType { name } } }", id="introspection-only"),
        pytest.param("{ me { id } }", id="errors"),
        pytest.param(
            'mutation { createGenre(input: {name: "x"}) { genre { id } } }', id="mutation"
        ),
    ],
)
def test_graphql_answers_that_are_never_stored(api_client, query):
    api_client.post("/graphql/", {"query": query}, format="json")
    again = api_client.post("/graphql/", {"query": query}, format="json")
    assert "X-Cache" not in again
    assert again.get("Cache-Control") != PUBLIC


def test_errors_and_writes_say_no_store(api_client, user):
    assert api_client.get("/api/movies/999999/")["Cache-Control"] == "no-store"
    created = bearer_client(user).post("/api/movies/genres/", {"name": "x"}, format="json")
    assert created["Cache-Control"] == "no-store"


def test_the_anonymous_rate_limit_applies_to_hits(api_client, monkeypatch):
    # given: 3 anonymous requests a minute
    for scope, rate in {"anon": "3/min", "user": "5/min"}.items():
        monkeypatch.setitem(configured_rates(), scope, rate)
    MovieFactory()
    answers = [api_client.get(LIST) for _ in range(4)]
    # then: the hits count and carry the headers; the fourth is refused as usual
    assert [a.get("X-Cache") for a in answers[:3]] == [None, "HIT", "HIT"]
    assert [a["X-RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
    assert answers[3].status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert answers[3].json()["status"] == HTTPStatus.TOO_MANY_REQUESTS


def test_a_fill_overtaken_by_a_write_is_stored_under_a_dead_generation(api_client, monkeypatch):
    # given: a fill during which another process commits a write (and bumps)
    MovieFactory(title="Old")
    real = middleware._compute_fill

    def fill_then_write(get_response, request):
        response = real(get_response, request)
        Movie.objects.update(title="New")  # bumps after the answer was computed
        return response

    monkeypatch.setattr(middleware, "_compute_fill", fill_then_write)
    assert "Old" in api_client.get(LIST).content.decode()
    monkeypatch.setattr(middleware, "_compute_fill", real)
    # then: the old answer is never served
    response = api_client.get(LIST)
    assert "X-Cache" not in response and "New" in response.content.decode()


def test_one_bump_is_scheduled_per_transaction_and_none_on_rollback(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        Genre.objects.create(name="a")
        Genre.objects.create(name="b")
        try:
            with transaction.atomic():
                Genre.objects.create(name="c")
                raise RuntimeError
        except RuntimeError:
            pass
    assert _bumps(callbacks) == [invalidation.key_of("movies.genre")]


def test_a_write_in_a_rolled_back_savepoint_does_not_hide_a_later_write(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                Genre.objects.create(name="c")
                raise RuntimeError
        except RuntimeError:
            pass
        Genre.objects.create(name="d")
    assert _bumps(callbacks) == [invalidation.key_of("movies.genre")]


def _bumps(callbacks) -> list[str]:
    """The generations the commit callbacks bump."""
    return [callback.key for callback in callbacks if isinstance(callback, invalidation._Bump)]


@pytest.mark.parametrize(
    ("write", "bumped"),
    [
        pytest.param(lambda: GenreFactory(name="New"), ["movies.genre"], id="create"),
        pytest.param(
            lambda: Movie.objects.update(title="New"), ["movies.movie"], id="queryset-update"
        ),
        pytest.param(
            lambda: Movie.objects.bulk_create([Movie(title="New")]), ["movies.movie"], id="bulk"
        ),
        pytest.param(
            lambda: Movie.objects.first().genres.add(GenreFactory(name="New")),
            ["movies.genre", "movies.movie_genres"],
            id="m2m",
        ),
        pytest.param(lambda: Movie.objects.all().delete(), ["movies.movie"], id="delete"),
        pytest.param(
            lambda: _user().save(update_fields=["last_login"]), [], id="login-bumps-nothing"
        ),
        pytest.param(lambda: _rename(_user()), ["users.user"], id="username"),
        pytest.param(lambda: _user().delete(), ["users.user"], id="account-deleted"),
        pytest.param(lambda: UserFactory(), [], id="new-account-bumps-nothing"),
    ],
)
def test_each_write_bumps_the_generation_of_its_own_model(monkeypatch, write, bumped):
    # given: a movie, a user, and a record of every bump
    MovieFactory()
    _user()
    calls = []
    monkeypatch.setattr(invalidation, "schedule_bump", lambda connection, key: calls.append(key))
    # when: one kind of write
    write()
    # then: exactly its model's generation moved (a delete cascades to nothing here)
    assert sorted(set(calls)) == [invalidation.key_of(label) for label in bumped]


def _user():
    return User.objects.first() or UserFactory(username="author")


def _rename(user):
    user.username = "renamed"
    user.save()


def test_cache_bump_command_invalidates(api_client, capsys):
    MovieFactory()
    api_client.get(LIST)
    call_command("cache_bump")
    assert "generation is now" in capsys.readouterr().out
    assert "X-Cache" not in api_client.get(LIST)


def test_the_cache_can_be_turned_off(api_client, settings):
    settings.RESPONSE_CACHE_ENABLED = False
    MovieFactory()
    api_client.get(LIST)
    response = api_client.get(LIST)
    assert "X-Cache" not in response and response["Cache-Control"] == PUBLIC


def test_a_persisted_query_sent_as_its_hash_is_cached(api_client):
    # given: a document registered under its hash (Apollo's first request)
    MovieFactory.create_batch(2)
    digest = hashlib.sha256(TITLES.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    registered = api_client.post(
        "/graphql/",
        {"query": TITLES, "variables": {"first": 1}, "extensions": extensions},
        format="json",
    )
    assert registered.status_code == HTTPStatus.OK, registered.content
    # when: the hash alone is sent by GET, twice
    params = {"variables": '{"first": 1}', "extensions": json.dumps(extensions)}
    first = api_client.get("/graphql/", params)
    again = api_client.get("/graphql/", params)
    # then: the second is the first's bytes, from the cache
    assert first.status_code == HTTPStatus.OK and "errors" not in first.json()
    assert len(first.json()["data"]["allMovies"]["edges"]) == 1
    assert again["X-Cache"] == "HIT" and again.content == first.content
