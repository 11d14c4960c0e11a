"""Default anonymous and per-user throttles: 429 with Retry-After and X-RateLimit-*.

The rates are read per request from settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
(core/security/ratelimit.py), so the tests patch that dictionary.
"""

import os
from http import HTTPStatus

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from conftest import bearer_client
from core.security import ratelimit, window
from core.security.ratelimit import Limit, check_rate_once, configured_rates
from users.tests.factories import UserFactory


def default_limits(request) -> list[Limit]:
    """The limits the REST door's default throttles check: "anon" (anonymous only), "user"."""
    limits = (ratelimit.anon_limit(request), ratelimit.user_limit(request))
    return [limit for limit in limits if limit is not None]


@pytest.fixture
def tight_rates(monkeypatch):
    rates = {"anon": "3/min", "user": "5/min"}
    for scope, rate in rates.items():
        monkeypatch.setitem(configured_rates(), scope, rate)
    return rates


def test_anonymous_limit_then_429(api_client, db, tight_rates):
    # given an anonymous caller with 3 requests a minute
    remaining = []
    for _ in range(3):
        response = api_client.get("/api/movies/")
        assert response.status_code == HTTPStatus.OK
        assert response.headers["X-RateLimit-Limit"] == "3"
        remaining.append(int(response.headers["X-RateLimit-Remaining"]))
    # the counter goes down with each request
    assert remaining == [2, 1, 0]
    # when it asks a fourth time
    response = api_client.get("/api/movies/")
    # then 429 with the shared error shape and the retry headers
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response.json()["status"] == HTTPStatus.TOO_MANY_REQUESTS
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert response.headers["X-RateLimit-Limit"] == "3"
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert 0 < int(response.headers["X-RateLimit-Reset"]) <= 60


def test_signed_in_users_are_counted_per_user(db, tight_rates):
    # given two users sharing an address
    first, second = bearer_client(UserFactory()), bearer_client(UserFactory())
    for _ in range(5):
        assert first.get("/api/movies/genres/").status_code == HTTPStatus.OK
    # when the first exceeds its 5/min
    throttled = first.get("/api/movies/genres/")
    # then only the first is throttled
    assert throttled.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert throttled.headers["X-RateLimit-Limit"] == "5"
    assert "Retry-After" in throttled.headers
    assert second.get("/api/movies/genres/").status_code == HTTPStatus.OK


def test_forwarded_for_does_not_reset_the_anonymous_limit(api_client, db, tight_rates):
    # given NUM_PROXIES=0, a spoofed X-Forwarded-For is not the client address
    for index in range(3):
        api_client.get("/api/movies/", HTTP_X_FORWARDED_FOR=f"10.0.0.{index}")
    response = api_client.get("/api/movies/", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_limits_an_earlier_layer_checked_are_not_counted_twice(rf, db, tight_rates):
    # given an anonymous request whose limits an early layer (a response cache) checked
    request = rf.get("/api/movies/")
    request.user = AnonymousUser()
    first = check_rate_once(request, default_limits(request))
    # when the REST door's throttles ask for the same limits
    again = check_rate_once(request, default_limits(request))
    # then the request was counted once against each of "anon" and "user"
    assert [(s.limit.scope, s.count) for s in first.states] == [("anon", 1), ("user", 1)]
    assert [(s.limit.scope, s.count) for s in again.states] == [("anon", 1), ("user", 1)]
    assert again.allowed


def test_a_graphql_request_refused_by_its_general_limit_uses_no_sign_in_try(
    api_client, db, tight_rates
):
    # given the anonymous limit used up (3 a minute)
    for _ in range(3):
        assert api_client.get("/api/movies/").status_code == HTTPStatus.OK
    # when a sign-in comes over GraphQL
    response = api_client.post(
        "/graphql/",
        {"query": 'mutation { tokenAuth(username: "a", password: "b") { access } }'},
        format="json",
    )
    # then 429 for the whole request, and the login limit was not touched
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response.json()["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert int(response["Retry-After"]) >= 1
    assert caches["security"].get("throttle_login_127.0.0.1") is None


@pytest.fixture
def local_store(monkeypatch):
    """The rate limiter on a local-memory cache of its own, even where tests use Redis."""
    store = LocMemCache("ratelimit-tests", {})
    monkeypatch.setattr(window, "caches", {"security": store})
    yield store
    store.clear()


def local_window_check(rf, monkeypatch, now):
    """One anonymous check of the local-memory window at the time `now`."""
    monkeypatch.setattr(window.time, "time", lambda: now)
    request = rf.get("/api/movies/")
    request.user = AnonymousUser()
    return ratelimit.check_rate(request, [ratelimit.anon_limit(request)]).states[0]


def test_the_local_memory_window_slides_as_drfs_does(rf, tight_rates, local_store, monkeypatch):
    # given 3 anonymous requests a minute, made at t = 1000, 1010 and 1020
    counts = [local_window_check(rf, monkeypatch, t).count for t in (1000.0, 1010.0, 1020.0)]
    assert counts == [1, 2, 3]
    # when a fourth comes within the minute
    refused = local_window_check(rf, monkeypatch, 1030.0)
    # then it is refused, and the wait and reset count from the oldest request
    assert (refused.allowed, refused.count, refused.oldest) == (False, 3, 1000.0)
    assert refused.headers() == {"limit": 3, "remaining": 0, "reset": 30}
    # and once the oldest is exactly a minute old it no longer counts (DRF drops <=)
    again = local_window_check(rf, monkeypatch, 1060.0)
    assert (again.allowed, again.count, again.oldest) == (True, 3, 1010.0)
    assert list(local_store.get(again.limit.key)) == [1010.0, 1020.0, 1060.0]


def test_the_local_memory_window_reads_drfs_list_and_stays_sorted(
    rf, tight_rates, local_store, monkeypatch
):
    # given a history in DRF's format (a list, newest first), one entry out of the window
    request = rf.get("/api/movies/")
    key = ratelimit.anon_limit(request).key
    local_store.set(key, [1020.0, 1000.0, 930.0])
    # when a request arrives with a clock that stepped back behind the newest entry
    state = local_window_check(rf, monkeypatch, 1015.0)
    # then the old entry is dropped, the request counted, and the history kept in order
    assert (state.allowed, state.count, state.oldest) == (True, 3, 1000.0)
    assert list(local_store.get(key)) == [1000.0, 1015.0, 1020.0]


def test_each_forked_worker_names_its_window_entries_apart():
    # Two gunicorn workers forked from one master count into the same Redis window: an
    # entry named alike by both would be one entry, and a request would go uncounted.
    parent = window.members.next()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its next name and leave at once, whatever happens
        try:
            os.write(write, window.members.next().encode())
        finally:
            os._exit(0)
    os.close(write)  # so a child that wrote nothing reads as end of file, not a hang
    os.waitpid(pid, 0)
    child = os.read(read, 100).decode()
    os.close(read)
    assert child, "the forked child reported no name"
    assert child.split(".")[0] != parent.split(".")[0]
    assert window.members.next() != parent  # and never twice in one process
