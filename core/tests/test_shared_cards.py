"""Signed-in movie list and detail: the shared part from the cache, my_state fresh.

The shared part (count, links, the cards without the caller's state) is stored under
the current generation; a hit reads only the caller's `my_state` (docs/caching.md,
"Signed-in reads"). Every answer must be the bytes the same caller gets with the
cache off.
"""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from conftest import bearer_client
from core.caching import generation, shared
from core.tests import shared_reads
from core.tests.shared_reads import drama_catalog
from core.tests.store_faults import FAILURES, break_store, record_primary
from movies.api.views import MovieViewSet
from movies.models import Movie

pytestmark = pytest.mark.django_db

LIST = "/api/movies/"
# One query for the bearer token's user, three for my_state (lists, ratings, diary).
HIT_QUERIES = 4
# Today's signed-in list: user, count, page, genres+actors prefetch, my_state (3).
LIST_MISS_QUERIES = 7
QUERIES = [
    "",
    "?page_size=2&page=2",
    "?ordering=-title&page_size=3",
    "?search=night",
    "?genre=drama&min_year=1990",
]


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.RESPONSE_CACHE_ENABLED = True


@pytest.fixture
def catalog():
    return drama_catalog(["Night Train", "Day One", "Night Shift", "Noon", "Dusk", "Dawn"])


@pytest.fixture
def two_callers(catalog, user, other_user):
    return shared_reads.two_callers(catalog, user, other_user)


def uncached(settings, client, path, **headers):
    """What `client` gets with the cache off: the reference every answer must equal."""
    settings.RESPONSE_CACHE_ENABLED = False
    try:
        return client.get(path, **headers)
    finally:
        settings.RESPONSE_CACHE_ENABLED = True


def counted(client, path, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    assert response.status_code == HTTPStatus.OK, response.content
    return response, len(queries)


@pytest.mark.parametrize("query", QUERIES)
def test_two_callers_on_one_cached_page_each_get_the_bytes_they_get_uncached(
    settings, catalog, two_callers, query
):
    # given: what each caller gets with the cache off (their states differ)
    alice, bob = two_callers
    path = LIST + query
    expected = [uncached(settings, client, path) for client in (alice, bob)]
    assert expected[0].content != expected[1].content
    # when: alice fills the shared page, then bob and alice read it
    alice_miss, miss_queries = counted(alice, path)
    bob_hit, bob_queries = counted(bob, path)
    alice_hit, alice_queries = counted(alice, path)
    # then: the fill costs today's queries, the hits only auth and my_state
    assert miss_queries == LIST_MISS_QUERIES
    assert bob_queries == alice_queries == HIT_QUERIES
    # and every body, ETag and caching header is the uncached one of that caller
    for response, reference in ((alice_miss, expected[0]), (alice_hit, expected[0])):
        assert response.content == reference.content
    assert bob_hit.content == expected[1].content
    for response, reference in ((alice_hit, expected[0]), (bob_hit, expected[1])):
        for header in ("ETag", "Cache-Control", "Vary", "Content-Type"):
            assert response[header] == reference[header], header
        assert "X-Cache" not in response


def test_my_state_on_a_hit_is_the_callers_own(settings, catalog, two_callers):
    alice, bob = two_callers
    alice.get(LIST)  # fills
    cards = {card["id"]: card for card in bob.get(LIST).json()["results"]}
    # bob's own watchlist entry, none of alice's favorite, watched or rating
    assert cards[catalog[0].pk]["my_state"] == {
        "favorite": False,
        "watched": False,
        "watchlist": True,
        "rating": None,
        "watch_count": 0,
        "last_watched_on": None,
    }
    assert cards[catalog[2].pk]["my_state"]["watched"] is False
    cards = {card["id"]: card for card in alice.get(LIST).json()["results"]}
    assert cards[catalog[0].pk]["my_state"] == {
        "favorite": True,
        "watched": False,
        "watchlist": False,
        "rating": 5,
        "watch_count": 0,
        "last_watched_on": None,
    }
    assert cards[catalog[2].pk]["my_state"]["watched"] is True


@pytest.mark.parametrize("page_size", [2, 20])
def test_a_hit_reads_only_my_state_whatever_the_page_size(
    catalog, user, page_size, django_assert_num_queries
):
    client = bearer_client(user)
    path = f"{LIST}?page_size={page_size}"
    with django_assert_num_queries(LIST_MISS_QUERIES):
        client.get(path)
    with django_assert_num_queries(HIT_QUERIES):
        response = client.get(path)
    assert len(response.json()["results"]) == min(page_size, len(catalog))


def test_etag_and_304_on_a_hit_are_those_of_the_uncached_answer(settings, catalog, two_callers):
    alice, bob = two_callers
    alice_etag = uncached(settings, alice, LIST)["ETag"]
    bob.get(LIST)  # fills
    not_modified = alice.get(LIST, HTTP_IF_NONE_MATCH=alice_etag)
    assert not_modified.status_code == HTTPStatus.NOT_MODIFIED
    assert not_modified.content == b"" and not_modified["ETag"] == alice_etag
    # alice's tag is not bob's: his body differs, so he gets it in full
    full = bob.get(LIST, HTTP_IF_NONE_MATCH=alice_etag)
    assert full.status_code == HTTPStatus.OK and full["ETag"] != alice_etag


def test_detail_hit_is_the_uncached_answer_with_only_my_state_read(settings, catalog, two_callers):
    alice, bob = two_callers
    path = f"{LIST}{catalog[0].pk}/"
    expected = [uncached(settings, client, path) for client in (alice, bob)]
    miss, miss_queries = counted(alice, path)
    bob_hit, bob_queries = counted(bob, path)
    alice_hit, alice_queries = counted(alice, path)
    assert miss_queries > HIT_QUERIES == bob_queries == alice_queries
    assert miss.content == alice_hit.content == expected[0].content
    assert bob_hit.content == expected[1].content
    assert bob_hit["ETag"] == expected[1]["ETag"]
    assert bob_hit.json()["my_state"]["watchlist"] is True
    assert bob_hit.json()["my_state"]["favorite"] is False


def test_a_catalog_edit_shows_on_the_next_signed_in_read(settings, catalog, user, staff):
    client = bearer_client(user)
    movie = catalog[0]
    client.get(LIST)
    client.get(f"{LIST}{movie.pk}/")
    edit = bearer_client(staff).patch(f"{LIST}{movie.pk}/", {"title": "Renamed"}, format="json")
    assert edit.status_code == HTTPStatus.OK
    listed = client.get(LIST)
    assert movie.pk in [c["id"] for c in listed.json()["results"] if c["title"] == "Renamed"]
    assert client.get(f"{LIST}{movie.pk}/").json()["title"] == "Renamed"
    assert listed.content == uncached(settings, client, LIST).content


def test_a_review_shows_on_the_next_signed_in_read_with_its_rating(settings, catalog, user):
    client = bearer_client(user)
    movie = catalog[1]
    client.get(LIST)
    posted = client.post(f"{LIST}{movie.pk}/reviews/", {"rating": 4, "text": "Fine."})
    assert posted.status_code == HTTPStatus.CREATED
    card = next(c for c in client.get(LIST).json()["results"] if c["id"] == movie.pk)
    assert card["review_count"] == 1 and card["average_rating"] == 4.0
    assert card["my_state"]["rating"] == 4
    assert client.get(LIST).content == uncached(settings, client, LIST).content


def test_a_list_change_needs_no_bump_and_shows_on_a_hit(catalog, user, django_assert_num_queries):
    # my_state is read for every request, so adding a favorite (no catalog write)
    # shows at once while the shared page stays a hit
    client = bearer_client(user)
    movie = catalog[3]
    client.get(LIST)
    added = client.post("/api/users/me/favorites/", {"movie_id": movie.pk})
    assert added.status_code == HTTPStatus.CREATED
    with django_assert_num_queries(HIT_QUERIES):
        body = client.get(LIST).json()
    card = next(c for c in body["results"] if c["id"] == movie.pk)
    assert card["my_state"]["favorite"] is True


def test_a_fill_overtaken_by_a_write_is_never_served(catalog, user, monkeypatch):
    # given: a fill during which another process commits a write (and bumps)
    client = bearer_client(user)
    real = MovieViewSet.list_data

    def compute_then_write(view):
        data = real(view)
        Movie.objects.filter(pk=catalog[0].pk).update(title="New")
        return data

    monkeypatch.setattr(MovieViewSet, "list_data", compute_then_write)
    client.get(LIST)
    monkeypatch.setattr(MovieViewSet, "list_data", real)
    # then: the page from before the write is not served
    titles = [card["title"] for card in client.get(LIST).json()["results"]]
    assert "New" in titles


def test_a_fill_is_computed_on_the_primary_and_a_hit_is_not(catalog, user, monkeypatch):
    entered = record_primary(monkeypatch, shared)
    client = bearer_client(user)
    client.get(LIST)
    assert entered == [True]
    client.get(LIST)
    assert entered == [True]


@pytest.mark.parametrize("failure", FAILURES)
def test_store_down_answers_from_the_database(settings, catalog, two_callers, monkeypatch, failure):
    alice, bob = two_callers
    expected = [uncached(settings, client, LIST) for client in (alice, bob)]
    alice.get(LIST)  # a stored page, which a dead store cannot give back
    break_store(monkeypatch, failure)
    answers = [counted(client, LIST) for client in (alice, bob)]
    for (response, queries), reference in zip(answers, expected, strict=True):
        assert response.content == reference.content
        assert queries == LIST_MISS_QUERIES


def test_the_browsable_api_and_anonymous_reads_do_not_use_shared_parts(catalog, user, api_client):
    # the browsable API draws page controls from the paginator (computed every time)
    client = bearer_client(user)
    html = [counted(client, LIST + "?page_size=2", HTTP_ACCEPT="text/html")[1] for _ in range(2)]
    assert html[0] == html[1] > HIT_QUERIES
    # anonymous answers are the middleware's whole-response entries, not shared parts
    key = shared.key(RequestFactory().get(LIST), "movies:list")
    assert api_client.get(LIST).status_code == api_client.get(LIST).status_code == HTTPStatus.OK
    assert generation.lookup(key)[1] is None
    client.get(LIST)
    assert generation.lookup(key)[1] is not None


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (LIST + "?page=99", HTTPStatus.NOT_FOUND),
        (LIST + "?page_size=x", HTTPStatus.BAD_REQUEST),
        (LIST + "?min_year=abc", HTTPStatus.BAD_REQUEST),
        (LIST + "999999/", HTTPStatus.NOT_FOUND),
    ],
)
def test_errors_are_answered_as_uncached_and_store_nothing(settings, catalog, user, path, status):
    client = bearer_client(user)
    expected = uncached(settings, client, path)
    answers = [client.get(path) for _ in range(2)]
    assert expected.status_code == status
    # the same error (each answer names its own request id)
    bodies = [{**a.json(), "request_id": None} for a in (expected, *answers)]
    assert [a.status_code for a in answers] == [status] * 2
    assert bodies[1] == bodies[2] == bodies[0]
    kind = "movies:detail" if path.endswith("/") and path != LIST else "movies:list"
    assert generation.lookup(shared.key(answers[0].wsgi_request, kind))[1] is None


def test_each_host_gets_its_own_shared_page(settings, catalog, user):
    # pagination links are absolute: a page stored for one host is not another's
    client = bearer_client(user)
    path = LIST + "?page_size=2"
    client.get(path, HTTP_HOST="localhost")
    other = client.get(path, HTTP_HOST="127.0.0.1")
    assert other.json()["next"].startswith("http://127.0.0.1/")
    assert other.content == uncached(settings, client, path, HTTP_HOST="127.0.0.1").content
