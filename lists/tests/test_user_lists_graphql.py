"""The lists users make over GraphQL: the same rules as REST (privacy, owner-only
writes, positions 1..n), and pinned query counts."""

import pytest

from conftest import bearer_client
from lists.models import UserListItem
from lists.tests.factories import UserListFactory, fill_list
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = """query($id: ID!, $first: Int, $after: String) { list(id: $id) {
  name isPublic itemCount owner { username }
  items(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { position note movie { id title genres { name } myState { favorite } } } } }
} }"""
LISTS = """query($owner: ID, $movie: ID) { lists(owner: $owner, movie: $movie) {
  totalCount edges { node { id name owner { username } } } } }"""
CREATE = """mutation($name: String!, $isPublic: Boolean) {
  createList(name: $name, isPublic: $isPublic) { list { id name isPublic isRanked itemCount } } }"""
ADD = """mutation($list: ID!, $movie: ID!, $position: Int) {
  addListItem(listId: $list, movieId: $movie, position: $position) {
    item { position movie { id } } } }"""
MOVE = """mutation($list: ID!, $movie: ID!, $position: Int) {
  updateListItem(listId: $list, movieId: $movie, position: $position) { item { position } } }"""
REMOVE = """mutation($list: ID!, $movie: ID!) {
  removeListItem(listId: $list, movieId: $movie) { ok } }"""


def positions(user_list):
    return list(
        UserListItem.objects.filter(list=user_list)
        .order_by("position")
        .values_list("position", "movie_id")
    )


def test_create_add_move_remove(gql, user):
    client = bearer_client(user)
    movies = [MovieFactory() for _ in range(3)]

    created = gql(CREATE, {"name": "Mine", "isPublic": False}, client=client)["data"]
    list_id = created["createList"]["list"]["id"]
    assert created["createList"]["list"] == {
        "id": list_id,
        "name": "Mine",
        "isPublic": False,
        "isRanked": False,
        "itemCount": 0,
    }
    for movie in movies:
        gql(ADD, {"list": list_id, "movie": movie.pk}, client=client)
    moved = gql(MOVE, {"list": list_id, "movie": movies[2].pk, "position": 1}, client=client)
    removed = gql(REMOVE, {"list": list_id, "movie": movies[0].pk}, client=client)

    assert moved["data"]["updateListItem"]["item"] == {"position": 1}
    assert removed["data"]["removeListItem"] == {"ok": True}
    user_list = user.user_lists.get()
    assert positions(user_list) == [(1, movies[2].pk), (2, movies[1].pk)]
    page = gql(LIST, {"id": list_id}, client=client)["data"]["list"]["items"]
    assert [(e["node"]["position"], int(e["node"]["movie"]["id"])) for e in page["edges"]] == (
        positions(user_list)
    )


def test_a_private_list_is_not_found_to_others_and_forbidden_writes(gql, user):
    secret = UserListFactory(owner=user, is_public=False)
    public = UserListFactory(owner=user)
    movie = MovieFactory()
    stranger = bearer_client(UserFactory())

    hidden = gql(LIST, {"id": secret.pk}, client=stranger)
    anonymous = gql(LIST, {"id": secret.pk})
    listed = gql(LISTS, {}, client=stranger)["data"]["lists"]
    write_private = gql(ADD, {"list": secret.pk, "movie": movie.pk}, client=stranger)
    write_public = gql(ADD, {"list": public.pk, "movie": movie.pk}, client=stranger)

    for answer in (hidden, anonymous, write_private):
        assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert answer["errors"][0]["message"] == f"No list with id {secret.pk}."
    assert [int(e["node"]["id"]) for e in listed["edges"]] == [public.pk]
    assert write_public["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert write_public["errors"][0]["message"] == "Only the owner of a list can change it."
    assert not UserListItem.objects.exists()
    own = gql(LIST, {"id": secret.pk}, client=bearer_client(user))["data"]["list"]
    assert own["isPublic"] is False


@pytest.mark.parametrize("size", [1, 30])
def test_an_items_page_costs_the_same_at_any_size(gql, user, size, django_assert_num_queries):
    user_list = UserListFactory(owner=user)
    fill_list(
        user_list,
        [MovieFactory(genres=[GenreFactory()], actors=[ActorFactory()]) for _ in range(size)],
    )
    client = bearer_client(user)
    # the caller; the list; the page (movies joined); genres and cast; my_state (3)
    with django_assert_num_queries(7):
        body = gql(LIST, {"id": user_list.pk, "first": 20}, client=client)
    items = body["data"]["list"]["items"]
    assert items["totalCount"] == size
    assert len(items["edges"]) == min(size, 20)
    assert items["pageInfo"]["hasNextPage"] is (size > 20)


@pytest.mark.parametrize("size", [1, 30])
def test_the_list_of_lists_costs_the_same_at_any_size(gql, size, django_assert_num_queries):
    UserListFactory.create_batch(size)
    # the page (owners joined), the COUNT
    with django_assert_num_queries(2):
        body = gql(LISTS, {})
    assert body["data"]["lists"]["totalCount"] == size
