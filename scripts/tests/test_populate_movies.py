"""populate_movies.py run as a user runs it, against a live server on a loopback port."""

import os
import subprocess
import sys
import time
from http import HTTPStatus

import pytest
import requests

from scripts.populate_movies import ACTORS, GENRES, Progress, build_dataset
from scripts.tests.conftest import ADMIN, VIEWER
from tests.live_server import REPO_ROOT, free_port

CATALOG_TABLES = ("movies_genre", "movies_actor", "movies_movie", "movies_review")


def populate(url, *args, credentials=ADMIN, env=None):
    """Run the script in a subprocess, as a user would; returns the CompletedProcess."""
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith("MOVIE_API_")}
    cred_args = ["--username", credentials[0], "--password", credentials[1]] if credentials else []
    return subprocess.run(
        [sys.executable, "scripts/populate_movies.py", "--url", url, *cred_args, *args],
        cwd=REPO_ROOT,
        env={**clean_env, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


def summary(completed) -> dict[str, tuple[int, int, int]]:
    """{"movies": (created, existing, failed), ...} from the script's summary lines."""
    out = {}
    for line in completed.stdout.splitlines():
        kind, sep, rest = line.strip().partition(": created ")
        if sep:
            numbers = rest.replace("existing ", "").replace("failed ", "").split(", ")
            out[kind] = tuple(int(n) for n in numbers)
    return out


def catalog_counts(server) -> dict[str, int]:
    return {table: server.count(table) for table in CATALOG_TABLES}


def assert_demo_catalog(server, movies: int, reviews: int):
    assert catalog_counts(server) == {
        "movies_genre": 13,
        "movies_actor": 15,
        "movies_movie": movies,
        "movies_review": reviews,
    }
    per_movie = server.rows(
        """SELECT m.id, m.plot, m.release_date,
                  (SELECT COUNT(*) FROM movies_movie_genres g WHERE g.movie_id = m.id),
                  (SELECT COUNT(*) FROM movies_casting c WHERE c.movie_id = m.id)
           FROM movies_movie m"""
    )
    for _id, plot, release_date, genres, actors in per_movie:
        assert plot and release_date
        assert 1 <= genres <= 3
        assert 2 <= actors <= 5
    # every movie has its director, one of the demo people (each with a birthplace)
    directors = server.rows(
        """SELECT m.id, COUNT(k.id) FROM movies_movie m LEFT JOIN movies_crewcredit k
           ON k.movie_id = m.id AND k.job = 'Director' AND k.department = 'Directing'
           GROUP BY m.id"""
    )
    assert all(count == 1 for _id, count in directors)
    assert server.rows("SELECT COUNT(*) FROM movies_actor WHERE place_of_birth = ''") == [(0,)]
    assert sorted(n for (n,) in server.rows("SELECT name FROM movies_genre")) == sorted(GENRES)
    assert sorted(n for (n,) in server.rows("SELECT name FROM movies_actor")) == sorted(ACTORS)


# --------------------------------------------------------------------------- no server


def test_dataset_is_deterministic_by_seed_and_has_the_promised_shape():
    # when
    first = build_dataset(seed=7, count=100)
    again = build_dataset(seed=7, count=100)
    other = build_dataset(seed=8, count=100)

    # then
    assert first == again
    assert first.movies != other.movies
    assert (len(first.genres), len(first.actors), len(first.movies)) == (13, 15, 100)
    assert len({m.title for m in first.movies}) == 100
    assert len({m.tmdb_id for m in first.movies}) == 100
    assert not {m.tmdb_id for m in first.movies} & {m.tmdb_id for m in other.movies}
    for movie in first.movies:
        assert 1 <= len(movie.genres) <= 3 and set(movie.genres) <= set(GENRES)
        assert 2 <= len(movie.actors) <= 5 and set(movie.actors) <= set(ACTORS)
        assert movie.plot and movie.release_date


def test_progress_prints_plain_lines_when_not_on_a_terminal(capsys):
    # given
    progress = Progress("movies", 30, sys.stderr)

    # when
    for _ in range(30):
        progress.step()
    progress.close()

    # then
    assert capsys.readouterr().err.splitlines() == [
        f"movies: {n}/30" for n in (3, 6, 9, 12, 15, 18, 21, 24, 27, 30)
    ]


@pytest.mark.e2e
def test_closed_port_is_a_one_line_error():
    # given
    url = f"http://127.0.0.1:{free_port()}"

    # when
    completed = populate(url, "--count", "2")

    # then
    assert completed.returncode == 1
    assert completed.stderr.splitlines() == [
        f"populate_movies: error: cannot reach the server at {url} (ConnectionError)"
    ]
    assert "Traceback" not in completed.stderr + completed.stdout


# --------------------------------------------------------------------------- live server


@pytest.mark.e2e
def test_rest_creates_the_demo_catalog_and_a_rerun_adds_nothing(api_server):
    # when
    first = populate(api_server.url, "--count", "12", "--seed", "3", "--reviews")

    # then
    assert first.returncode == 0, first.stderr
    assert summary(first) == {
        "genres": (13, 0, 0),
        "actors": (15, 0, 0),
        "movies": (12, 0, 0),
        "reviews": (12, 0, 0),
    }
    assert_demo_catalog(api_server, movies=12, reviews=12)
    listed = requests.get(f"{api_server.url}/api/movies/", params={"page_size": 100}, timeout=60)
    assert listed.status_code == HTTPStatus.OK
    assert listed.json()["count"] == 12
    assert all(m["review_count"] == 1 for m in listed.json()["results"])

    # when
    again = populate(api_server.url, "--count", "12", "--seed", "3", "--reviews")

    # then
    assert again.returncode == 0, again.stderr
    assert summary(again) == {
        "genres": (0, 13, 0),
        "actors": (0, 15, 0),
        "movies": (0, 12, 0),
        "reviews": (0, 12, 0),
    }
    assert_demo_catalog(api_server, movies=12, reviews=12)


@pytest.mark.e2e
def test_graphql_creates_the_demo_catalog_and_a_rerun_adds_nothing(api_server):
    # given: credentials from the environment this time
    env = {"MOVIE_API_USERNAME": ADMIN[0], "MOVIE_API_PASSWORD": ADMIN[1]}

    # when
    first = populate(
        api_server.url, "--via", "graphql", "--count", "8", "--reviews", credentials=None, env=env
    )

    # then
    assert first.returncode == 0, first.stderr
    assert "via graphql" in first.stdout
    assert summary(first) == {
        "genres": (13, 0, 0),
        "actors": (15, 0, 0),
        "movies": (8, 0, 0),
        "reviews": (8, 0, 0),
    }
    assert_demo_catalog(api_server, movies=8, reviews=8)

    # when: the same data again, through the other API
    again = populate(api_server.url, "--count", "8", "--reviews", credentials=None, env=env)

    # then
    assert again.returncode == 0, again.stderr
    assert summary(again)["movies"] == (0, 8, 0)
    assert summary(again)["reviews"] == (0, 8, 0)
    assert_demo_catalog(api_server, movies=8, reviews=8)


@pytest.mark.e2e
def test_defaults_create_100_movies(api_server):
    # when
    started = time.monotonic()
    completed = populate(api_server.url)
    elapsed = time.monotonic() - started

    # then
    assert completed.returncode == 0, completed.stderr
    assert summary(completed)["movies"] == (100, 0, 0)
    assert_demo_catalog(api_server, movies=100, reviews=0)
    print(f"100 movies through REST in {elapsed:.1f}s")


@pytest.mark.e2e
@pytest.mark.parametrize("via", ["rest", "graphql"])
def test_wrong_password_is_a_one_line_error(shared_api_server, via):
    # when
    completed = populate(
        shared_api_server.url, "--via", via, "--count", "2", credentials=(ADMIN[0], "wrong")
    )

    # then
    assert completed.returncode == 1
    lines = completed.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("populate_movies: error: login refused (")
    assert "No active account found with the given credentials" in lines[0]
    assert "Traceback" not in completed.stderr + completed.stdout
    assert set(catalog_counts(shared_api_server).values()) == {0}


@pytest.mark.e2e
@pytest.mark.parametrize("via", ["rest", "graphql"])
def test_non_staff_account_is_a_one_line_error(shared_api_server, via):
    # when
    completed = populate(shared_api_server.url, "--via", via, "--count", "2", credentials=VIEWER)

    # then
    assert completed.returncode == 1
    assert completed.stderr.splitlines() == [
        "populate_movies: error: the account 'viewer' is not staff; "
        "the catalog needs a staff account"
    ]
    assert set(catalog_counts(shared_api_server).values()) == {0}


@pytest.mark.e2e
def test_missing_credentials_is_a_usage_error():
    # when
    completed = populate("http://127.0.0.1:1", "--count", "2", credentials=None)

    # then
    assert completed.returncode == 2
    assert "give --username and --password" in completed.stderr
    assert "Traceback" not in completed.stderr
