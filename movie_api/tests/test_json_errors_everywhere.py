"""Every error under /api/ and /graphql/ is JSON, whatever the settings module; so are a
bad Host and an oversized body on every path.

DEBUG on is the local settings (`make run`), off the test and production ones; the
local and production modules themselves are also loaded, each in a process of its own.
"""

import json
import os
import shutil
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from conftest import error_json
from scripts.faults.procs import RedisServer, production_env

REPO = Path(__file__).resolve().parents[2]
TOO_LARGE = {
    "status": 413,
    "code": "too_large",
    "detail": "The request body is too large.",
    "errors": [{"field": None, "code": "too_large", "message": "The request body is too large."}],
}
BAD_HOST = {
    "status": 400,
    "code": "bad_host",
    "detail": "The Host header is not served here.",
    "errors": [
        {"field": None, "code": "bad_host", "message": "The Host header is not served here."}
    ],
}


def big_body() -> str:
    """A 3 MB JSON body: past DATA_UPLOAD_MAX_MEMORY_SIZE in every settings module."""
    assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE < 3_000_000
    return json.dumps({"username": "x" * 3_000_000, "password": "p"})


@pytest.mark.parametrize("debug", [True, False])
def test_an_oversized_body_is_a_json_413_with_debug_on_or_off(client, db, settings, debug):
    # given the local setting (DEBUG on: Django would answer its debug page) or not
    settings.DEBUG = debug
    # when a 3 MB body is posted to the API
    response = client.post("/api/users/login/", big_body(), content_type="application/json")
    # then it is the API's 413, not a 400
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert error_json(response) == TOO_LARGE


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("path", ["/healthz", "/api/movies/", "/"])
def test_a_bad_host_is_a_json_400_on_every_path(client, db, settings, debug, path):
    # given DEBUG on (local) or off
    settings.DEBUG = debug
    # when a request names a host this server does not serve
    response = client.get(path, HTTP_HOST="evil.example")
    # then the JSON error shape, not Django's HTML page
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"].startswith("application/json")
    assert error_json(response) == BAD_HOST


# Run in a process of its own under a given settings module: a bad Host on /healthz and
# a 3 MB login body, each answer as [status, content type, JSON body without request_id].
PROBE = """
import json, django
django.setup()
from django.test import Client

def seen(response):
    body = json.loads(response.content)
    body.pop("request_id", None)
    return [response.status_code, response["Content-Type"], body]

client = Client()
body = json.dumps({"username": "x" * 3_000_000, "password": "p"})
print(json.dumps({
    "host": seen(client.get("/healthz", HTTP_HOST="evil.example")),
    "body": seen(client.post("/api/users/login/", body, content_type="application/json",
                             HTTP_HOST="127.0.0.1")),
}))
"""


def probe(env: dict) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def local_env(tmp_path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("REDIS_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="movie_api.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'local.sqlite3'}",
        LOG_LEVEL="ERROR",
    )
    return env


@pytest.mark.slow
def test_the_local_settings_answer_json_for_a_bad_host_and_a_huge_body(tmp_path):
    # given a process with the local settings (as `make run`: DEBUG on)
    # when it gets a bad Host on /healthz and a 3 MB body
    seen = probe(local_env(tmp_path))
    # then both are the API's JSON errors
    assert seen["host"] == [400, "application/json", BAD_HOST]
    assert seen["body"] == [413, "application/json", TOO_LARGE]


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs the redis-server binary")
def test_the_production_settings_answer_json_for_a_bad_host_and_a_huge_body(tmp_path):
    # given a process with the production settings and their required secrets, and a
    # Redis of its own for the rate limits a sign-in counts before reading the body
    with RedisServer() as redis_server:
        env = production_env(
            database_url=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
            redis_url=redis_server.url(),
            LOG_LEVEL="ERROR",
        )
        # when it gets a bad Host on /healthz and a 3 MB body
        seen = probe(env)
    # then both are the API's JSON errors
    assert seen["host"] == [400, "application/json", BAD_HOST]
    assert seen["body"] == [413, "application/json", TOO_LARGE]


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


def test_the_root_is_a_json_index_of_the_service(client, db):
    # when anyone opens the server's root
    response = client.get("/")

    # then a JSON index links both doors, the docs and the health check
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    index = response.json()
    base = "http://testserver"
    assert index["name"] == "Movie API"
    assert index["rest"]["movies"] == f"{base}/api/movies/"
    assert index["rest"]["me"] == f"{base}/api/users/me/"
    assert index["graphql"] == f"{base}/graphql/"
    docs = ("swagger", "redoc", "openapi", "openapi_3_1")
    assert {key: index["docs"][key] for key in docs} == {
        "swagger": f"{base}/swagger/",
        "redoc": f"{base}/redoc/",
        "openapi": f"{base}/swagger.json",
        "openapi_3_1": f"{base}/openapi.json",
    }
    assert index["health"] == f"{base}/healthz"
    # and every link it gives answers (none is a 404)
    links = [*index["rest"].values(), index["graphql"], index["health"]]
    links += [index["docs"][key] for key in docs]
    for url in links:
        assert client.get(url.removeprefix(base)).status_code != HTTPStatus.NOT_FOUND, url


def test_the_index_is_read_only(client, db):
    assert client.post("/").status_code == HTTPStatus.METHOD_NOT_ALLOWED
