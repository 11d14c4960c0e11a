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
the seeds' neighbours. The ranking is cached per caller with the generations of those tables
(so any rating, list add, diary entry or recomputed neighbour invalidates it).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections
from django.db.models import BooleanField, DateTimeField, ExpressionWrapper, F, Q, Value

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


def _touched(user):
    """(movie id, liked, when) for each of the caller's ratings, list entries and diary
    entries, as one statement (a UNION ALL of the three tables): liked is a rating of
    HIGH_RATING or more or a favorite, when its time (none for a diary entry)."""

    def rows(queryset, liked, moment):
        return (
            queryset.filter(user=user)
            .order_by()
            .annotate(
                touched_id=F("movie_id"),
                touched_likes=ExpressionWrapper(liked, output_field=BooleanField()),
                touched_at=moment,
            )
            .values_list("touched_id", "touched_likes", "touched_at")
        )

    return rows(Rating.objects, Q(value__gte=HIGH_RATING), F("updated_at")).union(
        rows(MovieListEntry.objects, Q(kind=MovieListEntry.Kind.FAVORITE), F("added_at")),
        rows(DiaryEntry.objects, Value(False), Value(None, output_field=DateTimeField())),
        all=True,
    )


def seeds_and_seen(user) -> tuple[list[int], set[int]]:
    """The caller's likes (most recent first, at most LIKES_MAX) and every movie they
    rated, listed or logged (one query)."""
    dated = []
    seen = set()
    for movie_id, liked, moment in _touched(user):
        seen.add(movie_id)
        if liked:
            dated.append((moment, movie_id))
    dated.sort(reverse=True)
    return list(dict.fromkeys(movie_id for _moment, movie_id in dated))[:LIKES_MAX], seen


def personal(seeds: list[int], seen: set[int]) -> list[Recommendation]:
    """The seeds' unseen neighbours, best first (one query)."""
    shares: dict[int, dict[int, float]] = defaultdict(dict)
    for seed, other, score in MovieNeighbour.objects.filter(movie_id__in=seeds).values_list(
        "movie_id", "neighbour_id", "score"
    ):
        if other not in seen:
            shares[other][seed] = score
    rows = [
        Recommendation(
            movie_id=other,
            score=sum(by_seed.values()),
            because=[
                seed
                for seed, _score in sorted(by_seed.items(), key=lambda item: (-item[1], item[0]))
            ][:BECAUSE_MAX],
        )
        for other, by_seed in shares.items()
    ]
    rows.sort(key=lambda row: (-row.score, row.movie_id))
    return rows[:RECOMMENDATIONS_MAX]


def _compute(user) -> Recommendations:
    seeds, seen = seeds_and_seen(user)
    rows = personal(seeds, seen) if seeds else []
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
