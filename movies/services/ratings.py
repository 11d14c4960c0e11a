"""A user's rating of a movie, and the rating statistics on the movie row.

A rating is one `Rating` row per user per movie, set on its own (`rating_set`, PUT
/api/movies/{id}/rating/, GraphQL `rateMovie`) or by a review (a review's `rating` is
that same row's value, copied onto the review in the same transaction).

`Movie.average_rating`, `rating_count`, `rating_halves`, `ratings_0_5` ... `ratings_5_0`
(from the ratings) and `review_count` (from the reviews) are written here and only here,
in the same transaction as the write that changes them, so every read (list, detail,
GraphQL `ratingStats`) uses the columns as they are and runs no aggregate.

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
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from core.errors import CommonErrorCode, Conflict, Forbidden, NotFound, Unauthenticated, field_error
from core.ids import to_db_id
from movies import activity
from movies.errors import CatalogErrorCode
from movies.models import (
    RATING_MAX,
    RATING_MIN,
    RATING_STEP,
    RATINGS,
    Movie,
    Rating,
    Review,
    rating_bucket,
)

RATING_MESSAGE = f"A rating is from {RATING_MIN} to {RATING_MAX} in steps of {RATING_STEP}."
RATING_HAS_REVIEW_MESSAGE = (
    "This rating belongs to your review of the movie: change the review's rating, or "
    "delete the review (which deletes its rating)."
)


def rating_clean(value: Any, *, field: str = "rating") -> Decimal:
    """THE rating rule: 0.5 to 5.0 in half steps; 4, 4.0 and "4.0" are all 4.0.

    A bool is refused although Python counts it an int; a float is taken at its
    shortest decimal form, so 3.5 is 3.5 and 3.3 is refused, not rounded.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise field_error(field, RATING_MESSAGE)
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except ArithmeticError:
        raise field_error(field, RATING_MESSAGE) from None
    if not number.is_finite():
        raise field_error(field, RATING_MESSAGE)
    if not RATING_MIN <= number <= RATING_MAX:
        code = CommonErrorCode.MIN_VALUE if number < RATING_MIN else CommonErrorCode.MAX_VALUE
        raise field_error(field, RATING_MESSAGE, code)
    if number % RATING_STEP:
        raise field_error(field, RATING_MESSAGE)
    return number.quantize(Decimal("0.1"))


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


def _halves():
    """A rating in half stars, a whole number (3.5 -> 7), so sums stay exact integers."""
    return Cast(F("value") * 2, IntegerField())


def _average_hundredths():
    """THE average rule: round_half_up(SUM / COUNT, 2), in whole hundredths.

    On half stars H: (100 * SUM(H) + COUNT) DIV (2 * COUNT), all integers, so neither
    SQLite's float AVG nor its ROUND (which is not half-up for values like 2.005)
    enters. No ratings, no row: the subquery is NULL, and so is the average.
    """
    return ExpressionWrapper(
        (Sum(_halves()) * 100 + Count("*")) / (Count("*") * 2), output_field=IntegerField()
    )


def movie_stats_update(movies, *, ratings=None, reviews=None) -> int:
    """Recompute the statistics of `movies` (a queryset) in ONE set-based UPDATE.

    Callers hold the movie rows' locks (see the module note). Returns the row count.
    `ratings` / `reviews` are managers to read; a data migration passes its historical
    models' (the default is the current models').
    """
    ratings = (ratings or Rating.objects).filter(movie=OuterRef("pk")).order_by().values("movie")
    reviews = (reviews or Review.objects).filter(movie=OuterRef("pk")).order_by().values("movie")
    average = ratings.annotate(value=_average_hundredths()).values("value")
    values = {
        "rating_count": _per_movie(ratings, Count("*")),
        "review_count": _per_movie(reviews, Count("*")),
        "rating_halves": _per_movie(ratings, Sum(_halves())),
        "average_rating": ExpressionWrapper(
            Subquery(average, output_field=IntegerField())
            / Value(100.0, output_field=FloatField()),
            output_field=FloatField(),
        ),
    }
    for value in RATINGS:
        values[f"ratings_{rating_bucket(value)}"] = _per_movie(
            ratings, Count("id", filter=Q(value=value))
        )
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


# --------------------------------------------------------------------------- the caller's rating


def _require_rater(user) -> None:
    if user is None or not user.is_authenticated:
        raise Unauthenticated()
    if not user.is_active:
        raise Forbidden("Only active accounts may rate movies.")


def _locked_movie(movie_id: Any) -> int:
    """Lock the movie row (the documented lock order) and return its pk, or 404."""
    pk = to_db_id(movie_id)
    if pk is None or movie_lock(pk) is None:
        raise NotFound.of("movie", movie_id)
    return pk


def rating_write(*, user_id: int, movie_id: int, value: Decimal) -> None:
    """Insert or change the rating row in one statement (INSERT ... ON CONFLICT UPDATE).

    Callers hold the movie lock, so no other write of this user's rating runs meanwhile;
    the upsert just saves the SELECT a get-or-create would need. The upsert sends no
    signal: trending's count moves the event from the old `updated_at`'s hour (read
    first) to now's (movies/activity.py).
    """
    before = (
        Rating.objects.filter(user_id=user_id, movie_id=movie_id)
        .values_list("updated_at", flat=True)
        .first()
    )
    (rating,) = Rating.objects.bulk_create(
        [Rating(user_id=user_id, movie_id=movie_id, value=value)],
        update_conflicts=True,
        unique_fields=["user", "movie"],
        update_fields=["value", "updated_at"],
    )
    activity.moved(movie_id, "rating", before, rating.updated_at)


def rating_set(*, user, movie_id: Any, value: Any) -> Rating:
    """Set the caller's rating of a movie, with or without a review (active users).

    A reviewed movie's review shows the new value too: it is the same rating.
    """
    _require_rater(user)
    value = rating_clean(value, field="value")
    with transaction.atomic():
        pk = _locked_movie(movie_id)
        # Under the movie lock, concurrent calls by the same user run one at a time,
        # so get_or_create cannot race itself and the last writer's value stays.
        rating_write(user_id=user.pk, movie_id=pk, value=value)
        Review.objects.filter(user=user, movie_id=pk).exclude(rating=value).update(rating=value)
        movie_stats_update(Movie.objects.filter(pk=pk))
    return Rating.objects.select_related("movie").get(user=user, movie_id=pk)


def rating_delete(*, user, movie_id: Any) -> None:
    """Remove the caller's rating of a movie; 404 without one, 409 while a review holds it.

    A review must have a rating, and deleting its text as a side effect of removing a
    star would surprise: the caller deletes the review instead, which takes its rating.
    """
    _require_rater(user)
    with transaction.atomic():
        pk = _locked_movie(movie_id)
        if Review.objects.filter(user=user, movie_id=pk).exists():
            raise Conflict(RATING_HAS_REVIEW_MESSAGE, code=CatalogErrorCode.RATING_HAS_REVIEW)
        deleted, _ = Rating.objects.filter(user=user, movie_id=pk).delete()
        if not deleted:
            raise NotFound("You have not rated this movie.")
        movie_stats_update(Movie.objects.filter(pk=pk))


# --------------------------------------------------------------------------- account deletion


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="movies_lock_reviewed")
def _lock_movies_reviewed_by(sender, instance, **kwargs) -> None:
    """Before an account's reviews cascade away: lock their movies, remember which."""
    # Every review has its rating, so the rated movies are all the movies to recompute.
    movie_ids = list(Rating.objects.filter(user_id=instance.pk).values_list("movie_id", flat=True))
    movies_lock(movie_ids)
    instance._movies_reviewed = movie_ids


@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="movies_recompute_reviewed")
def _recompute_movies_reviewed_by(sender, instance, **kwargs) -> None:
    """After the cascade, in the same transaction: the movies' figures without them."""
    movie_ids = getattr(instance, "_movies_reviewed", None)
    if movie_ids:
        movie_stats_update(Movie.objects.filter(pk__in=movie_ids))
