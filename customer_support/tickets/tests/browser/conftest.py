"""The desk in a real browser: Debian's Chromium, the real movie API, the desk's live server."""

import sys

import pytest

from ..live_movie_api import REPO_ROOT

# The Chromium helper is shared with the movie API's own browser tests, in the repository root.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.browser.chromium import (
    chromium,
    pytest_runtest_makereport,  # noqa: F401  (installs the hook: failures keep a screenshot)
    screenshot_on_failure,
)


@pytest.fixture
def browser_factory(request, tmp_path):
    """Open Chromium windows of a given width; each is screenshotted if the test fails."""
    import contextlib

    with contextlib.ExitStack() as stack:

        def open_browser(width: int, height: int = 900):
            driver = stack.enter_context(chromium(tmp_path, width=width, height=height))
            return stack.enter_context(screenshot_on_failure(request, driver, tmp_path))

        yield open_browser
