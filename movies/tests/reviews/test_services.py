"""Review services: the rules, the rating math and the bulk recompute."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count

from core.errors import Conflict, Forbidden, NotFound, Unauthenticated
from movies.models import Movie, Rating, Review
from movies.services.ratings import movie_ratings_recompute
from movies.services.reviews import review_create, review_delete, review_update
from movies.tests.factories import MovieFactory, ReviewFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fresh(movie) -> Movie:
    return Movie.objects.get(pk=movie.pk)


def _error_fields(exc_info) -> dict:
    return {field: [e.code for e in errors] for field, errors in exc_info.value.error_dict.items()}


def test_create_stores_the_review_and_updates_the_movie_figures(user):
    # given
    movie = MovieFactory()
    # when
    review = review_create(user=user, movie_id=movie.pk, rating=4, text="Fine.")
    # then
    assert Review.objects.get(pk=review.pk).user_id == user.pk
    assert review.is_edited is False
    movie = _fresh(movie)
    assert (movie.average_rating, movie.review_count) == (Decimal("4.00"), 1)


def test_second_review_of_the_same_movie_is_a_duplicate_review_error(user):
    # given
    movie = MovieFactory()
    review_create(user=user, movie_id=movie.pk, rating=4)
    # when
    with pytest.raises(Conflict) as exc_info:
        review_create(user=user, movie_id=movie.pk, rating=2)
    # then
    assert exc_info.value.code == "duplicate_review"
    assert "already reviewed" in exc_info.value.message
    assert Review.objects.filter(movie=movie).count() == 1
    assert _fresh(movie).average_rating == Decimal("4.00")


def test_a_lost_race_at_the_unique_constraint_is_the_same_duplicate_error(user, monkeypatch):
    # given: a row exists but the pre-check misses it, as when a writer skipped the lock
    movie = MovieFactory()
    ReviewFactory(user=user, movie=movie, rating=5)
    calls = []

    def exists_once_missed(*, user_id, movie_id):
        calls.append(movie_id)
        return len(calls) > 1  # the check under the lock misses; the one after sees it

    monkeypatch.setattr("movies.services.reviews._review_exists", exists_once_missed)
    # when
    with pytest.raises(Conflict) as exc_info:
        review_create(user=user, movie_id=movie.pk, rating=1)
    # then: the IntegrityError became the domain error and nothing was half-written
    assert exc_info.value.code == "duplicate_review"
    assert list(Review.objects.filter(movie=movie).values_list("rating", flat=True)) == [5]


@pytest.mark.parametrize(
    ("rating", "code"),
    [(0, "min_value"), (6, "max_value"), ("five", "invalid"), (1.25, "invalid"), (True, "invalid")],
)
def test_bad_ratings_are_rejected_naming_the_field(user, rating, code):
    movie = MovieFactory()
    with pytest.raises(ValidationError) as exc_info:
        review_create(user=user, movie_id=movie.pk, rating=rating)
    assert _error_fields(exc_info) == {"rating": [code]}
    assert not Review.objects.exists()


def test_text_over_the_limit_is_rejected(user):
    movie = MovieFactory()
    with pytest.raises(ValidationError) as exc_info:
        review_create(user=user, movie_id=movie.pk, rating=3, text="x" * 10_001)
    assert _error_fields(exc_info) == {"text": ["max_length"]}


@pytest.mark.parametrize("movie_id", [999_999, "abc", -1, 2**70])
def test_unknown_movie_is_rejected_naming_it(user, movie_id):
    with pytest.raises(NotFound) as exc_info:
        review_create(user=user, movie_id=movie_id, rating=3)
    assert exc_info.value.message == f"No movie with id {movie_id}."


def test_inactive_and_anonymous_users_cannot_review():
    from django.contrib.auth.models import AnonymousUser

    movie = MovieFactory()
    with pytest.raises(Forbidden):
        review_create(user=UserFactory(is_active=False), movie_id=movie.pk, rating=3)
    with pytest.raises(Unauthenticated):
        review_create(user=AnonymousUser(), movie_id=movie.pk, rating=3)
    assert not Review.objects.exists()


def test_update_by_the_author_marks_edited_and_recomputes(user, other_user):
    # given
    movie = MovieFactory()
    review_create(user=other_user, movie_id=movie.pk, rating=2)
    review = review_create(user=user, movie_id=movie.pk, rating=4)
    # when
    review_update(review=review, user=user, rating=5, text="Better on a second watch.")
    # then
    stored = Review.objects.get(pk=review.pk)
    assert (stored.rating, stored.text, stored.is_edited) == (5, "Better on a second watch.", True)
    assert _fresh(movie).average_rating == Decimal("3.50")


def test_update_without_a_change_does_not_mark_edited(user):
    movie = MovieFactory()
    review = review_create(user=user, movie_id=movie.pk, rating=4, text="Same.")
    review_update(review=review, user=user, rating=4, text="Same.")
    assert Review.objects.get(pk=review.pk).is_edited is False


def test_only_the_author_may_update_even_staff_may_not(user, other_user, staff):
    movie = MovieFactory()
    review = review_create(user=user, movie_id=movie.pk, rating=4)
    for who in (other_user, staff):
        with pytest.raises(PermissionDenied):
            review_update(review=review, user=who, rating=1)
    assert Review.objects.get(pk=review.pk).rating == 4
    assert _fresh(movie).average_rating == Decimal("4.00")


def test_delete_by_author_or_staff_but_not_others(user, other_user, staff):
    movie = MovieFactory()
    mine = review_create(user=user, movie_id=movie.pk, rating=5)
    theirs = review_create(user=other_user, movie_id=movie.pk, rating=1)
    with pytest.raises(PermissionDenied):
        review_delete(review=mine, user=other_user)
    assert _fresh(movie).review_count == 2
    review_delete(review=mine, user=user)
    assert (_fresh(movie).average_rating, _fresh(movie).review_count) == (Decimal("1.00"), 1)
    review_delete(review=theirs, user=staff)
    assert (_fresh(movie).average_rating, _fresh(movie).review_count) == (None, 0)
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        ([1, 2], "1.50"),
        ([1, 1, 2], "1.33"),  # 1.333.. rounds down
        ([1, 2, 2], "1.67"),  # 1.666.. rounds up
        ([2] * 7 + [3], "2.13"),  # 2.125 exactly: half up, not half even
        ([2] * 199 + [3], "2.01"),  # 2.005 exactly: a float AVG + ROUND would give 2.00
        ([5] * 3, "5.00"),
        ([0.5, 1], "0.75"),  # half stars
        ([3.5, 4, 4.5, 4.5], "4.13"),  # 4.125: half up
        ([0.5] * 2 + [5], "2.00"),
    ],
)
def test_average_is_rounded_half_up_to_two_decimals(ratings, expected):
    # given: ratings bulk-inserted, as a loader does
    movie = MovieFactory()
    users = UserFactory.create_batch(len(ratings))
    Rating.objects.bulk_create(
        Rating(user=u, movie=movie, value=Decimal(str(r)))
        for u, r in zip(users, ratings, strict=True)
    )
    # when
    movie_ratings_recompute(movie_ids=[movie.pk])
    # then
    movie = _fresh(movie)
    assert movie.average_rating == Decimal(expected)
    assert (movie.rating_count, movie.review_count) == (len(ratings), 0)


def test_bulk_recompute_is_one_update_for_many_movies(django_assert_num_queries):
    # given: three movies with stale figures, one without reviews
    movies = MovieFactory.create_batch(3)
    ReviewFactory(movie=movies[0], rating=5)
    ReviewFactory(movie=movies[0], rating=2)
    ReviewFactory(movie=movies[1], rating=1)
    Movie.objects.filter(pk=movies[2].pk).update(average_rating=4, review_count=9)
    # when: the lock SELECT and one UPDATE (plus the savepoint pair of the atomic block)
    with django_assert_num_queries(4):
        updated = movie_ratings_recompute()
    # then
    assert updated == 3
    figures = dict(Movie.objects.values_list("pk", "average_rating"))
    assert figures == {
        movies[0].pk: Decimal("3.50"),
        movies[1].pk: Decimal("1.00"),
        movies[2].pk: None,
    }
    fresh = Review.objects.values("movie").annotate(n=Count("id"), avg=Avg("rating"))
    assert {row["movie"]: row["n"] for row in fresh} == dict(
        Movie.objects.filter(review_count__gt=0).values_list("pk", "review_count")
    )


def test_create_costs_a_fixed_number_of_queries(user, django_assert_num_queries):
    movie = MovieFactory()
    # savepoint, lock, exists, the rating's old date, rating upsert, its trending count
    # and trending's windows (movies/trends.py: read, made, read again), review insert,
    # its trending count and the windows read, statistics UPDATE, release
    with django_assert_num_queries(14):
        review_create(user=user, movie_id=movie.pk, rating=3)


def _statistics(movie) -> dict:
    movie = _fresh(movie)
    return {
        "count": movie.rating_count,
        "reviews": movie.review_count,
        "halves": movie.rating_halves,
        "average": movie.average_rating,
        # the buckets that are not zero
        "counts": {value: n for value, n in movie.rating_counts().items() if n},
    }


def test_every_review_write_keeps_the_statistics_columns(user, other_user):
    # given a movie reviewed 5 by one user
    movie = MovieFactory()
    first = review_create(user=user, movie_id=movie.pk, rating=5)
    # when another user rates it 2, then the first changes 5 -> 4
    review_create(user=other_user, movie_id=movie.pk, rating=2)
    review_update(review=first, user=user, rating=4)
    # then count, sum, average and the per-rating counts follow every write
    assert _statistics(movie) == {
        "count": 2,
        "reviews": 2,
        "halves": 12,
        "average": Decimal("3.00"),
        "counts": {"2.0": 1, "4.0": 1},
    }
    # and after a delete only the other review is left
    review_delete(review=first, user=user)
    assert _statistics(movie) == {
        "count": 1,
        "reviews": 1,
        "halves": 4,
        "average": Decimal("2.00"),
        "counts": {"2.0": 1},
    }


def test_deleting_an_account_recomputes_the_movies_it_reviewed(user, other_user):
    # given two movies the user reviewed, one also reviewed by someone else
    shared, alone = MovieFactory(), MovieFactory()
    review_create(user=user, movie_id=shared.pk, rating=1)
    review_create(user=other_user, movie_id=shared.pk, rating=4)
    review_create(user=user, movie_id=alone.pk, rating=3)
    # when the account is deleted directly (its reviews go by ON DELETE CASCADE)
    user.delete()
    # then both movies' statistics exclude the deleted reviews, in the same transaction
    assert _statistics(shared) == {
        "count": 1,
        "reviews": 1,
        "halves": 8,
        "average": Decimal("4.00"),
        "counts": {"4.0": 1},
    }
    assert _statistics(alone) == {
        "count": 0,
        "reviews": 0,
        "halves": 0,
        "average": None,
        "counts": {},
    }
