"""Does a list of 5,000 movies page at the cost of the movie list?

    .venv/bin/python -m bench.list_pages [--items 5000] [--repeat 30] [--database-url URL]

Seeds a catalog of `--items` movies (each with a genre and two actors) into a throwaway
SQLite file (or the PostgreSQL database given), puts them all on one member's list,
then times, signed in as that member, through the whole WSGI stack of the production
settings with the response cache and the memoised counts off (every read computed):

- `GET /api/movies/?page_size=100` (pages 1, 25 and 50): the movie list, the yardstick;
- `GET /api/lists/{id}/items/?page_size=100` (pages 1, 25 and 50, the last).

It prints the median wall time and the queries of each (bench/README.md, "Lists of
5,000"). Nothing here is a test: figures depend on the machine.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)

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
        f"median of {args.repeat}"
    )

    def timed(label: str, url: str) -> None:
        assert client.get(url).status_code == 200, url  # warm
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
        assert response.status_code == 200 and len(response.json()["results"]) == 100
        median = statistics.median(times) * 1000
        print(f"  {label:<34} {median:7.2f} ms  {len(queries):2d} queries")

    for page in (1, 25, 50):
        timed(f"movie list, page {page}", f"/api/movies/?page_size=100&page={page}")
    for page in (1, 25, 50):
        timed(
            f"list of {args.items}, page {page}",
            f"/api/lists/{user_list.pk}/items/?page_size=100&page={page}",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
