"""Signed-in GraphQL allMovies: the page of rows shared through the cache, myState
read for the caller from the database (docs/caching.md, "Signed-in reads").

Transactional tests: rows are never shared inside a transaction (it could see its own
uncommitted rows), and pytest-django's plain `db` tests run inside one.
"""

from http import HTTPStatus

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from conftest import bearer_client
from core.caching import generation, pages, shared
from core.tests import shared_reads
from core.tests.shared_reads import drama_catalog
from core.tests.store_faults import FAILURES, break_store, record_primary
from lists.models import MovieListEntry
from lists.tests.factories import MovieListEntryFactory
from movies.models import Movie
from movies.selectors import review_list

pytestmark = pytest.mark.django_db(transaction=True)

GRAPHQL = "/graphql/"
# Full genres and actors (two prefetches), myState, the memoised total, pageInfo.
FULL = """query Page($first: Int, $after: String, $search: String) {
  allMovies(first: $first, after: $after, search: $search, orderBy: "title") {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node {
      id title averageRating reviewCount posterUrl
      genres { id name } actors { id name bio }
      myState { favorite watched watchlist rating }
    } }
  }
}"""
# Genres and actors as refs only: one query for both (load_refs).
REFS = """{ allMovies(first: 3) { totalCount edges { node {
  id title genres { id name } cast { character actor { id name } }
  myState { favorite watched watchlist rating }
} } } }"""
VARIABLES = [{"first": 3}, {"first": 2, "after": "YXJyYXljb25uZWN0aW9uOjE="}, {"search": "night"}]
# Bearer token's user, then myState's three (lists, ratings, diary).
HIT_QUERIES = 4
# Today's page of FULL, its total memoised: user, page, genres, actors, myState (3).
FULL_MISS_QUERIES = 7


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.RESPONSE_CACHE_ENABLED = True
    settings.COUNT_CACHE_ENABLED = True


@pytest.fixture
def catalog():
    movies = drama_catalog(["Night Train", "Day One", "Night Shift", "Noon", "Dusk"])
    return sorted(movies, key=lambda movie: movie.title)


@pytest.fixture
def two_callers(catalog, user, other_user):
    clients = shared_reads.two_callers(catalog, user, other_user)
    MovieListEntryFactory(user=other_user, movie=catalog[3])
    return clients


def post(client, query, variables=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            GRAPHQL, {"query": query, "variables": variables or {}}, format="json"
        )
    assert response.status_code == HTTPStatus.OK, response.content
    assert "errors" not in response.json(), response.content
    return response, len(queries)


def uncached(settings, client, query, variables=None):
    """What `client` gets with the cache off: the reference every answer must equal."""
    settings.RESPONSE_CACHE_ENABLED = False
    try:
        return post(client, query, variables)[0]
    finally:
        settings.RESPONSE_CACHE_ENABLED = True


# What a stored Movie row may carry: its columns, Django's state, the prefetches.
MOVIE_ATTRIBUTES = {field.attname for field in Movie._meta.concrete_fields} | {
    "_state",
    "_prefetched_objects_cache",
    "genre_refs",
    "actor_refs",
}


@pytest.mark.parametrize("variables", VARIABLES)
def test_two_callers_on_one_shared_page_each_get_the_bytes_they_get_uncached(
    settings, two_callers, variables
):
    alice, bob = two_callers
    expected = [uncached(settings, client, FULL, variables).content for client in (alice, bob)]
    assert expected[0] != expected[1]
    # alice fills (today's queries), bob and alice hit: auth and myState only
    alice_miss, miss_queries = post(alice, FULL, variables)
    bob_hit, bob_queries = post(bob, FULL, variables)
    alice_hit, alice_queries = post(alice, FULL, variables)
    assert miss_queries == FULL_MISS_QUERIES
    assert bob_queries == alice_queries == HIT_QUERIES
    assert [alice_miss.content, bob_hit.content] == expected
    assert alice_hit.content == expected[0]


def test_refs_selection_is_shared_and_identical(settings, two_callers):
    alice, bob = two_callers
    expected = [uncached(settings, client, REFS).content for client in (alice, bob)]
    post(alice, REFS)
    bob_hit, queries = post(bob, REFS)
    assert queries == HIT_QUERIES
    assert bob_hit.content == expected[1]
    assert post(alice, REFS)[0].content == expected[0]


def test_my_state_of_one_caller_never_shows_for_another(catalog, two_callers):
    alice, bob = two_callers
    post(alice, FULL, {"first": 3})
    nodes = [
        e["node"] for e in post(bob, FULL, {"first": 3})[0].json()["data"]["allMovies"]["edges"]
    ]
    states = {node["title"]: node["myState"] for node in nodes}
    # in the first three bob has only a watchlist entry (first movie); alice's favorite,
    # watched (third) and rating 5 are nowhere in his answer
    assert states[catalog[0].title] == {
        "favorite": False,
        "watched": False,
        "watchlist": True,
        "rating": None,
    }
    assert states[catalog[2].title] == {
        "favorite": False,
        "watched": False,
        "watchlist": False,
        "rating": None,
    }


def test_a_title_edit_shows_on_the_next_signed_in_read(settings, catalog, user, staff):
    client = bearer_client(user)
    post(client, FULL, {"first": 3})
    movie = catalog[0]
    edited = bearer_client(staff).patch(
        f"/api/movies/{movie.pk}/", {"title": "A Renamed"}, format="json"
    )
    assert edited.status_code == HTTPStatus.OK, edited.content
    answer, queries = post(client, FULL, {"first": 3})
    assert queries == FULL_MISS_QUERIES + 1  # the write killed the memoised total too
    first = answer.json()["data"]["allMovies"]["edges"][0]["node"]
    assert (first["id"], first["title"]) == (str(movie.pk), "A Renamed")
    assert answer.content == uncached(settings, client, FULL, {"first": 3}).content


def test_a_review_shows_on_the_next_signed_in_read(settings, catalog, user):
    client = bearer_client(user)
    post(client, FULL, {"first": 3})
    movie = catalog[1]
    posted = client.post(f"/api/movies/{movie.pk}/reviews/", {"rating": 4, "text": "Fine."})
    assert posted.status_code == HTTPStatus.CREATED, posted.content
    answer = post(client, FULL, {"first": 3})[0]
    node = next(
        e["node"]
        for e in answer.json()["data"]["allMovies"]["edges"]
        if e["node"]["id"] == str(movie.pk)
    )
    assert (node["reviewCount"], node["averageRating"]) == (1, 4.0)
    assert node["myState"]["rating"] == 4
    assert answer.content == uncached(settings, client, FULL, {"first": 3}).content


def test_a_list_change_shows_on_a_hit_without_a_bump(catalog, user):
    client = bearer_client(user)
    post(client, FULL, {"first": 1})
    MovieListEntryFactory(user=user, movie=catalog[0], kind=MovieListEntry.Kind.WATCHLIST)
    answer, queries = post(client, FULL, {"first": 1})
    assert queries == HIT_QUERIES
    node = answer.json()["data"]["allMovies"]["edges"][0]["node"]
    assert node["myState"]["watchlist"] is True


@pytest.mark.parametrize("failure", FAILURES)
def test_store_down_answers_from_the_database(settings, two_callers, monkeypatch, failure):
    alice, bob = two_callers
    expected = [uncached(settings, client, FULL, {"first": 3}).content for client in (alice, bob)]
    break_store(monkeypatch, failure)
    for client, body in zip((alice, bob), expected, strict=True):
        answer, queries = post(client, FULL, {"first": 3})
        assert answer.content == body
        assert queries == FULL_MISS_QUERIES + 1  # the total is counted too


def test_stored_rows_are_catalog_rows_only(two_callers, monkeypatch):
    alice, _bob = two_callers
    saved = []
    real_save = generation.save
    monkeypatch.setattr(
        generation, "save", lambda key, entry: (saved.append((key, entry)), real_save(key, entry))
    )
    post(alice, FULL, {"first": 3})
    rows, has_next = next(entry[1] for key, entry in saved if key.startswith(pages.KEY_PREFIX))
    assert [row.title for row in rows] == ["Day One", "Dusk", "Night Shift"] and has_next
    # plain Movie rows with their prefetches: nothing of the caller's on them
    assert {type(row) for row in rows} == {Movie}
    assert all(set(vars(row)) <= MOVIE_ATTRIBUTES for row in rows), vars(rows[0])


def test_no_sharing_inside_a_transaction_or_for_user_tables():
    movies = Movie.objects.all()[:2]
    assert pages.page_key(movies) is not None
    with transaction.atomic():
        assert pages.page_key(movies) is None
    # reviews join their author (users_user), of which only the username is watched:
    # shown, it is fine; a filter on another of its columns is not shared
    assert pages.page_key(review_list()[:2]) is not None
    assert pages.page_key(Movie.objects.filter(reviews__user__is_active=True)[:2]) is None


def test_a_fill_is_computed_on_the_primary_and_a_hit_is_not(catalog, user, monkeypatch):
    # the page and its total are both shared parts (shared.remembered): two fills
    entered = record_primary(monkeypatch, shared)
    client = bearer_client(user)
    post(client, FULL, {"first": 2})
    assert entered == [True, True]
    post(client, FULL, {"first": 2})
    assert entered == [True, True]
