"""Replays of the findings at the GraphQL door, against the production stack.

- the anonymous response cache poisoned by an operation in the URL under another in
  the body (and the variants: URL `variables`, URL `extensions` under a body hash, a
  GET with a JSON body): each is a 400 naming the conflict, and every caller of the
  plain query keeps getting the movie's real title, from the cache too;
- a persisted-query hash sent with a query is checked before the cache is read;
- cheap documents that cost 0.2-0.4 s of CPU each (a 2,800-item list literal, 700
  unused variables, 900 copies of one argument) are refused by the linear pre-check;
- variables nested 4,900 lists deep: the REST door's 400 "nested too deeply", not a 500;
- with introspection off (production), a misspelt name gets no "Did you mean".
"""

import hashlib
import json
from http import HTTPStatus
from urllib.parse import urlencode

import pytest

from core.errors import JSON_NESTED_TOO_DEEPLY_MESSAGE
from core.graphql.input_limits import VALUES_MESSAGE, VARIABLES_MESSAGE
from tests.replay.stack import REPLAY

pytestmark = REPLAY

REAL_TITLE = "The real title"
ATTACKERS_TEXT = "Attacker's text"
TITLE = "{{ movie(id: {id}) {{ title }} }}"
# The probe's document: the same shape as TITLE's answer, a review's text as the title.
POISON = "{{ movie: review(id: {id}) {{ title: text }} }}"
BY_VARIABLE = "query Title($id: ID = {id}) {{ movie(id: $id) {{ title }} }}"
# Each test calls from an address of its own: the anonymous limits are never shared.
CLIENT = "198.51.100.20"


@pytest.fixture(scope="module")
def movies(stack) -> tuple[int, int, int]:
    """(movie, another movie, a review of the other movie with the attacker's text),
    the review written through the API by a verified user, as in the probe. Shared
    by the module's tests: each checks that its own attack left the title alone."""
    account = stack.verified_account("author")
    printed = stack.shell(
        "from movies.models import Movie; import datetime; "
        "day = datetime.date(2001, 1, 1); "
        f"a = Movie.objects.create(title={REAL_TITLE!r}, plot='x', release_date=day); "
        "b = Movie.objects.create(title='Another movie', plot='x', release_date=day); "
        "print(a.pk, b.pk)"
    )
    movie, other = (int(pk) for pk in printed.split())
    review = stack.send(
        "POST",
        f"/api/movies/{other}/reviews/",
        account=account,
        json={"rating": 2, "text": ATTACKERS_TEXT},
    )
    assert review.status_code == HTTPStatus.CREATED, review.text
    return movie, other, review.json()["id"]


def graphql(stack, body: dict | None = None, url_params: dict | None = None, method="POST"):
    path = "/graphql/" + (f"?{urlencode(url_params)}" if url_params else "")
    if body is None:
        return stack.send(method, path, client=CLIENT)
    return stack.send(method, path, client=CLIENT, json=body)


def persisted(query: str) -> dict:
    digest = hashlib.sha256(query.encode()).hexdigest()
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def assert_conflict(answer, *names: str) -> None:
    """The 400 naming the parameters sent in both the URL and the body."""
    assert answer.status_code == HTTPStatus.BAD_REQUEST, answer.text
    body = answer.json()
    assert "data" not in body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert error["message"].startswith("GraphQL parameters in both the URL"), error["message"]
    assert all(name in error["message"] for name in names), error["message"]
    assert ATTACKERS_TEXT not in answer.text
    assert answer.headers["Cache-Control"] == "no-store"


def assert_everyone_gets_the_real_title(stack, body: dict) -> None:
    """What every anonymous caller of the plain query gets: the real title, computed
    (a miss) and then from the shared cache (a hit)."""
    answers = [graphql(stack, body) for _ in range(2)]
    for answer in answers:
        assert answer.status_code == HTTPStatus.OK, answer.text
        assert answer.json() == {"data": {"movie": {"title": REAL_TITLE}}}
    assert answers[-1].headers.get("X-Cache") == "HIT", dict(answers[-1].headers)


# ------------------------------------------------------------------ cache poisoning


def test_a_url_query_under_a_body_query_is_refused_and_the_cache_keeps_the_real_title(
    stack, movies
):
    movie, _, review = movies
    # when: the probe's request, the review's document in the URL, movie 1's in the body
    answer = graphql(stack, {"query": TITLE.format(id=movie)}, {"query": POISON.format(id=review)})
    # then: refused, naming the conflict; and the plain query answers the real title
    assert_conflict(answer, "query")
    assert_everyone_gets_the_real_title(stack, {"query": TITLE.format(id=movie)})


def test_url_variables_under_a_body_query_are_refused(stack, movies):
    movie, other, _ = movies
    body = {"query": BY_VARIABLE.format(id=movie), "operationName": "Title"}
    # when: the variable that picks the movie comes from the URL
    answer = graphql(stack, body, {"variables": json.dumps({"id": other})})
    # then
    assert_conflict(answer, "variables")
    assert_everyone_gets_the_real_title(stack, body)


def test_url_extensions_under_a_body_persisted_hash_are_refused(stack, movies):
    movie, _, review = movies
    innocent, poison = TITLE.format(id=movie), POISON.format(id=review)
    # given: hash A registered for the plain query, hash B for the attacker's
    for query in (innocent, poison):
        registered = graphql(stack, {"query": query, "extensions": persisted(query)})
        assert registered.status_code == HTTPStatus.OK, registered.text
    # when: the body sends hash A, the URL hash B
    answer = graphql(
        stack, {"extensions": persisted(innocent)}, {"extensions": json.dumps(persisted(poison))}
    )
    # then: refused; hash A alone and the plain query answer the real title
    assert_conflict(answer, "extensions")
    assert_everyone_gets_the_real_title(stack, {"extensions": persisted(innocent)})
    assert_everyone_gets_the_real_title(stack, {"query": innocent})


def test_a_get_with_a_json_body_is_refused(stack, movies):
    movie, _, review = movies
    # when: a GET names the plain query in its URL and carries the attacker's in a body
    answer = graphql(
        stack, {"query": POISON.format(id=review)}, {"query": TITLE.format(id=movie)}, "GET"
    )
    # then: refused (an edge cache keys a GET by its URL alone), nothing served
    assert answer.status_code == HTTPStatus.BAD_REQUEST, answer.text
    (error,) = answer.json()["errors"]
    assert error == {
        "message": "A GET request carries its operation in the URL; send a body with POST.",
        "extensions": {"code": "BAD_REQUEST"},
    }
    plain = [graphql(stack, None, {"query": TITLE.format(id=movie)}, "GET") for _ in range(2)]
    assert [p.json() for p in plain] == [{"data": {"movie": {"title": REAL_TITLE}}}] * 2


def test_a_persisted_hash_is_checked_before_the_cache_is_read(stack, movies):
    movie, _, review = movies
    # (a comment makes it a document whose hash no other test has registered)
    innocent, poison = TITLE.format(id=movie), POISON.format(id=review) + " # unregistered"
    # given: the plain query's answer in the cache
    assert_everyone_gets_the_real_title(stack, {"query": innocent})
    # when: the cached query comes with the hash of the attacker's document
    answer = graphql(stack, {"query": innocent, "extensions": persisted(poison)})
    # then: the mismatch is refused, not served from the cache, and registers nothing
    assert answer.status_code == HTTPStatus.BAD_REQUEST, answer.text
    assert "X-Cache" not in answer.headers
    assert answer.json()["errors"][0]["message"] == (
        "extensions.persistedQuery.sha256Hash: does not match the SHA-256 of the query."
    )
    unknown = graphql(stack, {"extensions": persisted(poison)})
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


# ------------------------------------------------------------------ CPU and input

GENRES = "{ allGenres { edges { node { name } } } }"
LONG_LIST = "{ allGenres(first: [" + ",".join(["1"] * 2_800) + "]) { totalCount } }"
UNUSED_VARIABLES = "query(" + " ".join(f"$v{n}: Int" for n in range(700)) + ") " + GENRES
DUPLICATE_ARGUMENTS = "{ allGenres(" + " ".join(["first: 1"] * 900) + ") { totalCount } }"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (LONG_LIST, VALUES_MESSAGE),
        (UNUSED_VARIABLES, VARIABLES_MESSAGE),
        (DUPLICATE_ARGUMENTS, VALUES_MESSAGE),
    ],
    ids=["2800-item-list", "700-unused-variables", "900-duplicate-arguments"],
)
def test_the_probes_cheap_documents_are_refused_with_one_clear_error(stack, query, message):
    # when: a document within the body cap that the standard rules took 0.2-0.4 s over
    answer = graphql(stack, {"query": query})
    # then: one error naming the cap, not hundreds from the rules, and no data
    assert answer.status_code == HTTPStatus.BAD_REQUEST, answer.text
    body = answer.json()
    assert body["errors"] == [
        {"message": message, "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}
    ], body.keys()
    assert not body.get("data")


def test_variables_nested_4900_lists_deep_get_the_rest_doors_400(stack):
    # given: the probe's body, a valid query and one variable 4,900 lists deep
    body = json.dumps({"query": GENRES})[:-1] + ', "variables": {"deep": '
    body += "[" * 4_900 + "]" * 4_900 + "}}"
    # when
    answer = stack.send(
        "POST", "/graphql/", client=CLIENT, data=body, headers={"Content-Type": "application/json"}
    )
    # then: what REST answers such a body, in GraphQL's error shape (it was a 500)
    assert answer.status_code == HTTPStatus.BAD_REQUEST, answer.text[:500]
    (error,) = answer.json()["errors"]
    assert error["message"] == JSON_NESTED_TOO_DEEPLY_MESSAGE
    assert error["extensions"] == {"code": "BAD_REQUEST"}
    rest = stack.send(
        "POST",
        "/api/users/login/",
        client=CLIENT,
        data='{"username": ' + "[" * 4_900 + "]" * 4_900 + "}",
        headers={"Content-Type": "application/json"},
    )
    assert rest.json()["detail"] == JSON_NESTED_TOO_DEEPLY_MESSAGE


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("{ allMovie { totalCount } }", "Cannot query field 'allMovie' on type 'Query'."),
        (
            'mutation { tokenAut(username: "a", password: "b") { token } }',
            "Cannot query field 'tokenAut' on type 'Mutation'.",
        ),
    ],
    ids=["query-field", "mutation"],
)
def test_with_introspection_off_a_misspelt_name_gets_no_suggestion(stack, query, message):
    # given: production, where the schema is not introspectable
    introspection = graphql(stack, {"query": "{ __schema { queryType { name } } }"})
    assert "data" not in introspection.json() or not introspection.json()["data"]
    # when: a name is misspelt
    answer = graphql(stack, {"query": query})
    # then: the error says what is wrong, and names nothing of the hidden schema
    messages = [error["message"] for error in answer.json()["errors"]]
    assert messages == [message]
    assert "Did you mean" not in answer.text
