#!/usr/bin/env python3
"""Restart PostgreSQL under load and check the app recovers by itself.

    python scripts/faults/pg_restart.py [--stop-at 8] [--down 10] [--min-settled 200]

Everything runs on throwaway servers of its own (never the machine's PostgreSQL or
Redis): a PostgreSQL cluster made with pg_createcluster (needs root), a redis-server,
and gunicorn (`movie_api.wsgi`, production settings, 3 workers). It migrates and loads
the demo data, drives a bounded load (50 threads: catalog GETs over REST and GraphQL,
review create/edit/delete by a signed-in user, a few registrations), stops the cluster
for `--down` seconds, starts it again, and reports:

- success ratio before / during / after the outage;
- time from "the database accepts connections again" to >= 99 % success (<= 10 s,
  with no app restart: CONN_HEALTH_CHECKS reconnects);
- that no 5xx happened outside the outage, every 5xx body is JSON without a traceback,
  and the outage is answered 503 with Retry-After, never 500;
- afterwards the rating invariants (each movie's average_rating and rating_count equal a
  fresh aggregate of its ratings) and no half-written registration (a pending account
  without a code) or review (one without its rating).

The phases end on counts, not on a clock sized for an idle machine: the database is
stopped once `--min-before` requests have been answered (and `--stop-at` seconds have
passed), stays down for `--down` seconds and at least `--min-during` requests, and the
load goes on until `--min-settled` requests have started 10 s or more after the
database came back. Each phase has a generous bound (`--phase-timeout`); a phase that
exceeds it is reported as such, with its counts.

Exits 0 when every criterion holds, 1 when one fails, 2 when the setup itself failed.
Everything it started is stopped and the cluster dropped, whatever happens.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

if __package__ in (None, ""):  # run as a file: make `scripts.faults` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from scripts.faults.procs import (
    BASE_DIR,
    PYTHON,
    Gunicorn,
    PgCluster,
    RedisServer,
    production_env,
    run,
)

DEMO_USER = ("demo", "demo-Pass-123")
TARGET_RATIO = 0.99
MAX_RECOVERY_SECONDS = 10.0
# Generous: on a busy 2-core machine a healthy request can queue for seconds behind 50
# clients; a request slower than this counts as failed.
REQUEST_TIMEOUT = 30.0
GRAPHQL_QUERY = (
    "query($o: String) { allMovies(first: 10, orderBy: $o) "
    "{ edges { node { id title averageRating genres { name } } } } }"
)
TRACEBACK_MARKERS = ("Traceback", 'File "', "<html", "<!DOCTYPE")


@dataclass
class Sample:
    """One request of the load: when it started and ended, what it was, how it went."""

    start: float
    end: float
    op: str
    status: int  # 0: no response (connection refused/reset, timeout)
    ok: bool
    bad_body: str | None = None


@dataclass
class Load:
    """The load generator's shared state."""

    base: str
    movie_ids: list[int]
    access: str
    writer_movies: list[int]
    stop: threading.Event = field(default_factory=threading.Event)
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    registered: list[str] = field(default_factory=list)

    def record(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def count(self, predicate) -> int:
        """How many recorded requests satisfy predicate(sample)."""
        with self.lock:
            return sum(1 for sample in self.samples if predicate(sample))


def wait_for(condition, *, at_least: float, bound: float, what: str, failures: list) -> None:
    """Wait until time.monotonic() >= at_least and condition() holds, at most `bound` s.

    Phases end on counts so a busy machine only makes the run longer; on a bound
    overrun the failure says which count was not reached, and the run goes on.
    """
    deadline = time.monotonic() + bound
    while time.monotonic() < at_least or not condition():
        if time.monotonic() > deadline:
            failures.append(f"phase bound: {what} not reached within {bound:.0f} s")
            return
        time.sleep(0.1)


def timed(load: Load, op: str, expected: tuple[int, ...], send, url: str, **kwargs):
    """send(url, **kwargs) once and record a Sample; a 5xx body must be clean JSON."""
    started = time.monotonic()
    response = None
    try:
        response = send(url, timeout=REQUEST_TIMEOUT, **kwargs)
        status = response.status_code
    except requests.RequestException:
        status = 0
    ended = time.monotonic()
    ok = status in expected
    bad_body = None
    if response is not None:
        if status >= 500:
            bad_body = check_error_body(response)
            if status == 503 and bad_body is None and not response.headers.get("Retry-After"):
                bad_body = "503 without Retry-After"
        elif ok and op == "graphql":
            ok = "errors" not in response.json()
    load.record(Sample(started, ended, op, status, ok and bad_body is None, bad_body))
    return response


def check_error_body(response: requests.Response) -> str | None:
    """None when a 5xx body is JSON without a traceback; else a short description."""
    text = response.text
    if any(marker in text for marker in TRACEBACK_MARKERS):
        return f"{response.status_code} traceback/HTML: {text[:200]!r}"
    try:
        json.loads(text)
    except ValueError:
        return f"{response.status_code} not JSON: {text[:200]!r}"
    return None


def reader(load: Load, seed: int) -> None:
    """Anonymous catalog traffic: lists, details, genres, GraphQL."""
    rng = random.Random(seed)
    session = requests.Session()
    orderings = ["title", "-average_rating", "release_date", "-review_count"]
    base = load.base
    while not load.stop.is_set():
        roll = rng.random()
        if roll < 0.45:
            params = {"page_size": 20, "ordering": rng.choice(orderings)}
            timed(load, "list", (200,), session.get, f"{base}/api/movies/", params=params)
        elif roll < 0.70:
            movie = rng.choice(load.movie_ids)
            timed(load, "detail", (200,), session.get, f"{base}/api/movies/{movie}/")
        elif roll < 0.80:
            timed(load, "genres", (200,), session.get, f"{base}/api/movies/genres/")
        else:
            body = {"query": GRAPHQL_QUERY, "variables": {"o": rng.choice(orderings)}}
            timed(load, "graphql", (200,), session.post, f"{base}/graphql/", json=body)


def writer(load: Load, movie_id: int, seed: int) -> None:
    """The signed-in demo user reviews one movie, edits it, deletes it, over and over."""
    rng = random.Random(seed)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {load.access}"
    base = load.base
    review_id = None
    while not load.stop.is_set():
        if review_id is None:
            # 409: an earlier create committed but its answer was lost in the outage.
            response = timed(
                load,
                "review_create",
                (201, 409),
                session.post,
                f"{base}/api/movies/{movie_id}/reviews/",
                json={"rating": rng.randint(1, 5), "text": "Under load."},
            )
            if response is not None and response.status_code == 201:
                review_id = response.json()["id"]
            elif response is not None and response.status_code == 409:
                review_id = find_own_review(load, session, movie_id)
        elif rng.random() < 0.5:
            url = f"{base}/api/movies/reviews/{review_id}/"
            rating = {"rating": rng.randint(1, 5)}
            response = timed(load, "review_update", (200, 404), session.patch, url, json=rating)
            if response is not None and response.status_code == 404:
                review_id = None
        else:
            url = f"{base}/api/movies/reviews/{review_id}/"
            response = timed(load, "review_delete", (204, 404), session.delete, url)
            if response is not None and response.status_code in (204, 404):
                review_id = None
        time.sleep(0.05)


def find_own_review(load: Load, session: requests.Session, movie_id: int) -> int | None:
    try:
        response = session.get(
            f"{load.base}/api/movies/reviews/", params={"movie": movie_id}, timeout=REQUEST_TIMEOUT
        )
        results = [r for r in response.json()["results"] if r["user"]["username"] == "demo"]
        return results[0]["id"] if results else None
    except (requests.RequestException, ValueError, KeyError):
        return None


def registrar(load: Load, seed: int) -> None:
    """A few sign-ups: an account and its code are written together or not at all."""
    session = requests.Session()
    for n in itertools.count():
        if load.stop.is_set():
            return
        username = f"load{seed}x{n}"
        body = {
            "username": username,
            "email": f"{username}@example.com",
            "password": "a-Long-pass-42",
            "password_confirm": "a-Long-pass-42",
            "phone_number": f"+1415666{n:04d}",
        }
        url = f"{load.base}/api/users/register/"
        response = timed(load, "register", (201,), session.post, url, json=body)
        if response is not None and response.status_code == 201:
            with load.lock:
                load.registered.append(username)
        time.sleep(0.3)


# --------------------------------------------------------------------------- report


def ratio(samples: list[Sample]) -> float:
    return sum(s.ok for s in samples) / len(samples) if samples else float("nan")


def recovery_seconds(samples: list[Sample], t_up: float) -> float | None:
    """Smallest r (0.1 s steps) such that requests started from t_up + r on are >= 99 % ok."""
    after = sorted((s for s in samples if s.start >= t_up), key=lambda s: s.start)
    if not after:
        return None
    last = after[-1].start - t_up
    r = 0.0
    while r <= last:
        window = [s for s in after if s.start >= t_up + r]
        if len(window) >= 50 and ratio(window) >= TARGET_RATIO:
            return r
        r = round(r + 0.1, 1)
    return None


def check_database(database_url: str, registered: list[str]) -> list[str]:
    """The rating invariants and no half-written rows; returns the problems found."""
    import psycopg2

    problems = []
    connection = psycopg2.connect(database_url.replace("postgres://", "postgresql://"))
    with connection, connection.cursor() as cursor:
        cursor.execute(
            # Every rating counts, with or without a review; no rating: a NULL average.
            """SELECT m.id, m.average_rating, m.rating_count, COUNT(r.id),
                      ROUND(AVG(r.value)::numeric, 2)
               FROM movies_movie m LEFT JOIN movies_rating r ON r.movie_id = m.id
               GROUP BY m.id ORDER BY m.id"""
        )
        for movie_id, average, count, real_count, real_average in cursor.fetchall():
            if count != real_count or average != real_average:
                problems.append(
                    f"movie {movie_id}: stored ({average}, {count}) != "
                    f"aggregate ({real_average}, {real_count})"
                )
        cursor.execute(
            """SELECT u.username FROM users_user u
               WHERE NOT u.is_active AND u.phone_verified_at IS NULL
                 AND NOT EXISTS (SELECT 1 FROM users_otpcode c WHERE c.user_id = u.id)"""
        )
        problems += [f"pending account {name} has no code" for (name,) in cursor.fetchall()]
        cursor.execute("SELECT username FROM users_user WHERE username = ANY(%s)", [registered])
        missing = set(registered) - {name for (name,) in cursor.fetchall()}
        problems += [f"registration {name} answered 201 but is not stored" for name in missing]
        cursor.execute(
            # A review's rating is its author's Rating row: same value, never missing.
            "SELECT COUNT(*) FROM movies_review r WHERE user_id NOT IN (SELECT id FROM "
            "users_user) OR NOT EXISTS (SELECT 1 FROM movies_rating g WHERE g.user_id = "
            "r.user_id AND g.movie_id = r.movie_id AND g.value = r.rating)"
        )
        (broken,) = cursor.fetchone()
        if broken:
            problems.append(f"{broken} malformed reviews")
    connection.close()
    return problems


def summarise(load: Load, t0: float, t_stop: float, t_up: float, end: float) -> tuple[dict, list]:
    samples = load.samples
    # A request is "before" only if it was answered before the stop: one still queued
    # in gunicorn's backlog when the database went away lived through the outage.
    before = [s for s in samples if s.end < t_stop]
    during = [s for s in samples if s.end >= t_stop and s.start < t_up]
    after = [s for s in samples if s.start >= t_up]
    recovery = recovery_seconds(samples, t_up)
    settled = [s for s in samples if s.start >= t_up + MAX_RECOVERY_SECONDS]
    fivexx_outside = [
        s
        for s in samples
        if s.status >= 500
        and (s.end < t_stop or s.start >= t_up + (recovery or MAX_RECOVERY_SECONDS))
    ]
    bad_bodies = [s.bad_body for s in samples if s.bad_body]
    by_status: dict[int, int] = {}
    for s in samples:
        by_status[s.status] = by_status.get(s.status, 0) + 1
    failures = []
    if ratio(before) < TARGET_RATIO:
        failures.append(f"before the outage only {ratio(before):.1%} succeeded")
    if recovery is None or recovery > MAX_RECOVERY_SECONDS:
        failures.append(f"no recovery to {TARGET_RATIO:.0%} within {MAX_RECOVERY_SECONDS} s")
    if len(settled) < 50:
        failures.append(f"too few requests after recovery to judge ({len(settled)})")
    if fivexx_outside:
        failures.append(f"{len(fivexx_outside)} 5xx outside the outage")
    if bad_bodies:
        failures.append(f"{len(bad_bodies)} 5xx answers not clean, e.g. {bad_bodies[0]}")
    if by_status.get(500):
        failures.append(f"{by_status[500]} answers were 500: an outage must be 503 + Retry-After")
    figures = {
        "requests": len(samples),
        "by_status": dict(sorted(by_status.items())),
        "outage_seconds": round(t_up - t_stop, 1),
        "before": {"n": len(before), "ok": round(ratio(before), 4)},
        "during": {"n": len(during), "ok": round(ratio(during), 4)},
        "after": {"n": len(after), "ok": round(ratio(after), 4)},
        "after_settled": {"n": len(settled), "ok": round(ratio(settled), 4)},
        "recovery_seconds": recovery,
        "last_failure_after_up": round(
            max((s.start - t_up for s in after if not s.ok), default=0.0), 2
        ),
        "throughput_per_s": round(len(samples) / (end - t0), 1),
        "registrations": len(load.registered),
    }
    return figures, failures


# --------------------------------------------------------------------------- main


def prepare(env: dict, log: Path) -> None:
    for command in (["migrate", "--noinput"], ["load_demo_data"]):
        with open(log, "a") as out:
            out.write(f"$ manage.py {' '.join(command)}\n")
        completed = run([PYTHON, "manage.py", *command], cwd=BASE_DIR, env=env)
        with open(log, "a") as out:
            out.write(completed.stdout + completed.stderr)


def sign_in(base: str) -> str:
    response = requests.post(
        f"{base}/api/users/login/",
        json={"username": DEMO_USER[0], "password": DEMO_USER[1]},
        timeout=REQUEST_TIMEOUT,
    )
    response.raise_for_status()
    return response.json()["access"]


def catalog(base: str, access: str) -> tuple[list[int], list[int]]:
    """All movie ids, and those the demo user has not reviewed (for the writers)."""
    response = requests.get(
        f"{base}/api/movies/",
        params={"page_size": 100},
        headers={"Authorization": f"Bearer {access}"},
        timeout=REQUEST_TIMEOUT,
    )
    response.raise_for_status()
    movies = response.json()["results"]
    return [m["id"] for m in movies], [m["id"] for m in movies if m["my_state"]["rating"] is None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stop-at", type=float, default=8.0, help="stop the DB after N s")
    parser.add_argument("--down", type=float, default=10.0, help="seconds the DB stays down")
    parser.add_argument(
        "--min-before", type=int, default=100, help="answered requests before the stop"
    )
    parser.add_argument(
        "--min-during", type=int, default=20, help="requests that live through the outage"
    )
    parser.add_argument(
        "--min-settled",
        type=int,
        default=200,
        help=f"requests started >= {MAX_RECOVERY_SECONDS:.0f} s after the DB is back",
    )
    parser.add_argument(
        "--phase-timeout", type=float, default=240.0, help="bound on each phase, seconds"
    )
    parser.add_argument("--threads", type=int, default=50, help="concurrent clients")
    parser.add_argument("--writers", type=int, default=4, help="of which review writers")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="pg_restart_"))
    (workdir / "static").mkdir()
    log = workdir / "setup.log"
    cluster = PgCluster()
    redis = RedisServer()
    server = None
    try:
        cluster.create()
        cluster.create_database("movie_api")
        redis.start()
        database_url = cluster.url("movie_api")
        env = production_env(
            database_url=database_url,
            redis_url=redis.url(),
            # One client address drives all the load: lift the per-address limits so
            # the run measures the database outage, not the throttles.
            THROTTLE_ANON="1000000/min",
            THROTTLE_USER="1000000/min",
            THROTTLE_REGISTER="1000000/min",
            THROTTLE_LOGIN="1000/min",
            OTP_SENDS_PER_ADDRESS_HOUR="1000000",
            MEDIA_ROOT=str(workdir / "media"),
            STATIC_ROOT=str(workdir / "static"),
        )
        prepare(env, log)
        server = Gunicorn(
            env, workers=args.workers, log_path=workdir / "gunicorn.log", access_log=True
        ).start()
        server.wait_until_every_worker_serves("/healthz", timeout=args.phase_timeout)
        access = sign_in(server.url)
        movie_ids, unreviewed = catalog(server.url, access)
        writers = min(args.writers, len(unreviewed))
        load = Load(server.url, movie_ids, access, unreviewed[:writers])
    except Exception as exc:  # noqa: BLE001 - reported, then everything is cleaned up
        print(f"setup failed: {exc}", file=sys.stderr)
        if log.exists():
            print(log.read_text()[-3000:], file=sys.stderr)
        if server:
            server.stop()
        redis.stop()
        cluster.drop()
        return 2

    try:
        threads = [
            threading.Thread(target=writer, args=(load, movie, i), daemon=True)
            for i, movie in enumerate(load.writer_movies)
        ]
        threads.append(threading.Thread(target=registrar, args=(load, 1), daemon=True))
        threads += [
            threading.Thread(target=reader, args=(load, 100 + i), daemon=True)
            for i in range(args.threads - len(threads))
        ]
        t0 = time.monotonic()
        for thread in threads:
            thread.start()
        phase_failures = []
        wait_for(
            lambda: load.count(lambda s: s.ok) >= args.min_before,
            at_least=t0 + args.stop_at,
            bound=args.phase_timeout,
            what=f"{args.min_before} answered requests before the outage",
            failures=phase_failures,
        )
        t_stop = time.monotonic()
        cluster.stop()
        wait_for(
            lambda: load.count(lambda s: s.end >= t_stop) >= args.min_during,
            at_least=t_stop + args.down,
            bound=args.phase_timeout,
            what=f"{args.min_during} requests during the outage",
            failures=phase_failures,
        )
        cluster.start()
        t_up = cluster.wait_until_accepting(timeout=args.phase_timeout)
        settled_from = t_up + MAX_RECOVERY_SECONDS
        wait_for(
            lambda: load.count(lambda s: s.start >= settled_from) >= args.min_settled,
            at_least=settled_from,
            bound=args.phase_timeout,
            what=f"{args.min_settled} requests after recovery",
            failures=phase_failures,
        )
        load.stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)
        end = time.monotonic()

        figures, failures = summarise(load, t0, t_stop, t_up, end)
        failures = phase_failures + failures
        failures += check_database(database_url, load.registered)
        figures["database_problems"] = [f for f in failures if "movie" in f or "regist" in f]
        figures["stop_at"] = round(t_stop - t0, 1)
        figures["up_at"] = round(t_up - t0, 1)
    finally:
        if server:
            server.stop()
        redis.stop()
        cluster.drop()

    if args.json:
        print(json.dumps({"figures": figures, "failures": failures}))
    else:
        for key, value in figures.items():
            print(f"{key}: {value}")
        print("RESULT:", "PASS" if not failures else "FAIL")
        for failure in failures:
            print(f"  - {failure}")
    if failures:
        print(f"gunicorn log kept: {workdir / 'gunicorn.log'}", file=sys.stderr)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
