"""A review write that loses a race with a DELETE is a 404, on the service and the door."""

from http import HTTPStatus

import pytest

from conftest import bearer_client, error_json
from core.errors import NotFound
from movies.models import Review
from movies.services.reviews import review_create, review_update
from movies.tests.factories import MovieFactory


@pytest.fixture
def review(user):
    return review_create(user=user, movie_id=MovieFactory().pk, rating=4)


def test_update_of_a_review_deleted_meanwhile_is_not_found(user, review):
    # given the review was loaded, then deleted by someone else
    Review.objects.filter(pk=review.pk).delete()
    # when the author's update runs with the stale object
    with pytest.raises(NotFound) as exc_info:
        review_update(review=review, user=user, rating=1)
    # then it is "not found", and nothing came back
    assert exc_info.value.message == f"No review with id {review.pk}."
    assert not Review.objects.filter(pk=review.pk).exists()


def test_patch_that_loses_the_race_answers_404(user, review, monkeypatch):
    # given a DELETE that lands between the view's lookup and the service's write
    real_update = review_update

    def deleted_first(**kwargs):
        Review.objects.filter(pk=kwargs["review"].pk).delete()
        return real_update(**kwargs)

    monkeypatch.setattr("movies.api.reviews.review_update", deleted_first)
    # when the author patches it
    response = bearer_client(user).patch(
        f"/api/movies/reviews/{review.pk}/", {"rating": 1}, format="json"
    )
    # then the answer is a 404 naming the review, not a 400
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert error_json(response) == {
        "status": 404,
        "code": "not_found",
        "detail": f"No review with id {review.pk}.",
    }
