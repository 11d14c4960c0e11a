"""How long does a 10,000-row history import take in the request?

    .venv/bin/python -m bench.import_timing [--rows 10000] [--database-url URL]

`POST /api/users/me/import/` must import a 10,000-row file in under 30 s on this
machine (the issue's target; bench/README.md, "History import"), or run off the
request. This benchmark seeds a catalog of `--rows` movies into a throwaway SQLite file
(or the PostgreSQL database given), writes a Letterboxd diary.csv of `--rows` watches
(titles and years only, as Letterboxd writes them, so every row is matched by title:
the slow path) and an IMDb ratings.csv of `--rows` ratings (matched by IMDb id), and
posts each through the whole WSGI stack of the production settings (DEBUG off): first
into an empty account (every row created), then again (every row unchanged), then as a
dry run. It prints the wall time, the queries and the report's counts of each.
Nothing here is a test: figures depend on the machine.
"""

import argparse
import datetime
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _diary_csv(n: int) -> bytes:
    lines = ["Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date"]
    start = datetime.date(2015, 1, 1)
    for i in range(n):
        day = (start + datetime.timedelta(days=i % 3000)).isoformat()
        rating = "" if i % 5 == 0 else str((i % 10 + 1) / 2)
        lines.append(
            f'{day},"Bench Movie, Part {i}",{1950 + i % 70},https://boxd.it/b{i},{rating},'
            f'{"Yes" if i % 7 == 0 else ""},"tag{i % 13}, bench",{day}'
        )
    return ("\r\n".join(lines) + "\r\n").encode()


def _imdb_csv(n: int) -> bytes:
    lines = ["Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Year"]
    for i in range(n):
        lines.append(
            f'tt{9000000 + i},{i % 10 + 1},2024-01-01,"Bench Movie, Part {i}",'
            f"https://www.imdb.com/title/tt{9000000 + i}/,Movie,7.0,{1950 + i % 70}"
        )
    return ("\n".join(lines) + "\n").encode()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="import-timing-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'db.sqlite3'}"
    os.environ["THROTTLE_IMPORT"] = "100000000/min"
    os.environ["IMPORT_MAX_ROWS"] = str(max(args.rows, 20_000))
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework_simplejwt.tokens import RefreshToken

    from diary.models import DiaryEntry
    from movies.models import Movie, Rating
    from movies.services.ratings import movie_ratings_recompute
    from users.models import User

    call_command("migrate", verbosity=0)
    Movie.objects.filter(title__startswith="Bench Movie, Part ").delete()
    Movie.objects.bulk_create(
        [
            Movie(
                title=f"Bench Movie, Part {i}",
                release_date=datetime.date(1950 + i % 70, 6, 1),
                imdb_id=f"tt{9000000 + i}",
            )
            for i in range(args.rows)
        ],
        batch_size=1000,
    )
    # Other members' ratings, as a live database has: 3 of every movie.
    User.objects.filter(username__startswith="import-bench").delete()
    others = [
        User.objects.create_user(
            username=f"import-bench-{k}", email=f"import-bench-{k}@example.com", password="x" * 12
        )
        for k in range(3)
    ]
    Rating.objects.bulk_create(
        [
            Rating(user=other, movie=movie, value=Decimal(k + 2))
            for k, other in enumerate(others)
            for movie in Movie.objects.filter(title__startswith="Bench Movie, Part ")
        ],
        batch_size=1000,
    )
    movie_ratings_recompute()
    if connection.vendor == "postgresql":
        # The planner's statistics, as autovacuum keeps them on a live database: without
        # them a fresh database plans the ratings' recompute as sequential scans.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    user = User.objects.create_user(
        username="import-bench", email="import-bench@example.com", password="x" * 12
    )
    token = RefreshToken.for_user(user).access_token
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    print(f"{args.rows} rows, database {connection.vendor}, catalog {Movie.objects.count()}")

    def post(name: str, content: bytes, dry_run: bool = False) -> None:
        data = {"file": SimpleUploadedFile(name, content), "dry_run": str(dry_run).lower()}
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.post("/api/users/me/import/", data)
            elapsed = time.perf_counter() - started
        body = response.json()
        counts = {k: body.get(k) for k in ("created", "updated", "unchanged")}
        unmatched = len(body.get("unmatched", []))
        print(
            f"  {name:<12} dry_run={dry_run!s:<5} {response.status_code} {elapsed:6.2f} s "
            f"{len(queries):4d} queries  {counts} unmatched={unmatched}"
        )

    diary, imdb = _diary_csv(args.rows), _imdb_csv(args.rows)
    print(f"diary.csv {len(diary) / 1e6:.1f} MB, ratings.csv {len(imdb) / 1e6:.1f} MB")
    post("diary.csv", diary)
    post("diary.csv", diary)
    post("diary.csv", diary, dry_run=True)
    post("ratings.csv", imdb)
    post("ratings.csv", imdb)
    print(
        f"entries {DiaryEntry.objects.filter(user=user).count()}, "
        f"ratings {Rating.objects.filter(user=user).count()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
