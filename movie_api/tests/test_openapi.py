"""The drf-yasg schema renders and documents every catalog endpoint, filter and body."""

import json
from http import HTTPStatus

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
    assert len(expected) == 18
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
    assert "-average_rating" in params["ordering"]["enum"]


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
    assert len(ids) == 10
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
    assert (reviews["rating"]["minimum"], reviews["rating"]["maximum"]) == (1, 5)
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
