"""The item-to-item neighbours behind the recommendations, precomputed by
`manage.py compute_neighbours` (README.md, "Discovery": run it hourly, e.g. from cron).

"People who liked X also liked Y": a user likes a movie they rated `HIGH_RATING` or
more, or put on their favorites. Two movies are near when the same users like both:

    score(X, Y) = likers(X and Y) / sqrt(likers(X) * likers(Y))    (cosine)

Each movie keeps its `NEIGHBOURS_MAX` best neighbours (ties by id), rewritten whole in
one transaction, so a reader sees the old table or the new one, never half of each.

Cost: each user contributes at most `LIKES_MAX` of their likes (the most recent), so
the pairs counted are at most `LIKES_MAX` times the likes, and the run time grows
linearly with the ratings (bench/README.md, "Discovery"). Memory holds the likes
(user and movie ids) and one movie's counts at a time.
"""

import heapq
import math
from collections import Counter, defaultdict
from decimal import Decimal

from django.db import connections, router, transaction

from core.caching.invalidation import changed
from discovery.models import MovieNeighbour
from lists.models import MovieListEntry
from movies.models import Rating

# A rating that says "I liked it" (out of 5).
HIGH_RATING = Decimal("4.0")
# Likes of one user counted, the most recent first (also the seeds of a recommendation).
LIKES_MAX = 50
# Neighbours kept per movie.
NEIGHBOURS_MAX = 20
_BATCH = 5000


def likes_by_user() -> dict[int, list[int]]:
    """Every user's liked movies, most recent first, at most `LIKES_MAX` each."""
    dated: dict[int, list] = defaultdict(list)
    ratings = Rating.objects.filter(value__gte=HIGH_RATING).order_by()
    favorites = MovieListEntry.objects.filter(kind=MovieListEntry.Kind.FAVORITE).order_by()
    for rows in (
        ratings.values_list("user_id", "updated_at", "movie_id"),
        favorites.values_list("user_id", "added_at", "movie_id"),
    ):
        for user_id, moment, movie_id in rows.iterator(chunk_size=_BATCH):
            dated[user_id].append((moment, movie_id))
    likes = {}
    for user_id, rows in dated.items():
        rows.sort(key=lambda row: (row[0], row[1]), reverse=True)
        likes[user_id] = list(dict.fromkeys(movie_id for _moment, movie_id in rows))[:LIKES_MAX]
    return likes


def neighbours(likes: dict[int, list[int]]) -> list[tuple[int, int, float, int]]:
    """(movie, neighbour, score, shared likers) rows, best `NEIGHBOURS_MAX` per movie."""
    likers: dict[int, list[int]] = defaultdict(list)
    for user_id, movies in likes.items():
        for movie_id in movies:
            likers[movie_id].append(user_id)
    rows = []
    for movie_id in sorted(likers):
        shared: Counter = Counter()
        for user_id in likers[movie_id]:
            shared.update(likes[user_id])
        del shared[movie_id]
        size = len(likers[movie_id])
        best = heapq.nsmallest(
            NEIGHBOURS_MAX,
            (
                (-count / math.sqrt(size * len(likers[other])), other, count)
                for other, count in shared.items()
            ),
        )
        rows.extend((movie_id, other, -negative, count) for negative, other, count in best)
    return rows


def neighbours_compute() -> int:
    """Recompute the whole neighbours table; the number of rows written."""
    rows = neighbours(likes_by_user())
    alias = router.db_for_write(MovieNeighbour)
    with transaction.atomic(using=alias):
        # One statement: a QuerySet.delete() would fetch every row to send its signals.
        with connections[alias].cursor() as cursor:
            cursor.execute(f"DELETE FROM {MovieNeighbour._meta.db_table}")  # noqa: S608
        changed(MovieNeighbour, using=alias)
        # In batches: bulk_create() would build every instance at once.
        for start in range(0, len(rows), _BATCH):
            MovieNeighbour.objects.bulk_create(
                MovieNeighbour(movie_id=movie, neighbour_id=other, score=score, shared=count)
                for movie, other, score, count in rows[start : start + _BATCH]
            )
    return len(rows)
