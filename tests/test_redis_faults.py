"""Redis down or hung: catalog reads stay up; account endpoints fail closed.

The test starts its own redis-server (never the machine's shared one), points the
cache at it, then (a) terminates it or (b) SIGSTOPs it (the port still accepts, nothing
answers: a hung Redis). Catalog reads (REST and GraphQL) must stay 200 with a body;
the general throttles fail open with a logged warning; login and OTP resend (REST and
GraphQL) must be refused with 503 in the shared error shape (never unthrottled);
/healthz says the cache is down; and no request waits much longer than the 1 s socket
timeout.
"""

import logging
import shutil
import time
from http import HTTPStatus

import pytest
import redis
from django.core.cache import cache

from conftest import bearer_client
from core.security.store import store_circuit
from movie_api.settings.stores import redis_caches
from movies.tests.factories import MovieFactory
from scripts.faults.procs import RedisServer

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db,
    # CI machines have Redis installed; a laptop with only Python skips this module.
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs the redis-server binary"),
]

# A request may wait on a hung Redis for one socket timeout at most: judged by counting
# the Redis reads that timed out per request (a wall-clock bound would fail on a busy
# machine for reasons that have nothing to do with Redis).
MAX_REDIS_WAITS_PER_REQUEST = 1

ALL_MOVIES = "{ allMovies(first: 5) { totalCount edges { node { id title } } } }"
TOKEN_AUTH = """mutation($u: String!, $p: String!) {
  tokenAuth(username: $u, password: $p) { access } }"""


@pytest.fixture
def redis_server():
    with RedisServer() as server:
        yield server


@pytest.fixture
def redis_cache_settings(settings, redis_server):
    """Both stores (the cache and the security store) are our own Redis; the
    throttle-store memory starts and ends clean."""
    settings.CACHES = redis_caches(redis_server.url())
    # Django's setting_changed receiver drops the cache handler's connections, so the
    # next `cache` access builds a django-redis client for the new LOCATION.
    settings.THROTTLE_STORE_RETRY_SECONDS = 5
    store_circuit.reset()
    yield redis_server
    store_circuit.reset()


@pytest.fixture
def redis_waits(monkeypatch):
    """Counts socket reads from Redis that ended in a timeout (each one is a wait of
    SOCKET_TIMEOUT). A spy around redis-py's own read: nothing is replaced."""
    waits = []
    real_read = redis.connection.AbstractConnection.read_response

    def counting_read(self, *args, **kwargs):
        try:
            return real_read(self, *args, **kwargs)
        except redis.exceptions.TimeoutError:
            waits.append(1)
            raise

    monkeypatch.setattr(redis.connection.AbstractConnection, "read_response", counting_read)
    return waits


class Timed:
    """Runs requests and keeps, for each, how long it took and how often it waited on Redis."""

    def __init__(self, client, waits):
        self.client = client
        self.waits = waits
        self.durations: dict[str, float] = {}
        self.redis_waits: dict[str, int] = {}

    def __call__(self, name, method, *args, **kwargs):
        started, waited_before = time.monotonic(), len(self.waits)
        response = getattr(self.client, method)(*args, **kwargs)
        self.durations[name] = time.monotonic() - started
        self.redis_waits[name] = len(self.waits) - waited_before
        return response


def exercise(client, user, waits):
    """The requests the Redis-fault test looks at; returns (responses, timed)."""
    timed = Timed(client, waits)
    responses = {
        "catalog": timed("catalog", "get", "/api/movies/"),
        "graphql_catalog": timed(
            "graphql_catalog", "post", "/graphql/", {"query": ALL_MOVIES}, format="json"
        ),
        "login": timed(
            "login",
            "post",
            "/api/users/login/",
            {"username": user.username, "password": "pass-Word-123"},
            format="json",
        ),
        "otp_resend": timed(
            "otp_resend", "post", "/api/users/otp/resend/", {"phone_number": "+14155550142"}
        ),
        "graphql_login": timed(
            "graphql_login",
            "post",
            "/graphql/",
            {"query": TOKEN_AUTH, "variables": {"u": user.username, "p": "pass-Word-123"}},
            format="json",
        ),
        "healthz": timed("healthz", "get", "/healthz"),
    }
    return responses, timed


def test_throttles_use_the_redis_while_it_answers(redis_cache_settings, api_client, user):
    # given: a catalog
    MovieFactory.create_batch(3)
    # when
    response = api_client.get("/api/movies/")
    # then: served, and the anonymous throttle's counter is in our Redis
    assert response.status_code == HTTPStatus.OK
    assert "X-RateLimit-Remaining" in response
    assert any(b"throttle_anon" in key for key in cache.client.get_client().keys("*"))


@pytest.mark.parametrize("fault", ["stopped", "hung"])
def test_redis_fault_keeps_catalog_up_and_accounts_closed(
    fault, redis_cache_settings, api_client, user, caplog, settings, redis_waits
):
    # given: a catalog, and one request while Redis answers (a pooled connection exists)
    MovieFactory.create_batch(3)
    assert api_client.get("/api/movies/").status_code == HTTPStatus.OK
    # when: Redis goes away
    if fault == "stopped":
        redis_cache_settings.stop()
    else:
        redis_cache_settings.pause()
    # (the throttles stop asking Redis for longer than the rounds can take, however
    # busy the machine: the second round must not ask it at all)
    settings.THROTTLE_STORE_RETRY_SECONDS = 600
    with caplog.at_level(logging.WARNING):
        responses, first = exercise(api_client, user, redis_waits)
        # and a second round, with the throttles' memory of the failure
        again, second = exercise(api_client, user, redis_waits)

    # then: catalog reads are served, with their bodies
    for round_ in (responses, again):
        catalog = round_["catalog"]
        assert catalog.status_code == HTTPStatus.OK
        assert catalog.json()["count"] == 3 and len(catalog.json()["results"]) == 3
        graphql = round_["graphql_catalog"]
        assert graphql.status_code == HTTPStatus.OK
        assert "errors" not in graphql.json()
        assert graphql.json()["data"]["allMovies"]["totalCount"] == 3
    # and the account endpoints fail closed, in the shared error shape
    for round_ in (responses, again):
        for name in ("login", "otp_resend"):
            refused = round_[name]
            assert refused.status_code == HTTPStatus.SERVICE_UNAVAILABLE, (name, refused.content)
            assert refused.json()["status"] == 503
            assert refused.json()["code"] == "service_unavailable"
            assert "access" not in refused.json()
        graphql_login = round_["graphql_login"].json()
        assert graphql_login["data"]["tokenAuth"] is None
        assert graphql_login["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    # and /healthz says the cache is down
    health = responses["healthz"]
    assert health.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert health.json()["database"] == "ok"
    assert health.json()["cache"].startswith("error")
    # and no request waited on Redis more than once, each wait bounded by the socket
    # timeout; with the throttles' breaker open, only /healthz (whose job is to ask)
    # still touches Redis in the second round
    assert settings.CACHES["default"]["OPTIONS"]["SOCKET_TIMEOUT"] <= 1
    for round_ in (first, second):
        over = {n: w for n, w in round_.redis_waits.items() if w > MAX_REDIS_WAITS_PER_REQUEST}
        assert not over, over
    assert {n: w for n, w in second.redis_waits.items() if w and n != "healthz"} == {}
    if fault == "hung":
        assert sum(first.redis_waits.values()) >= 1  # the fault was real
    print(f"\nRedis {fault}: first round {fmt(first)}; second round {fmt(second)}")
    # and the ignored failure is logged as a warning
    warnings = [r for r in caplog.records if r.name == "core.security"]
    assert warnings and warnings[0].levelno == logging.WARNING
    assert "fail open" in warnings[0].getMessage()


def test_throttles_use_redis_again_once_it_is_back(redis_cache_settings, api_client, settings):
    # given: a hung Redis has been noticed
    settings.THROTTLE_STORE_RETRY_SECONDS = 0.5
    MovieFactory.create_batch(1)
    redis_cache_settings.pause()
    assert api_client.get("/api/movies/").status_code == HTTPStatus.OK
    assert "X-RateLimit-Limit" not in api_client.get("/api/movies/")
    # when: it answers again and the retry interval has passed
    redis_cache_settings.resume()
    time.sleep(0.6)
    response = api_client.get("/api/movies/")
    # then: the throttle counts in Redis again
    assert response.status_code == HTTPStatus.OK
    assert "X-RateLimit-Remaining" in response
    login = api_client.post("/api/users/login/", {"username": "nobody", "password": "x"})
    assert login.status_code == HTTPStatus.UNAUTHORIZED


def fmt(timed: Timed) -> str:
    return ", ".join(
        f"{name} {seconds * 1000:.0f} ms ({timed.redis_waits[name]} Redis waits)"
        for name, seconds in timed.durations.items()
    )


# ---------------------------------------------------------------- response cache


def test_cached_reads_fall_back_to_the_database_when_redis_stops(
    redis_cache_settings, api_client, settings, redis_waits
):
    # given: an anonymous answer stored in Redis
    settings.RESPONSE_CACHE_ENABLED = True
    MovieFactory.create_batch(2)
    api_client.get("/api/movies/")
    assert api_client.get("/api/movies/")["X-Cache"] == "HIT"
    # when: Redis hangs, then a movie is added
    redis_cache_settings.pause()
    settings.THROTTLE_STORE_RETRY_SECONDS = 600
    MovieFactory()
    answers = [api_client.get("/api/movies/") for _ in range(3)]
    # then: every read is computed from the database, with the new movie, and at most
    # the first waited on Redis (once)
    for answer in answers:
        assert answer.status_code == HTTPStatus.OK
        assert "X-Cache" not in answer
        assert answer.json()["count"] == 3
    assert len(redis_waits) <= MAX_REDIS_WAITS_PER_REQUEST


def test_a_bump_lost_while_redis_hung_is_made_before_the_cache_is_used_again(
    redis_cache_settings, api_client, settings
):
    # given: a stored answer, then a write while Redis does not answer (the bump fails)
    settings.RESPONSE_CACHE_ENABLED = True
    settings.THROTTLE_STORE_RETRY_SECONDS = 0.5
    movie = MovieFactory(title="Before")
    api_client.get(f"/api/movies/{movie.pk}/")
    redis_cache_settings.pause()
    movie.title = "After"
    movie.save()
    # when: Redis answers again, still holding the old entry
    redis_cache_settings.resume()
    time.sleep(0.6)
    response = api_client.get(f"/api/movies/{movie.pk}/")
    # then: the old answer is not served
    assert response.status_code == HTTPStatus.OK
    assert response.json()["title"] == "After"
    assert "X-Cache" not in response
    assert api_client.get(f"/api/movies/{movie.pk}/")["X-Cache"] == "HIT"


def test_signed_in_reads_fall_back_to_the_database_when_redis_stops(
    redis_cache_settings, settings, user, redis_waits
):
    # given: a signed-in list page whose shared part is stored in Redis
    settings.RESPONSE_CACHE_ENABLED = True
    MovieFactory.create_batch(2)
    client = bearer_client(user)
    stored = client.get("/api/movies/")
    assert client.get("/api/movies/").content == stored.content
    # when: Redis hangs, then a movie is added
    redis_cache_settings.pause()
    settings.THROTTLE_STORE_RETRY_SECONDS = 600
    MovieFactory()
    answers = [client.get("/api/movies/") for _ in range(3)]
    # then: every read is computed from the database, with the new movie and my_state
    for answer in answers:
        assert answer.status_code == HTTPStatus.OK
        assert answer.json()["count"] == 3
        assert answer.json()["results"][0]["my_state"]["favorite"] is False
    assert len(redis_waits) <= MAX_REDIS_WAITS_PER_REQUEST
