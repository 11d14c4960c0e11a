"""Benchmark data straight into the database: `manage.py seed_bench --size XS|S|M --seed 42`.

Shapes follow the dataset table in docs/performance.md. Everything is drawn from one
`random.Random(seed)`, so the same size and seed give the same rows (same titles, links,
ratings, list entries); the prolific person's crew credits come from a second one, so
adding them left every other row as it was.
Database ids may differ between runs because sequences are not reset after `--clear`.

Entity rows (genres, actors, users, movies) go through `bulk_create`, which returns their
ids on both SQLite and PostgreSQL; link rows (movie-genre, castings, reviews, list
entries) go through `executemany` (SQLite) or multi-row VALUES (PostgreSQL), which is
several times faster than building model instances. All of it runs in one transaction,
so a failed seed leaves the catalog as it was. Derived ratings are recomputed at the end
by the same set-based `movies.services.movie_ratings_recompute` the reviews code uses.

Users are `bench-000001`…, email `bench-000001@bench.invalid`, active, staff off, all
with the password "bench-Pass-123" (one hash computed once) so benchmarks can log in.
"""

import datetime
import random
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from core.caching.invalidation import schedule_bump
from lists.models import MovieListEntry
from movies.models import Actor, Casting, CrewCredit, Genre, Movie, Rating, Review
from movies.services import movie_ratings_recompute

BENCH_USER_PREFIX = "bench-"
# The person page's case: one person with this many crew credits besides their parts.
PROLIFIC_CREW_CREDITS = 500
PROLIFIC_JOBS = (
    ("Directing", "Director"),
    ("Writing", "Screenplay"),
    ("Production", "Producer"),
    ("Sound", "Original Music Composer"),
)
# The movie detail with a crew (bench.run's R5_crew): one movie with this many crew
# credits, each a different person.
CREWED_MOVIE_CREW = 100
BENCH_PASSWORD = "bench-Pass-123"
BATCH_SIZE = 5000
# Ratings skewed toward 3-4, as real review sites are.
RATING_WEIGHTS = {1: 5, 2: 10, 3: 30, 4: 38, 5: 17}
ZIPF_S = 1.1
# A fixed epoch, not "now", so review timestamps are reproducible.
EPOCH = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Size:
    """Row counts of one dataset size."""

    movies: int
    genres: int
    actors: int
    users: int
    reviews: int
    list_entries: int
    genres_per_movie: tuple[int, int] = (1, 5)
    actors_per_movie: tuple[int, int] = (3, 10)


SIZES = {
    "XS": Size(movies=50, genres=10, actors=100, users=20, reviews=200, list_entries=200),
    "S": Size(
        movies=5_000, genres=20, actors=5_000, users=2_000, reviews=50_000, list_entries=20_000
    ),
    "M": Size(
        movies=100_000,
        genres=30,
        actors=50_000,
        users=50_000,
        reviews=1_000_000,
        list_entries=500_000,
    ),
}

GENRE_NAMES = [
    "Action", "Adventure", "Animation", "Biography", "Comedy", "Crime", "Documentary",
    "Drama", "Family", "Fantasy", "Film-Noir", "History", "Horror", "Music", "Musical",
    "Mystery", "Romance", "Sci-Fi", "Short", "Sport", "Thriller", "War", "Western",
    "Superhero", "Martial Arts", "Disaster", "Heist", "Satire", "Coming-of-Age", "Space Opera",
]  # fmt: skip
TITLE_WORDS = [
    "Silent", "Red", "Last", "Midnight", "River", "Glass", "Iron", "Summer", "Winter",
    "Hidden", "Golden", "Broken", "Lost", "Northern", "Electric", "Paper", "Stone", "Velvet",
    "Falling", "Distant", "Empire", "Garden", "Harbor", "Storm", "Echo", "Shadow", "Light",
    "Horizon", "Signal", "Orchard", "Machine", "Letter", "Island", "Crown", "Station", "Fire",
]  # fmt: skip
FIRST_NAMES = [
    "Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
    "Luca", "Maya", "Nils", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera",
    "Wen", "Ximena", "Yusuf", "Zoe",
]  # fmt: skip
LAST_NAMES = [
    "Adler", "Brooks", "Castillo", "Dumont", "Eriksen", "Fischer", "Gallo", "Hayes", "Ito",
    "Jensen", "Kowalski", "Larsen", "Moreau", "Novak", "Okafor", "Petrov", "Quist", "Rossi",
    "Sato", "Tanaka", "Underwood", "Varga", "Weber", "Xu", "Yilmaz", "Zielinski",
]  # fmt: skip
PLOT_SNIPPETS = [
    "A reluctant hero", "Two estranged siblings", "A retired detective", "A small-town teacher",
    "An ambitious chef", "A stranded astronaut", "A young violinist", "A disgraced journalist",
]  # fmt: skip
PLOT_ENDINGS = [
    "must face a secret from the past.", "sets out on a journey across the country.",
    "uncovers a conspiracy that reaches the top.", "tries to hold a family together.",
    "gets one last chance to win.", "falls for the wrong person at the wrong time.",
]  # fmt: skip
REVIEW_TEXTS = ["", "Loved it.", "Solid.", "Not for me.", "Great cast.", "Too long.", "Classic."]


def zipf_counts(rng: random.Random, n_items: int, total: int, cap: int) -> list[int]:
    """Split `total` over `n_items` with Zipf(s=1.1) weights, none above `cap`.

    The ranking is shuffled so the hot items are spread over the id range. Whatever
    the cap cuts off is poured into the next items that still have room.
    """
    if n_items == 0 or total == 0:
        return [0] * n_items
    total = min(total, n_items * cap)
    weights = [1 / (rank**ZIPF_S) for rank in range(1, n_items + 1)]
    weight_sum = sum(weights)
    by_rank = [min(cap, int(total * w / weight_sum)) for w in weights]
    leftover = total - sum(by_rank)
    while leftover > 0:
        for rank in range(n_items):
            if leftover == 0:
                break
            if by_rank[rank] < cap:
                by_rank[rank] += 1
                leftover -= 1
    order = list(range(n_items))
    rng.shuffle(order)
    counts = [0] * n_items
    for rank, item in enumerate(order):
        counts[item] = by_rank[rank]
    return counts


def fast_insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    """Insert many rows without building model instances."""
    if not rows:
        return
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            sql = f"INSERT INTO {qn(table)} ({cols}) VALUES %s"  # noqa: S608 - names from _meta
            execute_values(cursor.cursor, sql, rows, page_size=BATCH_SIZE)
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {qn(table)} ({cols}) VALUES ({marks})"  # noqa: S608 - names from _meta
            for start in range(0, len(rows), BATCH_SIZE * 10):
                cursor.executemany(sql, rows[start : start + BATCH_SIZE * 10])


class Command(BaseCommand):
    help = (
        "Generate benchmark data (docs/performance.md) straight into the database: "
        "--size XS|S|M, --seed N, --clear to replace the catalog. Bench users are "
        f"'{BENCH_USER_PREFIX}NNNNNN' with password '{BENCH_PASSWORD}'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="XS")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Delete every movie, genre, actor, review, list entry and earlier bench "
            "user first (other users are kept).",
        )

    def handle(self, *args, size, seed, clear, **options):
        shape = SIZES[size]
        self.started = time.perf_counter()
        if clear:
            self.step("clear", clear_catalog)
        elif Movie.objects.exists() or Genre.objects.exists() or Actor.objects.exists():
            raise CommandError(
                "The catalog is not empty; pass --clear to replace it with benchmark data."
            )
        elif get_user_model().objects.filter(username__startswith=BENCH_USER_PREFIX).exists():
            raise CommandError("Bench users already exist; pass --clear to replace them.")
        seeder = Seeder(shape, seed)
        with transaction.atomic():
            self.step("genres", seeder.genres)
            self.step("actors", seeder.actors)
            self.step("users", seeder.users)
            self.step("movies", seeder.movies)
            self.step("movie genres", seeder.movie_genres)
            self.step("castings", seeder.castings)
            self.step("reviews", seeder.reviews)
            self.step("list entries", seeder.list_entries)
            self.step("prolific person", seeder.prolific_person)
            self.step("crewed movie", seeder.crewed_movie)
            self.step("ratings", lambda: f"{movie_ratings_recompute(movie_ids=None)} movies")
            # Raw DELETEs and bulk_create() send no signal: every cached answer dies.
            schedule_bump(connection)
        self.step("analyze", analyze)
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_bench size={size} seed={seed} done in "
                f"{time.perf_counter() - self.started:.1f}s"
            )
        )

    def step(self, label, func):
        started = time.perf_counter()
        result = func()
        note = f" ({result})" if result else ""
        self.stdout.write(f"{label:>13}: {time.perf_counter() - started:7.2f}s{note}")


def clear_catalog() -> str:
    """Delete the catalog and earlier bench users with set-based DELETEs."""
    with transaction.atomic():
        tables = [
            MovieListEntry._meta.db_table,
            Review._meta.db_table,
            Rating._meta.db_table,
            Casting._meta.db_table,
            CrewCredit._meta.db_table,
            Movie.genres.through._meta.db_table,
            Movie._meta.db_table,
            Actor._meta.db_table,
            Genre._meta.db_table,
        ]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
        # Through the ORM: users may have JWT outstanding tokens that cascade.
        get_user_model().objects.filter(username__startswith=BENCH_USER_PREFIX).delete()
        schedule_bump(connection)  # the raw DELETEs sent no signal
    return "catalog and bench users"


def analyze() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # VACUUM as well (autocommit: outside the seeding transaction; a test's
            # transaction gets the plain ANALYZE, VACUUM cannot run in one): the bulk load
            # leaves the GIN trigram indexes' pending lists full, which every search then
            # scans (the selective search at M: 7 ms of SQL instead of 0.9 ms), and no
            # visibility map; autovacuum would get there eventually, mid-benchmark.
            cursor.execute("VACUUM ANALYZE")
            return None
        cursor.execute("ANALYZE")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")
    return None


class Seeder:
    """Draws and writes one dataset; each method is one table."""

    def __init__(self, shape: Size, seed: int):
        self.shape = shape
        self.rng = random.Random(seed)
        self.seed = seed
        self.genre_ids: list[int] = []
        self.actor_ids: list[int] = []
        self.user_ids: list[int] = []
        self.movie_ids: list[int] = []

    def genres(self) -> str:
        names = [
            GENRE_NAMES[i] if i < len(GENRE_NAMES) else f"Genre {i + 1}"
            for i in range(self.shape.genres)
        ]
        objs = Genre.objects.bulk_create([Genre(name=n) for n in names], batch_size=BATCH_SIZE)
        self.genre_ids = [g.pk for g in objs]
        return f"{len(objs)} rows"

    def actors(self) -> str:
        rng = self.rng
        objs = [
            Actor(
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {i + 1}",
                birth_date=datetime.date(1930 + rng.randrange(75), 1 + rng.randrange(12), 1),
            )
            for i in range(self.shape.actors)
        ]
        objs = Actor.objects.bulk_create(objs, batch_size=BATCH_SIZE)
        self.actor_ids = [a.pk for a in objs]
        return f"{len(objs)} rows"

    def users(self) -> str:
        password = make_password(BENCH_PASSWORD)
        user_model = get_user_model()
        objs = [
            user_model(
                username=f"{BENCH_USER_PREFIX}{i + 1:06d}",
                email=f"{BENCH_USER_PREFIX}{i + 1:06d}@bench.invalid",
                password=password,
                is_active=True,
            )
            for i in range(self.shape.users)
        ]
        objs = user_model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
        self.user_ids = [u.pk for u in objs]
        return f"{len(objs)} rows"

    def movies(self) -> str:
        rng = self.rng
        objs = []
        for i in range(self.shape.movies):
            words = rng.sample(TITLE_WORDS, rng.randint(1, 3))
            objs.append(
                Movie(
                    title=f"{' '.join(words)} {i + 1}",
                    plot=f"{rng.choice(PLOT_SNIPPETS)} {rng.choice(PLOT_ENDINGS)}",
                    release_date=datetime.date(1950 + rng.randrange(75), 1 + rng.randrange(12), 1)
                    + datetime.timedelta(days=rng.randrange(28)),
                    tmdb_id=9_000_000 + i + 1,
                )
            )
        objs = Movie.objects.bulk_create(objs, batch_size=BATCH_SIZE)
        self.movie_ids = [m.pk for m in objs]
        return f"{len(objs)} rows"

    def movie_genres(self) -> str:
        rng, low_high = self.rng, self.shape.genres_per_movie
        high = min(low_high[1], len(self.genre_ids))
        rows = [
            (movie_id, genre_id)
            for movie_id in self.movie_ids
            for genre_id in rng.sample(self.genre_ids, rng.randint(min(low_high[0], high), high))
        ]
        fast_insert(Movie.genres.through._meta.db_table, ["movie_id", "genre_id"], rows)
        return f"{len(rows)} rows"

    def castings(self) -> str:
        rng, low_high = self.rng, self.shape.actors_per_movie
        high = min(low_high[1], len(self.actor_ids))
        rows = []
        for movie_id in self.movie_ids:
            cast = rng.sample(self.actor_ids, rng.randint(min(low_high[0], high), high))
            rows.extend(
                (movie_id, actor_id, f"Character {order + 1}", order)
                for order, actor_id in enumerate(cast)
            )
        fast_insert(Casting._meta.db_table, ["movie_id", "actor_id", "character", "order"], rows)
        return f"{len(rows)} rows"

    def reviews(self) -> str:
        rng = self.rng
        counts = zipf_counts(rng, len(self.movie_ids), self.shape.reviews, len(self.user_ids))
        ratings = list(RATING_WEIGHTS)
        weights = list(RATING_WEIGHTS.values())
        adapt = connection.ops.adapt_datetimefield_value
        span = 3 * 365 * 24 * 3600
        rows = []
        for movie_id, count in zip(self.movie_ids, counts, strict=True):
            if not count:
                continue
            users = rng.sample(self.user_ids, count)
            drawn = rng.choices(ratings, weights=weights, k=count)
            for user_id, rating in zip(users, drawn, strict=True):
                at = adapt(EPOCH - datetime.timedelta(seconds=rng.randrange(span)))
                rows.append((user_id, movie_id, rating, rng.choice(REVIEW_TEXTS), False, at, at))
        fast_insert(
            Review._meta.db_table,
            ["user_id", "movie_id", "rating", "text", "is_edited", "created_at", "updated_at"],
            rows,
        )
        # A review's rating is its author's Rating row (movies.models): the same values.
        fast_insert(
            Rating._meta.db_table,
            ["user_id", "movie_id", "value", "created_at", "updated_at"],
            [
                (user, movie, rating, made, changed)
                for user, movie, rating, _, _, made, changed in rows
            ],
        )
        return f"{len(rows)} rows, busiest movie {max(counts, default=0)}"

    def list_entries(self) -> str:
        rng = self.rng
        target = self.shape.list_entries
        seen = set()
        # The first bench user has up to 100 favorites: the R7 "my favorites" case.
        first = self.user_ids[0] if self.user_ids else None
        for movie_id in self.movie_ids[: min(100, target // 2)]:
            seen.add((first, "favorite", movie_id))
        capacity = len(self.user_ids) * len(self.movie_ids) * 2
        target = min(target, capacity)
        while len(seen) < target:
            seen.add(
                (
                    rng.choice(self.user_ids),
                    rng.choice(("favorite", "watched")),
                    rng.choice(self.movie_ids),
                )
            )
        adapt = connection.ops.adapt_datetimefield_value
        span = 3 * 365 * 24 * 3600
        rows = [
            (
                user_id,
                movie_id,
                kind,
                adapt(EPOCH - datetime.timedelta(seconds=rng.randrange(span))),
                # One place for all: a list then reads in added order, as lists sent
                # one movie at a time do.
                0,
            )
            for user_id, kind, movie_id in sorted(seen)
        ]
        fast_insert(
            MovieListEntry._meta.db_table,
            ["user_id", "movie_id", "kind", "added_at", "position"],
            rows,
        )
        return f"{len(rows)} rows"

    def prolific_person(self) -> str:
        """The person page's case (bench.run's R_person): the first actor also holds
        PROLIFIC_CREW_CREDITS crew jobs, one per movie, TMDB's names in turn.

        Its own generator, so the tables drawn before keep their rows."""
        if not self.actor_ids:
            return "no actors"
        rng = random.Random(self.seed + 1)
        movies = rng.sample(self.movie_ids, min(PROLIFIC_CREW_CREDITS, len(self.movie_ids)))
        rows = [
            (movie_id, self.actor_ids[0], *PROLIFIC_JOBS[index % len(PROLIFIC_JOBS)], 0)
            for index, movie_id in enumerate(movies)
        ]
        fast_insert(
            CrewCredit._meta.db_table, ["movie_id", "person_id", "department", "job", "order"], rows
        )
        return f"{len(rows)} crew credits"

    def crewed_movie(self) -> str:
        """The movie detail with a crew (bench.run's R5_crew): one movie gets
        CREWED_MOVIE_CREW crew credits, a different person each, TMDB's names in turn.

        Its own generator, so the tables drawn before keep their rows."""
        if not self.movie_ids or len(self.actor_ids) < 2:
            return "no movies"
        rng = random.Random(self.seed + 2)
        movie_id = rng.choice(self.movie_ids)
        people = self.actor_ids[1 : CREWED_MOVIE_CREW + 1]
        rows = [
            (movie_id, person_id, *PROLIFIC_JOBS[index % len(PROLIFIC_JOBS)], index)
            for index, person_id in enumerate(people)
        ]
        fast_insert(
            CrewCredit._meta.db_table, ["movie_id", "person_id", "department", "job", "order"], rows
        )
        return f"{len(rows)} crew credits on movie {movie_id}"
