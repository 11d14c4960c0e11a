"""What Django refuses before a view runs, and outages, still answer the JSON error shape."""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from rest_framework.test import APIClient

from conftest import error_json
from movies.models import Genre

pytestmark = pytest.mark.django_db


def test_an_unknown_host_is_a_json_400(api_client):
    # when a request names a host we do not serve
    response = api_client.get("/api/movies/", HTTP_HOST="evil.example")
    # then it is refused in the shared JSON shape, not Django's HTML page
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"] == "application/json"
    assert error_json(response) == {
        "status": 400,
        "code": "bad_host",
        "detail": "The Host header is not served here.",
        "errors": [
            {"field": None, "code": "bad_host", "message": "The Host header is not served here."}
        ],
    }


def test_an_oversized_json_body_is_a_json_413(staff_client):
    # given a JSON body over the upload limit
    body = b'{"name": "' + b"a" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + b'"}'
    # when it is posted
    response = staff_client.generic(
        "POST", "/api/movies/genres/", body, content_type="application/json"
    )
    # then 413 in the shared shape, and nothing was created
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert response.json()["code"] == "too_large"
    assert response.json()["detail"] == "The request body is too large."
    assert not Genre.objects.exists()


def test_a_multipart_body_with_too_many_files_is_a_json_400(staff_client):
    # given 20 files, over DATA_UPLOAD_MAX_NUMBER_FILES
    files = {f"file{i}": SimpleUploadedFile(f"f{i}.txt", b"x") for i in range(20)}
    # when they are posted
    response = staff_client.post("/api/movies/genres/", files, format="multipart")
    # then a JSON 400 that says what is wrong, and nothing was created
    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.json()
    assert body["code"] == "too_many_files"
    assert body["detail"] == f"At most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files per request."
    assert not Genre.objects.exists()


def test_a_number_of_thousands_of_digits_is_number_too_large(staff_client):
    # when a JSON body holds a 5,000-digit number
    response = staff_client.generic(
        "POST", "/api/movies/genres/", '{"name": ' + "9" * 5000 + "}", "application/json"
    )
    # then the message says so without interpreter details
    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.json()
    assert body["detail"] == "JSON parse error - number too large."
    assert "sys." not in response.content.decode()
    assert not Genre.objects.exists()


def test_a_database_outage_is_503_with_retry_after(db):
    # given a database that refuses every query, as during a PostgreSQL restart
    def refuse(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    client = APIClient(raise_request_exception=False)
    # when the catalog is read
    with connection.execute_wrapper(refuse):
        response = client.get("/api/movies/")
    # then 503 with Retry-After in the shared shape, not a 500
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == str(settings.DATABASE_RETRY_AFTER_SECONDS)
    assert error_json(response) == {
        "status": 503,
        "code": "service_unavailable",
        "detail": "The database is unavailable. Please try again shortly.",
    }


def test_other_server_errors_stay_500(db, monkeypatch):
    # given a view that fails for a reason other than the database
    from movies import selectors

    def broken(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(selectors, "movie_list", broken)
    client = APIClient(raise_request_exception=False)
    # when it is called
    response = client.get("/api/movies/")
    # then a plain JSON 500 without Retry-After or details
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Retry-After" not in response
    assert response.json()["code"] == "server_error"
    assert "bug" not in response.content.decode()


def test_a_database_outage_is_service_unavailable_over_graphql(db, gql):
    # given a database that refuses every query
    def refuse(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    # when the catalog is read over GraphQL
    with connection.execute_wrapper(refuse):
        body = gql("{ allGenres(first: 1) { edges { node { name } } } }")
    # then the error says the service is unavailable and when to retry, not an internal error
    (error,) = body["errors"]
    assert error["message"] == "The database is unavailable. Please try again shortly."
    assert error["extensions"] == {
        "code": "SERVICE_UNAVAILABLE",
        "retryAfter": settings.DATABASE_RETRY_AFTER_SECONDS,
    }
