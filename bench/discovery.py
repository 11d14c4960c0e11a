"""Discovery's figures (bench/README.md, "Discovery"): `python -m bench.discovery`.

1. The neighbours' precompute (`manage.py compute_neighbours`, in a subprocess so its
   peak resident memory is its own) at each size of `--sizes` ratings: wall time and
   peak RSS, to show the run time grows linearly with the ratings.
2. At the largest size, in process (Django's test client, no HTTP): the median cost of
   trending and the recommendations, from their cache and computed (the cache off),
   against the uncached movie detail (the response cache bypassed).

The catalog is `--movies` movies and `--users` users; ratings go to random users, their
movies drawn by Zipf(1.1) popularity, values skewed to 3-4 (seed_bench's weights), dated
over the last 30 days. Each size replaces the ratings, then counts them into trending's
table (`movies.activity.rebuild`, as `manage.py rebuild_activity`: raw inserts send no
signal). PostgreSQL:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_discovery python -m bench.discovery
"""

import argparse
import datetime
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def _setup():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _catalog(movies: int, users: int) -> None:
    from django.contrib.auth import get_user_model

    from movies.models import Movie

    if Movie.objects.count() == movies and get_user_model().objects.count() >= users:
        return
    Movie.objects.bulk_create((Movie(title=f"Movie {i}") for i in range(movies)), batch_size=5000)
    get_user_model().objects.bulk_create(
        (
            get_user_model()(username=f"dbench{i:06}", email=f"dbench{i}@example.com", password="!")
            for i in range(users)
        ),
        batch_size=5000,
    )


def _ratings(count: int, seed: int) -> None:
    """Replace every rating with `count` new ones."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from bench.management.commands.seed_bench import RATING_WEIGHTS, ZIPF_S, fast_insert
    from movies.models import Movie, Rating

    rng = random.Random(seed)
    movie_ids = list(Movie.objects.values_list("id", flat=True))
    user_ids = list(get_user_model().objects.values_list("id", flat=True))
    rng.shuffle(movie_ids)
    weights = [1 / (rank**ZIPF_S) for rank in range(1, len(movie_ids) + 1)]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Rating._meta.db_table}")  # noqa: S608
    pairs = set()
    while len(pairs) < count:
        missing = count - len(pairs)
        movies = rng.choices(movie_ids, weights=weights, k=missing)
        pairs.update(zip(rng.choices(user_ids, k=missing), movies, strict=True))
    now = datetime.datetime.now(datetime.UTC)
    values = list(RATING_WEIGHTS)
    drawn = rng.choices(values, weights=list(RATING_WEIGHTS.values()), k=count)
    rows = []
    for (user_id, movie_id), value in zip(sorted(pairs), drawn, strict=True):
        at = now - datetime.timedelta(seconds=rng.randrange(30 * 24 * 3600))
        rows.append((user_id, movie_id, value, at, at))
    fast_insert(
        Rating._meta.db_table, ["user_id", "movie_id", "value", "created_at", "updated_at"], rows
    )


def _activity() -> float:
    """Trending's counts of the raw-inserted ratings (as `manage.py rebuild_activity`):
    its time in seconds."""
    from django.db import transaction

    from movies.activity import rebuild

    started = time.monotonic()
    with transaction.atomic():
        rebuild()
    return round(time.monotonic() - started, 1)


def _precompute() -> dict:
    """compute_neighbours in a child process: its wall time and peak RSS."""
    started = time.monotonic()
    output = subprocess.run(
        [sys.executable, "manage.py", "compute_neighbours"],
        env={**os.environ},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    wall = time.monotonic() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"wall_s": round(wall, 2), "command": output.strip(), "peak_rss_mb": peak_kb // 1024}


def _median_ms(call, iterations: int) -> float:
    call()  # warm
    times = []
    for _ in range(iterations):
        started = time.perf_counter_ns()
        call()
        times.append((time.perf_counter_ns() - started) / 1e6)
    return round(statistics.median(times), 2)


def _requests(iterations: int) -> dict:
    from django.db.models import Count
    from django.test import Client, override_settings
    from rest_framework_simplejwt.tokens import RefreshToken

    from core.caching.canonical import BYPASS_ENVIRON_KEY
    from movies.models import Movie, Rating

    host = {"SERVER_NAME": "127.0.0.1", "HTTP_HOST": "127.0.0.1"}
    movie_id = Movie.objects.order_by("id").values_list("id", flat=True)[0]
    # A rater of the median number of likes among those with some.
    likers = (
        Rating.objects.filter(value__gte=4).values("user_id").annotate(n=Count("id")).order_by("n")
    )
    user_id = likers[likers.count() // 2]["user_id"]
    from django.contrib.auth import get_user_model

    token = str(RefreshToken.for_user(get_user_model().objects.get(pk=user_id)).access_token)
    anonymous, signed_in = Client(**host), Client(**host, HTTP_AUTHORIZATION=f"Bearer {token}")

    def get(client, path, **extra):
        def call():
            response = client.get(path, **extra)
            assert response.status_code == 200, response.content[:200]

        return call

    detail = get(anonymous, f"/api/movies/{movie_id}/", **{BYPASS_ENVIRON_KEY: "bypass"})
    variants = {
        "detail (uncached)": detail,
        "trending day (cached)": get(anonymous, "/api/movies/trending/?window=day"),
        "trending week (cached)": get(anonymous, "/api/movies/trending/?window=week"),
        "recommendations (cached)": get(signed_in, "/api/users/me/recommendations/"),
    }
    figures = {name: _median_ms(call, iterations) for name, call in variants.items()}
    with override_settings(RESPONSE_CACHE_ENABLED=False):
        for name, path, client in (
            ("trending day (computed)", "/api/movies/trending/?window=day", anonymous),
            ("trending week (computed)", "/api/movies/trending/?window=week", anonymous),
            ("recommendations (computed)", "/api/users/me/recommendations/", signed_in),
        ):
            figures[name] = _median_ms(get(client, path), max(5, iterations // 3))
        figures.update(_trending_misses(anonymous, get, max(5, iterations // 3)))
    base = figures["detail (uncached)"]
    return {name: {"median_ms": ms, "ratio": round(ms / base, 2)} for name, ms in figures.items()}


def _trending_misses(client, get, iterations: int) -> dict:
    """The computed trending's other costs (movies/trends.py), the cache off: the first
    request of an hour, which moves the sums one hour on (they are moved back an hour,
    untimed, before each); the sums made whole, as after `rebuild_activity` (once);
    and the ranking recounted from the counts with no sums, as session 10 computed it."""
    from discovery import trending
    from movies import trends
    from movies.activity import hour_of
    from movies.models import TrendWindow

    figures = {}
    last = hour_of(trending.as_of())
    for window, (hours, _) in trends.WINDOWS.items():
        call = get(client, f"/api/movies/trending/?window={window}")
        times = []
        for _ in range(iterations):
            trends.settle(window, last - hours - 1)
            started = time.perf_counter_ns()
            call()
            times.append((time.perf_counter_ns() - started) / 1e6)
        figures[f"trending {window} (computed, first of the hour)"] = round(
            statistics.median(times), 2
        )
    for window in trends.WINDOWS:
        TrendWindow.objects.filter(window=window).delete()
        started = time.perf_counter_ns()
        get(client, f"/api/movies/trending/?window={window}")()
        figures[f"trending {window} (sums made whole, once)"] = round(
            (time.perf_counter_ns() - started) / 1e6, 2
        )
        figures[f"trending {window} (recounted, no sums)"] = _median_ms(
            lambda window=window: trending.trending_scores(window, trending.as_of()), iterations
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--movies", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output", default="bench-discovery.json")
    args = parser.parse_args()
    _setup()
    _catalog(args.movies, args.users)
    results = {"date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")}
    results["load_before"] = os.getloadavg()
    for size in (int(s) for s in args.sizes.split(",")):
        started = time.monotonic()
        _ratings(size, args.seed)
        seeded = time.monotonic() - started
        counted = _activity()
        results[f"precompute {size}"] = {
            "seed_s": round(seeded, 1),
            "activity_s": counted,
            **_precompute(),
        }
        print(size, results[f"precompute {size}"], flush=True)
    results["requests"] = _requests(args.iterations)
    results["load_after"] = os.getloadavg()
    print(json.dumps(results, indent=2))
    with open(args.output, "w") as out:
        json.dump(results, out, indent=2)


if __name__ == "__main__":
    main()
