"""Recommended for you (GET /api/users/me/recommendations/, GraphQL
`me { recommendations }`): item-to-item collaborative filtering over the precomputed
neighbours (discovery/neighbours.py).

- seeds: the caller's likes (ratings of `HIGH_RATING` or more, favorites), the
  `LIKES_MAX` most recent;
- candidates: the seeds' neighbours, each scored by the sum of its neighbour scores to
  the seeds; `because` names the seeds that contributed, the largest share first (at
  most `BECAUSE_MAX`, ties by id);
- never a movie the caller has rated, put on any list or logged in the diary;
- ranked by score, ties by id.

A caller with no likes, or whose seeds have no unseen neighbours, gets the week's
trending movies they have not seen instead, and `source` says which ("trending" or
"personal").

Two queries: the caller's ratings, list entries and diary movies (one statement), then
the seeds' neighbours. The ranking is cached per caller with the
generations of those tables (so any rating, list add, diary entry or recomputed
neighbour invalidates it).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections, router

from core.caching.shared import remembered
from diary.models import DiaryEntry
from discovery import trending
from discovery.models import MovieNeighbour
from discovery.neighbours import HIGH_RATING, LIKES_MAX
from lists.models import MovieListEntry
from movies.models import Rating

PERSONAL = "personal"
TRENDING = "trending"
BECAUSE_MAX = 5
RECOMMENDATIONS_MAX = trending.TRENDING_MAX


@dataclass
class Recommendation:
    movie_id: int
    score: float
    because: list[int] = field(default_factory=list)


@dataclass
class Recommendations:
    source: str  # PERSONAL or TRENDING
    rows: list[Recommendation]


def _quoted(connection, *models) -> list[str]:
    return [connection.ops.quote_name(model._meta.db_table) for model in models]


def seeds_and_seen(user) -> tuple[list[int], set[int]]:
    """The caller's likes (most recent first, at most LIKES_MAX) and every movie they
    rated, listed or logged (one query: the three tables in a UNION ALL).

    Raw SQL here and in `neighbours`, not the ORM: they are most of a computed request,
    and building the same statements through querysets on every call cost more than
    running them. The tables are named after FROM, so a cached answer records them as
    it records any ORM read (core/caching/invalidation.py).
    """
    connection = connections[router.db_for_read(Rating)]
    rating, entry, diary = _quoted(connection, Rating, MovieListEntry, DiaryEntry)
    statement = f"""
        SELECT movie_id, value >= %s, updated_at FROM {rating} WHERE user_id = %s
        UNION ALL SELECT movie_id, kind = %s, added_at FROM {entry} WHERE user_id = %s
        UNION ALL SELECT movie_id, %s, NULL FROM {diary} WHERE user_id = %s
    """  # noqa: S608 (the models' table names; every value a parameter)
    favorite = MovieListEntry.Kind.FAVORITE.value
    with connection.cursor() as cursor:
        cursor.execute(statement, (HIGH_RATING, user.pk, favorite, user.pk, False, user.pk))
        rows = cursor.fetchall()
    seen = {movie_id for movie_id, _liked, _moment in rows}
    # A like's time: a datetime, or on SQLite its text (one format, so it sorts the same).
    dated = sorted(((moment, movie_id) for movie_id, liked, moment in rows if liked), reverse=True)
    return list(dict.fromkeys(movie_id for _moment, movie_id in dated))[:LIKES_MAX], seen


def neighbours(seeds: list[int]) -> list[tuple[int, int, float]]:
    """(seed, neighbour, score) of each neighbour of `seeds` (one query). The seeds are
    listed in the statement: a join to the likes' union would let the planner pick a
    scan of the whole table."""
    connection = connections[router.db_for_read(MovieNeighbour)]
    (table,) = _quoted(connection, MovieNeighbour)
    marks = ", ".join(["%s"] * len(seeds))
    statement = f"SELECT movie_id, neighbour_id, score FROM {table} WHERE movie_id IN ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(statement, seeds)
        return cursor.fetchall()


def personal(rows: list[tuple[int, int, float]], seen: set[int]) -> list[Recommendation]:
    """The unseen movies of (seed, neighbour, score) `rows`, best first, at most
    RECOMMENDATIONS_MAX (only those get their `because` sorted)."""
    shares: dict[int, dict[int, float]] = defaultdict(dict)
    for seed, other, score in rows:
        if other not in seen:
            shares[other][seed] = score
    ranked = sorted(
        ((sum(by_seed.values()), other) for other, by_seed in shares.items()),
        key=lambda pair: (-pair[0], pair[1]),
    )[:RECOMMENDATIONS_MAX]
    return [
        Recommendation(
            movie_id=other,
            score=score,
            because=[
                seed
                for seed, _share in sorted(
                    shares[other].items(), key=lambda item: (-item[1], item[0])
                )
            ][:BECAUSE_MAX],
        )
        for score, other in ranked
    ]


def _compute(user) -> Recommendations:
    seeds, seen = seeds_and_seen(user)
    rows = personal(neighbours(seeds), seen) if seeds else []
    if rows:
        return Recommendations(PERSONAL, rows)
    ranked = trending.trending(window="week")
    trending.depends_on_clock()  # the key below is the caller's only: never stored
    return Recommendations(
        TRENDING,
        [Recommendation(movie_id, score) for movie_id, score in ranked if movie_id not in seen],
    )


def _cache_key(user) -> str | None:
    if not settings.RESPONSE_CACHE_ENABLED or any(
        connection.in_atomic_block for connection in connections.all(initialized_only=True)
    ):
        return None
    return f"discovery:recommendations:{user.pk}"


def recommendations(*, user, limit: int) -> Recommendations:
    """The caller's recommendations, best `limit` first (cached per caller: the
    trending fallback depends on the clock and is cached by trending itself)."""
    found = remembered(_cache_key(user), lambda: _compute(user))
    return Recommendations(found.source, found.rows[:limit])
