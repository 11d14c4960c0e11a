"""The /graphql/ view's limits and error format (docs/security.md, "GraphQL")."""

import json
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from core.security.ratelimit import configured_rates
from movie_api.settings.keys import new_rsa_private_key
from movies.tests.factories import MovieFactory, ReviewFactory

URL = "/graphql/"


def post(client, query, variables=None, **extra):
    return client.post(URL, {"query": query, "variables": variables or {}}, format="json", **extra)


def nested_movie_query(depth: int) -> str:
    """`movie { reviews { movie { reviews ... } } }` with `depth` levels of fields."""
    # Level 1 is `movie(id:)`, each further level alternates reviews / movie.
    body = "id"
    for level in range(depth, 1, -1):
        field = "reviews" if level % 2 == 0 else "movie"
        body = f"{field} {{ id {body} }}"
    return f'{{ movie(id: "1") {{ id {body} }} }}'


@pytest.mark.django_db
def test_depth_limit_rejects_depth_9_before_any_query(api_client):
    # given a query nested 9 levels deep
    query = nested_movie_query(9)

    # when it is posted
    with CaptureQueriesContext(connection) as queries:
        response = post(api_client, query)

    # then it is refused at validation, having cost no database query
    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.json()
    assert "data" not in body
    assert "exceeds maximum operation depth of 8" in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert len(queries) == 0


@pytest.mark.django_db
def test_depth_limit_allows_depth_8(api_client):
    # given a movie with a review, and a query nested exactly 8 levels deep
    movie = MovieFactory()
    ReviewFactory(movie=movie)
    query = nested_movie_query(8).replace('"1"', f'"{movie.id}"')

    # when it is posted
    response = post(api_client, query)

    # then it runs
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert "errors" not in body
    assert body["data"]["movie"]["id"] == str(movie.id)
    assert body["data"]["movie"]["reviews"][0]["movie"]["id"] == str(movie.id)


@pytest.mark.django_db
def test_alias_limit_rejects_100_aliased_verify_otp(api_client):
    # given one request with 100 aliased verifyOtp mutations (OTP brute force)
    fields = " ".join(
        f'a{i}: verifyOtp(phoneNumber: "+12025550123", code: "{i:06d}") {{ ok }}'
        for i in range(100)
    )

    # when it is posted
    with CaptureQueriesContext(connection) as queries:
        response = post(api_client, f"mutation {{ {fields} }}")

    # then the whole document is refused before any code is checked
    assert response.status_code == HTTPStatus.BAD_REQUEST
    errors = response.json()["errors"]
    assert errors[0]["message"] == "Too many aliases: at most 15 aliased fields per request."
    assert len(queries) == 0


@pytest.mark.django_db
def test_alias_limit_allows_15_aliases(api_client):
    # given 15 aliases (the limit)
    fields = " ".join(f"g{i}: allGenres(first: 1) {{ totalCount }}" for i in range(15))

    # when it is posted
    response = post(api_client, f"{{ {fields} }}")

    # then it runs
    assert response.status_code == HTTPStatus.OK
    assert response.json()["data"]["g14"] == {"totalCount": 0}


def lower_rates(monkeypatch, **rates):
    """Set some rate-limit rates for one test."""
    for scope, rate in rates.items():
        monkeypatch.setitem(configured_rates(), scope, rate)


@pytest.mark.django_db
def test_each_aliased_token_auth_counts_toward_the_login_throttle(api_client, user, monkeypatch):
    # given the REST login throttle at 3/min, and 5 aliased tokenAuth in one request
    lower_rates(monkeypatch, login="3/min")
    fields = " ".join(
        f'a{i}: tokenAuth(username: "{user.username}", password: "wrong-{i}") {{ access }}'
        for i in range(5)
    )

    # when it is posted
    response = post(api_client, f"mutation {{ {fields} }}")

    # then the first 3 are evaluated (wrong password) and the last 2 are throttled
    codes = {error["path"][0]: error["extensions"]["code"] for error in response.json()["errors"]}
    assert codes == {
        "a0": "UNAUTHENTICATED",
        "a1": "UNAUTHENTICATED",
        "a2": "UNAUTHENTICATED",
        "a3": "THROTTLED",
        "a4": "THROTTLED",
    }


@pytest.mark.django_db
def test_json_array_batch_is_refused(api_client):
    # given a batch of two operations in a JSON array
    batch = [{"query": "{ allGenres { totalCount } }"}] * 2

    # when it is posted
    response = api_client.post(URL, json.dumps(batch), content_type="application/json")

    # then 400 with a GraphQL error
    assert response.status_code == HTTPStatus.BAD_REQUEST
    error = response.json()["errors"][0]
    assert error["message"] == "The received data is not a valid JSON query."
    assert error["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.django_db
@pytest.mark.parametrize("first", [101, 100_000])
def test_first_above_100_is_an_error(api_client, first):
    # given more than 100 items asked of a connection
    query = f"{{ allMovies(first: {first}) {{ edges {{ node {{ id }} }} }} }}"

    # when it is posted
    response = post(api_client, query)

    # then a BAD_USER_INPUT error names `first`, and no list comes back
    body = response.json()
    assert response.status_code == HTTPStatus.OK
    assert body["data"] == {"allMovies": None}
    error = body["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
    assert "at most 100" in error["message"]


@pytest.mark.django_db
def test_nested_reviews_first_above_100_is_an_error(api_client):
    # given a movie and a nested list asked for 1000 items
    movie = MovieFactory()

    # when
    response = post(
        api_client, f'{{ movie(id: "{movie.id}") {{ reviews(first: 1000) {{ id }} }} }}'
    )

    # then
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "first"


@pytest.mark.django_db
def test_first_100_returns_at_most_100(api_client):
    # given 101 movies
    MovieFactory.create_batch(101)

    # when a client asks for the maximum page
    response = post(
        api_client,
        "{ allMovies(first: 100) { totalCount pageInfo { hasNextPage } edges { node { id } } } }",
    )

    # then 100 come back and the page says there is more
    page = response.json()["data"]["allMovies"]
    assert len(page["edges"]) == 100
    assert page["totalCount"] == 101
    assert page["pageInfo"]["hasNextPage"] is True


@pytest.mark.django_db
def test_body_over_10_kb_is_refused(api_client):
    # given a document padded beyond 10 KB
    query = "{ allGenres { totalCount } }" + " " * 11_000

    # when
    with CaptureQueriesContext(connection) as queries:
        response = post(api_client, query)

    # then 413 with a GraphQL error, and nothing ran
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert len(queries) == 0


PROD = {"DEBUG": False, "GRAPHQL_INTROSPECTION": False, "GRAPHQL_GRAPHIQL": False}


@pytest.mark.django_db
@override_settings(**PROD)
def test_production_config_refuses_introspection(api_client):
    # when a client asks for the schema with production settings
    response = post(api_client, "{ __schema { types { name } } }")

    # then it is refused
    assert response.status_code == HTTPStatus.BAD_REQUEST
    error = response.json()["errors"][0]
    assert error["message"] == "Cannot query '__schema': introspection is disabled."


@pytest.mark.django_db
@override_settings(**PROD)
def test_production_config_shows_no_graphiql(client):
    # when a browser opens /graphql/ with production settings
    response = client.get(URL, HTTP_ACCEPT="text/html")

    # then no IDE, only a JSON error
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"] == "application/json"
    assert b"GraphiQL" not in response.content
    assert response.json()["errors"][0]["message"] == "Must provide query string."


@pytest.mark.django_db
@override_settings(**PROD)
def test_production_config_hides_resolver_exception_details(api_client, monkeypatch):
    # given a resolver that fails unexpectedly with internals in its message
    from movies import selectors

    def broken(**kwargs):
        raise RuntimeError("boom at /srv/app/movies/selectors.py line 42 password=hunter2")

    monkeypatch.setattr(selectors, "genre_list", broken)

    # when
    response = post(api_client, "{ allGenres { totalCount } }")

    # then a generic message, no traceback, no detail; still an `errors` entry, not a 500
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["errors"] == [
        {
            "message": "Internal server error.",
            "locations": [{"line": 1, "column": 3}],
            "path": ["allGenres"],
            "extensions": {"code": "INTERNAL_SERVER_ERROR"},
        }
    ]
    assert "Traceback" not in response.content.decode()
    assert "selectors.py" not in response.content.decode()


def test_production_settings_switch_introspection_and_graphiql_off(monkeypatch):
    # given the production settings module loaded with the secrets it requires
    import importlib
    import sys

    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    monkeypatch.setenv("JWT_SIGNING_KEY", "y" * 40)
    monkeypatch.setenv("OIDC_RSA_PRIVATE_KEY", new_rsa_private_key())
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/15")
    monkeypatch.setenv("REDIS_SECURITY_URL", "redis://127.0.0.1:6380/0")
    monkeypatch.delenv("GRAPHQL_INTROSPECTION", raising=False)
    monkeypatch.delenv("GRAPHQL_GRAPHIQL", raising=False)
    saved = {name: sys.modules.pop(name, None) for name in ("movie_api.settings.base",)}
    sys.modules.pop("movie_api.settings.production", None)

    # when
    try:
        production = importlib.import_module("movie_api.settings.production")
    finally:
        sys.modules.pop("movie_api.settings.production", None)
        sys.modules.update({name: module for name, module in saved.items() if module})

    # then both are off unless a setting turns them on
    assert production.GRAPHQL_INTROSPECTION is False
    assert production.GRAPHQL_GRAPHIQL is False
    assert production.GRAPHQL_MAX_DEPTH == 8
    assert production.GRAPHQL_MAX_ALIASES == 15


MUTATION = 'mutation { createGenre(input: {name: "Injected"}) { genre { id } } }'


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/x-www-form-urlencoded", f"query={MUTATION}"),
        ("text/plain", json.dumps({"query": MUTATION})),
        ("multipart/form-data; boundary=xyz", "--xyz--"),
    ],
)
def test_csrf_form_and_text_bodies_with_a_session_run_nothing(client, staff, content_type, body):
    # given a staff member signed in with a session cookie (as on the admin site)
    from movies.models import Genre

    client.force_login(staff)
    csrf_client = client
    csrf_client.handler.enforce_csrf_checks = True

    # when a cross-site form posts a mutation without a CSRF token
    response = csrf_client.post(URL, body, content_type=content_type)

    # then it is refused and nothing is created
    assert response.status_code == HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    assert response.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert not Genre.objects.filter(name="Injected").exists()


@pytest.mark.django_db
def test_csrf_session_cookie_does_not_authenticate_a_json_mutation(client, staff):
    # given a staff member signed in with a session cookie only (no Bearer token)
    from movies.models import Genre

    client.force_login(staff)

    # when a JSON mutation comes with that cookie
    response = client.post(URL, {"query": MUTATION}, content_type="application/json")

    # then the session counts for nothing: the caller is anonymous
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert not Genre.objects.filter(name="Injected").exists()


@pytest.mark.django_db
def test_graphql_hands_out_no_csrf_cookie(client):
    # when anyone runs a query
    response = client.post(URL, {"query": "{ allGenres { totalCount } }"}, "application/json")

    # then no CSRF token is issued: sessions never authenticate here, so none is needed
    assert response.status_code == HTTPStatus.OK
    assert "errors" not in response.json()
    assert "csrftoken" not in response.cookies


@pytest.mark.django_db
def test_mutation_over_get_is_405(staff_client):
    # when a mutation is sent with GET, even by staff with a valid token
    from movies.models import Genre

    response = staff_client.get(URL, {"query": MUTATION})

    # then 405 with a GraphQL error, and nothing is created
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert not Genre.objects.filter(name="Injected").exists()


@pytest.mark.django_db
def test_query_over_get_works(api_client):
    # when a query is sent with GET
    response = api_client.get(URL, {"query": "{ allGenres { totalCount } }"})

    # then it runs
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"data": {"allGenres": {"totalCount": 0}}}


@pytest.mark.django_db
def test_overloading_500_duplicated_fields_is_refused(api_client):
    # given a document repeating a field 500 times
    query = "{ allMovies(first: 1) { edges { node { " + "title " * 500 + "} } } }"

    # when
    with CaptureQueriesContext(connection) as queries:
        response = post(api_client, query)

    # then it is refused before the quadratic rules run, and nothing ran
    assert response.status_code == HTTPStatus.BAD_REQUEST
    error = response.json()["errors"][0]
    assert error["message"] == "Field 'allMovies.edges.node.title' is selected more than 10 times."
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert len(queries) == 0


@pytest.mark.django_db
def test_overloading_100_duplicated_directives_is_refused(api_client):
    # given a field carrying 100 directives
    query = "{ allGenres { totalCount " + "@include(if: true) " * 100 + "} }"

    # when
    with CaptureQueriesContext(connection) as queries:
        response = post(api_client, query)

    # then it is refused before execution
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"][0]["message"] == "Too many directives: at most 50 per request."
    assert len(queries) == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "{ allMovies { edges { node { ...A } } } } fragment A on Movie { ...B } "
        "fragment B on Movie { ...A }",
        "{ allMovies { edges { node { ...A } } } } "
        "fragment A on Movie { reviews { movie { ...A } } }",
        "{ allMovies { edges { node { ...Missing } } } }",
    ],
    ids=["two-fragment-cycle", "cycle-through-fields", "unknown-fragment"],
)
def test_overloading_circular_fragments_are_refused(api_client, query):
    # when a document with a fragment cycle (or an unknown fragment) is posted
    with CaptureQueriesContext(connection) as queries:
        response = post(api_client, query)

    # then a validation error, not a crash, and nothing ran
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert len(queries) == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.post(URL, "{not json", content_type="application/json"),
        lambda c: c.post(URL, json.dumps({"query": 42}), content_type="application/json"),
        lambda c: c.post(URL, json.dumps({"query": "{ x"}), content_type="application/json"),
        lambda c: c.post(URL, json.dumps({}), content_type="application/json"),
        lambda c: c.post(
            URL,
            json.dumps({"query": "{ allGenres { totalCount } }", "variables": [1]}),
            content_type="application/json",
        ),
        lambda c: c.post(
            URL,
            json.dumps(
                {
                    "query": "query Q($n: Int) { allGenres(first: $n) { totalCount } }",
                    "variables": {"n": "many"},
                }
            ),
            content_type="application/json",
        ),
        lambda c: c.post(URL, json.dumps({"query": "{ nope }"}), content_type="application/json"),
        lambda c: c.post(
            URL,
            json.dumps({"query": '{ allMovies(after: "garbage") { totalCount } }'}),
            content_type="application/json",
        ),
        lambda c: c.post(
            URL,
            json.dumps({"query": "{ allMovies(minRating: 9) { totalCount } }"}),
            content_type="application/json",
        ),
        lambda c: c.post(
            URL,
            json.dumps({"query": '{ allMovies(orderBy: "password") { totalCount } }'}),
            content_type="application/json",
        ),
        lambda c: c.post(
            URL,
            json.dumps({"query": '{ movie(id: "99999999999999999999999") { id } }'}),
            content_type="application/json",
        ),
        lambda c: c.post(
            URL,
            json.dumps({"query": "{ allGenres { totalCount } }", "operationName": "Nope"}),
            content_type="application/json",
        ),
        lambda c: c.put(
            URL,
            json.dumps({"query": "{ allGenres { totalCount } }"}),
            content_type="application/json",
        ),
        lambda c: c.post(URL, b"\xff\xfe", content_type="application/json"),
    ],
    ids=[
        "invalid-json",
        "query-not-string",
        "syntax-error",
        "no-query",
        "variables-not-object",
        "variable-wrong-type",
        "unknown-field",
        "bad-cursor",
        "rating-out-of-range",
        "unknown-ordering",
        "huge-id",
        "unknown-operation",
        "put",
        "not-utf8",
    ],
)
def test_every_error_path_answers_with_an_errors_entry_never_500(api_client, send):
    # when a malformed or invalid request arrives
    response = send(api_client)

    # then a 4xx or 200 with a GraphQL `errors` entry carrying a code (or a null movie)
    assert response.status_code < 500
    body = response.json()
    if "errors" not in body:
        assert body == {"data": {"movie": None}}
        return
    assert body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"]


@pytest.mark.django_db
def test_bad_filter_value_names_the_argument(api_client):
    # when a filter value is out of range, or an ordering unknown
    rating = post(api_client, "{ allMovies(minRating: 9) { totalCount } }").json()
    ordering = post(api_client, '{ allMovies(orderBy: "password") { totalCount } }').json()

    # then BAD_USER_INPUT names the GraphQL argument
    assert rating["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert rating["errors"][0]["extensions"]["field"] == "minRating"
    assert ordering["errors"][0]["extensions"]["field"] == "orderBy"


@pytest.mark.django_db
def test_repeated_document_is_parsed_and_validated_once():
    # given the document cache
    from graphene_django.settings import graphene_settings

    from core.graphql.limits import parse_and_validate

    schema = graphene_settings.SCHEMA.graphql_schema
    query = "{ allGenres { totalCount } } # cache-test"
    parse_and_validate.cache_clear()

    # when the same document is checked twice
    first = parse_and_validate(schema, query, 8, 15, True)
    second = parse_and_validate(schema, query, 8, 15, True)

    # then the second is a cache hit returning the same parsed document
    assert first is second
    assert parse_and_validate.cache_info().hits == 1


@pytest.mark.django_db
def test_the_global_anonymous_rate_applies_to_graphql(api_client, monkeypatch):
    # given the REST anonymous rate lowered to 3 a minute
    lower_rates(monkeypatch, anon="3/min")

    # when 4 queries arrive from one address, each with a different X-Forwarded-For
    responses = [
        post(api_client, "{ allGenres { totalCount } }", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
        for i in range(4)
    ]

    # then the 4th is 429 with Retry-After and a THROTTLED error, and headers tell the budget
    assert [r.status_code for r in responses[:3]] == [HTTPStatus.OK] * 3
    assert responses[3].status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(responses[3]["Retry-After"]) >= 1
    assert responses[3].json()["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert responses[0]["X-RateLimit-Limit"] == "3"
