"""Every error under /api/ and /graphql/ is JSON, whatever the settings module."""

from http import HTTPStatus

import pytest

from conftest import error_json


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("path", ["/api/movies/abc/", "/api/nope/", "/api/users/nope/"])
def test_unknown_api_urls_are_a_json_404(client, db, settings, debug, path):
    # given the default (DEBUG on, Django's HTML debug 404) or the production setting
    settings.DEBUG = debug
    # when an unknown URL under /api/ is asked for
    response = client.get(path)
    # then the answer is the shared JSON shape
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"].startswith("application/json")
    assert error_json(response) == {"status": 404, "code": "not_found", "detail": "Not found."}


def test_a_missing_object_names_what_is_missing(client, db):
    # when a movie id that does not exist is asked for
    response = client.get("/api/movies/999999/")
    # then the 404 says which (the same words as GraphQL's NOT_FOUND)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert error_json(response) == {
        "status": 404,
        "code": "not_found",
        "detail": "No movie with id 999999.",
    }


def test_pages_outside_the_api_keep_django_s_404(client, db, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not response["Content-Type"].startswith("application/json")


def test_an_unknown_graphql_subpath_is_a_json_404(client, db, settings):
    settings.DEBUG = True
    response = client.get("/graphql/nope/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["code"] == "not_found"
