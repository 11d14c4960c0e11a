"""Review writes and who may make them; each write keeps its movie's statistics exact.

A review's rating is the author's `Rating` of the movie: writing the review writes that
row too (creating it, or changing a rating given without a review), and deleting the
review deletes its rating. Every write locks the movie row first (`ratings.movie_lock`),
then changes the review and the rating, then recomputes the movie's rating statistics,
in one transaction: the design and the lock order are explained in
`movies.services.ratings`.
"""

from typing import Any

from django.db import IntegrityError, transaction

from core.errors import (
    CommonErrorCode,
    Conflict,
    Forbidden,
    NotFound,
    Unauthenticated,
    field_error,
)
from core.ids import to_db_id
from movies.errors import CatalogErrorCode
from movies.models import RATING_STATS_FIELDS, Movie, Rating, Review
from movies.services.ratings import movie_lock, movie_stats_update, rating_clean, rating_write

REVIEW_TEXT_MAX_LENGTH: int = Review._meta.get_field("text").max_length
REVIEW_CHANGE_DENIED = "Only the author may change this review."
REVIEW_DELETE_DENIED = "Only the author or staff may delete this review."


def review_can_change(*, review: Review, user) -> bool:
    """Only the author, while active, may change a review."""
    return bool(
        user is not None and user.is_authenticated and user.is_active and review.user_id == user.pk
    )


def review_can_delete(*, review: Review, user) -> bool:
    """The author or any active staff member may delete a review."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (review.user_id == user.pk or user.is_staff)
    )


def review_require_change(*, review: Review, user) -> None:
    """Raise Forbidden unless `user` may change `review` (checked before its values)."""
    if not review_can_change(review=review, user=user):
        raise Forbidden(REVIEW_CHANGE_DENIED)


DUPLICATE_REVIEW_MESSAGE = (
    "You have already reviewed this movie; edit or delete that review instead."
)


def _duplicate_review_error() -> Conflict:
    return Conflict(DUPLICATE_REVIEW_MESSAGE, code=CatalogErrorCode.DUPLICATE_REVIEW)


def _clean_text(text: Any) -> str:
    if not isinstance(text, str):
        raise field_error("text", "The text must be a string.")
    if len(text) > REVIEW_TEXT_MAX_LENGTH:
        raise field_error(
            "text",
            f"The text may have at most {REVIEW_TEXT_MAX_LENGTH} characters (it has {len(text)}).",
            CommonErrorCode.MAX_LENGTH,
        )
    return text


def _require_author(user) -> None:
    if user is None or not user.is_authenticated:
        raise Unauthenticated()
    if not user.is_active:
        raise Forbidden("Only active accounts may write reviews.")


def _show_new_rating(review: Review) -> None:
    """Mutations answer with the state after the change: refresh a loaded movie's figures."""
    if Review.movie.is_cached(review):
        review.movie.refresh_from_db(fields=list(RATING_STATS_FIELDS))


def _review_exists(*, user_id: int, movie_id: int) -> bool:
    return Review.objects.filter(user_id=user_id, movie_id=movie_id).exists()


def review_create(*, user, movie_id: int, rating: Any, text: str = "") -> Review:
    """Create the caller's review of a movie (active users; one per user per movie).

    A rating the caller gave without a review becomes this review's (with its new value).
    """
    _require_author(user)
    pk = to_db_id(movie_id)
    if pk is None:
        raise NotFound.of("movie", movie_id)
    rating = rating_clean(rating)
    text = _clean_text(text)
    try:
        with transaction.atomic():
            movie = movie_lock(pk)
            if movie is None:
                raise NotFound.of("movie", pk)
            # Race-free under the movie lock: a concurrent create for this movie waits.
            if _review_exists(user_id=user.pk, movie_id=pk):
                raise _duplicate_review_error()
            rating_write(user_id=user.pk, movie_id=pk, value=rating)
            review = Review.objects.create(user=user, movie=movie, rating=rating, text=text)
            movie_stats_update(Movie.objects.filter(pk=pk))
    except IntegrityError as exc:
        # Only a writer that skipped the movie lock (e.g. a raw bulk insert) can beat
        # the check above; the unique constraint still holds and means the same thing.
        if _review_exists(user_id=user.pk, movie_id=pk):
            raise _duplicate_review_error() from exc
        raise
    # The locked movie was loaded without its figures, so reading them shows the new ones.
    return review


def review_update(*, review: Review, user, rating: Any = None, text: str | None = None) -> Review:
    """Change the author's own review; marks it edited when something changed."""
    review_require_change(review=review, user=user)
    changes: dict[str, Any] = {}
    if rating is not None:
        changes["rating"] = rating_clean(rating)
    if text is not None:
        changes["text"] = _clean_text(text)
    with transaction.atomic():
        movie_lock(review.movie_id)
        current = Review.objects.filter(pk=review.pk).values("rating", "text").first()
        if current is None:
            raise NotFound.of("review", review.pk)
        changed = [name for name, value in changes.items() if current[name] != value]
        review.rating, review.text = current["rating"], current["text"]
        if changed:
            for name in changed:
                setattr(review, name, changes[name])
            review.is_edited = True
            review.save(update_fields=[*changed, "is_edited", "updated_at"])
            if "rating" in changed:
                rating_write(user_id=review.user_id, movie_id=review.movie_id, value=review.rating)
                movie_stats_update(Movie.objects.filter(pk=review.movie_id))
    _show_new_rating(review)
    return review


def review_delete(*, review: Review, user) -> None:
    """Delete a review and its rating (its author or staff); update the movie's statistics."""
    if not review_can_delete(review=review, user=user):
        raise Forbidden(REVIEW_DELETE_DENIED)
    with transaction.atomic():
        movie_lock(review.movie_id)
        deleted, _ = Review.objects.filter(pk=review.pk).delete()
        if not deleted:
            raise NotFound.of("review", review.pk)
        Rating.objects.filter(user_id=review.user_id, movie_id=review.movie_id).delete()
        movie_stats_update(Movie.objects.filter(pk=review.movie_id))
