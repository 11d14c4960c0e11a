"""An app's token is held to its scopes on both doors, by the one table of oauth/access.py;
the API's own JWTs keep full access; app callers are rate limited per user like JWT ones."""

from http import HTTPStatus

import pytest

from conftest import bearer_client
from movies.models import Review
from movies.tests.factories import MovieFactory
from oauth.access import NOT_FOR_APPS_MESSAGE
from oauth.scopes import WRITE_REVIEWS
from oauth.tests.helpers import app_token, bearer, web_app

pytestmark = pytest.mark.django_db

CREATE_REVIEW = """
mutation($movie: ID!) {
  createReview(input: {movieId: $movie, rating: 4, text: "Good"}) { review { rating text } }
}
"""
READ_MESSAGE = "This app may not write reviews: its access token lacks the 'write:reviews' scope."


@pytest.fixture
def app():
    return web_app()


@pytest.fixture
def movie():
    return MovieFactory()


def rest_review(client, movie):
    return client.post(
        f"/api/movies/{movie.pk}/reviews/", {"rating": 4, "text": "Good"}, format="json"
    )


def graphql(client, query, **variables):
    return client.post("/graphql/", {"query": query, "variables": variables}, format="json").json()


def test_a_read_token_cannot_write_a_review_on_either_door(app, user, movie):
    # given an app token with only `read`
    client = bearer(app_token(user, app, "openid read"))

    # when
    rest = rest_review(client, movie)
    gql = graphql(client, CREATE_REVIEW, movie=movie.pk)

    # then REST says 403 and GraphQL FORBIDDEN, both naming the missing scope
    assert rest.status_code == HTTPStatus.FORBIDDEN
    assert rest.json()["detail"] == READ_MESSAGE
    assert rest.json()["code"] == "insufficient_scope"
    [error] = gql["errors"]
    assert error["message"] == READ_MESSAGE
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["extensions"]["scope"] == WRITE_REVIEWS
    assert error["extensions"]["reason"] == "insufficient_scope"
    assert gql["data"] is None
    # and nothing was written
    assert not Review.objects.exists()


def test_a_write_reviews_token_writes_a_review_on_both_doors(app, user, movie):
    client = bearer(app_token(user, app, "read write:reviews"))

    rest = rest_review(client, movie)
    Review.objects.all().delete()
    gql = graphql(client, CREATE_REVIEW, movie=movie.pk)

    assert rest.status_code == HTTPStatus.CREATED
    assert rest.json()["user"]["username"] == user.username
    assert gql == {"data": {"createReview": {"review": {"rating": 4, "text": "Good"}}}}
    assert Review.objects.get().user == user


def test_the_read_scope_is_needed_to_read_your_own_data(app, user):
    client = bearer(app_token(user, app, "openid profile"))

    rest = client.get("/api/users/me/")
    gql = graphql(client, "{ me { username } }")

    message = "This app may not read your data: its access token lacks the 'read' scope."
    assert rest.status_code == HTTPStatus.FORBIDDEN
    assert rest.json()["detail"] == message
    assert gql["errors"][0]["message"] == message
    assert gql["errors"][0]["extensions"]["scope"] == "read"


def test_a_read_token_reads_your_profile_and_lists(app, user):
    client = bearer(app_token(user, app, "read"))

    assert client.get("/api/users/me/").json()["username"] == user.username
    assert client.get("/api/users/me/favorites/").status_code == HTTPStatus.OK
    assert graphql(client, "{ me { username } }") == {"data": {"me": {"username": user.username}}}


def test_list_writes_need_write_lists(app, user, movie):
    reviews_only = bearer(app_token(user, app, "read write:reviews"))
    lists = bearer(app_token(user, app, "read write:lists"))

    refused = reviews_only.post("/api/users/me/favorites/", {"movie_id": movie.pk}, format="json")
    added = lists.post("/api/users/me/favorites/", {"movie_id": movie.pk}, format="json")
    removed = graphql(
        lists,
        "mutation($m: ID!) { removeMovieFromList(movieId: $m, list: FAVORITE) { ok } }",
        m=movie.pk,
    )

    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert "'write:lists' scope" in refused.json()["detail"]
    assert added.status_code == HTTPStatus.CREATED
    assert removed == {"data": {"removeMovieFromList": {"ok": True}}}


def test_account_changes_need_the_account_scope(app, user):
    client = bearer(app_token(user, app, "read write:reviews write:lists"))

    rest = client.patch("/api/users/me/", {"bio": "Hi"}, format="json")
    deleted = client.post("/api/users/me/delete/", {"password": "pass-Word-123"}, format="json")

    assert rest.status_code == HTTPStatus.FORBIDDEN
    assert "'account' scope" in rest.json()["detail"]
    assert deleted.status_code == HTTPStatus.FORBIDDEN
    user.refresh_from_db()
    assert user.bio == ""


def test_writes_outside_every_scope_are_not_available_to_apps(app, staff):
    # given a staff user's app token with every scope
    client = bearer(app_token(staff, app, "openid profile read write:reviews write:lists account"))

    # when the app tries a staff-only catalog write, and to sign out with the token
    rest = client.post("/api/movies/genres/", {"name": "Noir"}, format="json")
    gql = graphql(client, 'mutation { createGenre(input: {name: "Noir"}) { genre { name } } }')
    logout = client.post("/api/users/logout/", {"refresh": "x"}, format="json")

    # then
    assert rest.status_code == HTTPStatus.FORBIDDEN
    assert rest.json()["detail"] == NOT_FOR_APPS_MESSAGE
    assert rest.json()["code"] == "not_available_to_apps"
    assert gql["errors"][0]["message"] == NOT_FOR_APPS_MESSAGE
    assert gql["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert logout.status_code == HTTPStatus.FORBIDDEN


def test_the_apis_own_jwt_keeps_full_access(user, movie):
    client = bearer_client(user)

    assert rest_review(client, movie).status_code == HTTPStatus.CREATED
    assert client.patch("/api/users/me/", {"bio": "Hi"}, format="json").status_code == HTTPStatus.OK


def test_an_expired_app_token_is_refused_in_the_jwts_words(app, user):
    from django.utils import timezone
    from oauth2_provider.models import get_access_token_model

    raw = app_token(user, app, "read")
    get_access_token_model().objects.update(expires=timezone.now())

    response = bearer(raw).get("/api/users/me/")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["detail"] == "The access token has expired; refresh it or sign in again."


def test_app_callers_share_the_per_user_limit_with_jwt_callers(app, user, settings):
    # given a per-user limit of 3 a minute
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "user": "3/min",
        },
    }
    jwt_client = bearer_client(user)
    app_client = bearer(app_token(user, app, "read"))
    other_app_client = bearer(app_token(user, web_app(client_id="other-app"), "read"))

    # when the same user calls through a JWT, one app, and another app
    statuses = [
        jwt_client.get("/api/users/me/").status_code,
        app_client.get("/api/users/me/").status_code,
        other_app_client.get("/api/users/me/").status_code,
        app_client.get("/api/users/me/").status_code,
    ]
    gql = app_client.post("/graphql/", {"query": "{ me { username } }"}, format="json")

    # then all count against the one per-user limit
    assert statuses == [HTTPStatus.OK] * 3 + [HTTPStatus.TOO_MANY_REQUESTS]
    assert gql.status_code == HTTPStatus.TOO_MANY_REQUESTS
