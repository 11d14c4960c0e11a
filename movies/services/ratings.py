"""Rating statistics on the movie row, kept in step with its reviews.

`Movie.review_count`, `rating_sum`, `ratings_1` ... `ratings_5` and `average_rating`
are written here and only here, in the same transaction as the review write that
changes them, so every read (list, detail, GraphQL `reviewStats`) uses the columns as
they are and runs no aggregate.

Why a row lock and a recompute, not F() increments: every review write first locks its
movie row with SELECT ... FOR UPDATE, then changes the review, then recomputes the
figures from the reviews table in one UPDATE, all in one transaction. Writers of the
same movie queue on the movie row, and each recompute runs after every earlier writer
committed, so under READ COMMITTED it sees all of them and the figures are exact. A
recompute cannot drift the way an increment can when some code path forgets it, and it
repairs rows a bulk loader wrote. Its cost is a few index range scans over (movie,
rating) per write. On SQLite SELECT ... FOR UPDATE is a no-op, but the settings open
every transaction with BEGIN IMMEDIATE, which serialises writers just the same.

Lock order: the movie row first, then review rows; several movies in id order. So
writers never wait for each other in opposite orders (no deadlock).

Reviews that go because their author's account is deleted (ON DELETE CASCADE) are
covered by the two receivers at the end: they lock the author's movies before the
cascade and recompute them after it, inside the deletion's transaction.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import (
    Count,
    ExpressionWrapper,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from movies.models import RATINGS, Movie, Review


def movie_lock(movie_id: int) -> Movie | None:
    """Lock one movie row for the rest of the transaction; None when there is no movie."""
    locked = Movie.objects.select_for_update().only("id", "title").filter(pk=movie_id)
    return next(iter(locked.order_by()), None)


def movies_lock(movie_ids: Iterable[int]) -> None:
    """Lock several movie rows, in id order (the documented lock order)."""
    ids = sorted(set(movie_ids))
    if ids:
        list(Movie.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


def _per_movie(reviews, aggregate) -> Coalesce:
    """One aggregate of a movie's reviews as a correlated subquery (0 without reviews)."""
    value = reviews.annotate(value=aggregate).values("value")
    return Coalesce(Subquery(value, output_field=IntegerField()), 0)


def _average_hundredths():
    """THE average rule: round_half_up(SUM / COUNT, 2), in whole hundredths.

    (200 * SUM + COUNT) DIV (2 * COUNT) on integers, so neither SQLite's float AVG nor
    its ROUND (which is not half-up for values like 2.005) enters.
    """
    return ExpressionWrapper(
        (Sum("rating") * 200 + Count("*")) / (Count("*") * 2), output_field=IntegerField()
    )


def movie_stats_update(movies) -> int:
    """Recompute the statistics of `movies` (a queryset) in ONE set-based UPDATE.

    Callers hold the movie rows' locks (see the module note). Returns the row count.
    """
    reviews = Review.objects.filter(movie=OuterRef("pk")).order_by().values("movie")
    values = {
        "review_count": _per_movie(reviews, Count("*")),
        "rating_sum": _per_movie(reviews, Sum("rating")),
        "average_rating": ExpressionWrapper(
            _per_movie(reviews, _average_hundredths()) / Value(100.0, output_field=FloatField()),
            output_field=FloatField(),
        ),
    }
    for stars in RATINGS:
        values[f"ratings_{stars}"] = _per_movie(reviews, Count("id", filter=Q(rating=stars)))
    return movies.order_by().update(**values)


def movie_ratings_recompute(*, movie_ids: Iterable[int] | None = None) -> int:
    """Recompute the rating statistics of these movies (all when None).

    For bulk loaders after inserting reviews with bulk_create, and for repairs: one
    locking SELECT (in id order) and one UPDATE, whatever the number of movies.
    Returns the number of movies updated.
    """
    movies = Movie.objects.all()
    if movie_ids is not None:
        movies = movies.filter(pk__in=list(movie_ids))
    with transaction.atomic():
        # Locking first means the UPDATE's snapshot includes every review write that
        # was in flight on these movies (they hold the lock until they commit).
        list(movies.select_for_update().order_by("pk").values_list("pk", flat=True))
        return movie_stats_update(movies)


# --------------------------------------------------------------------------- account deletion


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="movies_lock_reviewed")
def _lock_movies_reviewed_by(sender, instance, **kwargs) -> None:
    """Before an account's reviews cascade away: lock their movies, remember which."""
    movie_ids = list(Review.objects.filter(user_id=instance.pk).values_list("movie_id", flat=True))
    movies_lock(movie_ids)
    instance._movies_reviewed = movie_ids


@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="movies_recompute_reviewed")
def _recompute_movies_reviewed_by(sender, instance, **kwargs) -> None:
    """After the cascade, in the same transaction: the movies' figures without them."""
    movie_ids = getattr(instance, "_movies_reviewed", None)
    if movie_ids:
        movie_stats_update(Movie.objects.filter(pk__in=movie_ids))
