"""A rating with or without a review, through both doors: bodies, rows and figures.

The rules themselves (half steps, one per user per movie, 409 while a review holds it)
are each checked on both doors in the parity table (tests/parity/test_parity.py); here
the shapes, the unrated movie, and the deprecated `review_stats`.
"""

from decimal import Decimal
from http import HTTPStatus

import pytest

from core.versions import DEPRECATIONS
from movies.models import Movie, Rating, Review
from movies.services.ratings import rating_set
from movies.services.reviews import review_create
from movies.tests.factories import MovieFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RATE = """mutation($movie: ID!, $value: Float!) {
  rateMovie(movieId: $movie, value: $value) {
    rating { value movie { id averageRating ratingCount reviewCount } }
  }
}"""
UNRATE = "mutation($movie: ID!) { unrateMovie(movieId: $movie) { ok } }"
STATS = """query($id: ID!) {
  movie(id: $id) {
    averageRating ratingCount myState { rating }
    ratingStats { count average counts { value count } }
  }
}"""


def _figures(movie) -> tuple:
    movie = Movie.objects.get(pk=movie.pk)
    return movie.average_rating, movie.rating_count, movie.review_count


def test_put_sets_a_half_star_rating_without_a_review(auth_client, user):
    # given an unrated movie
    movie = MovieFactory()
    # when the caller rates it 3.5
    response = auth_client.put(f"/api/movies/{movie.pk}/rating/", {"value": 3.5}, format="json")
    # then the answer shows the rating and the movie's new figures
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert set(body) == {"movie", "value", "created_at", "updated_at"}
    assert body["movie"] == {"id": movie.pk, "average_rating": 3.5, "rating_count": 1}
    assert body["value"] == 3.5
    # and one row is stored, with no review
    assert list(Rating.objects.values_list("user_id", "movie_id", "value")) == [
        (user.pk, movie.pk, Decimal("3.5"))
    ]
    assert not Review.objects.exists()
    assert _figures(movie) == (Decimal("3.50"), 1, 0)


def test_put_changes_the_rating_of_a_review_too(auth_client, user):
    # given the caller's review rated 4 and someone else's rating-only 2
    movie = MovieFactory()
    review_create(user=user, movie_id=movie.pk, rating=4, text="Good.")
    rating_set(user=UserFactory(), movie_id=movie.pk, value=2)
    # when the caller rates it 4.5 on its own
    response = auth_client.put(f"/api/movies/{movie.pk}/rating/", {"value": 4.5}, format="json")
    # then the review's rating is that rating: one per user per movie
    assert response.status_code == HTTPStatus.OK
    assert Review.objects.get().rating == Decimal("4.5")
    assert Rating.objects.filter(user=user).count() == 1
    assert _figures(movie) == (Decimal("3.25"), 2, 1)


def test_delete_removes_a_rating_and_the_movie_is_unrated_again(auth_client, user):
    # given the caller's rating-only 5
    movie = MovieFactory()
    rating_set(user=user, movie_id=movie.pk, value=5)
    # when they take it back
    response = auth_client.delete(f"/api/movies/{movie.pk}/rating/")
    # then it is gone and the movie reads as unrated: null average, no count
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert not Rating.objects.exists()
    assert _figures(movie) == (None, 0, 0)
    body = auth_client.get(f"/api/movies/{movie.pk}/").json()
    assert (body["average_rating"], body["rating_count"]) == (None, 0)
    assert body["rating_stats"]["average"] is None
    assert body["my_state"]["rating"] is None


def test_delete_of_a_reviewed_movies_rating_is_409_and_keeps_both(auth_client, user):
    movie = MovieFactory()
    review_create(user=user, movie_id=movie.pk, rating=3, text="Fine.")
    response = auth_client.delete(f"/api/movies/{movie.pk}/rating/")
    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["code"] == "rating_has_review"
    assert (Review.objects.count(), Rating.objects.count()) == (1, 1)
    assert _figures(movie) == (Decimal("3.00"), 1, 1)


def test_deleting_a_review_deletes_its_rating(auth_client, user):
    movie = MovieFactory()
    review = review_create(user=user, movie_id=movie.pk, rating=2.5, text="Meh.")
    response = auth_client.delete(f"/api/movies/reviews/{review.pk}/")
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert (Review.objects.count(), Rating.objects.count()) == (0, 0)
    assert _figures(movie) == (None, 0, 0)


def test_graphql_rates_and_unrates_with_the_same_figures(gql, auth_client, user):
    # given an unrated movie
    movie = MovieFactory()
    # when the caller rates it 0.5 through GraphQL
    rated = gql(RATE, {"movie": movie.pk, "value": 0.5}, client=auth_client)
    # then the payload shows the stored figures
    assert rated == {
        "data": {
            "rateMovie": {
                "rating": {
                    "value": 0.5,
                    "movie": {
                        "id": str(movie.pk),
                        "averageRating": 0.5,
                        "ratingCount": 1,
                        "reviewCount": 0,
                    },
                }
            }
        }
    }
    assert _figures(movie) == (Decimal("0.50"), 1, 0)
    # and the movie shows it in ratingStats and myState
    movie_data = gql(STATS, {"id": movie.pk}, client=auth_client)["data"]["movie"]
    assert movie_data["myState"] == {"rating": 0.5}
    assert movie_data["ratingStats"]["counts"][0] == {"value": 0.5, "count": 1}
    assert [row["value"] for row in movie_data["ratingStats"]["counts"]] == [
        halves / 2 for halves in range(1, 11)
    ]
    # when they take it back, the movie is unrated
    assert gql(UNRATE, {"movie": movie.pk}, client=auth_client) == {
        "data": {"unrateMovie": {"ok": True}}
    }
    movie_data = gql(STATS, {"id": movie.pk}, client=auth_client)["data"]["movie"]
    assert (movie_data["averageRating"], movie_data["ratingCount"]) == (None, 0)
    assert movie_data["ratingStats"]["average"] is None


def test_unrated_movies_match_no_rating_filter_and_sort_last_both_ways(api_client):
    # given a rated 1, a rated 5 and an unrated movie
    low, high, unrated = MovieFactory(title="Low"), MovieFactory(title="High"), MovieFactory()
    rating_set(user=UserFactory(), movie_id=low.pk, value=1)
    rating_set(user=UserFactory(), movie_id=high.pk, value=5)

    def titles(query):
        return [m["title"] for m in api_client.get(f"/api/movies/?{query}").json()["results"]]

    # then max_rating=1 is the worst rated movie, not every unrated one
    assert titles("max_rating=1") == ["Low"]
    assert titles("min_rating=0&ordering=title") == ["High", "Low"]
    # and the unrated movie comes last whichever way the rating is ordered
    assert titles("ordering=average_rating") == ["Low", "High", unrated.title]
    assert titles("ordering=-average_rating") == ["High", "Low", unrated.title]


def test_review_stats_is_deprecated_with_headers_and_a_reason(api_client, gql):
    # given a movie rated 3.5 and 4
    movie = MovieFactory()
    rating_set(user=UserFactory(), movie_id=movie.pk, value=3.5)
    rating_set(user=UserFactory(), movie_id=movie.pk, value=4)
    deprecation = DEPRECATIONS["review_stats"]
    # when the REST detail is read, it announces the deprecation of review_stats
    response = api_client.get(f"/api/movies/{movie.pk}/")
    assert response.headers["Deprecation"] == deprecation.headers()["Deprecation"]
    assert response.headers["Sunset"] == deprecation.headers()["Sunset"]
    # and the old field keeps its whole-star shape over every rating
    assert response.json()["review_stats"] == {
        "total": 2,
        "average": 3.75,
        "counts": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0},
    }
    # and GraphQL marks the field deprecated, with the same reason
    field = gql(
        '{ __type(name: "Movie") { fields(includeDeprecated: true) '
        "{ name isDeprecated deprecationReason } } }"
    )["data"]["__type"]["fields"]
    (review_stats,) = [f for f in field if f["name"] == "reviewStats"]
    assert review_stats == {
        "name": "reviewStats",
        "isDeprecated": True,
        "deprecationReason": deprecation.reason,
    }
    # and a GraphQL read that selects it gets the same headers
    response = api_client.post(
        "/graphql/",
        {"query": f'{{ movie(id: "{movie.pk}") {{ reviewStats {{ total }} }} }}'},
        format="json",
    )
    assert response.json() == {"data": {"movie": {"reviewStats": {"total": 2}}}}
    assert response.headers["Sunset"] == deprecation.headers()["Sunset"]
    # and the list, which has no review_stats, carries no deprecation headers
    assert "Deprecation" not in api_client.get("/api/movies/").headers
