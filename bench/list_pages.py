"""Does a list of 5,000 movies page at the cost of the movie list?

    .venv/bin/python -m bench.list_pages [--items 5000] [--repeat 30] [--clock wall|cpu]
                                         [--profile] [--output FILE] [--database-url URL]

Seeds a catalog of `--items` movies (each with a genre and two actors) into a throwaway
SQLite file (or the PostgreSQL database given), puts them all on one member's list,
then times, signed in as that member, through the whole WSGI stack of the production
settings with the response cache and the memoised counts off (every read computed):

- `GET /api/movies/?page_size=100` (pages 1, 25 and 50): the movie list, the yardstick;
- `GET /api/lists/{id}/items/?page_size=100` (pages 1, 25 and 50, the last).

The two are timed in turns (movie page, list page, movie page, ...), so a burst of
load on the shared machine falls on both alike. It prints the median time and the
queries of each and their ratio, and writes them to `--output` (JSON, the chart's
input: bench/list_pages_chart.py). `--clock cpu` counts this thread's CPU time, which
on SQLite in process is the request's whole work (as bench/run.py's `--clock cpu`);
`--profile` prints where page 1 of each spends its time (cProfile). Nothing here is a
test: figures depend on the machine (bench/README.md, "Lists of 5,000").
"""

import argparse
import cProfile
import datetime
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What a request's time is (bench/run.py says why a busy machine wants the CPU's).
CLOCK = {"wall": time.perf_counter, "cpu": time.thread_time}
PAGES = (1, 25, 50)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCK),
        default="wall",
        help="wall (default) or cpu: this thread's CPU time, for a busy machine, SQLite only",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile page 1 of each")
    parser.add_argument("--output", default="", help="write the figures here (JSON)")
    args = parser.parse_args(argv)
    if args.clock == "cpu" and args.database_url:
        parser.error("--clock cpu counts this process only: SQLite, not a database server")
    clock = CLOCK[args.clock]

    workdir = Path(tempfile.mkdtemp(prefix="list-pages-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'db.sqlite3'}"
    os.environ["RESPONSE_CACHE_ENABLED"] = "false"
    os.environ["COUNT_CACHE_ENABLED"] = "false"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework_simplejwt.tokens import RefreshToken

    from lists.models import UserList, UserListItem
    from movies.models import Actor, Casting, Genre, Movie
    from users.models import User

    call_command("migrate", verbosity=0)
    Movie.objects.filter(title__startswith="List Bench ").delete()
    genre = Genre.objects.get_or_create(name="List Bench Genre")[0]
    actors = [Actor.objects.get_or_create(name=f"List Bench Actor {k}")[0] for k in range(2)]
    movies = Movie.objects.bulk_create(
        [Movie(title=f"List Bench {i:05}", plot="p" * 200) for i in range(args.items)],
        batch_size=1000,
    )
    Movie.genres.through.objects.bulk_create(
        [Movie.genres.through(movie=movie, genre=genre) for movie in movies], batch_size=1000
    )
    Casting.objects.bulk_create(
        [
            Casting(movie=movie, actor=actor, order=k)
            for movie in movies
            for k, actor in enumerate(actors)
        ],
        batch_size=1000,
    )
    User.objects.filter(username="list-bench").delete()
    user = User.objects.create_user(
        username="list-bench", email="list-bench@example.com", password="x" * 12
    )
    user_list = UserList.objects.create(owner=user, name="Everything", item_count=args.items)
    UserListItem.objects.bulk_create(
        [
            UserListItem(list=user_list, movie=movie, position=place)
            for place, movie in enumerate(movies, start=1)
        ],
        batch_size=1000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    print(
        f"{args.items} items, database {connection.vendor}, catalog {Movie.objects.count()}, "
        f"median of {args.repeat}, {args.clock} clock"
    )

    def measured(url: str) -> tuple[float, int]:
        with CaptureQueriesContext(connection) as queries:
            started = clock()
            response = client.get(url)
            elapsed = clock() - started
        assert response.status_code == 200 and len(response.json()["results"]) == 100, url
        return elapsed, len(queries)

    urls = {
        "movies": "/api/movies/?page_size=100&page={page}",
        "list items": f"/api/lists/{user_list.pk}/items/?page_size=100&page={{page}}",
    }
    if args.profile:
        for name, url in urls.items():
            profiler = cProfile.Profile(timer=clock)
            measured(url.format(page=1))  # warm
            profiler.runcall(measured, url.format(page=1))
            print(f"--- {name}, page 1 ({args.clock} clock): the project's own functions")
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(r"/(lists|movies|core|users)/", 30)
    figures = {}
    for page in PAGES:
        times = {name: [] for name in urls}
        for url in urls.values():
            measured(url.format(page=page))  # warm
        for _ in range(args.repeat):
            for name, url in urls.items():  # in turns: load falls on both alike
                elapsed, count = measured(url.format(page=page))
                times[name].append(elapsed)
        row = {
            name: {"ms": round(statistics.median(taken) * 1000, 2), "queries": count}
            for name, taken in times.items()
        }
        row["ratio"] = round(row["list items"]["ms"] / row["movies"]["ms"], 2)
        figures[str(page)] = row
        print(
            f"  page {page:>2}: movies {row['movies']['ms']:7.2f} ms, "
            f"list items {row['list items']['ms']:7.2f} ms "
            f"({row['movies']['queries']} and {row['list items']['queries']} queries), "
            f"ratio {row['ratio']:.2f}"
        )
    if args.output:
        Path(args.output).write_text(
            json.dumps(
                {
                    "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                    "load": os.getloadavg(),
                    "clock": args.clock,
                    "items": args.items,
                    "repeat": args.repeat,
                    "database": connection.vendor,
                    "pages": figures,
                },
                indent=2,
            )
            + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
