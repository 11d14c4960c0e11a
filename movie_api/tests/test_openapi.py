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
