"""One JSON error shape for every REST 4xx on the catalog routes."""

from http import HTTPStatus

import pytest

from conftest import error_json

SHAPE = {"status", "code", "detail"}


@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        ("get", "/api/movies/?page=0", None, HTTPStatus.BAD_REQUEST),
        ("get", "/api/movies/?ordering=nope", None, HTTPStatus.BAD_REQUEST),
        ("get", "/api/movies/424242/", None, HTTPStatus.NOT_FOUND),
        ("get", "/api/movies/not-a-route/", None, HTTPStatus.NOT_FOUND),
        ("post", "/api/movies/", {"title": "x"}, HTTPStatus.UNAUTHORIZED),
        ("delete", "/api/movies/genres/1/", None, HTTPStatus.UNAUTHORIZED),
    ],
)
def test_anonymous_errors_share_the_shape(api_client, db, method, url, body, status):
    response = getattr(api_client, method)(url, body, format="json")
    assert response.status_code == status
    data = response.json()
    assert set(data) >= SHAPE
    assert data["status"] == status
    assert data["detail"]


def test_validation_errors_list_field_code_and_message(staff_client):
    response = staff_client.post(
        "/api/movies/", {"title": "", "tmdb_id": "x", "cast": [{"actor": "a"}]}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.json()
    assert body["code"] == "invalid"
    fields = {(e["field"], e["code"]) for e in body["errors"]}
    assert fields == {("title", "blank"), ("tmdb_id", "invalid"), ("cast.0.actor", "invalid")}


def test_forbidden_for_signed_in_non_staff(auth_client, db):
    response = auth_client.post("/api/movies/genres/", {"name": "Noir"}, format="json")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert error_json(response) == {
        "status": 403,
        "code": "permission_denied",
        "detail": "Only staff may change the catalog.",
    }


def test_unsupported_media_type_is_415(staff_client, db):
    response = staff_client.generic("POST", "/api/movies/", "title=x", content_type="text/plain")
    assert response.status_code == HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    assert response.json()["status"] == HTTPStatus.UNSUPPORTED_MEDIA_TYPE


def test_a_bad_token_is_one_message_not_field_rows(api_client, db):
    # given a token that is not a JWT at all
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    # when it is used
    response = api_client.get("/api/users/me/")
    # then it is the shared shape with the domain's wording (core/authentication.py)
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert error_json(response) == {
        "status": 401,
        "code": "token_not_valid",
        "detail": "The access token is not valid; sign in again.",
    }


def test_a_domain_refusal_keeps_its_reason():
    # given a service refusing with Django's PermissionDenied and a reason
    from django.core.exceptions import PermissionDenied

    from core.exception_handlers import api_exception_handler

    # when the REST handler translates it
    response = api_exception_handler(PermissionDenied("Only the author may do that."), {})
    # then the 403 keeps the reason, in the shared shape
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.data == {
        "status": 403,
        "code": "permission_denied",
        "detail": "Only the author may do that.",
    }
