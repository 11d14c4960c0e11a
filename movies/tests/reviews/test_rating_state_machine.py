"""Random rating and review histories keep the movie's figures exact.

A hypothesis state machine drives review create/update/delete, ratings given and taken
back without a review, and refused writes by intruders, for several users on one movie
with half-star values; after every step it checks that the movie's figures equal both a
fresh aggregate of the ratings table and an independent model kept in Python, that a
review's rating is its author's rating, and that min <= average <= max.
"""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from core.errors import Conflict, NotFound
from movies.models import RATINGS, Movie, Rating, Review
from movies.services.ratings import rating_delete, rating_set
from movies.services.reviews import review_create, review_delete, review_update
from movies.tests.factories import MovieFactory
from users.tests.factories import UserFactory

USERS = 8
who = st.integers(min_value=0, max_value=USERS - 1)
stars = st.sampled_from(RATINGS)


class RatingHistory(RuleBasedStateMachine):
    """Several users rating and reviewing one movie in a random order."""

    def __init__(self):
        super().__init__()
        self.movie = MovieFactory()
        self.users = UserFactory.create_batch(USERS)
        self.staff = UserFactory(is_staff=True)
        self.ratings: dict[int, Decimal] = {}  # the model: user index -> rating
        self.reviewed: set[int] = set()  # user indexes with a review

    def _review(self, index) -> Review:
        return Review.objects.get(user=self.users[index], movie=self.movie)

    @rule(index=who, rating=stars)
    def create(self, index, rating):
        if index in self.reviewed:
            with pytest.raises(Conflict) as exc_info:
                review_create(user=self.users[index], movie_id=self.movie.pk, rating=rating)
            assert exc_info.value.code == "duplicate_review"
            return
        review_create(user=self.users[index], movie_id=self.movie.pk, rating=rating)
        self.ratings[index] = rating
        self.reviewed.add(index)

    @rule(index=who, rating=stars)
    def update(self, index, rating):
        if index not in self.reviewed:
            return
        review_update(review=self._review(index), user=self.users[index], rating=rating)
        self.ratings[index] = rating

    @rule(index=who, by_staff=st.booleans())
    def delete(self, index, by_staff):
        if index not in self.reviewed:
            return
        actor = self.staff if by_staff else self.users[index]
        review_delete(review=self._review(index), user=actor)
        del self.ratings[index]
        self.reviewed.discard(index)

    @rule(index=who, rating=stars)
    def rate(self, index, rating):
        rating_set(user=self.users[index], movie_id=self.movie.pk, value=rating)
        self.ratings[index] = rating

    @rule(index=who)
    def unrate(self, index):
        if index in self.reviewed:
            with pytest.raises(Conflict) as exc_info:
                rating_delete(user=self.users[index], movie_id=self.movie.pk)
            assert exc_info.value.code == "rating_has_review"
        elif index not in self.ratings:
            with pytest.raises(NotFound):
                rating_delete(user=self.users[index], movie_id=self.movie.pk)
        else:
            rating_delete(user=self.users[index], movie_id=self.movie.pk)
            del self.ratings[index]

    @rule(index=who, intruder=who, rating=stars)
    def intruder_is_refused(self, index, intruder, rating):
        if index not in self.reviewed or index == intruder:
            return
        review = self._review(index)
        with pytest.raises(PermissionDenied):
            review_update(review=review, user=self.users[intruder], rating=rating)
        with pytest.raises(PermissionDenied):
            review_delete(review=review, user=self.users[intruder])

    @invariant()
    def figures_are_exact(self):
        movie = Movie.objects.get(pk=self.movie.pk)
        fresh = Rating.objects.filter(movie=self.movie).aggregate(
            n=Count("id"), low=Min("value"), high=Max("value")
        )
        values = list(self.ratings.values())
        count = len(values)
        expected = None
        if count:
            expected = (sum(values) / count).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert fresh["n"] == movie.rating_count == count
        assert movie.review_count == len(self.reviewed)
        assert movie.average_rating == expected
        assert movie.rating_halves == int(sum(values) * 2)
        assert movie.rating_counts() == {f"{value:.1f}": values.count(value) for value in RATINGS}
        if count:
            assert fresh["low"] <= movie.average_rating <= fresh["high"]
        # a review's rating is its author's rating
        reviews = Review.objects.filter(movie=self.movie).values_list("user_id", "rating")
        by_user = {user.pk: index for index, user in enumerate(self.users)}
        assert {by_user[user]: rating for user, rating in reviews} == {
            index: self.ratings[index] for index in self.reviewed
        }


@pytest.mark.django_db
def test_rating_histories_keep_average_and_counts_exact():
    run_state_machine_as_test(
        RatingHistory,
        settings=settings(
            max_examples=30,
            stateful_step_count=20,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
