"""The movie lists and `me` over GraphQL, through lists.services."""

import pytest

from conftest import bearer_client
from lists.models import MovieListEntry
from movies.tests.factories import GenreFactory, MovieFactory, ReviewFactory

pytestmark = pytest.mark.django_db

ADD = (
    "mutation($m: ID!, $l: MovieListKind!) { addMovieToList(movieId: $m, list: $l) { ok created } }"
)
REMOVE = (
    "mutation($m: ID!, $l: MovieListKind!) { removeMovieFromList(movieId: $m, list: $l) "
    "{ ok removed } }"
)
ME = """
{ me { id username email phoneVerified
       favorites { totalCount edges { node { addedAt movie { id title myState { favorite } } } } }
       watchlist { totalCount }
       reviews { totalCount edges { node { rating movie { id } } } } } }
"""


def test_lists_need_a_signed_in_user(gql):
    movie = MovieFactory()
    body = gql(ADD, {"m": str(movie.id), "l": "FAVORITE"})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert not MovieListEntry.objects.exists()


def test_add_remove_and_read_lists_through_me(gql, user):
    # given a signed-in user, two movies and one of their reviews
    client = bearer_client(user)
    first, second = MovieFactory(title="First"), MovieFactory(title="Second")
    ReviewFactory(user=user, movie=second, rating=5)

    # when they add both to favorites (one twice), one to the watchlist, then remove it
    added = [
        gql(ADD, {"m": str(movie.id), "l": "FAVORITE"}, client=client)["data"]["addMovieToList"]
        for movie in (first, second, second)
    ]
    gql(ADD, {"m": str(first.id), "l": "WATCHLIST"}, client=client)
    removed = gql(REMOVE, {"m": str(first.id), "l": "WATCHLIST"}, client=client)
    me = gql(ME, client=client)["data"]["me"]

    # then adding twice is harmless, and `me` shows the lists newest first with myState
    assert added == [
        {"ok": True, "created": True},
        {"ok": True, "created": True},
        {"ok": True, "created": False},
    ]
    assert removed == {"data": {"removeMovieFromList": {"ok": True, "removed": True}}}
    assert me["id"] == str(user.id)
    assert me["favorites"]["totalCount"] == 2
    assert [e["node"]["movie"]["title"] for e in me["favorites"]["edges"]] == ["Second", "First"]
    assert all(e["node"]["movie"]["myState"]["favorite"] for e in me["favorites"]["edges"])
    assert me["watchlist"]["totalCount"] == 0
    assert me["reviews"]["edges"] == [{"node": {"rating": 5, "movie": {"id": str(second.id)}}}]


def test_adding_an_unknown_movie_names_movie_id(gql, user):
    body = gql(ADD, {"m": "424242", "l": "WATCHED"}, client=bearer_client(user))
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["field"] == "movieId"


def test_lists_are_private_to_their_owner(gql, user, other_user):
    # given another user's favorite
    MovieListEntry.objects.create(user=other_user, movie=MovieFactory(), kind="favorite")
    GenreFactory()

    # when the user reads their own lists
    me = gql(ME, client=bearer_client(user))["data"]["me"]

    # then they see none of it (there is no way to name another user's lists at all)
    assert me["favorites"]["totalCount"] == 0


UPDATE_PROFILE = """
mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) { profile { bio favoriteMovieIds watchedMovieIds } }
}
"""


def test_update_profile_keeps_the_order_sent_and_me_reads_it(user, gql):
    # given movies 1 and 8 already favorites
    client = bearer_client(user)
    one, five, eight = (MovieFactory() for _ in range(3))
    for movie in (one, eight):
        gql(ADD, {"m": str(movie.id), "l": "FAVORITE"}, client=client)

    # when the favorites are sent whole as [5, 8, 1], with a bio
    sent = [str(five.id), str(eight.id), str(one.id)]
    body = gql(UPDATE_PROFILE, {"input": {"bio": "Hi.", "favoriteMovieIds": sent}}, client=client)

    # then the payload and a fresh `me` read the order sent; the other lists are untouched
    assert body == {
        "data": {
            "updateProfile": {
                "profile": {"bio": "Hi.", "favoriteMovieIds": sent, "watchedMovieIds": []}
            }
        }
    }
    me = gql("{ me { favoriteMovieIds } }", client=client)
    assert me == {"data": {"me": {"favoriteMovieIds": sent}}}
    user.refresh_from_db()
    assert user.bio == "Hi."
