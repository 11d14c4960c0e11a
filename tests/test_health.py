"""/healthz tells a load balancer whether the database, the cache and the security
store answer."""

from http import HTTPStatus

import pytest

from conftest import error_json


@pytest.mark.django_db
def test_healthz_reports_database_cache_and_security_store(api_client):
    response = api_client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "security_store": "ok",
    }


@pytest.mark.django_db
def test_healthz_is_503_when_the_cache_fails(api_client, monkeypatch):
    # given: a cache that raises, as a Redis outage does
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "set", broken)
    # when
    response = api_client.get("/healthz")
    # then
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["cache"] == "error: ConnectionError"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_healthz_is_503_when_the_security_store_fails(api_client, monkeypatch):
    # given: a security store that raises, as its Redis being down does
    from django.core.cache import caches

    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(caches["security"], "get", broken)
    # when
    response = api_client.get("/healthz")
    # then: unavailable, naming the store, while the cache itself is fine
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["security_store"] == "error: ConnectionError"
    assert response.json()["cache"] == "ok"


@pytest.mark.django_db
def test_unknown_api_route_is_a_json_404(api_client):
    response = api_client.get("/api/no-such-thing/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert error_json(response) == {"status": 404, "code": "not_found", "detail": "Not found."}
