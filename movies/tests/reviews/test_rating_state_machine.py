"""Random review histories keep the movie's figures exact.

A hypothesis state machine drives create/update/delete (and refused writes by
intruders) for several users on one movie, and after every step checks that
`average_rating` and `review_count` equal both a fresh aggregate of the reviews table
and an independent model kept in Python, and that min <= average <= max.
"""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min, Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from core.errors import Conflict
from movies.models import Movie, Review
from movies.services.reviews import review_create, review_delete, review_update
from movies.tests.factories import MovieFactory
from users.tests.factories import UserFactory

USERS = 8
who = st.integers(min_value=0, max_value=USERS - 1)
stars = st.integers(min_value=1, max_value=5)


class ReviewHistory(RuleBasedStateMachine):
    """Several users writing reviews of one movie in a random order."""

    def __init__(self):
        super().__init__()
        self.movie = MovieFactory()
        self.users = UserFactory.create_batch(USERS)
        self.staff = UserFactory(is_staff=True)
        self.ratings: dict[int, int] = {}  # the model: user index -> rating

    def _review(self, index) -> Review:
        return Review.objects.get(user=self.users[index], movie=self.movie)

    @rule(index=who, rating=stars)
    def create(self, index, rating):
        if index in self.ratings:
            with pytest.raises(Conflict) as exc_info:
                review_create(user=self.users[index], movie_id=self.movie.pk, rating=rating)
            assert exc_info.value.code == "duplicate_review"
            return
        review_create(user=self.users[index], movie_id=self.movie.pk, rating=rating)
        self.ratings[index] = rating

    @rule(index=who, rating=stars)
    def update(self, index, rating):
        if index not in self.ratings:
            return
        review_update(review=self._review(index), user=self.users[index], rating=rating)
        self.ratings[index] = rating

    @rule(index=who, by_staff=st.booleans())
    def delete(self, index, by_staff):
        if index not in self.ratings:
            return
        actor = self.staff if by_staff else self.users[index]
        review_delete(review=self._review(index), user=actor)
        del self.ratings[index]

    @rule(index=who, intruder=who, rating=stars)
    def intruder_is_refused(self, index, intruder, rating):
        if index not in self.ratings or index == intruder:
            return
        review = self._review(index)
        with pytest.raises(PermissionDenied):
            review_update(review=review, user=self.users[intruder], rating=rating)
        with pytest.raises(PermissionDenied):
            review_delete(review=review, user=self.users[intruder])

    @invariant()
    def figures_are_exact(self):
        movie = Movie.objects.get(pk=self.movie.pk)
        fresh = Review.objects.filter(movie=self.movie).aggregate(
            n=Count("id"), total=Sum("rating"), low=Min("rating"), high=Max("rating")
        )
        count = len(self.ratings)
        expected = Decimal("0.00")
        if count:
            expected = (Decimal(sum(self.ratings.values())) / count).quantize(
                Decimal("0.01"), ROUND_HALF_UP
            )
        assert fresh["n"] == count
        assert (fresh["total"] or 0) == sum(self.ratings.values())
        assert movie.review_count == count
        assert movie.average_rating == expected
        assert movie.rating_sum == sum(self.ratings.values())
        assert movie.rating_counts() == {
            str(stars): list(self.ratings.values()).count(stars) for stars in range(1, 6)
        }
        if count:
            assert fresh["low"] <= movie.average_rating <= fresh["high"]


@pytest.mark.django_db
def test_review_histories_keep_average_and_count_exact():
    run_state_machine_as_test(
        ReviewHistory,
        settings=settings(
            max_examples=30,
            stateful_step_count=20,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
