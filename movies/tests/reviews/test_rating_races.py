"""Concurrent raters through both ways of rating (a review, or a rating alone), with real
threads and real connections: the figures stay exact and one user keeps one rating."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection  # noqa: F401 -- read by sqlite_only's condition string

from conftest import bearer_client
from movies.models import RATINGS, Rating, Review
from movies.tests.factories import MovieFactory
from movies.tests.reviews.test_concurrency import expected_figures, sqlite_only, stored_figures
from tests.concurrency import run_in_threads
from users.tests.factories import UserFactory


def _raters_mixing_reviews_and_ratings(count: int):
    # given a movie and `count` users with their own clients
    movie = MovieFactory()
    people = UserFactory.create_batch(count)
    clients = [bearer_client(user) for user in people]

    def rate(index, barrier):
        value = RATINGS[index % len(RATINGS)]
        barrier.wait()
        if index % 2:  # half of them review, the other half only rate
            return clients[index].post(
                f"/api/movies/{movie.pk}/reviews/", {"rating": float(value), "text": "Seen."}
            )
        return clients[index].put(f"/api/movies/{movie.pk}/rating/", {"value": float(value)})

    # when they all rate at once
    responses = run_in_threads(count, rate)
    # then every write succeeded, and the figures equal a fresh count of the rows
    errors = [r for r in responses if isinstance(r, Exception)]
    assert not errors, errors
    assert [r.status_code for r in responses] == [
        HTTPStatus.CREATED if index % 2 else HTTPStatus.OK for index in range(count)
    ]
    values = [RATINGS[index % len(RATINGS)] for index in range(count)]
    average = (sum(values) / count).quantize(Decimal("0.01"))
    assert stored_figures(movie.pk) == expected_figures(movie.pk)
    assert stored_figures(movie.pk)[:3] == (average, count, count // 2)
    assert Review.objects.filter(movie=movie).count() == count // 2


def _one_user_changes_a_rating_at_once(count: int):
    # given one user's rating of a movie and `count` clients of that user
    movie = MovieFactory()
    user = UserFactory()
    clients = [bearer_client(user) for _ in range(count)]
    clients[0].put(f"/api/movies/{movie.pk}/rating/", {"value": 1})

    def change(index, barrier):
        barrier.wait()
        value = RATINGS[index % len(RATINGS)]
        return clients[index].put(f"/api/movies/{movie.pk}/rating/", {"value": float(value)})

    # when they all change it at once
    responses = run_in_threads(count, change)
    # then each change succeeded, and exactly one value is left: one row, counted once
    errors = [r for r in responses if isinstance(r, Exception)]
    assert not errors, errors
    assert {r.status_code for r in responses} == {HTTPStatus.OK}
    (final,) = Rating.objects.filter(movie=movie, user=user).values_list("value", flat=True)
    assert final in {RATINGS[index % len(RATINGS)] for index in range(count)}
    assert stored_figures(movie.pk)[:3] == (final.quantize(Decimal("0.01")), 1, 0)
    assert stored_figures(movie.pk) == expected_figures(movie.pk)


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_forty_raters_mixing_reviews_and_ratings_keep_the_average_exact_on_postgresql(
    threaded_db,
):
    """PostgreSQL: 40 users rate one movie at once, half by review, half without."""
    _raters_mixing_reviews_and_ratings(40)


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_forty_half_star_changes_by_one_user_leave_one_value_on_postgresql(threaded_db):
    """PostgreSQL: one user changes their rating from 40 connections at once."""
    _one_user_changes_a_rating_at_once(40)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_raters_mixing_reviews_and_ratings_on_sqlite_file(threaded_db):
    """SQLite (file database): the same race with fewer threads."""
    _raters_mixing_reviews_and_ratings(10)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_half_star_changes_by_one_user_on_sqlite_file(threaded_db):
    """SQLite (file database): one user's concurrent changes, fewer threads."""
    _one_user_changes_a_rating_at_once(10)
