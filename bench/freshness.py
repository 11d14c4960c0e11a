"""Freshness of the response cache across processes: `python -m bench.freshness`.

Starts its own Redis (scripts/faults/procs.py) and gunicorn (sync, `--workers`,
the production settings on loopback, the response cache on) against a PostgreSQL database it
migrates, then runs write-then-read pairs: each of `--clients` threads renames its own
movie through the API (`PATCH /api/movies/<id>/`), and as soon as the answer arrives an anonymous
client reads it back (REST detail, REST list filtered to it, or GraphQL `movie(id)`,
in turn). A read that shows any other title than the one just written is stale.
Meanwhile `--readers` threads read the same three answers back to back, so the cache
is filled and hit all the time, racing every write. Each request is a new connection,
so the kernel spreads them over the workers (the access log's worker ids give the
requests each answered).

    python -m bench.freshness --pairs 10000
    python -m bench.freshness --pairs 500 --workers 3 --json

Exit status 1 when any read was stale or any request failed.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/movie_api_freshness"
SETUP = """
from django.contrib.auth import get_user_model
from rest_framework_simplejwt.tokens import RefreshToken
from movies.models import Movie
User = get_user_model()
staff, _ = User.objects.get_or_create(username="freshness-staff", defaults={"is_staff": True})
ids = [
    Movie.objects.get_or_create(title=f"fresh{client}x-0", defaults={"plot": "x"})[0].pk
    for client in range(CLIENTS)
]
print("SETUP", ",".join(map(str, ids)), RefreshToken.for_user(staff).access_token)
"""
KINDS = ("detail", "list", "graphql")
GRAPHQL = "query($id: ID!) { movie(id: $id) { title } }"


def server_env(database_url: str, redis_url: str) -> dict:
    """Production settings on loopback (scripts/faults/procs.py), the cache on, and
    rates no single test client can reach (every request comes from 127.0.0.1)."""
    from scripts.faults.procs import production_env

    return production_env(
        database_url=database_url,
        redis_url=redis_url,
        RESPONSE_CACHE_ENABLED="True",
        JWT_ACCESS_MINUTES="600",
        THROTTLE_ANON="100000000/min",
        THROTTLE_USER="100000000/min",
    )


def _admin_connection(database_url: str):
    import psycopg2

    admin = psycopg2.connect(database_url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    return admin


def create_database(database_url: str) -> None:
    from psycopg2 import sql

    name = database_url.rsplit("/", 1)[1]
    admin = _admin_connection(database_url)
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def drop_database(database_url: str) -> None:
    from psycopg2 import sql

    admin = _admin_connection(database_url)
    with admin.cursor() as cursor:
        name = sql.Identifier(database_url.rsplit("/", 1)[1])
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
    admin.close()


def prepare(env: dict, clients: int) -> tuple[list[int], str]:
    """Migrate; a staff user and a movie per client; (movie ids, the staff user's token)."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    # Our own manage.py with fixed arguments.
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    out = subprocess.run(  # noqa: S603
        [*manage, "shell", "-c", f"CLIENTS = {clients}\n{SETUP}"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(row for row in out.splitlines() if row.startswith("SETUP "))
    _, movie_ids, token = line.split()
    return [int(movie_id) for movie_id in movie_ids.split(",")], token


def read_title(base: str, movie_id: int, kind: int, search: str = "") -> str:
    """The movie's title as an anonymous client sees it; kind 0/1/2 = detail/list/GraphQL."""
    headers = {"Connection": "close"}
    if kind == 0:
        answer = requests.get(f"{base}/api/movies/{movie_id}/", headers=headers, timeout=30)
        answer.raise_for_status()
        return answer.json()["title"]
    if kind == 1:
        answer = requests.get(
            f"{base}/api/movies/", params={"search": search}, headers=headers, timeout=30
        )
        answer.raise_for_status()
        return answer.json()["results"][0]["title"]
    answer = requests.post(
        f"{base}/graphql/",
        json={"query": GRAPHQL, "variables": {"id": str(movie_id)}},
        headers=headers,
        timeout=30,
    )
    answer.raise_for_status()
    return answer.json()["data"]["movie"]["title"]


def background_readers(base, movie_ids, count, stop, counts):
    def loop(offset):
        kind = offset
        while not stop.is_set():
            client = kind % len(movie_ids)
            try:
                read_title(base, movie_ids[client], kind % 3, f"fresh{client}x")
                counts["background"] += 1
            except (requests.RequestException, KeyError, IndexError):
                counts["background_errors"] += 1
            kind += 1

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    return threads


def run_pairs(base: str, movie_id: int, client: int, token: str, pairs: int) -> dict:
    writes = {"Authorization": f"Bearer {token}", "Connection": "close"}
    stale, errors, examples = 0, 0, []
    for number in range(1, pairs + 1):
        title = f"fresh{client}x-{number}"
        try:
            answer = requests.patch(
                f"{base}/api/movies/{movie_id}/", json={"title": title}, headers=writes, timeout=30
            )
            answer.raise_for_status()
            seen = read_title(base, movie_id, number % 3, f"fresh{client}x")
        except (requests.RequestException, KeyError, IndexError) as exc:
            errors += 1
            examples.append(f"client {client} pair {number}: {exc}")
            continue
        if seen != title:
            stale += 1
            examples.append(f"client {client} pair {number} ({KINDS[number % 3]}): {seen}")
        if number % 500 == 0:
            print(f"  client {client}: {number} pairs, {stale} stale, {errors} errors", flush=True)
    return {"pairs": pairs, "stale": stale, "errors": errors, "examples": examples[:10]}


def run_clients(base: str, movie_ids: list[int], token: str, pairs: int) -> dict:
    """`pairs` split over one thread per movie; their results added up."""
    share = [pairs // len(movie_ids) + (i < pairs % len(movie_ids)) for i in range(len(movie_ids))]
    with ThreadPoolExecutor(max_workers=len(movie_ids)) as pool:
        results = list(
            pool.map(
                lambda i: run_pairs(base, movie_ids[i], i, token, share[i]), range(len(movie_ids))
            )
        )
    return {
        "pairs": sum(r["pairs"] for r in results),
        "stale": sum(r["stale"] for r in results),
        "errors": sum(r["errors"] for r in results),
        "examples": [e for r in results for e in r["examples"]][:10],
    }


def requests_per_worker(log: Path) -> dict[str, int]:
    """How many requests each gunicorn worker (pid) answered, from the access log."""
    counts: dict[str, int] = {}
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("ACCESS "):
            counts[line.split()[1]] = counts.get(line.split()[1], 0) + 1
    return counts


def measure(database_url: str, pairs: int, workers: int, readers: int, clients: int) -> dict:
    from scripts.faults.procs import Gunicorn, RedisServer

    create_database(database_url)
    with tempfile.TemporaryDirectory() as tmp, RedisServer() as redis_server:
        env = server_env(database_url, redis_server.url(0))
        movie_ids, token = prepare(env, clients)
        log = Path(tmp) / "gunicorn.log"
        with Gunicorn(env, workers=workers, log_path=log, access_log=True) as server:
            server.wait_until_every_worker_serves()
            stop, counts = threading.Event(), {"background": 0, "background_errors": 0}
            threads = background_readers(server.url, movie_ids, readers, stop, counts)
            started = time.monotonic()
            try:
                result = run_clients(server.url, movie_ids, token, pairs)
            finally:
                stop.set()
                for thread in threads:
                    thread.join(timeout=60)
            result["seconds"] = round(time.monotonic() - started, 1)
            result.update(counts)
        result["requests_per_worker"] = requests_per_worker(log)
    result.update(workers=workers, readers=readers, clients=clients)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--readers", type=int, default=1, help="background reader threads")
    parser.add_argument("--clients", type=int, default=3, help="pair clients, one movie each")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--json", action="store_true", help="print the result as JSON last")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    result = measure(args.database_url, args.pairs, args.workers, args.readers, args.clients)
    print(
        f"{result['pairs']} write-then-read pairs from {result['clients']} clients, "
        f"{result['workers']} gunicorn workers, "
        f"{result['readers']} background readers ({result['background']} reads): "
        f"{result['stale']} stale reads, {result['errors']} errors, {result['seconds']} s; "
        f"requests per worker {sorted(result['requests_per_worker'].values())}"
    )
    for example in result["examples"]:
        print("  ", example)
    if args.json:
        print(json.dumps(result))
    return 1 if result["stale"] or result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
