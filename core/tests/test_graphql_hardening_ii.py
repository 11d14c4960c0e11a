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
from django.test.utils import CaptureQueriesContext, override_settings

from core.errors import JSON_NESTED_TOO_DEEPLY_MESSAGE
from core.graphql.input_limits import (
    MAX_DIRECTIVES,
    MAX_INPUT_VALUES,
    MAX_VARIABLES,
    VALUES_MESSAGE,
    input_limit_errors,
)
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


# The probe's three documents: each within the body, token, selection and depth caps.
LONG_LIST = "{ allGenres(first: [" + ",".join(["1"] * 2_800) + "]) { totalCount } }"
UNUSED_VARIABLES = "query(" + " ".join(f"$v{n}: Int" for n in range(700)) + ") " + GENRES
DUPLICATE_ARGUMENTS = "{ allGenres(" + " ".join(["first: 1"] * 900) + ") { totalCount } }"


def refusal(response) -> str:
    """The one error of a document refused by a cap, before any resolver ran."""
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content
    body = response.json()
    assert "data" not in body
    assert len(body["errors"]) == 1, body["errors"][:3]
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    return body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (LONG_LIST, VALUES_MESSAGE),
        (DUPLICATE_ARGUMENTS, VALUES_MESSAGE),
        (UNUSED_VARIABLES, f"Too many variables: at most {MAX_VARIABLES} per request."),
    ],
    ids=["2800-item-list", "900-duplicate-arguments", "700-unused-variables"],
)
def test_the_probes_cheap_documents_are_refused_by_the_linear_pre_check(api_client, query, message):
    # given: a document within the 10 KB body cap
    assert len(json.dumps({"query": query})) < 10 * 1024
    # when
    with CaptureQueriesContext(connection) as queries:
        response = api_client.post(URL, {"query": query}, format="json")
    # then: one error from the cap, not hundreds from the standard rules; nothing ran
    assert refusal(response) == message
    assert len(queries) == 0


def test_a_document_at_the_caps_goes_on_to_the_standard_rules(api_client):
    # given: as many variables and input values as allowed, all of them wrong
    variables = " ".join(f"$v{n}: Int" for n in range(MAX_VARIABLES))
    items = ",".join(["1"] * (MAX_INPUT_VALUES - 1))  # + the list itself
    query = f"query({variables}) {{ allGenres(first: [{items}]) {{ totalCount }} }}"
    # when
    response = api_client.post(URL, {"query": query}, format="json")
    # then: graphql-core's own errors, so the caps did not refuse it
    messages = [error["message"] for error in response.json()["errors"]]
    assert "Variable '$v0' is never used." in messages
    assert any(message.startswith("Int cannot represent") for message in messages)


def test_directives_are_counted_by_the_pre_check_too(api_client):
    query = "{ allGenres { totalCount " + "@include(if: true) " * (MAX_DIRECTIVES + 1) + "} }"
    response = api_client.post(URL, {"query": query}, format="json")
    assert refusal(response) == f"Too many directives: at most {MAX_DIRECTIVES} per request."


def test_a_variables_object_with_too_many_entries_is_refused(api_client):
    variables = {f"v{n}": n for n in range(MAX_VARIABLES + 1)}
    response = api_client.post(URL, {"query": GENRES, "variables": variables}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"] == [
        {
            "message": f"Too many variables: at most {MAX_VARIABLES} per request.",
            "extensions": {"code": "BAD_REQUEST"},
        }
    ]


@pytest.mark.parametrize(
    "query",
    [
        # 60 "@", "$a:" and list items inside a string, a block string and a comment
        '{ allMovies(title: "' + "@ $a: [1] " * 60 + '") { totalCount } }',
        '{ allMovies(title: """' + '@ $a: [1] " ' * 60 + '""") { totalCount } }',
        "{ allMovies { totalCount } } # " + "@include(if: true) $a: [1,1] " * 60,
        # list types are types, not values: 50 variables of a nested list type
        "query(" + " ".join(f"$v{n}: [[ID!]!]" for n in range(MAX_VARIABLES)) + ") { me { id } }",
    ],
    ids=["string", "block-string", "comment", "list-types"],
)
def test_the_pre_check_counts_what_the_parser_would_see(query):
    assert input_limit_errors(query) == ()


def test_default_values_and_variables_in_lists_are_input_values():
    items = ", ".join(["$a"] * (MAX_INPUT_VALUES - 2))
    at_cap = f"query($a: [Int] = [1]) {{ allGenres(first: [{items}]) {{ totalCount }} }}"
    # the default (1) and its item (1), the argument's list (1), its items: one too many
    assert [error.message for error in input_limit_errors(at_cap)] == [VALUES_MESSAGE]
    assert input_limit_errors(at_cap.replace("= [1]", "")) == ()


PROD = {"DEBUG": False, "GRAPHQL_INTROSPECTION": False, "GRAPHQL_GRAPHIQL": False}


@override_settings(**PROD)
@pytest.mark.parametrize(
    ("query", "variables", "message"),
    [
        (
            "{ allMovie { totalCount } }",
            None,
            "Cannot query field 'allMovie' on type 'Query'.",
        ),
        (
            'mutation { tokenAut(username: "a", password: "b") { token } }',
            None,
            "Cannot query field 'tokenAut' on type 'Mutation'.",
        ),
        (
            "{ allMovies(frist: 1) { totalCount } }",
            None,
            "Unknown argument 'frist' on field 'Query.allMovies'.",
        ),
        (
            "mutation { addMovieToList(list: FAVORIT, movieId: 1) { ok } }",
            None,
            "Value 'FAVORIT' does not exist in 'MovieListKind' enum.",
        ),
        (
            "mutation($input: GenreInput!) { createGenre(input: $input) { genre { id } } }",
            {"input": {"nme": "Drama"}},
            "Variable '$input' got invalid value {'nme': 'Drama'};"
            " Field 'nme' is not defined by type 'GenreInput'.",
        ),
    ],
    ids=["field", "mutation", "argument", "enum-value", "input-field-in-variables"],
)
def test_with_introspection_off_errors_suggest_no_names(api_client, query, variables, message):
    # when: a misspelt name is sent where introspection is off (production)
    response = api_client.post(URL, {"query": query, "variables": variables or {}}, format="json")
    # then: the error says what is wrong, and names nothing of the schema
    messages = [error["message"] for error in response.json()["errors"]]
    assert message in messages, messages
    assert not any("Did you mean" in text for text in messages)


@override_settings(GRAPHQL_INTROSPECTION=True)
def test_with_introspection_on_errors_still_suggest_names(api_client):
    response = api_client.post(URL, {"query": "{ allMovie { totalCount } }"}, format="json")
    assert "Did you mean 'allMovies'" in response.json()["errors"][0]["message"]


def test_both_doors_refuse_deep_json_with_one_message(api_client):
    # given: one body nested 4,900 lists deep, sent to a REST endpoint and to GraphQL
    deep = '{"username": ' + "[" * 4_900 + "]" * 4_900 + "}"
    rest = api_client.post("/api/users/login/", deep, content_type="application/json")
    graphql = api_client.post(URL, nested_variables(4_900), content_type="application/json")
    # then: 400 on both, in each door's shape, with the same words
    assert rest.status_code == graphql.status_code == HTTPStatus.BAD_REQUEST
    assert rest.json()["detail"] == JSON_NESTED_TOO_DEEPLY_MESSAGE
    assert graphql.json()["errors"][0]["message"] == JSON_NESTED_TOO_DEEPLY_MESSAGE
