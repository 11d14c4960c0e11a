"""Freshness of the response cache across processes, on PostgreSQL with Redis.

gunicorn with 2 workers and the production settings (its own Redis and database), 3
clients each renaming their own movie through the API and reading it back anonymously
at once (REST detail, REST list, GraphQL in turn) while a background reader keeps the
cache filled: no read may show a title other than the one just written. The full
figure (10,000 pairs) is `python -m bench.freshness --pairs 10000` (bench/README.md);
this test runs fewer so it stays within a few minutes on a busy machine.
"""

import os
import shutil

import pytest

from bench import freshness

pytestmark = [
    pytest.mark.pg,
    pytest.mark.slow,
    pytest.mark.e2e,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs the redis-server binary"),
]

PAIRS = 240


def test_no_read_after_a_write_is_stale_across_workers():
    database_url = os.environ["DATABASE_URL"].rstrip("/") + "_freshness"
    try:
        result = freshness.measure(database_url, PAIRS, workers=2, readers=1, clients=3)
    finally:
        freshness.drop_database(database_url)
    assert result["errors"] == 0, result["examples"]
    assert result["stale"] == 0, result["examples"]
    assert result["pairs"] == PAIRS
    # at least two workers answered a fair share (the pairs really crossed processes;
    # gunicorn may recycle a worker after max_requests, adding a pid)
    busy = [count for count in result["requests_per_worker"].values() if count >= PAIRS // 4]
    assert len(busy) >= 2
