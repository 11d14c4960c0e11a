"""The lists users make, over REST: create, read, change, delete; items by position;
privacy; limits; pinned query counts (the README's "Lists")."""

from http import HTTPStatus

import pytest
from rest_framework.test import APIClient

from conftest import bearer_client
from lists import user_list_services as services
from lists.models import UserList, UserListItem
from lists.tests.factories import UserListFactory, fill_list
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LISTS = "/api/lists/"


def items_url(user_list) -> str:
    return f"{LISTS}{user_list.pk}/items/"


def positions(user_list) -> list[tuple[int, int]]:
    """(position, movie id) of the list, in position order."""
    return list(
        UserListItem.objects.filter(list=user_list)
        .order_by("position")
        .values_list("position", "movie_id")
    )


def test_a_new_list_is_the_callers_and_reads_back(user):
    # when a member makes a list
    client = bearer_client(user)
    body = {"name": " Best of 1999 ", "description": "Yes.", "is_public": False, "is_ranked": True}
    response = client.post(LISTS, body, format="json")

    # then it is theirs, empty, with the values sent (the name stripped)
    assert response.status_code == HTTPStatus.CREATED
    created = response.json()
    assert {k: created[k] for k in ("name", "description", "is_public", "is_ranked")} == {
        "name": "Best of 1999",
        "description": "Yes.",
        "is_public": False,
        "is_ranked": True,
    }
    assert created["owner"] == {"id": user.pk, "username": user.username}
    assert created["item_count"] == 0
    assert client.get(f"{LISTS}{created['id']}/").json() == created


def test_adding_moving_and_removing_keep_positions_one_to_n(user):
    # given a list of three movies
    movies = [MovieFactory() for _ in range(4)]
    user_list = UserListFactory(owner=user)
    fill_list(user_list, movies[:3])
    client = bearer_client(user)

    # when a fourth goes in at 2, the last moves to 1, and the one at 3 goes
    added = client.post(items_url(user_list), {"movie_id": movies[3].pk, "position": 2})
    assert added.status_code == HTTPStatus.CREATED
    assert added.json()["position"] == 2
    assert positions(user_list) == [
        (1, movies[0].pk),
        (2, movies[3].pk),
        (3, movies[1].pk),
        (4, movies[2].pk),
    ]
    moved = client.patch(f"{items_url(user_list)}{movies[2].pk}/", {"position": 1, "note": "Top"})
    assert moved.json()["position"] == 1 and moved.json()["note"] == "Top"
    assert positions(user_list) == [
        (1, movies[2].pk),
        (2, movies[0].pk),
        (3, movies[3].pk),
        (4, movies[1].pk),
    ]
    gone = client.delete(f"{items_url(user_list)}{movies[3].pk}/")

    # then the positions are 1..n after each step, and the count follows
    assert gone.status_code == HTTPStatus.NO_CONTENT
    assert positions(user_list) == [(1, movies[2].pk), (2, movies[0].pk), (3, movies[1].pk)]
    user_list.refresh_from_db()
    assert user_list.item_count == 3
    page = client.get(items_url(user_list)).json()
    assert page["count"] == 3
    assert [(i["position"], i["movie"]["id"]) for i in page["results"]] == positions(user_list)


def test_a_movie_twice_and_a_position_past_the_end_are_refused(user):
    user_list = UserListFactory(owner=user)
    movie = MovieFactory()
    fill_list(user_list, [movie])
    client = bearer_client(user)

    twice = client.post(items_url(user_list), {"movie_id": movie.pk})
    past = client.post(items_url(user_list), {"movie_id": MovieFactory().pk, "position": 3})

    assert twice.status_code == HTTPStatus.CONFLICT
    assert twice.json()["code"] == "already_on_list"
    assert past.status_code == HTTPStatus.BAD_REQUEST
    assert past.json()["errors"][0] == {
        "field": "position",
        "code": "invalid",
        "message": "Must be a whole number from 1 to 2.",
    }


@pytest.mark.parametrize("as_owner", [True, False])
def test_a_private_list_is_404_to_all_but_its_owner(user, as_owner):
    # given a private list
    secret = UserListFactory(owner=user, is_public=False)
    movie = MovieFactory()
    fill_list(secret, [movie])
    client = bearer_client(user if as_owner else UserFactory())
    anonymous = APIClient()

    # when the owner, or another member, or nobody reads and writes it
    reads = [
        client.get(f"{LISTS}{secret.pk}/").status_code,
        client.get(items_url(secret)).status_code,
        anonymous.get(f"{LISTS}{secret.pk}/").status_code,
    ]
    listed = [row["id"] for row in client.get(LISTS).json()["results"]]
    write = client.patch(f"{LISTS}{secret.pk}/", {"name": "Mine"}, format="json")

    # then only the owner sees it; to anyone else it does not exist
    if as_owner:
        assert reads == [HTTPStatus.OK, HTTPStatus.OK, HTTPStatus.NOT_FOUND]
        assert listed == [secret.pk]
        assert write.status_code == HTTPStatus.OK
    else:
        assert reads == [HTTPStatus.NOT_FOUND] * 3
        assert listed == []
        assert write.status_code == HTTPStatus.NOT_FOUND
        assert write.json()["detail"] == f"No list with id {secret.pk}."
    assert anonymous.get(LISTS).json()["results"] == []


def test_only_the_owner_writes_a_public_list(user):
    public = UserListFactory(owner=user)
    movie = MovieFactory()
    fill_list(public, [movie])
    stranger = bearer_client(UserFactory())

    answers = [
        stranger.patch(f"{LISTS}{public.pk}/", {"name": "Mine"}, format="json"),
        stranger.delete(f"{LISTS}{public.pk}/"),
        stranger.post(items_url(public), {"movie_id": MovieFactory().pk}),
        stranger.patch(f"{items_url(public)}{movie.pk}/", {"position": 1}),
        stranger.delete(f"{items_url(public)}{movie.pk}/"),
    ]

    assert [a.status_code for a in answers] == [HTTPStatus.FORBIDDEN] * 5
    assert {a.json()["detail"] for a in answers} == {services.NOT_OWNER_MESSAGE}
    assert APIClient().post(items_url(public), {"movie_id": movie.pk}).status_code == 401
    assert positions(public) == [(1, movie.pk)]
    assert UserList.objects.get(pk=public.pk).name == public.name


def test_filters_owner_and_movie(user):
    heat = MovieFactory()
    mine, other = UserListFactory(owner=user), UserListFactory()
    fill_list(other, [heat])

    by_owner = APIClient().get(LISTS, {"owner": user.pk}).json()["results"]
    by_movie = APIClient().get(LISTS, {"movie": heat.pk}).json()["results"]
    bad = APIClient().get(LISTS, {"movie": "x"})

    assert [row["id"] for row in by_owner] == [mine.pk]
    assert [row["id"] for row in by_movie] == [other.pk]
    assert bad.status_code == HTTPStatus.BAD_REQUEST
    assert bad.json()["errors"][0]["field"] == "movie"


def test_limits_are_refused_naming_the_figure(user, monkeypatch):
    # given limits of 2 lists and 1 movie
    monkeypatch.setattr(services, "MAX_LISTS_PER_USER", 2)
    monkeypatch.setattr(services, "MAX_ITEMS_PER_LIST", 1)
    monkeypatch.setattr(services, "TOO_MANY_LISTS_MESSAGE", "At most 2.")
    monkeypatch.setattr(services, "LIST_FULL_MESSAGE", "At most 1.")
    client = bearer_client(user)
    for name in ("a", "b"):
        assert client.post(LISTS, {"name": name}).status_code == HTTPStatus.CREATED
    third = client.post(LISTS, {"name": "c"})
    user_list = UserList.objects.filter(owner=user).first()
    assert client.post(items_url(user_list), {"movie_id": MovieFactory().pk}).status_code == 201
    full = client.post(items_url(user_list), {"movie_id": MovieFactory().pk})

    assert (third.status_code, third.json()["code"]) == (HTTPStatus.CONFLICT, "too_many_lists")
    assert third.json()["detail"] == "At most 2."
    assert (full.status_code, full.json()["code"]) == (HTTPStatus.CONFLICT, "list_full")
    assert UserList.objects.filter(owner=user).count() == 2


def test_the_documented_limits_are_the_ones_refused():
    # the README's "Lists" promises these figures
    assert (
        services.TOO_MANY_LISTS_MESSAGE == "You already keep 100 lists, the most one account may."
    )
    assert services.LIST_FULL_MESSAGE == "A list holds at most 5000 movies."


@pytest.mark.parametrize("size", [1, 30])
def test_the_list_of_lists_costs_the_same_at_any_size(size, django_assert_num_queries):
    UserListFactory.create_batch(size)
    # the COUNT, the page (owners joined)
    with django_assert_num_queries(2):
        body = APIClient().get(LISTS).json()
    assert body["count"] == size


@pytest.mark.parametrize("size", [1, 30])
def test_an_items_page_costs_the_same_at_any_size(user, size, django_assert_num_queries):
    user_list = UserListFactory(owner=user)
    fill_list(
        user_list,
        [MovieFactory(genres=[GenreFactory()], actors=[ActorFactory()]) for _ in range(size)],
    )
    client = bearer_client(user)
    # the caller; the list; the page (movies joined, no COUNT: the list's item_count);
    # genres and cast; my_state (lists, ratings, diary)
    with django_assert_num_queries(7):
        body = client.get(items_url(user_list)).json()
    assert body["count"] == size
    assert len(body["results"]) == min(size, 20)
    assert body["results"][0]["movie"]["genres"]


def test_a_deleted_movie_leaves_no_gap(user, django_capture_on_commit_callbacks):
    movies = [MovieFactory() for _ in range(3)]
    user_list = UserListFactory(owner=user)
    fill_list(user_list, movies)

    with django_capture_on_commit_callbacks(execute=True):
        movies[0].delete()

    assert positions(user_list) == [(1, movies[1].pk), (2, movies[2].pk)]
    user_list.refresh_from_db()
    assert user_list.item_count == 2


def test_deleting_the_account_deletes_its_lists_and_their_items(user):
    # given a member's list with a movie, and another member's list with the same movie
    from users.services.deletion import user_delete

    movie = MovieFactory()
    mine, theirs = UserListFactory(owner=user), UserListFactory()
    fill_list(mine, [movie])
    fill_list(theirs, [movie])

    # when the account is deleted
    user_delete(user=user)

    # then its list and items are gone, the other member's stay
    assert list(UserList.objects.values_list("pk", flat=True)) == [theirs.pk]
    assert list(UserListItem.objects.values_list("list_id", flat=True)) == [theirs.pk]
