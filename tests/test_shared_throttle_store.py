"""With several gunicorn workers the throttle counts once, in the shared Redis.

gunicorn runs 4 workers with the production settings against a Redis of our own and
an anonymous rate of 20 per hour. 200 anonymous requests, 8 at a time so every worker
serves some, must get at most 1.1 x 20 answers of 200, not 4 x 20 (which per-process
local memory would give).

Judged by counts only, so a busy machine cannot fail it: the window is an hour (a
slow run cannot see it slide and refill), every worker has booted and answered before
the load starts (an open port is not a ready server), and a request may take up to a
minute. The production settings refusing to start without
REDIS_URL is tests/test_deployment.py's job.
"""

import collections
import shutil
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

import pytest
import requests

from scripts.faults.procs import BASE_DIR, PYTHON, Gunicorn, RedisServer, production_env, run

pytestmark = [
    pytest.mark.e2e,
    # CI machines have Redis installed; a laptop with only Python skips this module.
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs the redis-server binary"),
]

LIMIT = 20
REQUESTS = 200
REQUEST_TIMEOUT = 60


@pytest.fixture
def server(tmp_path):
    with RedisServer() as redis:
        env = production_env(
            database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
            redis_url=redis.url(),
            THROTTLE_ANON=f"{LIMIT}/hour",
            MEDIA_ROOT=str(tmp_path / "media"),
            STATIC_ROOT=str(tmp_path),
        )
        run([PYTHON, "manage.py", "migrate", "--noinput"], cwd=BASE_DIR, env=env)
        log = tmp_path / "gunicorn.log"
        with Gunicorn(env, workers=4, log_path=log, access_log=True) as gunicorn:
            gunicorn.wait_until_every_worker_serves("/healthz")
            yield gunicorn


def test_four_workers_share_one_anonymous_limit(server):
    # when: 200 anonymous catalog requests, 8 in flight at a time
    def get(_):
        response = requests.get(f"{server.url}/api/movies/", timeout=REQUEST_TIMEOUT)
        return response.status_code, response.json(), response.headers

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(get, range(REQUESTS)))

    # then: the limit held across the workers, not once per worker
    statuses = collections.Counter(status for status, _, _ in answers)
    assert set(statuses) <= {HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS}, statuses
    assert LIMIT <= statuses[HTTPStatus.OK] <= 1.1 * LIMIT, statuses
    # and the refusals are the shared 429 body with the limit in the headers
    refused = [(body, headers) for status, body, headers in answers if status == 429]
    body, headers = refused[0]
    assert body["status"] == 429 and body["code"] == "throttled"
    assert headers["X-RateLimit-Limit"] == str(LIMIT)
    assert int(headers["Retry-After"]) > 0
    # and several workers answered (one worker alone would prove nothing)
    server.stop()
    served_by = collections.Counter(
        line.split()[1]
        for line in server.log_path.read_text().splitlines()
        if line.startswith("ACCESS ") and line.split()[-1] == "/api/movies/"
    )
    assert sum(served_by.values()) == REQUESTS
    assert len(served_by) >= 2, served_by
    print(f"\nshared limit: {dict(statuses)}; requests per worker {sorted(served_by.values())}")
