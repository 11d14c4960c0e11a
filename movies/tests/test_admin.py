"""The catalog admin pages render for staff, with search and filters."""

from http import HTTPStatus

import pytest

from movies.models import Movie, Review
from movies.services.reviews import review_create
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory, ReviewFactory
from users.tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["genre", "actor", "movie", "review"])
def test_changelist_search_and_add_pages_render(admin_client, model):
    # given one object of each kind
    genre, actor = GenreFactory(name="Drama"), ActorFactory(name="Keanu Reeves")
    movie = MovieFactory(title="The Matrix", genres=[genre], actors=[actor])
    ReviewFactory(movie=movie)
    # then list, search, add and change pages answer
    base = f"/admin/movies/{model}/"
    assert admin_client.get(base).status_code == HTTPStatus.OK
    assert admin_client.get(base, {"q": "matrix"}).status_code == HTTPStatus.OK
    add_status = HTTPStatus.FORBIDDEN if model == "review" else HTTPStatus.OK
    assert admin_client.get(f"{base}add/").status_code == add_status
    obj = {"genre": genre, "actor": actor, "movie": movie, "review": movie.reviews.get()}[model]
    assert admin_client.get(f"{base}{obj.pk}/change/").status_code == HTTPStatus.OK


def test_movie_search_finds_by_title(admin_client):
    MovieFactory(title="The Matrix")
    MovieFactory(title="Heat")
    page = admin_client.get("/admin/movies/movie/", {"q": "matrix"}).content.decode()
    assert "The Matrix" in page
    assert "Heat" not in page


def _reviewed_movie(*ratings):
    movie = MovieFactory()
    reviews = [review_create(user=UserFactory(), movie_id=movie.pk, rating=r) for r in ratings]
    return movie, reviews


def test_deleting_a_review_in_the_admin_updates_the_movie_rating(admin_client):
    # given a movie rated 5 and 2 (average 3.50)
    movie, (five, _two) = _reviewed_movie(5, 2)
    # when a moderator deletes the 5 from its admin page
    response = admin_client.post(f"/admin/movies/review/{five.pk}/delete/", {"post": "yes"})
    # then the rating follows
    assert response.status_code == HTTPStatus.FOUND
    movie.refresh_from_db()
    assert (movie.review_count, str(movie.average_rating)) == (1, "2.00")


def test_bulk_deleting_reviews_in_the_admin_updates_the_movie_rating(admin_client):
    # given a movie rated 5, 4 and 1
    movie, reviews = _reviewed_movie(5, 4, 1)
    # when the moderator bulk-deletes the 5 and the 4
    response = admin_client.post(
        "/admin/movies/review/",
        {
            "action": "delete_selected",
            "_selected_action": [r.pk for r in reviews[:2]],
            "post": "yes",
        },
    )
    # then only the 1 is left, and the movie says so
    assert response.status_code == HTTPStatus.FOUND
    movie.refresh_from_db()
    assert list(Review.objects.values_list("rating", flat=True)) == [1]
    assert (movie.review_count, str(movie.average_rating)) == (1, "1.00")


def test_review_text_and_rating_cannot_be_edited_in_the_admin(admin_client):
    # given
    movie, (review,) = _reviewed_movie(4)
    # when a staff member posts a changed rating
    admin_client.post(f"/admin/movies/review/{review.pk}/change/", {"rating": 1, "text": "x"})
    # then nothing changed: a review is its author's
    review.refresh_from_db()
    assert (review.rating, review.text) == (4, "")
    assert Movie.objects.get(pk=movie.pk).average_rating == 4


def test_deleting_a_user_in_the_admin_recomputes_the_ratings_of_their_movies(admin_client):
    # given two movies, each reviewed by the same user (5) and someone else (1)
    first, (first_five, _) = _reviewed_movie(5, 1)
    second = MovieFactory()
    review_create(user=first_five.user, movie_id=second.pk, rating=5)
    review_create(user=UserFactory(), movie_id=second.pk, rating=1)
    # when the first reviewer's account is deleted (bulk action)
    response = admin_client.post(
        "/admin/users/user/",
        {"action": "delete_selected", "_selected_action": [first_five.user_id], "post": "yes"},
    )
    # then both movies keep only the 1
    assert response.status_code == HTTPStatus.FOUND
    for movie in (first, second):
        movie.refresh_from_db()
        assert (movie.review_count, str(movie.average_rating)) == (1, "1.00")
