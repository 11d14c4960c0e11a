"""CORS on both doors: a browser app on an allowed origin may call them, others may not."""

from http import HTTPStatus

import pytest
from django.test import override_settings

APP = "https://app.example.com"
OTHER = "https://evil.example.net"
DOORS = ["/api/movies/", "/graphql/"]

pytestmark = [pytest.mark.django_db, pytest.mark.parametrize("path", DOORS)]


def _preflight(client, path, origin, method="POST"):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_a_preflight_from_an_allowed_origin_passes(client, path):
    # when a browser app on the allowed origin asks before a POST with a token
    response = _preflight(client, path, APP)

    # then the door says yes: this origin, this method, these headers, no credentials
    assert response.status_code == HTTPStatus.OK
    assert response["Access-Control-Allow-Origin"] == APP
    assert "POST" in response["Access-Control-Allow-Methods"]
    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key"} <= allowed
    assert "Access-Control-Allow-Credentials" not in response


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_the_actual_request_from_an_allowed_origin_may_read_the_answer(client, path):
    # when the app sends its request
    if path == "/graphql/":
        response = client.post(
            path, {"query": "{ allGenres { totalCount } }"}, "application/json", HTTP_ORIGIN=APP
        )
    else:
        response = client.get(path, HTTP_ORIGIN=APP)

    # then the answer is readable by the app, headers a client needs included
    assert response.status_code == HTTPStatus.OK
    assert response["Access-Control-Allow-Origin"] == APP
    assert "Retry-After" in response["Access-Control-Expose-Headers"]
    assert "origin" in response["Vary"].lower()


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_a_disallowed_origin_gets_no_cors_headers(client, path):
    # when a page on another origin asks
    response = _preflight(client, path, OTHER)

    # then nothing allows it: the browser blocks the request
    assert not [name for name in response.headers if name.lower().startswith("access-control-")]


def test_no_origin_is_allowed_by_default(client, path):
    # given the default settings (no CORS_ALLOWED_ORIGINS)
    response = _preflight(client, path, APP)

    assert "Access-Control-Allow-Origin" not in response


@override_settings(CORS_ALLOWED_ORIGINS=[], CORS_ALLOW_ALL_ORIGINS=True)
def test_any_origin_is_answered_with_a_star_and_never_with_credentials(client, path):
    # given CORS_ALLOWED_ORIGINS=* (settings read it into CORS_ALLOW_ALL_ORIGINS)
    response = _preflight(client, path, OTHER)

    # then the answer is "*", which browsers never combine with cookies
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
