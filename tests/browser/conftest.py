"""The movie API's own pages in Debian's Chromium: a real server with collected static files."""

import contextlib
from pathlib import Path

import pytest

from tests.browser.chromium import (
    chromium,
    pytest_runtest_makereport,  # noqa: F401  (installs the hook: failures keep a screenshot)
    screenshot_on_failure,
)
from tests.live_server import LiveServer, manage, serve, server_env


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> LiveServer:
    """The movie API with demo data, DEBUG off, static files collected and served by WhiteNoise."""
    workdir: Path = tmp_path_factory.mktemp("movie_api_site")
    env = server_env(workdir, {"STATIC_ROOT": str(workdir / "static")})
    log = workdir / "server.log"
    manage(["migrate", "--noinput"], env, log)
    manage(["load_demo_data"], env, log)
    manage(["collectstatic", "--noinput"], env, log)
    with serve(env, log) as url:
        yield LiveServer(url=url, log=log)


@pytest.fixture
def browser(request, tmp_path):
    """A 1280 px Chromium; a failed test leaves a screenshot and the page's HTML."""
    with contextlib.ExitStack() as stack:
        driver = stack.enter_context(chromium(tmp_path, width=1280, height=900))
        yield stack.enter_context(screenshot_on_failure(request, driver, tmp_path))
