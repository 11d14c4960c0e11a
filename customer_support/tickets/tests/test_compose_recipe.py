"""compose.yaml's desk → movie API connection, without containers: the same env, two processes.

In compose the desk calls the API at ``http://api:8000`` on the private network, while the
API runs its production settings: a Host it does not serve is ``bad_host`` (400), and plain
http is redirected to https (301, which turns GraphQL's POST into a GET). Here the API runs
those production settings on a loopback port (its public name ``api.test``, TLS ending in
front of it, one proxy hop), and the desk is configured the way compose configures it.
"""

import sys

import pytest
import requests

from ..movie_api_client.client import MovieApiClient
from .live_movie_api import MANAGE_PY, REPO_ROOT, live_movie_api

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from scripts.faults.procs import RedisServer, production_env

pytestmark = [
    pytest.mark.slow,
    pytest.mark.e2e,
    pytest.mark.skipif(not MANAGE_PY.is_file(), reason=f"{MANAGE_PY} (the movie API) is absent"),
]

PUBLIC_URL = "https://api.test"
AS_THE_PROXY = {"Host": "api.test", "X-Forwarded-Proto": "https"}


@pytest.fixture(scope="module")
def production_api(tmp_path_factory):
    """The movie API with compose.yaml's production defaults; yields its internal base URL."""
    workdir = tmp_path_factory.mktemp("compose")
    with RedisServer() as redis:
        serve_env = production_env(
            database_url=f"sqlite:///{workdir / 'e2e.sqlite3'}",
            redis_url=redis.url(),
            # compose.yaml's defaults, which the old desk configuration tripped over
            ALLOWED_HOSTS="api.test",
            SECURE_SSL_REDIRECT="true",
            NUM_PROXIES="1",
        )
        with live_movie_api(workdir, serve_env=serve_env, headers=AS_THE_PROXY) as graphql_url:
            yield graphql_url.removesuffix("/graphql/")


def test_the_old_configuration_is_refused_by_the_production_api(production_api):
    # A plain POST to the internal address, as the desk used to send it.
    body = {"query": "{ allMovies(first: 1) { totalCount } }"}
    url = f"{production_api}/graphql/"
    plain = requests.post(url, json=body, timeout=30, allow_redirects=False)

    assert plain.status_code in (301, 400), plain.text[:200]


def test_the_desk_configured_as_compose_does_reads_the_catalog(production_api, settings):
    # given: compose's desk settings, the public name and the internal address apart
    settings.MOVIE_API_URL = PUBLIC_URL
    settings.MOVIE_API_INTERNAL_URL = production_api
    settings.MOVIE_API_GRAPHQL_URL = f"{production_api}/graphql/"
    settings.MOVIE_API_READ_TIMEOUT = 60.0  # a busy machine, not the timeout under test

    # when
    page = MovieApiClient.from_settings().all_movies(first=3)

    # then: answered, with the demo catalog
    assert page.total_count >= 1 and len(page.items) >= 1
    assert all(movie.title for movie in page.items)
