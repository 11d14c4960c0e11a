"""Open the admin, Swagger UI, ReDoc and GraphiQL in headless Chromium under the
production settings and check that they work under the Content-Security-Policy.

    .venv/bin/python -m scripts.ci.browser_csp_check [--redis-url redis://127.0.0.1:6379/12]

Needs Debian's `chromium` and `chromium-driver` (scripts/ci/install_browser.sh) and a
Redis the production settings can use (one DB number of its own; it is not flushed).
The server is the real one (manage.py runserver, DEBUG off, collected static files,
production settings with throwaway keys) on a free loopback port, with the demo data.
Each page must render its main element, and the browser console must hold no CSP
violation ("Refused to ...") and no script error. Exit status 0 when every page passes.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.live_server import REPO_ROOT, manage, serve

CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
WAIT_SECONDS = 30
# Violations that are the policy doing its job on a page that works without the resource:
# ReDoc's "API docs by Redocly" footer points its logo at a CDN, and nothing may be
# fetched from a CDN at run time.
EXPECTED_VIOLATIONS = ("https://cdn.redoc.ly/",)


@dataclass
class PageResult:
    name: str
    url: str
    rendered: bool
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rendered and not self.problems


def production_env(workdir: Path, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="movie_api.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        JWT_SIGNING_KEY=secrets.token_urlsafe(48),
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        REDIS_URL=redis_url,
        REDIS_SECURITY_URL=redis_url,
        CACHE_KEY_PREFIX=f"csp-check-{secrets.token_hex(4)}",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on loopback: no redirect to https, no HSTS.
        SECURE_SSL_REDIRECT="False",
        SECURE_HSTS_SECONDS="0",
        # GraphiQL is useless without introspection (it loads the schema that way).
        GRAPHQL_GRAPHIQL="True",
        GRAPHQL_INTROSPECTION="True",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def console_problems(driver) -> list[str]:
    """CSP violations and script errors from the console since the last call."""
    problems = []
    for entry in driver.get_log("browser"):
        message = entry.get("message", "")
        if "favicon.ico" in message or any(url in message for url in EXPECTED_VIOLATIONS):
            continue
        csp = "Content Security Policy" in message or "Refused to" in message
        if csp or entry.get("level") == "SEVERE":
            problems.append(message[:300])
    return problems


def check_page(driver, name: str, url: str, selector: str) -> PageResult:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    try:
        WebDriverWait(driver, WAIT_SECONDS).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, selector))
        )
        rendered = True
    except TimeoutException:
        rendered = False
    return PageResult(name, url, rendered, console_problems(driver))


def admin_login(driver, base: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/admin/login/?next=/admin/")
    driver.find_element(By.NAME, "username").send_keys("admin")
    driver.find_element(By.NAME, "password").send_keys(
        os.environ.get("DEMO_ADMIN_PASSWORD", "admin-Pass-123")
    )
    driver.find_element(By.CSS_SELECTOR, "input[type=submit], button[type=submit]").click()


def run(redis_url: str) -> list[PageResult]:
    with tempfile.TemporaryDirectory(prefix="csp-check-") as tmp:
        workdir = Path(tmp)
        env = production_env(workdir, redis_url)
        log = workdir / "server.log"
        manage(["migrate", "--noinput"], env, log)
        manage(["collectstatic", "--noinput"], env, log)
        manage(["load_demo_data"], env, log)
        with serve(env, log) as base:
            driver = browser()
            try:
                results = [check_page(driver, "admin login", f"{base}/admin/login/", "#login-form")]
                admin_login(driver, base)
                results += [
                    check_page(driver, "admin index", f"{base}/admin/", "#user-tools"),
                    # A change form with the admin's widgets (calendar, related lookups).
                    check_page(
                        driver, "admin add movie", f"{base}/admin/movies/movie/add/", "#movie_form"
                    ),
                    check_page(driver, "Swagger UI", f"{base}/swagger/", ".swagger-ui .info"),
                    check_page(driver, "ReDoc", f"{base}/redoc/", ".api-content"),
                    check_page(driver, "GraphiQL", f"{base}/graphql/", ".graphiql-container"),
                ]
            finally:
                driver.quit()
            csp = _policy_of(f"{base}/swagger/")
        print(f"Content-Security-Policy: {csp}")
        return results


def _policy_of(url: str) -> str:
    import requests

    return requests.get(url, timeout=10).headers.get("Content-Security-Policy", "(none)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("CSP_CHECK_REDIS_URL", "redis://127.0.0.1:6379/12"),
    )
    args = parser.parse_args(argv)
    os.chdir(REPO_ROOT)
    results = run(args.redis_url)
    for result in results:
        status = "ok" if result.ok else "FAIL"
        print(f"{status:4} {result.name:16} rendered={result.rendered} {result.url}")
        for problem in result.problems:
            print(f"     console: {problem}")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
