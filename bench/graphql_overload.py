"""GraphQL validation cost of hostile documents, and what it does to other requests.

Two figures (bench/README.md, "GraphQL validation under attack"):

1. In process: how long the view's parse + validate (`parse_and_validate`) takes for
   the 7.7 KB duplicated-field document `{movie(id:1){genres{id} x700}} #<random>`
   (a fresh comment each time, as an attacker would send it), and for the other worst
   cases of a document under the 10 KB body cap (fragment fan-out, the largest
   document that is still accepted).
2. Over HTTP: gunicorn sync x3 on a fresh SQLite with the demo data
   (bench.settings); the latency of `GET /api/movies/1/` idle, then while
   4 threads post the duplicated-field document as fast as they can.

    .venv/bin/python -m bench.graphql_overload [--runs 20] [--requests 60] [--threads 4]

Reports figures only; nothing here is a pass/fail gate.
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parents[1]
DUPLICATED = "{movie(id:1){" + "genres{id} " * 700 + "}} #"


def fan_out_document(levels: int) -> str:
    """Fragments that each spread the previous one twice: 2^levels fields once expanded."""
    parts = ["fragment F0 on Genre { id name }"]
    for level in range(1, levels + 1):
        parts.append(f"fragment F{level} on Genre {{ ...F{level - 1} ...F{level - 1} }}")
    return f"{{ allGenres {{ edges {{ node {{ ...F{levels} }} }} }} }} " + " ".join(parts) + " #"


def largest_accepted_document() -> str:
    """Every movie field (30 selections) under 6 aliases: 180, near the cap of 200."""
    fields = (
        "id title plot releaseDate year imdbId tmdbId averageRating reviewCount "
        "genres { id name } actors { id name } cast { character order actor { id name } } "
        "reviewStats { total average } myState { favorite watched watchlist rating }"
    )
    aliases = " ".join(f"m{i}: movie(id: {i + 1}) {{ {fields} }}" for i in range(6))
    return "{ " + aliases + " } #"


def in_process(runs: int, fan_out: int, with_standard_rules: bool) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
    import django

    django.setup()
    from django.conf import settings
    from graphql import parse, specified_rules, validate

    from core.graphql.limits import MAX_LEXICAL_TOKENS, parse_and_validate, validate_document
    from movie_api.schema import schema

    limits = (
        settings.GRAPHQL_MAX_DEPTH,
        settings.GRAPHQL_MAX_ALIASES,
        settings.GRAPHQL_INTROSPECTION,
    )
    figures = {}
    documents = {
        "duplicated 700x genres{id}": DUPLICATED,
        f"fragment fan-out 2^{fan_out}": fan_out_document(fan_out),
        "largest accepted (180 selections)": largest_accepted_document(),
    }
    for name, document in documents.items():
        parsed = parse(document, max_lexical_tokens=MAX_LEXICAL_TOKENS)
        runs_of = {
            # Our limits, then the standard rules, on the parsed document.
            "validate": lambda d=parsed: validate_document(schema.graphql_schema, d, *limits),
            # The view's whole path with an empty cache: lex for the key, parse, validate.
            "cold": lambda d=document: (
                parse_and_validate.cache_clear(),
                parse_and_validate(schema.graphql_schema, d + secrets.token_hex(8), *limits),
            )[1][1],
            # A fresh comment each time: a cache hit (only the key's lexing is paid).
            "warm": lambda d=document: parse_and_validate(
                schema.graphql_schema, d + secrets.token_hex(8), *limits
            )[1],
        }
        if with_standard_rules:
            # What the view did before the caps: the standard rules on the whole document.
            runs_of["standard rules only"] = lambda d=parsed: tuple(
                validate(schema.graphql_schema, d, specified_rules)
            )
        figure = {"bytes": len(document) + 16, "times": {}}
        for kind, run in runs_of.items():
            times, cpu = [], []
            for _ in range(runs):
                start, start_cpu = time.perf_counter(), time.process_time()
                errors = run()
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
            figure["times"][kind] = (statistics.median(times), max(times))
            # CPU time: what a worker spends, less distorted by other work on the machine.
            figure["times"][f"{kind}, CPU"] = (statistics.median(cpu), max(cpu))
            if kind == "cold":
                figure["outcome"] = errors[0].message if errors else "accepted"
        figures[name] = figure
    return figures


def _latencies(url: str, count: int) -> list[float]:
    times = []
    with requests.Session() as session:
        for _ in range(count):
            start = time.perf_counter()
            response = session.get(url, timeout=60)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
    return times


def _summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "median_ms": statistics.median(ordered),
        "p95_ms": ordered[max(0, int(len(ordered) * 0.95) - 1)],
        "max_ms": ordered[-1],
    }


def over_http(requests_count: int, threads: int) -> dict:
    sys.path.insert(0, str(REPO_ROOT))
    from tests.live_server import free_port, manage, server_env

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = server_env(workdir, {"DJANGO_SETTINGS_MODULE": "bench.settings"})
        log = workdir / "server.log"
        manage(["migrate", "--noinput"], env, log)
        manage(["load_demo_data"], env, log)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        with log.open("a") as out:
            server = subprocess.Popen(  # noqa: S603 -- our own gunicorn, fixed arguments
                [gunicorn, "movie_api.wsgi", "--workers", "3", "--bind", f"127.0.0.1:{port}"],
                cwd=REPO_ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_for(base, server, log)
            detail = f"{base}/api/movies/1/"
            _latencies(detail, 10)  # warm-up
            idle = _latencies(detail, requests_count)
            stop = threading.Event()
            sent = [0] * threads
            statuses: dict[int, int] = {}

            def attack(index):
                with requests.Session() as session:
                    while not stop.is_set():
                        query = DUPLICATED + secrets.token_hex(8)
                        response = session.post(f"{base}/graphql/", json={"query": query})
                        sent[index] += 1
                        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

            workers = [threading.Thread(target=attack, args=(i,)) for i in range(threads)]
            for worker in workers:
                worker.start()
            time.sleep(2)
            try:
                attacked = _latencies(detail, requests_count)
            finally:
                stop.set()
                for worker in workers:
                    worker.join(timeout=120)
            return {
                "idle": _summary(idle),
                "under_attack": _summary(attacked),
                "attack_requests": sum(sent),
                "attack_statuses": statuses,
            }
        finally:
            server.terminate()
            server.wait(timeout=30)


def _wait_for(base, server, log):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not start:\n{log.read_text()[-3000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="validations per document")
    parser.add_argument("--requests", type=int, default=60, help="GETs per latency sample")
    parser.add_argument("--threads", type=int, default=4, help="attacking threads")
    parser.add_argument("--fan-out", type=int, default=24, help="fragment doubling levels")
    parser.add_argument(
        "--standard-rules",
        action="store_true",
        help="also time graphql-core's standard rules alone (the old path; slow)",
    )
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    print("In process, median / max ms over", args.runs, "runs (wall clock, then CPU):")
    figures = in_process(args.runs, args.fan_out, args.standard_rules)
    for name, figure in figures.items():
        print(f"  {name} ({figure['bytes']} B) -> {figure['outcome']}")
        for kind, (median, worst) in figure["times"].items():
            print(f"    {kind:22} {median:9.1f} {worst:9.1f}")
    if args.skip_http:
        return
    figures = over_http(args.requests, args.threads)
    print(f"GET /api/movies/1/ (gunicorn sync x3), {args.requests} requests each:")
    for name in ("idle", "under_attack"):
        summary = figures[name]
        print(
            f"  {name:14} median {summary['median_ms']:8.1f} ms  p95 {summary['p95_ms']:8.1f} ms"
            f"  max {summary['max_ms']:8.1f} ms"
        )
    print(
        f"  attack: {args.threads} threads sent {figures['attack_requests']} documents,"
        f" statuses {figures['attack_statuses']}"
    )


if __name__ == "__main__":
    main()
