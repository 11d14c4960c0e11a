"""The API's version on every answer of both doors, pinning it by header, and the
deprecation mechanism (core/versions.py)."""

from datetime import date
from http import HTTPStatus

import pytest

from conftest import error_json
from core import versions
from core.contract import UNSUPPORTED_VERSION
from core.versions import Deprecation

pytestmark = pytest.mark.django_db
QUERY = {"query": "{ allGenres { totalCount } }"}


def rest(client, path="/api/movies/", **headers):
    return client.get(path, **headers)


def graphql(client, **headers):
    return client.post("/graphql/", QUERY, format="json", **headers)


@pytest.mark.parametrize("door", [rest, graphql])
def test_every_answer_names_the_version(api_client, door):
    assert door(api_client)["API-Version"] == "1"


def test_errors_name_the_version_too(api_client):
    # an unknown URL, answered by Django's 404 before any view runs
    response = api_client.get("/api/nope/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["API-Version"] == "1"


@pytest.mark.parametrize("door", [rest, graphql])
def test_a_client_may_pin_the_version_it_speaks(api_client, door):
    plain = door(api_client)
    pinned = door(api_client, HTTP_ACCEPT="application/json; version=1")

    assert pinned.status_code == HTTPStatus.OK
    assert pinned.json() == plain.json()


def test_an_unknown_version_is_406_naming_the_supported_ones_over_rest(api_client):
    response = rest(api_client, HTTP_ACCEPT="application/json; version=2")

    assert response.status_code == HTTPStatus.NOT_ACCEPTABLE
    assert error_json(response) == {
        "status": 406,
        "code": "unsupported_version",
        "detail": "API version '2' is not served here; supported: 1.",
    }
    assert response["API-Version"] == "1"


def test_an_unknown_version_is_406_over_graphql(api_client):
    response = graphql(api_client, HTTP_ACCEPT="application/json; version=2026-01-01")

    assert response.status_code == HTTPStatus.NOT_ACCEPTABLE
    (error,) = response.json()["errors"]
    assert error["message"] == "API version '2026-01-01' is not served here; supported: 1."
    assert error["extensions"]["code"] == UNSUPPORTED_VERSION.graphql_code


def test_the_paths_stay_as_they_were(api_client):
    # no version in the URL: /api/ is the API, /api/v1/ is not a route
    assert api_client.get("/api/movies/").status_code == HTTPStatus.OK
    assert api_client.get("/api/v1/movies/").status_code == HTTPStatus.NOT_FOUND


def test_a_deprecated_route_answers_deprecation_and_sunset(api_client, monkeypatch):
    # given the genre list declared deprecated, in the one table
    monkeypatch.setitem(
        versions.DEPRECATIONS,
        "genre list",
        Deprecation(
            what="GET /api/movies/genres/",
            use_instead="Read the genres of the movies",
            deprecated_on=date(2026, 1, 1),
            sunset_on=date(2026, 7, 1),
            routes=("genre-list",),
        ),
    )

    # when it is called, and another route too
    deprecated = api_client.get("/api/movies/genres/")
    current = api_client.get("/api/movies/")

    # then only the deprecated one says so, in RFC 9745 and RFC 8594 form
    assert deprecated.status_code == HTTPStatus.OK
    assert deprecated["Deprecation"] == "@1767225600"
    assert deprecated["Sunset"] == "Wed, 01 Jul 2026 00:00:00 GMT"
    assert "Deprecation" not in current


def test_cross_origin_apps_may_read_the_contract_headers(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    response = client.get("/api/movies/", HTTP_ORIGIN="https://app.example.com")
    exposed = response["Access-Control-Expose-Headers"]
    assert {"API-Version", "Deprecation", "Sunset"} <= {h.strip() for h in exposed.split(",")}


def test_each_deprecation_is_in_the_api_changelog():
    # given the one table of deprecations / then the changelog gives each its dates
    from pathlib import Path

    changelog = (Path(__file__).resolve().parents[2] / "docs" / "api-changelog.md").read_text()
    for deprecation in versions.DEPRECATIONS.values():
        headers = deprecation.headers()
        assert f"Deprecation: {headers['Deprecation']}" in changelog
        assert f"Sunset: {headers['Sunset']}" in changelog
        assert f"Sunset: {deprecation.sunset_on.isoformat()}" in changelog
