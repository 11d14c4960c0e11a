"""The cross-endpoint query budget on seed_bench XS data (docs/performance.md).

Per-endpoint counts live next to each endpoint's tests; this module pins the table as a
whole: counts do not grow with the page size (Q1), an endpoint runs at most one query
more than its bare `.values()` baseline B1 (Q2), the absolute budgets (Q3), and the
naive baseline B3 shows its N+1 (Q4), so the benchmark can see one. It also checks that
the benchmark routes exist only in the bench URLconf, and that B1 answers what R1 answers.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve
from graphene_django.debug.sql.tracking import unwrap_cursor

from bench import variants
from bench.management.commands.seed_bench import Command as SeedBench
from conftest import bearer_client
from movies.models import Genre, Movie
from users.models import User

pytestmark = pytest.mark.django_db

PAGE_SIZES = (5, 50, 100)
MOVIE_NODE = "id title year averageRating reviewCount genres { id name } actors { id name }"


@pytest.fixture
def xs(db):
    """The XS benchmark dataset: 50 movies, 10 genres, 100 actors, 200 reviews."""
    # Under DEBUG settings graphene-django's debug middleware wraps the connection's
    # cursor for SQL tracking and leaves it wrapped; its executemany cannot log the
    # seeder's batched rows, so unwrap it first.
    for conn in connections.all():
        unwrap_cursor(conn)
    call_command(SeedBench(), size="XS", seed=42, stdout=StringIO())
    hot = Movie.objects.order_by("-review_count", "id").first()
    return {
        "hot_id": hot.id,
        "genre_id": Genre.objects.order_by("id").first().id,
        "fan": User.objects.get(username="bench-000001"),
    }


def count(func) -> int:
    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured.captured_queries)


def rest_count(client, url, **params) -> int:
    def get():
        response = client.get(url, params)
        assert response.status_code == 200, response.content[:300]

    return count(get)


def gql_count(client, query, variables=None) -> int:
    def post():
        response = client.post(
            "/graphql/", {"query": query, "variables": variables or {}}, format="json"
        )
        assert response.status_code == 200
        assert "errors" not in response.json(), response.json()

    return count(post)


def rest_scenarios(xs):
    return {
        "R1": ("/api/movies/", {}),
        "R3": (
            "/api/movies/",
            {"genre": xs["genre_id"], "min_year": 1960, "ordering": "-average_rating"},
        ),
        "R4-common": ("/api/movies/", {"search": "a"}),
        "R4-selective": ("/api/movies/", {"search": "Storm"}),
        "R6": (f"/api/movies/{xs['hot_id']}/reviews/", {}),
        "R6-cursor": (f"/api/movies/{xs['hot_id']}/reviews/", {"cursor": ""}),
        "reviews": ("/api/movies/reviews/", {}),
    }


def gql_scenarios(xs):
    page = "allMovies(first: $n) { edges { node { " + MOVIE_NODE
    filtered = (
        f'allMovies(first: $n, genre: "{xs["genre_id"]}", search: "e", '
        'orderBy: "-averageRating") { totalCount edges { node { ' + MOVIE_NODE
    )
    return {
        "G1": "query($n: Int) { " + page + " } } } }",
        "G2": "query($n: Int) { "
        + page
        + " reviews(first: 3) { rating text user { username } } } } } }",
        "G4": "query($n: Int) { " + filtered + " } } } }",
        "G6": "query($n: Int) { me { favorites(first: $n) { edges { node { movie { "
        + MOVIE_NODE
        + " myState { favorite rating } } } } } } }",
    }


# --- Q1: the same count at 5, 50 and 100 rows -------------------------------------


def test_q1_rest_counts_do_not_grow_with_page_size(xs, api_client):
    # given the XS catalog, an anonymous client and a fan with 25 favorites
    fan_client = bearer_client(xs["fan"])
    scenarios = rest_scenarios(xs)
    scenarios["R7"] = ("/api/users/me/favorites/", {})
    # when each list is read at 5, 50 and 100 rows a page
    counts = {
        name: [
            rest_count(fan_client if name == "R7" else api_client, url, **params, page_size=size)
            for size in PAGE_SIZES
        ]
        for name, (url, params) in scenarios.items()
    }
    # then every list costs the same whatever the page size
    assert {name: len(set(values)) for name, values in counts.items()} == dict.fromkeys(
        counts, 1
    ), counts


def test_q1_graphql_counts_do_not_grow_with_page_size(xs, api_client):
    # given the XS catalog and the fan (G6 reads the caller's favorites)
    fan_client = bearer_client(xs["fan"])
    # when each query asks for 5, 50 and 100 items
    counts = {
        name: [
            gql_count(fan_client if name == "G6" else api_client, query, {"n": size})
            for size in PAGE_SIZES
        ]
        for name, query in gql_scenarios(xs).items()
    }
    # then the count is flat
    assert {name: len(set(values)) for name, values in counts.items()} == dict.fromkeys(
        counts, 1
    ), counts


# --- Q2: endpoint vs the bare baseline ----------------------------------------------


def b1_request(path, **params):
    request = RequestFactory().get(path, params)
    return request


@pytest.mark.parametrize("size", [20, 100])
def test_q2_movie_list_runs_what_b1_runs_and_answers_the_same(xs, api_client, size):
    # given the XS catalog
    # when the endpoint and the bare baseline list the same page
    with CaptureQueriesContext(connection) as endpoint:
        response = api_client.get("/api/movies/", {"page_size": size})
    with CaptureQueriesContext(connection) as bare:
        baseline = variants.b1_list_view(b1_request("/api/movies/", page_size=size))
    # then the endpoint runs fewer queries than B1 (genres and cast come in one query)
    # and the same rows come back
    assert len(endpoint.captured_queries) - len(bare.captured_queries) <= 1
    assert (len(endpoint.captured_queries), len(bare.captured_queries)) == (3, 4)
    expected = response.json()
    got = json.loads(baseline.content)
    assert got["count"] == expected["count"] == 50
    assert got["results"] == expected["results"]


def test_q2_movie_detail_runs_what_b1_runs_and_answers_the_same(xs, api_client):
    # given the busiest movie of the XS catalog
    movie_id = xs["hot_id"]
    # when the endpoint and the bare baseline read it
    with CaptureQueriesContext(connection) as endpoint:
        response = api_client.get(f"/api/movies/{movie_id}/")
    with CaptureQueriesContext(connection) as bare:
        baseline = variants.b1_detail_view(b1_request(f"/api/movies/{movie_id}/"), movie_id)
    # then the endpoint runs two queries (the row with its rating statistics; genres,
    # cast, crew and keywords together) where B1 runs six, and the body is the same
    assert (len(endpoint.captured_queries), len(bare.captured_queries)) == (2, 6)
    assert json.loads(baseline.content) == response.json()


def test_q2_the_detail_of_the_crewed_movie_answers_as_b1_does(xs, api_client):
    # given seed_bench's movie with a crew (bench.run's R5_crew; the other 99 people at XS)
    from bench.run import crewed_movie

    movie_id = crewed_movie()
    # when the endpoint and the bare baseline read it
    with CaptureQueriesContext(connection) as endpoint:
        response = api_client.get(f"/api/movies/{movie_id}/")
    with CaptureQueriesContext(connection) as bare:
        baseline = variants.b1_detail_view(b1_request(f"/api/movies/{movie_id}/"), movie_id)
    # then the same queries as any detail, and the same body with its 100 crew
    assert (len(endpoint.captured_queries), len(bare.captured_queries)) == (2, 6)
    body = response.json()
    assert len(body["crew"]) >= 99 and json.loads(baseline.content) == body  # XS: 100 people


# --- Q3: absolute budgets -------------------------------------------------------------


def test_q3_absolute_counts(xs, api_client):
    # given the XS catalog
    gql = gql_scenarios(xs)
    # when each scenario runs once at the default page size
    counts = {
        "REST list": rest_count(api_client, "/api/movies/"),
        "REST cursor list": rest_count(
            api_client, f"/api/movies/{xs['hot_id']}/reviews/", cursor=""
        ),
        "G1": gql_count(api_client, gql["G1"], {"n": 20}),
        "G2": gql_count(api_client, gql["G2"], {"n": 20}),
        "G4": gql_count(api_client, gql["G4"].replace("totalCount ", ""), {"n": 20}),
        "G4 + totalCount": gql_count(api_client, gql["G4"], {"n": 20}),
    }
    # then they are the budgets
    assert counts == {
        "REST list": 3,  # COUNT, page, genres and actors in one query
        "REST cursor list": 2,  # the movie (404 check), reviews joined with authors; no COUNT
        "G1": 2,
        "G2": 3,
        "G4": 2,
        "G4 + totalCount": 3,
    }


# --- Q4: the naive baseline shows its N+1 ------------------------------------------


@pytest.mark.parametrize("size", [5, 20])
def test_q4_naive_drf_list_is_two_plus_two_n(xs, size):
    # given the naive DRF list (ModelSerializer, nothing prefetched)
    view = variants.NaiveMovieList.as_view()
    # when it serves a page of `size` movies
    with CaptureQueriesContext(connection) as captured:
        response = view(b1_request("/__bench__/b3/", page_size=size))
        response.render()
    # then COUNT + page + genres and actors once per movie
    assert response.status_code == 200
    assert len(response.data["results"]) == size
    assert len(captured.captured_queries) == 2 + 2 * size


# --- The benchmark routes are not in a normal deployment ---------------------------


def test_bench_routes_absent_from_the_product_urls(api_client, settings):
    # given the product settings (only bench/settings.py selects bench.urls)
    assert settings.ROOT_URLCONF == "movie_api.urls"
    assert "bench" not in settings.INSTALLED_APPS
    # when a baseline route is asked for
    response = api_client.get("/__bench__/b0/")
    # then it does not exist
    assert response.status_code == 404
    with pytest.raises(Resolver404):
        resolve("/__bench__/b1/")
