"""The movie lists over REST: order, my_state, add/remove, the id lists on a profile,
and their query counts."""

from http import HTTPStatus

import pytest

from conftest import bearer_client
from lists.models import MovieListEntry
from lists.tests.factories import MovieListEntryFactory
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory, ReviewFactory
from users.tests.factories import UserFactory
from users.tests.helpers import later

pytestmark = pytest.mark.django_db
ME = "/api/users/me/"
FAVORITES = "/api/users/me/favorites/"


def test_lists_are_newest_first_with_added_at_and_my_state(user):
    # given three favorites added a minute apart, one of them also rated
    movies = [MovieFactory(genres=[GenreFactory()], actors=[ActorFactory()]) for _ in range(3)]
    client = bearer_client(user)
    for minute, movie in enumerate(movies):
        with later(minute * 60):
            assert client.post(FAVORITES, {"movie_id": movie.pk}).status_code == HTTPStatus.CREATED
    ReviewFactory(user=user, movie=movies[0], rating=5)

    # when the list is read
    body = client.get(FAVORITES).json()

    # then newest first, each with added_at and the movie in the catalog's list shape
    assert body["count"] == 3
    assert [e["movie"]["id"] for e in body["results"]] == [m.pk for m in reversed(movies)]
    first = body["results"][-1]
    assert first["added_at"]
    assert first["movie"]["title"] == movies[0].title
    assert first["movie"]["genres"] == [
        {"id": movies[0].genres.get().pk, "name": movies[0].genres.get().name}
    ]
    assert first["movie"]["my_state"] == {
        "favorite": True,
        "watched": False,
        "watchlist": False,
        "rating": 5,
        "watch_count": 0,
        "last_watched_on": None,
    }


def test_adding_twice_is_harmless_and_removing_works(user):
    movie = MovieFactory()
    client = bearer_client(user)
    first = client.post("/api/users/me/watchlist/", {"movie_id": movie.pk})
    second = client.post("/api/users/me/watchlist/", {"movie_id": movie.pk})
    assert (first.status_code, second.status_code) == (HTTPStatus.CREATED, HTTPStatus.OK)
    assert first.json()["added_at"] == second.json()["added_at"]
    assert MovieListEntry.objects.filter(user=user, kind="watchlist").count() == 1

    removed = client.delete(f"/api/users/me/watchlist/{movie.pk}/")
    again = client.delete(f"/api/users/me/watchlist/{movie.pk}/")
    assert removed.status_code == HTTPStatus.NO_CONTENT
    assert again.status_code == HTTPStatus.NOT_FOUND
    assert not MovieListEntry.objects.filter(user=user).exists()


@pytest.mark.parametrize("movie_id", [999_999, "abc", None, -1, 2**70])
def test_adding_an_unknown_or_bad_movie_names_movie_id(user, movie_id):
    response = bearer_client(user).post(
        "/api/users/me/watched/", {"movie_id": movie_id}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert [e["field"] for e in response.json()["errors"]] == ["movie_id"]
    assert not MovieListEntry.objects.exists()


def test_lists_are_separate_and_need_sign_in(api_client, user):
    movie = MovieFactory()
    client = bearer_client(user)
    client.post("/api/users/me/watched/", {"movie_id": movie.pk})
    assert client.get(FAVORITES).json()["count"] == 0
    assert client.get("/api/users/me/watched/").json()["count"] == 1
    assert api_client.get(FAVORITES).status_code == HTTPStatus.UNAUTHORIZED
    assert api_client.post(FAVORITES, {"movie_id": movie.pk}).status_code == HTTPStatus.UNAUTHORIZED


def test_id_lists_on_the_profile_replace_the_lists(user):
    # given one existing favorite
    keep, drop, new = MovieFactory(), MovieFactory(), MovieFactory()
    kept = MovieListEntryFactory(user=user, movie=keep)
    MovieListEntryFactory(user=user, movie=drop)
    client = bearer_client(user)

    # when the profile's favorite and watched ids are set
    response = client.patch(
        ME, {"favorite_movie_ids": [keep.pk, new.pk], "watched_movie_ids": [new.pk]}, format="json"
    )

    # then the lists are exactly those, and kept entries keep their time
    assert response.status_code == HTTPStatus.OK
    assert sorted(response.json()["favorite_movie_ids"]) == sorted([keep.pk, new.pk])
    assert response.json()["watched_movie_ids"] == [new.pk]
    assert MovieListEntry.objects.get(pk=kept.pk).added_at == kept.added_at
    assert not MovieListEntry.objects.filter(user=user, movie=drop).exists()


def test_id_lists_with_an_unknown_movie_change_nothing(user):
    movie = MovieFactory()
    MovieListEntryFactory(user=user, movie=movie)
    response = bearer_client(user).patch(
        ME, {"favorite_movie_ids": [], "watchlist_movie_ids": [movie.pk, 999_999]}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert [e["field"] for e in response.json()["errors"]] == ["watchlist_movie_ids"]
    assert MovieListEntry.objects.filter(user=user, kind="favorite").count() == 1


def test_list_page_costs_the_same_queries_for_3_or_30_entries(user, django_assert_max_num_queries):
    client = bearer_client(user)
    genre, actor = GenreFactory(), ActorFactory()

    def fill(count):
        for _ in range(count):
            MovieListEntryFactory(user=user, movie=MovieFactory(genres=[genre], actors=[actor]))

    fill(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(FAVORITES)
    fill(27)
    with CaptureQueriesContext(connection) as large:
        body = client.get(FAVORITES + "?page_size=30").json()
    assert len(body["results"]) == 30
    assert len(small) == len(large) <= 8


def test_profile_list_costs_the_same_queries_for_any_page(staff, django_assert_max_num_queries):
    client = bearer_client(staff)
    for _ in range(10):
        MovieListEntryFactory(user=UserFactory())
    with django_assert_max_num_queries(4):
        body = client.get("/api/users/profiles/").json()
    assert body["count"] == 11


def test_a_list_sent_whole_keeps_the_order_sent_with_movies_already_on_it(auth_client, user):
    # given movies 1 and 8 already favorites, added in that order
    one, five, eight = (MovieFactory() for _ in range(3))
    for movie in (one, eight):
        auth_client.post(FAVORITES, {"movie_id": movie.pk}, format="json")
    added_at = dict(MovieListEntry.objects.values_list("movie_id", "added_at"))

    # when the list is sent whole as [5, 8, 1]
    sent = [five.pk, eight.pk, one.pk]
    response = auth_client.patch(ME, {"favorite_movie_ids": sent}, format="json")

    # then the answer and a fresh read keep the order sent, and 1 and 8 keep added_at
    assert response.status_code == HTTPStatus.OK
    assert response.json()["favorite_movie_ids"] == sent
    assert auth_client.get(ME).json()["favorite_movie_ids"] == sent
    kept = MovieListEntry.objects.filter(user=user, movie_id__in=[one.pk, eight.pk])
    assert dict(kept.values_list("movie_id", "added_at")) == added_at


def test_a_movie_added_alone_goes_to_the_end_of_the_list(auth_client):
    # given a list sent whole as [b, a]
    a, b, c = (MovieFactory() for _ in range(3))
    auth_client.patch(ME, {"favorite_movie_ids": [b.pk, a.pk]}, format="json")

    # when c is added alone
    auth_client.post(FAVORITES, {"movie_id": c.pk}, format="json")

    # then it reads last
    assert auth_client.get(ME).json()["favorite_movie_ids"] == [b.pk, a.pk, c.pk]


@pytest.mark.parametrize("descending", [False, True])
def test_a_whole_list_sent_as_2_3_reads_back_as_2_3(auth_client, user, descending):
    # given two movies, in the order a client chose
    ids = sorted((MovieFactory().pk, MovieFactory().pk), reverse=descending)

    # when the favorites are sent as that list
    response = auth_client.patch("/api/users/me/", {"favorite_movie_ids": ids}, format="json")

    # then the answer and a fresh read keep the order sent
    assert response.status_code == HTTPStatus.OK
    assert response.json()["favorite_movie_ids"] == ids
    assert auth_client.get("/api/users/me/").json()["favorite_movie_ids"] == ids
    assert set(MovieListEntry.objects.filter(user=user).values_list("movie_id", flat=True)) == set(
        ids
    )
