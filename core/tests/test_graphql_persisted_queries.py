"""Automatic persisted queries (Apollo's protocol), over POST and GET.

docs/guide/graphql-reference.md describes the protocol; core/graphql/persisted.py
implements it.
"""

import hashlib
import json
from http import HTTPStatus

import pytest
from django.core.cache import cache

from movies.models import Genre
from movies.tests.factories import MovieFactory

pytestmark = pytest.mark.django_db

LIST = "query Titles($n: Int) { allMovies(first: $n) { edges { node { title } } } }"
CREATE_GENRE = 'mutation { createGenre(input: {name: "Noir"}) { genre { id } } }'


def sha(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def extensions(digest: str, version=1) -> dict:
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


def post(client, body):
    return client.post("/graphql/", body, format="json")


def get(client, **params):
    encoded = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}
    return client.get("/graphql/", encoded, HTTP_ACCEPT="application/json")


@pytest.fixture(autouse=True)
def empty_store():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def movies():
    return [MovieFactory(title="Alien"), MovieFactory(title="Brazil")]


def titles(response) -> set[str]:
    edges = response.json()["data"]["allMovies"]["edges"]
    return {edge["node"]["title"] for edge in edges}


def assert_not_found(response):
    assert response.status_code == HTTPStatus.OK
    (error,) = response.json()["errors"]
    assert error["message"] == "PersistedQueryNotFound"
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert "data" not in response.json()


def test_unknown_hash_is_persisted_query_not_found_over_post(api_client, movies):
    # when a client sends only the hash of a query the server has never seen
    response = post(api_client, {"extensions": extensions(sha(LIST))})
    # then Apollo's error, so the client sends the hash again with the query
    assert_not_found(response)


def test_unknown_hash_is_persisted_query_not_found_over_get(api_client, movies):
    assert_not_found(get(api_client, extensions=extensions(sha(LIST))))


def test_hash_with_query_registers_it_then_the_hash_alone_runs_over_post(api_client, movies):
    # given the query sent once with its hash
    first = post(api_client, {"query": LIST, "extensions": extensions(sha(LIST))})
    assert first.status_code == HTTPStatus.OK
    assert titles(first) == {"Alien", "Brazil"}
    # when the hash alone is sent, with variables
    again = post(
        api_client,
        {"extensions": extensions(sha(LIST)), "variables": {"n": 1}, "operationName": "Titles"},
    )
    # then the stored document runs with them
    assert again.status_code == HTTPStatus.OK
    assert len(titles(again)) == 1


def test_hash_with_query_registers_it_then_the_hash_alone_runs_over_get(api_client, movies):
    # given the query registered over GET (queries may register there too)
    first = get(api_client, query=LIST, extensions=extensions(sha(LIST)))
    assert first.status_code == HTTPStatus.OK
    # when the hash alone comes as a URL, with variables and an operation name
    again = get(
        api_client, extensions=extensions(sha(LIST)), variables={"n": 5}, operationName="Titles"
    )
    # then it answers like the full query
    assert again.status_code == HTTPStatus.OK
    assert titles(again) == {"Alien", "Brazil"}


@pytest.mark.parametrize("method", ["post", "get"])
def test_a_hash_that_does_not_match_the_query_is_400_and_stores_nothing(api_client, method):
    # given a query sent with the hash of another document
    wrong = sha("{ allGenres { totalCount } }")
    if method == "post":
        response = post(api_client, {"query": LIST, "extensions": extensions(wrong)})
    else:
        response = get(api_client, query=LIST, extensions=extensions(wrong))
    # then it is refused with a message naming the problem, and nothing is stored
    assert response.status_code == HTTPStatus.BAD_REQUEST
    (error,) = response.json()["errors"]
    assert "sha256Hash" in error["message"] and "does not match" in error["message"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert_not_found(post(api_client, {"extensions": extensions(wrong)}))


@pytest.mark.parametrize(
    ("persisted_query", "message"),
    [
        ({"version": 2, "sha256Hash": "0" * 64}, "only version 1 is supported"),
        ({"version": 1, "sha256Hash": "xyz"}, "must be 64 lowercase hex digits"),
        ({"version": 1}, "must be 64 lowercase hex digits"),
        ("not an object", "only version 1 is supported"),
    ],
)
def test_a_malformed_persisted_query_extension_is_400(api_client, persisted_query, message):
    response = post(api_client, {"extensions": {"persistedQuery": persisted_query}})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.json()["errors"][0]["message"]


def test_extensions_that_are_not_json_are_400_over_get(api_client):
    response = api_client.get("/graphql/", {"extensions": "{nope"}, HTTP_ACCEPT="application/json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"][0]["message"] == "extensions: not valid JSON."


def test_an_invalid_document_is_not_stored(api_client):
    # given a document that fails validation, sent with its own hash
    broken = "{ allMovies { nope } }"
    response = post(api_client, {"query": broken, "extensions": extensions(sha(broken))})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    # then its hash is still unknown
    assert_not_found(post(api_client, {"extensions": extensions(sha(broken))}))


def test_a_document_over_the_size_bound_is_refused(api_client, settings):
    # given a bound on stored documents smaller than this query
    settings.GRAPHQL_PERSISTED_QUERY_MAX_BYTES = 40
    response = post(api_client, {"query": LIST, "extensions": extensions(sha(LIST))})
    # then 413 with the bound in the message, and nothing stored
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert response.json()["errors"][0]["message"] == "Persisted query too large: at most 40 bytes."
    assert_not_found(post(api_client, {"extensions": extensions(sha(LIST))}))


def test_a_persisted_mutation_runs_over_post_but_not_over_get(staff_client):
    # given a mutation registered over POST
    created = post(
        staff_client, {"query": CREATE_GENRE, "extensions": extensions(sha(CREATE_GENRE))}
    )
    assert created.status_code == HTTPStatus.OK
    assert "errors" not in created.json()
    Genre.objects.all().delete()
    # when its hash is sent over GET
    response = get(staff_client, extensions=extensions(sha(CREATE_GENRE)))
    # then 405 with a message, and nothing ran
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    (error,) = response.json()["errors"]
    assert error["message"] == "Can only perform a mutation over POST."
    assert error["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert not Genre.objects.exists()


def test_a_mutation_over_get_is_405_with_a_message(staff_client):
    response = get(staff_client, query=CREATE_GENRE)
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response.json()["errors"][0]["message"] == "Can only perform a mutation over POST."
    assert not Genre.objects.exists()


def test_a_lookup_with_the_store_down_is_not_found_not_an_error(api_client, monkeypatch):
    # given a store that fails (Redis down)
    from core.graphql import persisted
    from core.security.store import store_circuit

    class DownCache:
        def get(self, *args, **kwargs):
            raise ConnectionError("redis is down")

        set = get

    monkeypatch.setattr(persisted, "cache", DownCache())
    # then the client is told to send the query, which then runs
    assert_not_found(post(api_client, {"extensions": extensions(sha(LIST))}))
    full = post(api_client, {"query": LIST, "extensions": extensions(sha(LIST))})
    assert full.status_code == HTTPStatus.OK and "errors" not in full.json()
    store_circuit.reset()
