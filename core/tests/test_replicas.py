"""Read replicas: routing by alias, read-your-writes, fallback when a replica is down or lags.

The PostgreSQL tests use a second alias on the same test database as a stand-in replica
and tell the aliases apart by which connection ran each query.
"""

import json
import time
from http import HTTPStatus

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connections, router, transaction
from django.db.utils import OperationalError, ProgrammingError
from django.test.utils import CaptureQueriesContext
from prometheus_client import REGISTRY

from conftest import bearer_client
from core import replicas
from core.replicas import ReplicaRouter, health, use_primary
from movies.models import Movie
from movies.selectors.rows import row_by_pk
from movies.tests.factories import MovieFactory
from scripts.faults.procs import free_port

REPLICA = "replica_0"
MOVIES = "/api/movies/"


def test_without_replica_urls_there_is_no_router_and_no_middleware():
    # The embedded default (and CI, which sets no DATABASE_REPLICA_URLS) pays nothing.
    assert django_settings.REPLICA_DATABASES == []
    assert django_settings.DATABASE_ROUTERS == []
    assert "core.replicas.ReadYourWritesMiddleware" not in django_settings.MIDDLEWARE
    assert set(django_settings.DATABASES) == {"default"}


def test_migrations_and_writes_only_on_the_primary():
    replica_router = ReplicaRouter()
    assert replica_router.allow_migrate("default", "movies") is True
    assert replica_router.allow_migrate(REPLICA, "movies") is False
    assert replica_router.db_for_write(Movie) == "default"


def test_with_no_replica_configured_reads_stay_on_the_primary(settings):
    settings.REPLICA_DATABASES = []
    assert ReplicaRouter().db_for_read(Movie) == "default"


@pytest.fixture
def stand_in_replica(settings, transactional_db):
    """`replica_0`: a second connection to the test database, routed as a replica.

    Registered on the connection handler only (not in settings.DATABASES), as a
    connection made at run time, so the test case lets it connect.
    """
    primary = connections["default"]
    replica_settings = {**primary.settings_dict, "OPTIONS": {**primary.settings_dict["OPTIONS"]}}
    connections[REPLICA] = primary.__class__(replica_settings, alias=REPLICA)
    settings.REPLICA_DATABASES = [REPLICA]
    settings.DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"]
    settings.MIDDLEWARE = ["core.replicas.ReadYourWritesMiddleware", *settings.MIDDLEWARE]
    # Response-cache fills always read the primary (a lagging replica must never be
    # cached under a new generation: core/caching), so routing is observed on
    # the uncached path.
    settings.RESPONSE_CACHE_ENABLED = False
    # Likewise a memoised list total is counted on the primary when it is missing
    # (test_a_memoised_total_is_counted_on_the_primary_and_the_page_read_on_the_replica).
    settings.COUNT_CACHE_ENABLED = False
    health.reset()
    yield replica_settings
    connections[REPLICA].close()
    del connections[REPLICA]
    health.reset()


def movie_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if '"movies_movie"' in q["sql"]]


def ran_on(client, url):
    """(response, movie queries on the replica, movie queries on the primary)."""
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(url)
    return response, movie_queries(on_replica), movie_queries(on_primary)


@pytest.mark.pg
def test_reads_go_to_the_replica_and_writes_to_the_primary(stand_in_replica, api_client, user):
    MovieFactory(title="Heat")
    response, on_replica, on_primary = ran_on(api_client, MOVIES)
    assert response.status_code == HTTPStatus.OK
    assert [m["title"] for m in response.json()["results"]] == ["Heat"]
    assert on_replica and not on_primary

    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        Movie.objects.filter(title="Heat").update(title="Ronin")
    assert on_replica.captured_queries == []
    assert Movie.objects.using("default").get().title == "Ronin"


@pytest.mark.pg
def test_graphql_movie_by_id_is_routed_per_call(stand_in_replica, api_client):
    # movie(id) runs a statement compiled once (movies/selectors/rows.py); the router
    # still picks the connection on every call. Over GET: a POST counts as a write.
    movie = MovieFactory(title="Heat")
    query = "query($id: ID!) { movie(id: $id) { title } }"
    params = {"query": query, "variables": json.dumps({"id": movie.pk})}
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = api_client.get("/graphql/", params)
    assert response.json() == {"data": {"movie": {"title": "Heat"}}}
    assert movie_queries(on_replica) and not movie_queries(on_primary)

    with (
        use_primary(),
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        assert row_by_pk(Movie, movie.pk, ["title"]).title == "Heat"
    assert movie_queries(on_primary) and not movie_queries(on_replica)


@pytest.mark.pg
def test_a_memoised_total_is_counted_on_the_primary_and_the_page_read_on_the_replica(
    stand_in_replica, settings, api_client
):
    settings.COUNT_CACHE_ENABLED = True
    MovieFactory(title="Heat")
    # a miss: the total that will be stored comes from the primary, never a lagging copy
    response, on_replica, on_primary = ran_on(api_client, MOVIES)
    assert response.json()["count"] == 1
    assert on_primary == ['SELECT COUNT(*) AS "__count" FROM "movies_movie"']
    assert on_replica and not any("COUNT(" in sql for sql in on_replica)
    # then the memo: no COUNT anywhere, the page still from the replica
    response, on_replica, on_primary = ran_on(api_client, MOVIES)
    assert response.json()["count"] == 1
    assert on_primary == [] and on_replica
    assert not any("COUNT(" in sql for sql in on_replica)


@pytest.mark.pg
def test_a_client_that_wrote_reads_from_the_primary_for_the_window(
    stand_in_replica, settings, user
):
    settings.REPLICA_READ_YOUR_WRITES_SECONDS = 10
    movie = MovieFactory()
    writer, bystander = bearer_client(user), bearer_client(user)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        created = writer.post(f"/api/movies/{movie.pk}/reviews/", {"rating": 4}, format="json")
    assert created.status_code == HTTPStatus.CREATED, created.content
    # The write request itself read nothing from the replica.
    assert on_replica.captured_queries == []
    assert created.cookies["movie_api_rw"]["max-age"] == 10

    response, on_replica, on_primary = ran_on(writer, f"/api/movies/{movie.pk}/")
    assert response.json()["review_count"] == 1
    assert on_primary and not on_replica

    # Another client (no cookie) still reads from the replica.
    _, on_replica, on_primary = ran_on(bystander, f"/api/movies/{movie.pk}/")
    assert on_replica and not on_primary

    # After the window the server refuses the old cookie: back to the replica.
    with time_machine.travel(time.time() + 11, tick=False):
        _, on_replica, on_primary = ran_on(writer, f"/api/movies/{movie.pk}/")
    assert on_replica and not on_primary


@pytest.mark.pg
def test_a_failed_write_opens_no_window_and_a_forged_cookie_is_ignored(
    stand_in_replica, api_client
):
    movie = MovieFactory()
    refused = api_client.post(f"/api/movies/{movie.pk}/reviews/", {"rating": 4}, format="json")
    assert refused.status_code == HTTPStatus.UNAUTHORIZED
    assert "movie_api_rw" not in refused.cookies

    api_client.cookies["movie_api_rw"] = "1700000000"
    _, on_replica, on_primary = ran_on(api_client, MOVIES)
    assert on_replica and not on_primary


@pytest.mark.pg
def test_a_graphql_mutation_opens_the_window(stand_in_replica, user):
    movie = MovieFactory()
    client = bearer_client(user)
    mutation = (
        "mutation($in: ReviewCreateInput!) { createReview(input: $in) { review { rating } } }"
    )
    variables = {"in": {"movieId": str(movie.pk), "rating": 5}}
    response = client.post("/graphql/", {"query": mutation, "variables": variables}, format="json")
    assert response.status_code == HTTPStatus.OK, response.content
    assert response.json()["data"]["createReview"]["review"]["rating"] == 5
    assert "movie_api_rw" in response.cookies


@pytest.mark.pg
def test_atomic_blocks_and_use_primary_read_from_the_primary(stand_in_replica):
    assert router.db_for_read(Movie) == REPLICA
    with transaction.atomic():
        assert router.db_for_read(Movie) == "default"
    with use_primary():
        with use_primary():
            assert router.db_for_read(Movie) == "default"
        assert router.db_for_read(Movie) == "default"
    assert router.db_for_read(Movie) == REPLICA


@pytest.mark.pg
def test_a_replica_on_a_closed_port_falls_back_to_the_primary(stand_in_replica, api_client):
    stand_in_replica["PORT"] = free_port()
    stand_in_replica["OPTIONS"]["connect_timeout"] = 2
    MovieFactory(title="Heat")

    with CaptureQueriesContext(connections["default"]) as on_primary:
        response = api_client.get(MOVIES)
    assert response.status_code == HTTPStatus.OK
    assert [m["title"] for m in response.json()["results"]] == ["Heat"]
    assert movie_queries(on_primary)
    assert connections[REPLICA].connection is None
    assert health.is_down(REPLICA)

    # While marked down, the replica is not even tried: no new connection attempt.
    attempts = []
    connections[REPLICA].ensure_connection = lambda: attempts.append(1)
    assert api_client.get(MOVIES).status_code == HTTPStatus.OK
    assert attempts == []


@pytest.mark.pg
def test_a_replica_that_lags_beyond_the_bound_is_skipped(stand_in_replica, settings, monkeypatch):
    settings.REPLICA_MAX_LAG_SECONDS = 5
    lag = {"seconds": 60.0}
    probes = []

    def fake_lag(alias):
        probes.append(alias)
        return lag["seconds"]

    clock = {"now": 1000.0}
    monkeypatch.setattr(replicas, "measure_lag", fake_lag)
    monkeypatch.setattr(health, "clock", lambda: clock["now"])

    assert [router.db_for_read(Movie) for _ in range(20)] == ["default"] * 20
    # Asked once for those 20 reads: the lag is cached for a second per process.
    assert probes == [REPLICA]
    assert REGISTRY.get_sample_value("movie_api_replica_lag_seconds", {"alias": REPLICA}) == 60

    lag["seconds"] = 0.5
    clock["now"] += 1.0
    assert router.db_for_read(Movie) == REPLICA
    assert probes == [REPLICA, REPLICA]


@pytest.mark.pg
def test_the_lag_probe_runs_on_postgresql_and_reads_are_counted(stand_in_replica):
    # The stand-in is not in recovery: it is a primary, so it has no lag at all.
    assert replicas.measure_lag(REPLICA) == 0.0
    before = REGISTRY.get_sample_value("movie_api_db_read_routes_total", {"alias": REPLICA}) or 0
    router.db_for_read(Movie)
    after = REGISTRY.get_sample_value("movie_api_db_read_routes_total", {"alias": REPLICA})
    assert after == before + 1


def test_a_replica_query_failing_with_a_connection_error_takes_the_replica_out():
    health.reset()
    wrapper = replicas._mark_down_on_error(REPLICA)

    def dead_server(sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with pytest.raises(OperationalError):
        wrapper(dead_server, "SELECT 1", None, False, {})
    assert health.is_down(REPLICA)
    # A query error that is not about the connection leaves the replica in service.
    health.reset()

    def bad_query(sql, params, many, context):
        raise ProgrammingError("syntax error")

    with pytest.raises(ProgrammingError):
        wrapper(bad_query, "SELEC 1", None, False, {})
    assert not health.is_down(REPLICA)
