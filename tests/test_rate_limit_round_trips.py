"""Every rate limit of a request is checked and counted in ONE Redis round trip.

An anonymous read the response cache can answer (core/caching) reads the cache
generation in that same script call (both live in the security store), and the entry
from this process's own copy: such a hit is one round trip in all. A process without a
copy reads the entry from the cache store: one round trip more.

A spy around redis-py's connection (nothing replaced) names every command sent, one
network round trip each, against a Redis of our own. Before the limits shared one
script call, an anonymous REST read paid one round trip per throttle class (anon and
user: 2), and an account endpoint with the general limits one more.
"""

import shutil
from http import HTTPStatus

import pytest
import redis

from conftest import bearer_client
from core.caching import generation
from core.caching.generation import near_cache
from core.security.ratelimit import rate_of
from core.security.store import store_circuit
from movie_api.settings.stores import redis_caches
from movies.tests.factories import MovieFactory
from scripts.faults.procs import RedisServer
from users.tests.factories import UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs the redis-server binary"),
]


@pytest.fixture
def redis_store(settings):
    with RedisServer() as server:
        yield from _serving(settings, server, server.url())


@pytest.fixture
def socket_store(settings, tmp_path):
    """A Redis on this host, the cache reaching it through its Unix socket."""
    with RedisServer(unix_socket=tmp_path / "redis.sock") as server:
        yield from _serving(settings, server, server.socket_url())


def _serving(settings, server, url):
    # Both stores on one Redis: every command this test counts reaches that server.
    settings.CACHES = redis_caches(url)
    store_circuit.reset()
    yield server
    store_circuit.reset()


def anon_limit() -> int:
    return rate_of("anon")[0]


@pytest.fixture
def round_trips(monkeypatch):
    """The name of the (first) command of every send to Redis: one round trip each."""
    commands = []
    real = redis.connection.AbstractConnection.send_packed_command

    def counting(self, command, *args, **kwargs):
        # A packed command begins "*<count>\r\n$<length>\r\n<NAME>\r\n".
        packed = command.encode() if isinstance(command, str) else b"".join(command)
        commands.append(packed.split(b"\r\n")[2].decode().upper())
        return real(self, command, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counting)
    return commands


def during(commands, call):
    """(response, commands sent while `call` ran)."""
    before = len(commands)
    response = call()
    return response, commands[before:]


def test_an_anonymous_read_checks_both_limits_in_one_round_trip(
    redis_store, round_trips, api_client, settings
):
    # given a catalog, the response cache off (the uncached path: the limits alone), and
    # the script already loaded by a first request
    settings.RESPONSE_CACHE_ENABLED = False
    MovieFactory.create_batch(2)
    api_client.get("/api/movies/")
    # when an anonymous caller reads the list (subject to "anon" and "user")
    response, commands = during(round_trips, lambda: api_client.get("/api/movies/"))
    # then one command reached Redis, and both limits counted this request
    assert response.status_code == HTTPStatus.OK
    assert commands == ["EVALSHA"]
    keys = {key.decode() for key in redis.Redis.from_url(redis_store.url()).keys("*window")}
    assert any("throttle_anon_" in key for key in keys)
    assert any("throttle_user_" in key for key in keys)
    assert response["X-RateLimit-Remaining"] == str(anon_limit() - 2)


def test_an_anonymous_graphql_query_is_one_round_trip(
    redis_store, round_trips, api_client, settings
):
    settings.RESPONSE_CACHE_ENABLED = False
    query = {"query": "{ allMovies(first: 1) { totalCount } }"}
    api_client.post("/graphql/", query, format="json")
    response, commands = during(
        round_trips, lambda: api_client.post("/graphql/", query, format="json")
    )
    assert response.status_code == HTTPStatus.OK
    assert commands == ["EVALSHA"]


CACHEABLE = pytest.mark.parametrize(
    ("path", "method", "body"),
    [
        ("/api/movies/", "get", None),
        ("/graphql/", "post", {"query": "{ allMovies(first: 1) { totalCount } }"}),
    ],
)


def sender(api_client, method, path, body):
    send = getattr(api_client, method)
    return lambda: send(path, body, format="json") if body else send(path)


@CACHEABLE
def test_a_cached_anonymous_answer_is_one_round_trip(
    redis_store, round_trips, api_client, path, method, body
):
    # given a catalog and an anonymous answer already in the response cache
    MovieFactory.create_batch(2)
    send = sender(api_client, method, path, body)
    first = send()
    assert first.status_code == HTTPStatus.OK
    # when the same request comes again, to this process (its own copy of the answer)
    # and to one that has none (the entry comes from the cache store)
    kept, kept_commands = during(round_trips, send)
    near_cache.clear()
    shared, shared_commands = during(round_trips, send)
    # then both are hits, nothing rendered; with the copy, one command: the rate limit
    # with the generation read in the same script (both in the security store)
    for response in (kept, shared):
        assert response["X-Cache"] == "HIT"
        assert response.content == first.content
    assert kept_commands == ["EVALSHA"]
    # and without it, the entry from the cache store after that script
    assert shared_commands == ["EVALSHA", "GET"]


def test_a_copy_made_stale_by_a_write_is_replaced_from_redis(redis_store, round_trips):
    # given an answer this process filled and keeps a copy of
    first = generation.lookup("answer", near=True)[0]
    generation.save("answer", (first, 200, (), b"old body", '"old"', ""), near=True)
    assert generation.lookup("answer", near=True)[1][3] == b"old body"
    # and a write, after which another process filled the new answer into Redis
    generation.bump()
    current = generation.lookup("answer", near=True)[0]
    generation.store().set("answer", (current, 200, (), b"new body", '"new"', ""))
    # when this process looks the answer up again
    found, commands = during(round_trips, lambda: generation.lookup("answer", near=True))
    # then its old copy is not served: the generations (security store, all in one
    # command), then the entry (cache store), come from Redis
    assert found == (current, (current, 200, (), b"new body", '"new"', ""))
    assert commands == ["MGET", "GET"]
    # and the new answer is kept: the next lookup reads the count of writes alone
    again, commands = during(round_trips, lambda: generation.lookup("answer", near=True))
    assert again[1] == found[1]
    assert commands == ["MGET"]


def window_sizes(server) -> dict[str, int]:
    """The throttles' windows, by scope (other keys may end in "window" too: the
    generation of `movies.trendwindow`)."""
    client = redis.Redis.from_url(server.url())
    return {
        key.decode().split("throttle_")[1].split("_")[0]: client.zcard(key)
        for key in client.keys("*throttle_*window")
    }


def test_a_cacheable_anonymous_read_is_counted_once_whoever_answers_it(redis_store, api_client):
    # given a catalog
    MovieFactory.create_batch(2)
    # when an anonymous caller reads the list twice: a miss the view answers, then a hit
    miss = api_client.get("/api/movies/")
    assert window_sizes(redis_store) == {"anon": 1, "user": 1}
    hit = api_client.get("/api/movies/")
    # then the miss counted each limit once (the response cache's check is reused by
    # the view's throttles), and the hit counted the anonymous limit, as it always has
    assert miss.get("X-Cache") != "HIT"
    assert hit["X-Cache"] == "HIT"
    assert window_sizes(redis_store) == {"anon": 2, "user": 1}
    limit = anon_limit()
    assert miss["X-RateLimit-Remaining"] == str(limit - 1)
    assert hit["X-RateLimit-Remaining"] == str(limit - 2)


def test_a_redis_that_forgot_the_script_is_given_it_again(
    redis_store, round_trips, api_client, caplog
):
    # given a first read (the script is loaded), then a Redis that lost its scripts
    # (restarted or flushed)
    MovieFactory.create_batch(1)
    first = api_client.get("/api/movies/")
    redis.Redis.from_url(redis_store.url()).script_flush()
    # when the next read comes
    response, commands = during(round_trips, lambda: api_client.get("/api/movies/"))
    # then the script is loaded again and the request counted once, with no warning
    limit = anon_limit()
    assert commands == ["EVALSHA", "SCRIPT", "EVALSHA"]
    assert response["X-Cache"] == "HIT"
    assert first["X-RateLimit-Remaining"] == str(limit - 1)
    assert response["X-RateLimit-Remaining"] == str(limit - 2)
    assert window_sizes(redis_store)["anon"] == 2
    assert not [r for r in caplog.records if r.name == "core.security"]


def test_a_connection_redis_dropped_is_made_again(redis_store, api_client, caplog):
    # given a first read, then Redis closing every client connection (as a restart or
    # an idle timeout does) while the pooled one waits for the next request
    MovieFactory.create_batch(1)
    api_client.get("/api/movies/")
    admin = redis.Redis.from_url(redis_store.url())
    assert admin.client_kill_filter(_type="normal", skipme=True) >= 1
    # when the next read comes
    response = api_client.get("/api/movies/")
    # then it is counted in Redis on a new connection, without a warning, and the
    # store is not marked as failing
    limit = anon_limit()
    assert response["X-Cache"] == "HIT"
    assert response["X-RateLimit-Remaining"] == str(limit - 2)
    assert window_sizes(redis_store)["anon"] == 2
    assert not [r for r in caplog.records if r.name == "core.security"]
    assert not store_circuit.is_open()


def test_an_anonymous_graphql_miss_is_counted_once(redis_store, api_client):
    query = {"query": "{ allMovies(first: 1) { totalCount } }"}
    response = api_client.post("/graphql/", query, format="json")
    assert response.get("X-Cache") != "HIT"
    assert response.json() == {"data": {"allMovies": {"totalCount": 0}}}
    assert window_sizes(redis_store) == {"anon": 1}


def test_an_account_endpoint_with_several_limits_is_one_round_trip(
    redis_store, round_trips, api_client
):
    # given the sign-in endpoint (its per-address limit) after a first call
    body = {"username": "nobody", "password": "wrong"}
    api_client.post("/api/users/login/", body)
    # when a second sign-in comes
    response, commands = during(round_trips, lambda: api_client.post("/api/users/login/", body))
    # then one rate-limit command (the refusal itself reads the database, not Redis)
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert commands == ["EVALSHA"]


def test_a_signed_in_read_adds_only_the_deny_list_lookup(redis_store, round_trips):
    # given a signed-in caller (the access token is checked against logout's deny-list)
    client = bearer_client(UserFactory())
    client.get("/api/movies/genres/")
    # when it reads
    response, commands = during(round_trips, lambda: client.get("/api/movies/genres/"))
    # then the deny-list read and one rate-limit call
    assert response.status_code == HTTPStatus.OK
    assert sorted(commands) == ["EVALSHA", "GET"]


def test_a_graphql_sign_in_counts_its_fields_with_the_general_limit_in_one_round_trip(
    redis_store, round_trips, api_client
):
    # given two aliased sign-in fields (each counts against "login") after a warm-up
    document = {
        "query": """mutation {
          a: tokenAuth(username: "nobody", password: "x") { access }
          b: tokenAuth(username: "nobody", password: "y") { access }
          c: tokenAuth(username: "nobody", password: "z") @skip(if: true) { access }
        }"""
    }
    api_client.post("/graphql/", document, format="json")
    # when the document runs again
    response, commands = during(
        round_trips, lambda: api_client.post("/graphql/", document, format="json")
    )
    # then both fields were refused by the service, after one rate-limit command
    assert [e["path"] for e in response.json()["errors"]] == [["a"], ["b"]]
    assert commands == ["EVALSHA"]
    # and the skipped field was not counted: 2 requests x 2 fields
    login_keys = redis.Redis.from_url(redis_store.url()).keys("*throttle_login_*")
    (key,) = login_keys
    assert redis.Redis.from_url(redis_store.url()).zcard(key) == 4


def test_replies_are_parsed_by_the_c_parser():
    # requirements.txt pins hiredis; without it redis-py parses every reply in Python
    # (7 % more instructions for a cached hit: docs/caching.md).
    from redis.utils import HIREDIS_AVAILABLE

    assert HIREDIS_AVAILABLE


def test_a_redis_on_a_unix_socket_keeps_the_limits_and_the_cache(
    socket_store, api_client, tmp_path
):
    # given a Redis on this host reached through its Unix socket (REDIS_URL=unix://...)
    MovieFactory.create_batch(2)
    # when an anonymous caller reads the list twice
    miss = api_client.get("/api/movies/")
    hit = api_client.get("/api/movies/")
    # then the second is a hit from that Redis, and both were counted there, by a
    # client connected through the socket
    clients = redis.Redis.from_url(socket_store.url()).client_list()
    assert any(client["laddr"].startswith(str(tmp_path)) for client in clients)
    assert miss.get("X-Cache") != "HIT"
    assert hit["X-Cache"] == "HIT"
    assert hit.content == miss.content
    assert window_sizes(socket_store) == {"anon": 2, "user": 1}
    assert hit["X-RateLimit-Remaining"] == str(anon_limit() - 2)
