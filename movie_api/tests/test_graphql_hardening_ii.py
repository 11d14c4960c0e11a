"""Hardening II, the GraphQL door: hostile input that cost a 500, CPU, or names.

Each test fails on the code before its fix: variables nested 4,900 levels deep were a
500 (RecursionError in the JSON decoder); a 2,800-item list literal, 700 unused
variables and 900 copies of one argument were each validated in full (0.2-0.4 s of
CPU, within every other limit); and with introspection off, a misspelt field still
answered "Did you mean 'allMovies'?".
"""

import json
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from movie_api.errors import JSON_NESTED_TOO_DEEPLY_MESSAGE
from movies.tests.factories import GenreFactory

pytestmark = pytest.mark.django_db

URL = "/graphql/"
GENRES = "{ allGenres { edges { node { name } } } }"


def nested_variables(depth: int) -> str:
    """The probe's body: a valid query, and a variable nested `depth` lists deep."""
    return json.dumps({"query": GENRES})[:-1] + (
        ', "variables": {"deep": ' + "[" * depth + "]" * depth + "}}"
    )


@pytest.mark.parametrize("depth", [1_500, 4_900])
def test_variables_nested_thousands_deep_are_refused_as_rest_refuses_them(api_client, depth):
    # when: the body nests its variables thousands of lists deep (under the 10 KB cap)
    body = nested_variables(depth)
    with CaptureQueriesContext(connection) as queries:
        response = api_client.post(URL, body, content_type="application/json")
    # then: REST's 400 and words, in the GraphQL error shape; nothing ran
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"] == [
        {"message": JSON_NESTED_TOO_DEEPLY_MESSAGE, "extensions": {"code": "BAD_REQUEST"}}
    ]
    assert len(queries) == 0


def test_variables_nested_deeper_than_a_cache_key_can_hold_still_answer(api_client, settings):
    # given: the response cache on, and variables 900 lists deep (JSON can read them,
    # the cache key's encoder cannot write them)
    settings.RESPONSE_CACHE_ENABLED = True
    GenreFactory(name="Drama")
    # when
    response = api_client.post(URL, nested_variables(900), content_type="application/json")
    # then: answered (an unused variable is ignored), just not from the cache
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"data": {"allGenres": {"edges": [{"node": {"name": "Drama"}}]}}}


def test_a_deep_json_body_over_get_is_refused_the_same_way(api_client):
    # when: the variables are in the URL of a GET (1,500 deep: within the URL cap)
    response = api_client.get(
        URL, {"query": GENRES, "variables": '{"deep": ' + "[" * 1_500 + "]" * 1_500 + "}"}
    )
    # then
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"][0]["message"] == JSON_NESTED_TOO_DEEPLY_MESSAGE
