"""The help desk under load, signed in with Movie API: per-user limits stay per user.

    .venv/bin/python bench/desk_load.py [--customers 50] [--heavy-searches 1000]
        [--searches-each 5] [--unknown-sign-ins 30] [--user-rate 300/min]

Starts the movie API (runserver, its demo data, the desk registered as an OAuth client,
``--customers`` extra accounts, its per-user limit set to ``--user-rate``) and the desk
(gunicorn, DATABASE_URL from the environment or a SQLite file in a temporary folder), both
believing one proxy hop (X-Forwarded-For) so that each customer has an address of their
own. Then, at once:

- one customer sends ``--heavy-searches`` movie searches through the desk;
- the other customers each sign in (the real code flow: the API's sign-in and consent
  pages) from their own address and search ``--searches-each`` times;
- ``--unknown-sign-ins`` sign-ins with names the API does not know, from one address.

Every desk call to the API carries the customer's own access token, so the heavy customer
uses up only their own allowance: the others must see 0 errors. Prints the counts; the
exit status is 1 if any of the others saw an error or could not sign in.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
DESK = ROOT / "customer_support"
sys.path[:0] = [str(DESK), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "support_site.settings.test")

import django  # noqa: E402

django.setup()

from tickets.tests.live_movie_api import (  # noqa: E402
    DESK_CLIENT_ID,
    DESK_CLIENT_SECRET,
    live_movie_api,
)
from tickets.tests.live_oauth import consent_through_the_api  # noqa: E402
from tickets.web.views import MOVIE_SEARCH_DOWN  # noqa: E402

from scripts.faults.procs import free_port, wait_for_port  # noqa: E402

PASSWORD = "load-Pass-123"
CREATE_CUSTOMERS = """
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone
User = get_user_model()
hashed = make_password({password!r})
User.objects.bulk_create([
    User(username=f"load{{n}}", email=f"load{{n}}@example.com", password=hashed,
         phone_number=f"+1415555{{n:04d}}", phone_verified_at=timezone.now(), is_active=True)
    for n in range({count})
])
"""


def address(n: int) -> dict[str, str]:
    return {"X-Forwarded-For": f"10.20.{n // 250}.{n % 250 + 1}"}


def sign_in(desk: str, username: str, headers: dict) -> requests.Session | str:
    """A desk session signed in through the API's pages, or the reason it failed."""
    session = requests.Session()
    session.headers.update(headers)
    start = session.get(f"{desk}/sign-in/start/", allow_redirects=False, timeout=120)
    if start.status_code != 302:
        return f"start {start.status_code}"
    try:
        callback = consent_through_the_api(
            start.headers["Location"], username, PASSWORD, headers=headers, timeout=120
        )
    except AssertionError as exc:
        return f"at the API: {str(exc)[:120]}"
    done = session.get(callback, allow_redirects=False, timeout=120)
    if done.status_code != 302 or "/sign-in/" in done.headers.get("Location", ""):
        return f"callback {done.status_code}"
    return session


def search(session: requests.Session, desk: str, text: str) -> str:
    """ "ok", or what went wrong with one search."""
    try:
        response = session.get(
            f"{desk}/tickets/movies/", params={"movie_q": text}, allow_redirects=False, timeout=120
        )
    except requests.RequestException as exc:
        return f"transport {type(exc).__name__}"
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    if MOVIE_SEARCH_DOWN in response.text:
        return "movie API refused (limit)"
    return "ok"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--heavy-searches", type=int, default=1000)
    parser.add_argument("--searches-each", type=int, default=5)
    parser.add_argument("--unknown-sign-ins", type=int, default=30)
    parser.add_argument("--user-rate", default="300/min")
    parser.add_argument("--threads", type=int, default=12)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="desk-load-"))
    desk_port = free_port()
    desk = f"http://127.0.0.1:{desk_port}"
    serve_env = {"NUM_PROXIES": "1", "THROTTLE_USER": args.user_rate, "THROTTLE_LOGIN": "30/min"}
    setup = CREATE_CUSTOMERS.format(password=PASSWORD, count=args.customers)
    started = time.monotonic()
    with live_movie_api(
        work, serve_env=serve_env, setup=setup, redirect_uris=(f"{desk}/oauth/callback/",)
    ) as graphql_url:
        api = graphql_url.removesuffix("/graphql/")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "support_site.settings.local",
            "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{work / 'desk.sqlite3'}"),
            "SECRET_KEY": "desk-load-bench-" + "x" * 40,
            "MOVIE_API_URL": api,
            "MOVIE_API_OAUTH_CLIENT_ID": DESK_CLIENT_ID,
            "MOVIE_API_OAUTH_CLIENT_SECRET": DESK_CLIENT_SECRET,
            "MOVIE_API_READ_TIMEOUT": "60",
            "DESK_NUM_PROXIES": "1",
            "LOG_LEVEL": "WARNING",
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=DESK,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(  # noqa: S603 - our own argv, no shell
            [
                str(gunicorn),
                "support_site.wsgi",
                "--bind",
                f"127.0.0.1:{desk_port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "120",
            ],
            cwd=DESK,
            env={**env, "DJANGO_SETTINGS_MODULE": "support_site.settings.local"},
            stdout=(work / "desk.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(desk_port, timeout=60)
            print(f"servers up in {time.monotonic() - started:.0f} s ({work})", flush=True)
            return run(args, desk, api)
        finally:
            server.terminate()
            server.wait(timeout=30)


def run(args, desk: str, api: str) -> int:
    heavy = sign_in(desk, "load0", address(0))
    assert isinstance(heavy, requests.Session), heavy
    heavy_results: Counter = Counter()
    others: Counter = Counter()
    sign_in_failures: Counter = Counter()
    unknown: Counter = Counter()

    def heavy_load() -> None:
        for n in range(args.heavy_searches):
            heavy_results[search(heavy, desk, ("the", "mat", "god", "star")[n % 4])] += 1

    def customer(n: int) -> None:
        session = sign_in(desk, f"load{n}", address(n))
        if isinstance(session, str):
            sign_in_failures[session] += 1
            return
        for k in range(args.searches_each):
            others[search(session, desk, ("the", "an", "of")[k % 3])] += 1

    def unknown_sign_in(n: int) -> None:
        session = requests.Session()
        start = session.get(f"{desk}/sign-in/start/", allow_redirects=False, timeout=120)
        try:
            consent_through_the_api(
                start.headers["Location"],
                f"nobody{n}",
                "wrong-Pass-1",
                headers=address(900),
                timeout=120,
            )
            unknown["signed in (!)"] += 1
        except AssertionError:
            unknown["refused"] += 1

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        jobs = [pool.submit(heavy_load)]
        jobs += [pool.submit(unknown_sign_in, n) for n in range(args.unknown_sign_ins)]
        jobs += [pool.submit(customer, n) for n in range(1, args.customers)]
        for job in jobs:
            job.result()
    elapsed = time.monotonic() - began

    print(f"{elapsed:.0f} s for the load on {os.cpu_count()} cores")
    print(f"heavy customer, {args.heavy_searches} searches: {dict(heavy_results)}")
    print(
        f"other {args.customers - 1} customers: sign-in failures {dict(sign_in_failures)}, "
        f"searches {dict(others)}"
    )
    print(f"{args.unknown_sign_ins} unknown-name sign-ins from one address: {dict(unknown)}")
    errors = sum(v for k, v in others.items() if k != "ok") + sum(sign_in_failures.values())
    return 1 if errors or unknown["signed in (!)"] else 0


if __name__ == "__main__":
    sys.exit(main())
