"""The year in review: what a user's diary says about one year (GET
/api/users/me/stats/?year=, GraphQL `me { yearInReview(year:) }`).

Every figure is an aggregate the database computes over the year's entries, in a fixed
number of queries whatever the diary's size (pinned by diary/tests/test_stats.py):

- `entries`, `movies` (distinct), `rewatches`, `minutes_watched` (each watch counts its
  movie's `runtime`; `entries_without_runtime` says how many watches had none);
- `by_month`: the entries of each month, all twelve;
- `top_genres`, `top_people`: the genres and the people (cast and crew) of the most
  distinct movies watched that year, `TOP_N` of each, ties by name then id (a person
  in the cast and the crew of one movie counts it once);
- `rating_histogram`: the rated entries of each half star, all ten;
- `highest_rated`: the movies given the year's highest entry rating, their latest such
  watch first, then by title (at most `TOP_N`).

diary/tests/test_stats.py checks all of it against a brute-force computation.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import ExtractMonth

from diary.models import DiaryEntry
from diary.selectors import YEAR_MAX, year_clean
from movies.models import RATINGS, CrewCredit, Genre
from movies.models import Casting as CastingModel

TOP_N = 10


def _year_entries(user, year: int):
    start = datetime.date(year, 1, 1)
    end = datetime.date(year + 1, 1, 1) if year < YEAR_MAX else datetime.date.max
    return DiaryEntry.objects.filter(user=user, watched_on__gte=start, watched_on__lt=end)


def _movie_ref(movie) -> dict:
    return {
        "id": movie.pk,
        "title": movie.title,
        "year": movie.release_date.year if movie.release_date else None,
    }


def year_in_review(*, user, year) -> dict:
    """The year's figures of the caller's diary (module docstring); `year` is checked."""
    year = year_clean(year)
    entries = _year_entries(user, year)
    totals = entries.aggregate(
        entries=Count("id"),
        movies=Count("movie", distinct=True),
        rewatches=Count("id", filter=Q(rewatch=True)),
        minutes=Sum("movie__runtime"),
        without_runtime=Count("id", filter=Q(movie__runtime__isnull=True)),
    )
    months = dict(
        entries.annotate(month=ExtractMonth("watched_on"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("month", "n")
    )
    ratings = dict(
        entries.filter(rating__isnull=False)
        .values("rating")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("rating", "n")
    )
    movie_ids = entries.values("movie_id")
    genres = (
        Genre.objects.filter(movies__in=movie_ids)
        .annotate(n=Count("movies", distinct=True))
        .order_by("-n", "name", "id")[:TOP_N]
    )
    return {
        "year": year,
        "entries": totals["entries"],
        "movies": totals["movies"],
        "rewatches": totals["rewatches"],
        "minutes_watched": totals["minutes"] or 0,
        "entries_without_runtime": totals["without_runtime"],
        "by_month": [{"month": month, "entries": months.get(month, 0)} for month in range(1, 13)],
        "top_genres": [{"id": g.pk, "name": g.name, "movies": g.n} for g in genres],
        "top_people": _top_people(movie_ids),
        "rating_histogram": [
            {"rating": float(value), "entries": ratings.get(value, 0)} for value in RATINGS
        ],
        "highest_rated": _highest_rated(entries),
    }


def _top_people(movie_ids) -> list[dict]:
    """People of the most distinct movies among `movie_ids`, cast and crew together
    (two queries: one row per credit of the year's movies)."""
    movies_of: dict[int, set[int]] = defaultdict(set)
    names: dict[int, str] = {}
    cast = CastingModel.objects.filter(movie__in=movie_ids).values_list(
        "actor_id", "actor__name", "movie_id"
    )
    crew = CrewCredit.objects.filter(movie__in=movie_ids).values_list(
        "person_id", "person__name", "movie_id"
    )
    for rows in (cast, crew):
        for person, name, movie in rows.order_by():
            movies_of[person].add(movie)
            names[person] = name
    ranked = sorted(movies_of, key=lambda p: (-len(movies_of[p]), names[p], p))[:TOP_N]
    return [{"id": p, "name": names[p], "movies": len(movies_of[p])} for p in ranked]


def _highest_rated(entries) -> list[dict]:
    best = list(
        entries.filter(rating__isnull=False)
        .values("movie_id")
        .annotate(rating=Max("rating"))
        .order_by("-rating", "movie_id")
    )
    if not best:
        return []
    top = best[0]["rating"]
    rated = {row["movie_id"]: row["rating"] for row in best if row["rating"] == top}
    # The latest watch that gave each top movie its rating, with the movie (one query).
    rows = (
        entries.filter(movie_id__in=rated, rating=top)
        .select_related("movie")
        .order_by("-watched_on", "-id")
    )
    seen: dict[int, dict] = {}
    for entry in rows:
        if entry.movie_id not in seen:
            seen[entry.movie_id] = {
                "movie": _movie_ref(entry.movie),
                "rating": float(top),
                "watched_on": entry.watched_on,
            }
    ranked = sorted(seen.values(), key=lambda r: (r["watched_on"], r["movie"]["title"]))
    ranked.sort(key=lambda r: r["watched_on"], reverse=True)
    return ranked[:TOP_N]
