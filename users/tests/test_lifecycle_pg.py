"""Deleting an account while others review the same movies, with real threads on PostgreSQL.

Skipped on SQLite (conftest); CI's PostgreSQL pass runs it:
DATABASE_URL=postgres://... pytest users/tests/test_lifecycle_pg.py
"""

import pytest
from django.utils import timezone

from movies.models import Movie, Review
from movies.services import review_create
from movies.tests.factories import MovieFactory
from movies.tests.reviews.test_concurrency import expected_figures, stored_figures
from tests.concurrency import run_together
from users import services
from users.models import User
from users.tests.factories import UserFactory

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]

WRITERS = 4


# A few rounds, each with other interleavings of the deletion and the reviews.
@pytest.mark.parametrize("round_number", range(5))
def test_deletion_with_concurrent_reviews_leaves_exact_ratings(round_number):
    # given a member who rated three movies that others rate too, and new reviewers
    movies = [MovieFactory() for _ in range(3)]
    member = UserFactory(phone_verified_at=timezone.now())
    for rating, movie in enumerate(movies, start=1):
        review_create(user=member, movie_id=movie.pk, rating=rating)
        review_create(user=UserFactory(), movie_id=movie.pk, rating=5)
    writers = [UserFactory() for _ in range(WRITERS)]

    # when the member deletes the account while the others post reviews of those movies
    def act(index):
        if index == 0:
            return services.account_delete(user=member, password="pass-Word-123")
        return review_create(
            user=writers[index - 1],
            movie_id=movies[index % len(movies)].pk,
            rating=1 + (index + round_number) % 5,
        )

    results = run_together(WRITERS + 1, act)

    # then every call succeeded, the member and their reviews are gone
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    assert not User.objects.filter(pk=member.pk).exists()
    assert not Review.objects.filter(user_id=member.pk).exists()
    assert Review.objects.filter(user__in=writers).count() == WRITERS
    # and each movie's figures equal those recomputed from the remaining reviews
    for movie in Movie.objects.filter(pk__in=[m.pk for m in movies]):
        assert stored_figures(movie.pk) == expected_figures(movie.pk), movie.pk
