"""Hardening II: the anonymous GraphQL response cache could be poisoned.

The cache keyed a POST by its JSON body, but graphene ran the `query`, `variables`,
`operationName` and `extensions` of the URL when present. One request then stored a
review's text as movie 1's title under the key of `{ movie(id: 1) { title } }`, and
every anonymous caller of that query got it (`X-Cache: HIT`, `Cache-Control: public`).
Now one function reads the request into one operation (graphql/operation.py) that
both the key and the executor use; a request carrying it in both the URL and the body
is a 400 naming the conflict. Each test fails on the code before the fix.
"""

import hashlib
import json
from http import HTTPStatus
from urllib.parse import urlencode

import pytest

from core.graphql.operation import read_operation
from movies.tests.factories import MovieFactory, ReviewFactory

pytestmark = pytest.mark.django_db

URL = "/graphql/"
TITLE = "{{ movie(id: {id}) {{ title }} }}"
# The attacker's document answers in the same shape, with a review's text as the title.
POISON = "{{ movie: review(id: {id}) {{ title: text }} }}"
BY_VARIABLE = "query Title($id: ID = {id}) {{ movie(id: $id) {{ title }} }}"


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.RESPONSE_CACHE_ENABLED = True


@pytest.fixture
def movie():
    return MovieFactory(title="The real title")


@pytest.fixture
def review():
    return ReviewFactory(text="Attacker's text")


def post(client, body: dict, url_params: dict | None = None):
    url = f"{URL}?{urlencode(url_params)}" if url_params else URL
    return client.post(url, body, format="json")


def persisted(query: str) -> dict:
    digest = hashlib.sha256(query.encode()).hexdigest()
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def assert_conflict(response, *names: str):
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content
    body = response.json()
    assert "data" not in body
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert error["message"].startswith("GraphQL parameters in both the URL"), error["message"]
    for name in names:
        assert name in error["message"]
    assert response["Cache-Control"] == "no-store"


def assert_real_title(client, movie):
    """What every anonymous caller of the plain query gets afterwards: the real title."""
    for _ in range(2):  # a miss, then (from the cache) a hit
        response = post(client, {"query": TITLE.format(id=movie.pk)})
        assert response.status_code == HTTPStatus.OK
        assert response.json() == {"data": {"movie": {"title": "The real title"}}}


def test_a_url_query_under_a_body_query_is_refused_and_poisons_nothing(api_client, movie, review):
    # when: the probe's request, the attacker's document in the URL, an innocent body
    response = post(
        api_client,
        {"query": TITLE.format(id=movie.pk)},
        {"query": POISON.format(id=review.pk)},
    )
    # then: 400 naming the conflict, and nobody gets the review's text as the title
    assert_conflict(response, "query")
    assert "Attacker" not in response.content.decode()
    assert_real_title(api_client, movie)


def test_url_variables_under_a_body_query_are_refused(api_client, movie, review):
    # given: a query whose variable has a default (movie 1 when none is sent)
    body = {"query": BY_VARIABLE.format(id=movie.pk), "operationName": "Title"}
    other = MovieFactory(title="Another movie")
    # when: the variable comes from the URL
    response = post(api_client, body, {"variables": json.dumps({"id": other.pk})})
    # then: refused; the body alone answers the default movie, from then on too
    assert_conflict(response, "variables")
    for _ in range(2):
        plain = post(api_client, body)
        assert plain.json() == {"data": {"movie": {"title": "The real title"}}}


def test_url_extensions_under_a_body_persisted_query_are_refused(api_client, movie, review):
    # given: hash A registered for the innocent query, hash B for the attacker's
    innocent, poison = TITLE.format(id=movie.pk), POISON.format(id=review.pk)
    for query in (innocent, poison):
        registered = post(api_client, {"query": query, "extensions": persisted(query)})
        assert registered.status_code == HTTPStatus.OK, registered.content
    # when: the body sends hash A, the URL hash B
    response = post(
        api_client,
        {"extensions": persisted(innocent)},
        {"extensions": json.dumps(persisted(poison))},
    )
    # then
    assert_conflict(response, "extensions")
    hash_only = post(api_client, {"extensions": persisted(innocent)})
    assert hash_only.json() == {"data": {"movie": {"title": "The real title"}}}
    assert_real_title(api_client, movie)


def test_a_get_with_a_json_body_is_refused(api_client, movie, review):
    # when: a GET carries the innocent query in its URL and the attacker's in a body
    response = api_client.generic(
        "GET",
        f"{URL}?{urlencode({'query': TITLE.format(id=movie.pk)})}",
        json.dumps({"query": POISON.format(id=review.pk)}),
        content_type="application/json",
    )
    # then: a GET's operation is its URL; a body is refused, not read
    assert response.status_code == HTTPStatus.BAD_REQUEST
    error = response.json()["errors"][0]
    assert error["message"] == (
        "A GET request carries its operation in the URL; send a body with POST."
    )
    assert error["extensions"]["code"] == "BAD_REQUEST"
    plain = api_client.get(URL, {"query": TITLE.format(id=movie.pk)})
    assert plain.json() == {"data": {"movie": {"title": "The real title"}}}


def test_the_persisted_hash_is_checked_before_the_cache_is_read(api_client, movie, review):
    # given: the innocent query answered and stored
    innocent = TITLE.format(id=movie.pk)
    assert_real_title(api_client, movie)
    # when: it is sent again with the hash of another document
    response = post(
        api_client, {"query": innocent, "extensions": persisted(POISON.format(id=review.pk))}
    )
    # then: the mismatch is refused (not a hit), and the hash registers nothing
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "X-Cache" not in response
    error = response.json()["errors"][0]
    assert error["message"] == (
        "extensions.persistedQuery.sha256Hash: does not match the SHA-256 of the query."
    )
    unknown = post(api_client, {"extensions": persisted(POISON.format(id=review.pk))})
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


def test_registering_a_hash_for_a_cached_query_is_not_answered_from_the_cache(api_client, movie):
    # given: the query answered and stored, and then sent with its hash (Apollo's
    # second request after PersistedQueryNotFound)
    query = TITLE.format(id=movie.pk)
    assert_real_title(api_client, movie)
    registered = post(api_client, {"query": query, "extensions": persisted(query)})
    assert registered.status_code == HTTPStatus.OK and "X-Cache" not in registered
    # when: the hash alone is sent over GET
    response = api_client.get(URL, {"extensions": json.dumps(persisted(query))})
    # then: the view registered it, so it runs
    assert response.json() == {"data": {"movie": {"title": "The real title"}}}


def test_an_operation_in_the_url_alone_is_keyed_and_answered_by_the_url(api_client, movie, review):
    # given: a POST whose operation is only in its URL (graphene has always run these)
    poison = {"query": POISON.format(id=review.pk)}
    first = post(api_client, {}, poison)
    # then: its answer is stored under its own operation, and replayed only for it
    assert first.json() == {"data": {"movie": {"title": "Attacker's text"}}}
    assert post(api_client, {}, poison)["X-Cache"] == "HIT"
    assert_real_title(api_client, movie)


def test_the_key_and_the_executor_share_one_reading_of_the_request(rf):
    # given: a request the cache key reads first
    request = rf.post(URL, {"query": "{ allGenres { totalCount } }"}, "application/json")
    # then: the view gets the very same operation, not a second reading
    assert read_operation(request) is read_operation(request)
    assert read_operation(request).query == "{ allGenres { totalCount } }"
