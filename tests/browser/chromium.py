"""Debian's Chromium driven by Selenium and Debian's chromedriver, for the browser tests.

Used by the movie API's page tests (``tests/browser/``) and by customer_support's desk
tests. Nothing here downloads a browser or a driver: both binaries come from the
``chromium`` and ``chromium-driver`` packages (``scripts/ci/install_browser.sh``).

The browser's network is closed except for loopback: every other host goes to a proxy
that does not exist, so a page that reaches for a CDN fails (and logs a console error).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_BINARY", "/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    # Closed network: loopback is reached directly, everything else through a dead proxy.
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=127.0.0.1;localhost;[::1]",
)
# Generous: two busy cores shared by several test runs, not a limit under test.
PAGE_LOAD_SECONDS = 120
WAIT_SECONDS = 60


def require_chromium() -> None:
    """Fail (not skip) with the fix when the Debian packages are missing."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not shutil.which(path)]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not found: run scripts/ci/install_browser.sh "
            "(apt-get install chromium chromium-driver)",
            pytrace=False,
        )


@contextlib.contextmanager
def chromium(workdir: Path, *, width: int = 1280, height: int = 900) -> Iterator:
    """A headless Chromium with a fresh profile in ``workdir``, quit on exit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    require_chromium()
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never fetch a driver
    profile = Path(tempfile.mkdtemp(prefix=f"chromium-{width}-", dir=workdir))
    options = Options()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER, log_output=str(workdir / "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    try:
        # The window manager may refuse a window as narrow as a phone: emulate the viewport.
        emulate_viewport(driver, width, height)
        driver.set_page_load_timeout(PAGE_LOAD_SECONDS)
        driver.set_script_timeout(WAIT_SECONDS)
        yield driver
    finally:
        driver.quit()


def emulate_viewport(driver, width: int, height: int) -> None:
    """Lay pages out at exactly ``width`` x ``height`` CSS pixels (a phone below 600)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def full_page_png(driver, width: int, height: int) -> bytes:
    """A screenshot of the whole page at ``width``, then the viewport as it was."""
    full = driver.execute_script("return document.documentElement.scrollHeight")
    emulate_viewport(driver, width, max(full, height))
    try:
        return driver.get_screenshot_as_png()
    finally:
        emulate_viewport(driver, width, height)


def console_errors(driver) -> list[str]:
    """The console's errors since the last call (reading the log empties it).

    A missing /favicon.ico is left out: the browser asks for it on its own, no page does.
    """
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" and "/favicon.ico - " not in entry["message"]
    ]


def wait(driver, condition, message: str, seconds: float = WAIT_SECONDS):
    """WebDriverWait with a message that says what the page failed to show."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds, poll_frequency=0.2).until(condition, message=message)


def navigate(driver, action, what: str) -> None:
    """Run ``action`` (a click that loads a page) and wait until the new page has loaded.

    The old page is marked with a window property; the wait ends when a page without the
    mark is complete. Errors while the old page is being torn down only mean "not yet".
    """
    from selenium.common.exceptions import WebDriverException

    driver.execute_script("window.__oldPage = true")
    action()

    def loaded(d) -> bool:
        try:
            return d.execute_script(
                "return !window.__oldPage && document.readyState === 'complete'"
            )
        except WebDriverException:
            return False

    wait(driver, loaded, f"a new page after {what}")


def artifacts_dir(tmp_path: Path) -> Path:
    """Where failure screenshots go: ``BROWSER_ARTIFACTS_DIR`` (CI keeps it) or the tmp dir."""
    folder = Path(os.environ.get("BROWSER_ARTIFACTS_DIR") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_failure_screenshot(driver, tmp_path: Path, name: str) -> Path:
    """A screenshot and the page's HTML, named after the failed test."""
    folder = artifacts_dir(tmp_path)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:150]
    path = folder / f"{safe}.png"
    driver.save_screenshot(str(path))
    (folder / f"{safe}.html").write_text(driver.page_source)
    return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so a fixture knows the test failed.

    A conftest imports this name to install it.
    """
    report = yield
    setattr(item, f"browser_report_{report.when}", report)
    return report


@contextlib.contextmanager
def screenshot_on_failure(request, driver, tmp_path: Path) -> Iterator:
    """Around a test's use of ``driver``: a failed test leaves a screenshot and the HTML."""
    yield driver
    report = getattr(request.node, "browser_report_call", None)
    if report is None or report.failed:
        path = save_failure_screenshot(driver, tmp_path, request.node.nodeid)
        print(f"browser screenshot of the failure: {path}")
