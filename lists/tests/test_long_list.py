"""A list of 5,000 movies (MAX_ITEMS_PER_LIST) pages at a fixed number of queries on
both doors, its last page included: a page is a range of positions, not an OFFSET, and
the total is the list's item_count, not a COUNT (lists/user_list_selectors.py)."""

import pytest
from graphql_relay import offset_to_cursor

from conftest import bearer_client
from lists.models import MAX_ITEMS_PER_LIST
from lists.tests.factories import UserListFactory, fill_list
from movies.models import Movie

pytestmark = pytest.mark.django_db

ITEMS = """query($id: ID!, $after: String) { list(id: $id) {
  items(first: 100, after: $after) { totalCount pageInfo { hasNextPage }
    edges { node { position movie { title genres { name } myState { favorite } } } } } } }"""


@pytest.fixture
def long_list(user):
    movies = Movie.objects.bulk_create(
        [Movie(title=f"Movie {n:04}") for n in range(MAX_ITEMS_PER_LIST)]
    )
    user_list = UserListFactory(owner=user)
    fill_list(user_list, movies)
    return user_list


@pytest.mark.parametrize("page", [1, 2, 50])
def test_every_rest_page_of_5000_costs_the_same(user, long_list, page, django_assert_num_queries):
    client = bearer_client(user)
    url = f"/api/lists/{long_list.pk}/items/?page_size=100&page={page}"
    # the caller; the list; the page; genres and cast; my_state (lists, ratings, diary)
    with django_assert_num_queries(7):
        body = client.get(url).json()
    assert body["count"] == MAX_ITEMS_PER_LIST
    first = (page - 1) * 100 + 1
    assert [row["position"] for row in body["results"]] == list(range(first, first + 100))
    assert body["results"][0]["movie"]["title"] == f"Movie {first - 1:04}"
    assert (body["next"] is None) is (page == 50)


@pytest.mark.parametrize("offset", [0, 100, 4900])
def test_every_graphql_page_of_5000_costs_the_same(
    gql, user, long_list, offset, django_assert_num_queries
):
    after = offset_to_cursor(offset - 1) if offset else None
    client = bearer_client(user)
    # the caller; the list; the page; genres and cast; my_state (lists, ratings, diary)
    with django_assert_num_queries(7):
        body = gql(ITEMS, {"id": long_list.pk, "after": after}, client=client)
    items = body["data"]["list"]["items"]
    assert items["totalCount"] == MAX_ITEMS_PER_LIST
    assert [e["node"]["position"] for e in items["edges"]] == list(range(offset + 1, offset + 101))
    assert items["pageInfo"]["hasNextPage"] is (offset < 4900)
