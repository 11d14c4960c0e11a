"""The admin, Swagger UI, ReDoc and GraphiQL work in a real browser under the CSP.

Slow tier: starts the server under the production settings and headless Chromium
(scripts/ci/browser_csp_check.py; CI installs the browser with
scripts/ci/install_browser.sh; a missing browser fails the test). Needs a redis-server
binary: the test starts its own.
"""

import pytest

from scripts.ci import browser_csp_check
from scripts.faults.procs import RedisServer

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def test_docs_admin_and_graphiql_render_without_csp_violations():
    # given: the production settings on a Redis of the test's own (never a shared
    # database number another run may be counting throttles in)
    with RedisServer() as redis:
        # when each page is opened in headless Chromium
        results = browser_csp_check.run(redis.url())
    # then each rendered its main element with no CSP violation or script error
    assert [r.name for r in results] == [
        "sign-in page", "admin login", "admin index", "admin add movie", "Swagger UI", "ReDoc",
        "GraphiQL",
    ]  # fmt: skip
    failures = {r.name: (r.rendered, r.problems) for r in results if not r.ok}
    assert failures == {}
