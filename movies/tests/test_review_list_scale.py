"""Scale shortcuts of a movie's review list (S3, S6 in docs/performance.md).

S6: from COUNTED_REVIEWS_LIMIT reviews on, the page-number total is the movie's
denormalised review_count (no COUNT over a hot movie's reviews); below it, or with a
filter that narrows the list, an exact COUNT runs.
S3: a cursor seek also bounds the first sort key, so the database can range-scan the
index; the rows are the same as without the bound.
"""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from movies.api.review_pages import COUNTED_REVIEWS_LIMIT, _seek
from movies.models import Movie, Review
from movies.tests.factories import MovieFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def _counts(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]


@pytest.fixture
def hot_movie():
    """A movie whose denormalised total says it is hot; three review rows exist."""
    movie = MovieFactory()
    ReviewFactory.create_batch(3, movie=movie, rating=4)
    Movie.objects.filter(pk=movie.pk).update(review_count=COUNTED_REVIEWS_LIMIT + 5)
    return movie


def test_hot_movie_review_page_takes_its_total_from_review_count(api_client, hot_movie):
    # given a movie with review_count at the limit or above
    # when its reviews are listed by page number
    with CaptureQueriesContext(connection) as captured:
        response = api_client.get(f"/api/movies/{hot_movie.pk}/reviews/")
    # then the total is the denormalised count and no COUNT query ran
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["count"] == COUNTED_REVIEWS_LIMIT + 5
    assert len(body["results"]) == 3
    assert _counts(captured) == []


def test_a_narrowing_filter_counts_exactly(api_client, hot_movie):
    # given the hot movie with one 1-star review among its 4-star ones
    ReviewFactory(movie=hot_movie, rating=1)
    # when its reviews are filtered by rating
    with CaptureQueriesContext(connection) as captured:
        response = api_client.get(f"/api/movies/{hot_movie.pk}/reviews/", {"rating": 1})
    # then the total is counted, not taken from review_count
    assert response.status_code == HTTPStatus.OK
    assert response.json()["count"] == 1
    assert len(_counts(captured)) == 1


def test_below_the_limit_the_total_is_counted(api_client):
    # given a movie whose review_count (0, rows written around the services) is stale
    movie = MovieFactory()
    ReviewFactory.create_batch(2, movie=movie)
    # when its reviews are listed
    response = api_client.get(f"/api/movies/{movie.pk}/reviews/")
    # then the exact COUNT is used
    assert response.json()["count"] == 2


@pytest.mark.parametrize("flip", [False, True])
def test_seek_bound_keeps_the_same_rows(flip):
    # given reviews sharing created_at values, so the id tie-break decides
    movie = MovieFactory()
    reviews = ReviewFactory.create_batch(6, movie=movie)
    stamps = [reviews[0].created_at, reviews[0].created_at, reviews[3].created_at] * 2
    for review, stamp in zip(reviews, stamps, strict=True):
        Review.objects.filter(pk=review.pk).update(created_at=stamp)
    ordering = [("created_at", True), ("id", True)]
    rows = list(Review.objects.filter(movie=movie).order_by("-created_at", "-id"))
    middle = rows[2]
    # when seeking past the middle row (before it when flipped)
    found = set(
        Review.objects.filter(movie=movie)
        .filter(_seek(ordering, [middle.created_at, middle.id], flip=flip))
        .values_list("id", flat=True)
    )
    # then exactly the rows after (before) it in the list order are returned
    expected = {r.id for r in (rows[:2] if flip else rows[3:])}
    assert found == expected
