"""Concurrent review writers, with real threads and real connections."""

import random
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from http import HTTPStatus

import pytest
from django.db import connection

from conftest import bearer_client
from movies.models import RATINGS, Movie, Rating, Review
from movies.services.reviews import review_create, review_delete, review_update
from movies.tests.factories import MovieFactory
from tests.concurrency import run_in_threads
from users.tests.factories import UserFactory

sqlite_only = pytest.mark.skipif(
    "connection.vendor != 'sqlite'", reason="the SQLite variant; PostgreSQL runs the pg one"
)


def expected_figures(movie_id) -> tuple:
    """A fresh count of the rows, averaged half-up in Python (independent of the SQL)."""
    values = list(Rating.objects.filter(movie_id=movie_id).values_list("value", flat=True))
    counts = {f"{value:.1f}": values.count(value) for value in RATINGS}
    reviews = Review.objects.filter(movie_id=movie_id).count()
    if not values:
        return None, 0, reviews, 0, counts
    average = (sum(values) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return average, len(values), reviews, int(sum(values) * 2), counts


def stored_figures(movie_id) -> tuple:
    movie = Movie.objects.get(pk=movie_id)
    return (
        movie.average_rating,
        movie.rating_count,
        movie.review_count,
        movie.rating_halves,
        movie.rating_counts(),
    )


# ---------------------------------------------------------------------------- one review each


def _ten_concurrent_posts_for_one_user_and_movie():
    # given
    movie = MovieFactory()
    user = UserFactory()
    clients = [bearer_client(user) for _ in range(10)]

    def post(index, barrier):
        barrier.wait()
        return clients[index].post(f"/api/movies/{movie.pk}/reviews/", {"rating": 1 + index % 5})

    # when
    responses = run_in_threads(10, post)
    # then
    errors = [r for r in responses if isinstance(r, Exception)]
    assert not errors, errors
    statuses = Counter(r.status_code for r in responses)
    assert statuses[HTTPStatus.CREATED] == 1, statuses
    assert statuses[HTTPStatus.CONFLICT] == 9, statuses
    for response in responses:
        if response.status_code == HTTPStatus.CONFLICT:
            assert response.json()["code"] == "duplicate_review"
    assert Review.objects.filter(movie=movie, user=user).count() == 1
    winner = next(r for r in responses if r.status_code == HTTPStatus.CREATED).json()
    assert stored_figures(movie.pk)[:3] == (
        Decimal(str(winner["rating"])).quantize(Decimal("0.01")),
        1,
        1,
    )
    assert stored_figures(movie.pk) == expected_figures(movie.pk)


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_duplicate_review_race_on_postgresql(threaded_db):
    """PostgreSQL: ten threads POST the same user's review of one movie: one 201, nine 409."""
    _ten_concurrent_posts_for_one_user_and_movie()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_duplicate_review_race_on_sqlite_file(threaded_db):
    """SQLite (file database): the same race, the same outcome."""
    assert "memory" not in connection.settings_dict["NAME"]
    _ten_concurrent_posts_for_one_user_and_movie()


# ---------------------------------------------------------------------------- exact figures


def _users_churn_reviews_of_one_movie(*, users: int, rounds: int):
    # given
    movie = MovieFactory()
    people = UserFactory.create_batch(users)

    def churn(index, barrier):
        rng = random.Random(index)
        user = people[index]
        if connection.vendor == "postgresql":
            # Durability of commits is not what this test is about; skipping the WAL
            # flush per commit keeps 1,000 transactions within a few seconds.
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO OFF")
        review = None
        done = Counter()
        for _ in range(rounds):
            barrier.wait()  # every round starts all writers together
            if review is None:
                review = review_create(user=user, movie_id=movie.pk, rating=rng.randint(1, 5))
                done["create"] += 1
            elif rng.random() < 0.6:
                review = review_update(review=review, user=user, rating=rng.randint(1, 5))
                done["update"] += 1
            else:
                review_delete(review=review, user=user)
                review = None
                done["delete"] += 1
        return done

    # when
    results = run_in_threads(users, churn)
    # then
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    totals = sum(results, Counter())
    assert totals.total() == users * rounds
    assert totals["create"] and totals["update"] and totals["delete"]
    assert stored_figures(movie.pk) == expected_figures(movie.pk)


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_rating_invariant_under_twenty_concurrent_writers_on_postgresql(threaded_db):
    """PostgreSQL: 20 users x 50 rounds of create/update/delete; figures equal a fresh aggregate."""
    _users_churn_reviews_of_one_movie(users=20, rounds=50)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_rating_invariant_under_concurrent_writers_on_sqlite_file(threaded_db):
    """The rating invariant on the embedded default (SQLite file), fewer rounds to stay quick."""
    _users_churn_reviews_of_one_movie(users=10, rounds=10)
