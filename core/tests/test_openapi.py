"""The drf-yasg schema renders and documents every catalog endpoint, filter and body."""

import json
import re
from http import HTTPStatus

import jsonschema
import pytest
from django.contrib.staticfiles import finders

from movies.api import urls as movie_urls
from movies.api.views import ActorViewSet, GenreViewSet, MovieViewSet

CATALOG = {MovieViewSet, GenreViewSet, ActorViewSet}


@pytest.fixture
def schema(api_client, db):
    # No Accept header: what curl or a browser gets must be JSON, not YAML.
    response = api_client.get("/swagger.json")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def _schema_path(regex: str) -> str:
    """'^(?P<pk>\\d+)/$' -> '/movies/{id}/' as drf-yasg names it (basePath /api)."""
    path = regex.strip("^$").replace(r"(?P<pk>\d+)", "{id}")
    return "/movies/" + path


def test_every_catalog_route_and_method_is_documented(schema):
    # given the router's catalog routes
    expected = {
        (_schema_path(str(p.pattern)), method)
        for p in movie_urls.urlpatterns
        if getattr(p.callback, "cls", None) in CATALOG
        for method in p.callback.actions
        if method != "head"
    }
    assert len(expected) == 19
    # then each one is in the schema
    documented = {(path, method) for path, ops in schema["paths"].items() for method in ops}
    assert expected - documented == set()


def test_movie_list_documents_filters_and_pagination(schema):
    params = {p["name"]: p for p in schema["paths"]["/movies/"]["get"]["parameters"]}
    for name in (
        "search", "title", "genre", "actor", "min_rating", "max_rating", "year", "min_year",
        "max_year", "imdb_id", "tmdb_id", "ordering", "page", "page_size",
    ):  # fmt: skip
        assert name in params, name
    assert params["min_rating"]["type"] == "number"
    assert params["year"]["type"] == "integer"
    assert re.fullmatch(params["ordering"]["pattern"], "-average_rating,title")


def test_write_bodies_and_read_shapes_are_described(schema):
    create = schema["paths"]["/movies/"]["post"]
    body = next(p for p in create["parameters"] if p["in"] == "body")["schema"]["$ref"]
    write = schema["definitions"][body.rsplit("/", 1)[1]]
    assert {"title", "genres", "actors", "cast", "imdb_id", "tmdb_id"} <= set(write["properties"])
    assert "average_rating" not in write["properties"]
    detail = create["responses"]["201"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert {"cast", "review_stats", "my_state"} <= set(schema["definitions"][detail]["properties"])


def test_bearer_security_is_declared(schema):
    assert schema["securityDefinitions"]["Bearer"]["in"] == "header"
    assert schema["securityDefinitions"]["Bearer"]["name"] == "Authorization"
    assert {"Bearer": []} in schema["security"]


@pytest.mark.parametrize(
    ("url", "asset"),
    [
        ("/swagger/", "drf-yasg/swagger-ui-dist/swagger-ui-bundle.js"),
        ("/redoc/", "drf-yasg/redoc/redoc.min.js"),
    ],
)
def test_docs_pages_load_their_scripts_from_this_server(api_client, db, url, asset):
    response = api_client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert f"/static/{asset}" in page
    # served by us (shipped with drf-yasg), not a CDN
    assert finders.find(asset) is not None
    assert "cdn.jsdelivr" not in page and "unpkg.com" not in page


def test_page_and_page_size_are_documented_as_one_or_more(schema, api_client):
    # given what the schema says about the paginator's parameters
    params = {p["name"]: p for p in schema["paths"]["/movies/"]["get"]["parameters"]}
    # then both start at 1, as the server enforces
    assert params["page"]["minimum"] == 1
    assert params["page_size"]["minimum"] == 1
    refused = api_client.get("/api/movies/?page_size=0")
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert refused.json()["errors"][0]["field"] == "page_size"


def test_path_ids_are_documented_as_positive_64_bit_integers(schema):
    # when every path parameter naming an id is read
    ids = [
        (path, parameter)
        for path, operations in schema["paths"].items()
        for parameter in operations.get("parameters", [])
        if parameter["name"] == "id" or parameter["name"].endswith("_id")
    ]
    # then each is an integer from 1 to 2^63 - 1
    # ... the diary entry (diary/api/urls.py), a list and its movie (lists/api/list_urls.py),
    # similar movies
    assert len(ids) == 17
    for path, parameter in ids:
        assert parameter["type"] == "integer", path
        assert (parameter["minimum"], parameter["maximum"]) == (1, 2**63 - 1), path


@pytest.mark.parametrize("value", [0, 1.5, True, ["Noir"], {"x": 1}])
def test_a_string_field_refuses_other_json_types(staff_client, value):
    from movies.models import Genre

    # when a genre name is sent as something other than a string
    response = staff_client.post("/api/movies/genres/", {"name": value}, format="json")
    # then it is refused on `name`, and nothing is stored
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"] == [
        {"field": "name", "code": "invalid", "message": "Must be a string."}
    ]
    assert not Genre.objects.exists()


def test_a_204_declares_the_documented_content_type(staff_client, schema):
    from movies.tests.factories import GenreFactory

    # given a genre, and the media type the schema documents for its DELETE
    genre = GenreFactory()
    produces = schema["paths"]["/movies/genres/{id}/"]["delete"].get("produces", schema["produces"])
    # when it is deleted
    response = staff_client.delete(f"/api/movies/genres/{genre.pk}/")
    # then 204, no body, and the documented Content-Type
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert response.content == b""
    assert response["Content-Type"] in produces


def test_filters_are_documented_with_their_types_and_bounds(schema):
    # when the review and movie list filters are read
    reviews = {p["name"]: p for p in schema["paths"]["/movies/reviews/"]["get"]["parameters"]}
    movies = {p["name"]: p for p in schema["paths"]["/movies/"]["get"]["parameters"]}
    # then whole-number filters are integers with the bounds the FilterSet enforces
    assert (reviews["user"]["type"], reviews["user"]["minimum"]) == ("integer", 1)
    assert (reviews["rating"]["minimum"], reviews["rating"]["maximum"]) == (0.5, 5)
    assert movies["min_year"]["minimum"] == 1
    assert movies["min_rating"]["minimum"] == 0


def test_an_empty_patch_is_documented_as_allowed_and_changes_nothing(schema, staff_client):
    from movies.tests.factories import GenreFactory

    # given the documented PATCH body of a genre
    patch = schema["paths"]["/movies/genres/{id}/"]["patch"]["parameters"]
    body = next(p for p in patch if p["in"] == "body")
    # then it is optional, and a PATCH without one leaves the genre as it was
    assert body["required"] is False
    genre = GenreFactory(name="Noir")
    response = staff_client.patch(f"/api/movies/genres/{genre.pk}/")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"id": genre.pk, "name": "Noir"}


def _body_schema(operation, definitions) -> dict:
    """The body definition of an operation, through an example's `allOf` wrapper."""
    schema = next(p for p in operation["parameters"] if p["in"] == "body")["schema"]
    ref = schema["allOf"][0]["$ref"] if "allOf" in schema else schema["$ref"]
    return definitions[ref.rsplit("/", 1)[1]]


def test_every_patch_body_is_partial_and_its_put_keeps_what_it_requires(schema):
    # when the PUT and PATCH bodies of each path with both are read
    pairs = [
        (
            path,
            _body_schema(ops["put"], schema["definitions"]),
            _body_schema(ops["patch"], schema["definitions"]),
        )
        for path, ops in schema["paths"].items()
        if "put" in ops and "patch" in ops
    ]
    # then PATCH has the PUT's properties and requires none of them
    assert len(pairs) == 6
    for path, put, patch in pairs:
        assert patch["properties"] == put["properties"], path
        assert "required" not in patch, path
    # and the profile PUT requires what it replaces
    profile = _body_schema(schema["paths"]["/users/me/"]["put"], schema["definitions"])
    assert set(profile["required"]) == {
        "email", "bio", "favorite_movie_ids", "watched_movie_ids", "watchlist_movie_ids"
    }  # fmt: skip


def test_a_review_text_must_be_a_string(user):
    from conftest import bearer_client
    from movies.models import Review
    from movies.tests.factories import MovieFactory

    # when a review's text is sent as a number
    movie = MovieFactory()
    response = bearer_client(user).post(
        f"/api/movies/{movie.pk}/reviews/", {"rating": 4, "text": 0}, format="json"
    )
    # then it is refused on `text`, and no review is stored
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"] == [
        {"field": "text", "code": "invalid", "message": "Must be a string."}
    ]
    assert not Review.objects.exists()


# --- Operation texts and examples (core/operation_docs.py) --------------------------

# The operations a newcomer tries first: each shows an example of what it takes and/or
# answers.
MAIN_OPERATIONS = (
    "movies_list",
    "movies_read",
    "movies_movie_reviews_create",
    "users_register_create",
    "users_otp_verify_create",
    "users_login_create",
    "users_token_refresh_create",
    "users_me_read",
    "users_me_favorites_create",
)


def _operations(schema) -> dict[str, dict]:
    return {
        operation["operationId"]: operation
        for operations in schema["paths"].values()
        for method, operation in operations.items()
        if method != "parameters"
    }


def _json_schema(node, definitions, *, response: bool):
    """A Swagger 2.0 schema as a strict JSON Schema: `$ref`s resolved, `x-nullable` as
    null allowed, no undeclared property; a response must hold every required or
    read-only property, and a request may not send a read-only one."""
    if isinstance(node, list):
        return [_json_schema(item, definitions, response=response) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        return _json_schema(definitions[name], definitions, response=response)
    converted = {
        key: _json_schema(value, definitions, response=response)
        for key, value in node.items()
        if key != "properties"
    }
    if "properties" in node:
        properties = {
            name: _json_schema(value, definitions, response=response)
            for name, value in node["properties"].items()
            if response or not value.get("readOnly")
        }
        converted["properties"] = properties
        converted.setdefault("additionalProperties", False)
        if response:
            read_only = [
                name for name, value in node["properties"].items() if value.get("readOnly")
            ]
            converted["required"] = sorted({*node.get("required", []), *read_only})
    if node.get("x-nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def _examples(operation) -> list[tuple[str, object, dict, bool]]:
    """(where, example, its schema, whether it is a response) for each example given."""
    found = []
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "body" and "example" in parameter["schema"]:
            found.append(("request", parameter["schema"]["example"], parameter["schema"], False))
    for status_code, response in operation["responses"].items():
        for example in response.get("examples", {}).values():
            found.append((f"response {status_code}", example, response["schema"], True))
    return found


def _example_errors(example, swagger_schema, definitions, *, response: bool) -> list[str]:
    validator = jsonschema.Draft4Validator(
        _json_schema(swagger_schema, definitions, response=response),
        format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER,
    )
    return [
        f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(example)
    ]


def test_every_operation_has_a_summary_and_a_description(schema):
    # when every operation of the served document is read
    operations = _operations(schema)
    # then each one has both texts (add missing ones to the app's docs.py table, see
    # core/operation_docs.py)
    missing = sorted(
        operation_id
        for operation_id, operation in operations.items()
        if not operation.get("summary", "").strip() or not operation.get("description", "").strip()
    )
    assert missing == []
    assert len(operations) >= 55


def test_summaries_are_short_and_unique(schema):
    summaries = [operation["summary"] for operation in _operations(schema).values()]
    # OpenAPI 2.0 asks for fewer than 120 characters; a summary names one operation
    assert all(len(summary) < 120 for summary in summaries)
    assert len(set(summaries)) == len(summaries)


@pytest.mark.parametrize("operation_id", MAIN_OPERATIONS)
def test_a_main_operation_has_examples_matching_its_own_schema(schema, operation_id):
    # given the operation's examples as served
    operation = _operations(schema)[operation_id]
    examples = _examples(operation)
    # then there is one for the success response (and the body, if it takes one), and
    # each one validates against the schema the document gives for it
    wheres = {where for where, *_ in examples}
    assert any(where in wheres for where in ("response 200", "response 201")), wheres
    if any(parameter["in"] == "body" for parameter in operation.get("parameters", [])):
        assert "request" in wheres
    for where, example, swagger_schema, response in examples:
        errors = _example_errors(example, swagger_schema, schema["definitions"], response=response)
        assert errors == [], where


def test_every_example_in_the_document_matches_its_schema(schema):
    # when every example of every operation is checked
    checked = 0
    for operation_id, operation in _operations(schema).items():
        for where, example, swagger_schema, response in _examples(operation):
            errors = _example_errors(
                example, swagger_schema, schema["definitions"], response=response
            )
            assert errors == [], (operation_id, where)
            checked += 1
    # then all hold, and there are at least the main operations' ones
    assert checked >= len(MAIN_OPERATIONS)


def test_an_example_that_drifted_from_its_serializer_is_caught(schema):
    # given the movie detail example, and the schema it must follow
    response = _operations(schema)["movies_read"]["responses"]["200"]
    example = response["examples"]["application/json"]
    definitions = schema["definitions"]

    def errors(changed):
        return _example_errors(changed, response["schema"], definitions, response=True)

    # then a renamed, a missing, a mistyped or a wrongly null field is an error
    assert errors(example) == []
    assert errors({**example, "rating": 4.5})
    assert errors({k: v for k, v in example.items() if k != "cast"})
    assert errors({**example, "review_count": "2"})
    assert errors({**example, "title": None})
    assert errors({**example, "my_state": None}) == []  # null for an anonymous caller


def test_the_movie_detail_example_has_the_keys_a_real_answer_has(api_client, schema):
    from movies.tests.factories import MovieFactory

    # given a movie as the server really answers it
    movie = MovieFactory()
    answer = api_client.get(f"/api/movies/{movie.pk}/").json()
    example = _operations(schema)["movies_read"]["responses"]["200"]["examples"]
    # then the example shows the same fields
    assert set(example["application/json"]) == set(answer)


def test_the_sign_in_example_has_the_keys_a_real_sign_in_answers(api_client, schema):
    from users.tests.factories import UserFactory

    # given a real sign-in
    UserFactory(username="neo", password="correct-horse-battery")
    answer = api_client.post(
        "/api/users/login/", {"username": "neo", "password": "correct-horse-battery"}
    ).json()
    example = _operations(schema)["users_login_create"]["responses"]["200"]["examples"]
    # then the example has the same keys, the user's included
    example = example["application/json"]
    assert set(example) == set(answer)
    assert set(example["user"]) == set(answer["user"])


def test_a_throttled_operation_states_its_rate_from_settings(schema, settings):
    # given the rate settings declare for sign-in, and the login operation's text
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"]
    description = _operations(schema)["users_login_create"]["description"]
    # then the text states that figure, per client address; an unthrottled read does not
    assert f"scope `login`, {rate} per client address" in description
    assert "Rate limit" not in _operations(schema)["movies_list"]["description"]


def test_the_register_example_is_accepted_as_documented(api_client, schema):
    from users.models import User

    # given the register operation's request and response examples
    operation = _operations(schema)["users_register_create"]
    body = next(p for p in operation["parameters"] if p["in"] == "body")["schema"]["example"]
    documented = operation["responses"]["201"]["examples"]["application/json"]
    # when the example body is sent
    response = api_client.post("/api/users/register/", body, format="json")
    # then the server answers the documented example, and a pending account exists
    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert response.json() == documented
    assert User.objects.get(username=body["username"]).is_active is False


def test_the_review_example_is_accepted_and_answers_the_documented_fields(user, schema):
    from conftest import bearer_client
    from movies.tests.factories import MovieFactory

    # given the review operation's examples and a movie
    operation = _operations(schema)["movies_movie_reviews_create"]
    body = next(p for p in operation["parameters"] if p["in"] == "body")["schema"]["example"]
    documented = operation["responses"]["201"]["examples"]["application/json"]
    movie = MovieFactory()
    # when the example body is sent by a signed-in user
    response = bearer_client(user).post(f"/api/movies/{movie.pk}/reviews/", body, format="json")
    # then it is stored, and the answer has the documented fields with the sent values
    assert response.status_code == HTTPStatus.CREATED, response.json()
    answer = response.json()
    assert set(answer) == set(documented)
    assert (answer["rating"], answer["text"]) == (body["rating"], body["text"])
    assert movie.reviews.get().text == body["text"]


def test_the_documented_security_of_an_operation_follows_its_credentials(schema):
    from django.urls import resolve

    # given every documented route whose view names an operation (core/operations.py)
    checked = {}
    for path, operations in schema["paths"].items():
        if "{" in path:
            continue  # a route with an id: a model's view, not an operation's
        view_class = getattr(resolve(schema["basePath"] + path).func, "view_class", None)
        described = getattr(view_class, "operation", None)
        if described is None:
            continue
        for method, operation in operations.items():
            if method != "parameters":
                checked[operation["operationId"]] = (described, operation.get("security"))
    # then one that reads no credentials is documented with none; the others keep Bearer
    assert checked["users_login_create"][1] == []
    assert checked["users_logout_create"][1] is None
    for operation_id, (described, security) in checked.items():
        assert (security == []) == (not described.reads_credentials), operation_id


# --- Responses: one Error, every status, headers ------------------------------------


def test_every_error_response_refers_to_the_one_error_definition(schema):
    # when every 4xx/5xx response of every operation is read
    errors = [
        (operation_id, status_code, response)
        for operation_id, operation in _operations(schema).items()
        for status_code, response in operation["responses"].items()
        if int(status_code) >= 400
    ]
    # then each is the shared `Error`, which has the exception handler's keys
    assert errors
    for operation_id, status_code, response in errors:
        assert response["schema"] == {"$ref": "#/definitions/Error"}, (operation_id, status_code)
    assert {"status", "code", "detail", "errors", "request_id"} == set(
        schema["definitions"]["Error"]["properties"]
    )


def test_every_operation_declares_the_statuses_the_server_can_give(schema):
    for operation_id, operation in _operations(schema).items():
        statuses = set(operation["responses"])
        assert {"400", "401", "403", "404", "406", "429", "503"} <= statuses, operation_id
        method = next(
            m for ops in schema["paths"].values() for m, o in ops.items() if o is operation
        )
        if method in ("post", "put", "patch"):
            assert {"409", "413", "415"} <= statuses, operation_id
        if method == "get":
            assert "304" in statuses, operation_id


def test_headers_are_declared_where_the_server_sends_them(schema):
    for operation_id, operation in _operations(schema).items():
        for status_code, response in operation["responses"].items():
            headers = response.get("headers", {})
            assert {"X-Request-ID", "API-Version"} <= set(headers), (operation_id, status_code)
            if status_code in ("429", "503"):
                assert headers["Retry-After"]["type"] == "integer", operation_id
            if status_code != "304":
                assert headers["X-RateLimit-Remaining"]["type"] == "integer", operation_id
    detail = _operations(schema)["movies_read"]
    assert "ETag" in detail["responses"]["200"]["headers"]
    assert any(p["name"] == "If-None-Match" for p in detail["parameters"])


def test_a_get_answers_the_declared_304_with_the_declared_headers(api_client, schema):
    from movies.tests.factories import MovieFactory

    # given a movie read once, and its ETag
    movie = MovieFactory()
    first = api_client.get(f"/api/movies/{movie.pk}/")
    etag = first["ETag"]
    # when it is read again with If-None-Match
    again = api_client.get(f"/api/movies/{movie.pk}/", HTTP_IF_NONE_MATCH=etag)
    # then 304, no body, the same ETag and the headers every answer has
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["API-Version"] == first["API-Version"]
    assert again["Content-Type"] in schema["produces"]
    assert set(_operations(schema)["movies_read"]["responses"]["304"]["headers"]) >= {"ETag"}


def test_the_duplicate_review_409_is_documented_with_its_body(schema, user):
    from conftest import bearer_client
    from movies.models import Review
    from movies.tests.factories import MovieFactory

    # given the documented 409 of review create, and a review already there
    documented = _operations(schema)["movies_movie_reviews_create"]["responses"]["409"]
    movie = MovieFactory()
    client = bearer_client(user)
    client.post(f"/api/movies/{movie.pk}/reviews/", {"rating": 4}, format="json")
    # when a second review of the same movie is sent
    response = client.post(f"/api/movies/{movie.pk}/reviews/", {"rating": 2}, format="json")
    # then the answer is the documented example but for its request id, and one review stays
    example = documented["examples"]["application/json"]
    assert response.status_code == HTTPStatus.CONFLICT
    body = response.json()
    assert {k: v for k, v in body.items() if k != "request_id"} == {
        k: v for k, v in example.items() if k != "request_id"
    }
    assert list(Review.objects.values_list("rating", flat=True)) == [4]


def test_the_account_export_answers_its_documented_schema(schema, user):
    from conftest import bearer_client
    from lists.models import MovieListEntry
    from movies.services.reviews import review_create
    from movies.tests.factories import MovieFactory

    # given an account with a review and a movie on each list
    movie = MovieFactory()
    review_create(user=user, movie_id=movie.pk, rating=4)
    for kind in MovieListEntry.Kind.values:
        MovieListEntry.objects.create(user=user, movie=movie, kind=kind)
    documented = _operations(schema)["users_me_export_list"]["responses"]["200"]["schema"]
    # when the export is read
    response = bearer_client(user).get("/api/users/me/export/")
    # then it holds every documented property and nothing else
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert len(body["reviews"]) == 1 and all(len(body["lists"][k]) == 1 for k in body["lists"])
    assert _example_errors(body, documented, schema["definitions"], response=True) == []


# --- Constraints the server enforces, declared where the rule lives -----------------


def _property(schema, definition: str, name: str) -> dict:
    return schema["definitions"][definition]["properties"][name]


def test_body_constraints_come_from_where_each_rule_is_declared(schema):
    from core.ids import MAX_DB_ID
    from movies.filters import MAX_TMDB_ID
    from movies.models import RATING_MAX, RATING_MIN, Genre
    from users.otp import E164_PATTERN
    from users.services.profile import BIO_MAX_LENGTH

    # then the rating range, the TMDB id range, lengths, ids and the phone form are there
    rating = _property(schema, "ReviewInput", "rating")
    assert (rating["minimum"], rating["maximum"]) == (RATING_MIN, RATING_MAX)
    tmdb = _property(schema, "MovieWrite", "tmdb_id")
    assert (tmdb["minimum"], tmdb["maximum"]) == (1, MAX_TMDB_ID)
    assert (
        _property(schema, "Genre", "name")["maxLength"] == Genre._meta.get_field("name").max_length
    )
    assert _property(schema, "Profile", "bio")["maxLength"] == BIO_MAX_LENGTH
    genre_ids = _property(schema, "MovieWrite", "genres")["items"]
    assert (genre_ids["minimum"], genre_ids["maximum"]) == (1, MAX_DB_ID)
    assert _property(schema, "MovieListAdd", "movie_id")["maximum"] == MAX_DB_ID
    for definition in ("Register", "Phone", "PasswordResetConfirm", "PhoneChange"):
        assert _property(schema, definition, "phone_number")["pattern"] == E164_PATTERN


@pytest.mark.parametrize(("rating", "accepted"), [(0, False), (1, True), (5, True), (6, False)])
def test_the_documented_rating_range_is_the_one_the_server_enforces(user, schema, rating, accepted):
    from conftest import bearer_client
    from movies.models import Review
    from movies.tests.factories import MovieFactory

    # given the documented bounds
    documented = _property(schema, "ReviewInput", "rating")
    inside = documented["minimum"] <= rating <= documented["maximum"]
    # when a review with that rating is sent
    movie = MovieFactory()
    response = bearer_client(user).post(
        f"/api/movies/{movie.pk}/reviews/", {"rating": rating}, format="json"
    )
    # then the server agrees with the document, and stores only what it accepts
    assert inside is accepted
    assert (response.status_code == HTTPStatus.CREATED) is accepted
    assert Review.objects.filter(movie=movie).exists() is accepted


def test_the_cursor_pattern_matches_what_the_server_writes(api_client, schema):
    from movies.models import RATING_MAX
    from movies.tests.factories import MovieFactory, ReviewFactory

    # given two reviews, and the documented cursor form
    movie = MovieFactory()
    ReviewFactory.create_batch(2, movie=movie, rating=RATING_MAX)
    parameters = schema["paths"]["/movies/reviews/"]["get"]["parameters"]
    pattern = next(p for p in parameters if p["name"] == "cursor")["pattern"]
    # when a first cursor page of one is read
    body = api_client.get("/api/movies/reviews/", {"cursor": "", "page_size": 1}).json()
    # then the cursor of its next link has the documented form
    cursor = body["next"].split("cursor=")[1].split("&")[0]
    assert cursor and re.fullmatch(pattern, cursor)


@pytest.mark.parametrize(
    ("ordering", "status"),
    [
        ("-average_rating,title", HTTPStatus.OK),
        ("", HTTPStatus.OK),
        ("title,bogus", HTTPStatus.BAD_REQUEST),
        ("plot", HTTPStatus.BAD_REQUEST),
    ],
)
def test_the_ordering_pattern_lists_the_keys_the_filterset_allows(
    api_client, schema, ordering, status
):
    # given the documented pattern of the movie list's ordering
    parameters = schema["paths"]["/movies/"]["get"]["parameters"]
    pattern = next(p for p in parameters if p["name"] == "ordering")["pattern"]
    # when a list is asked in that order
    response = api_client.get("/api/movies/", {"ordering": ordering})
    # then the document and the server agree on what is allowed
    assert response.status_code == status
    assert bool(re.fullmatch(pattern, ordering)) is (status == HTTPStatus.OK)
    if status == HTTPStatus.BAD_REQUEST:
        assert response.json()["errors"][0]["field"] == "ordering"


def test_no_schema_title_is_a_name_generated_python_code_imports(schema):
    # `Cast` as a title made generated clients shadow typing.cast; the JSON name stays
    titles = {
        (name, prop): value.get("title")
        for name, definition in schema["definitions"].items()
        for prop, value in definition.get("properties", {}).items()
    }
    assert titles[("MovieDetail", "cast")] == titles[("MovieWrite", "cast")] == "Cast members"
    assert not {title for title in titles.values() if title} & {"Cast", "cast", "Any", "Union"}


def test_free_text_is_documented_without_nul_as_the_server_refuses_it(schema, api_client):
    # given the documented form of the movie search
    search = next(
        p for p in schema["paths"]["/movies/"]["get"]["parameters"] if p["name"] == "search"
    )
    # when a search holds a NUL character
    response = api_client.get("/api/movies/", {"search": "a\x00b"})
    # then the document refuses it as the server does
    assert not re.fullmatch(search["pattern"], "a\x00b") and re.fullmatch(search["pattern"], "ab")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"][0]["field"] == "search"
