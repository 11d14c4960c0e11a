"""A page of a list's items reads movies with their item's columns alongside, by a kept
statement, and renders each item by hand (lists/user_list_selectors.py,
lists/api/user_list_serializers.py): the body is exactly what DRF's generic field loop
gives over the items read the plain way, an item with its movie joined, for awkward
values too (a note with non-ASCII text and U+2028, a movie without a date, a signed-in
caller's my_state, a time zone other than UTC)."""

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIRequestFactory, force_authenticate

from lists import user_list_selectors as selectors
from lists.api.user_list_serializers import ListItemSerializer
from lists.models import UserListItem
from lists.tests.factories import MovieListEntryFactory, UserListFactory, fill_list
from movies.selectors.catalog import attach_refs
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory
from movies.viewer_state import movie_states_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def user_list(user):
    movies = [
        MovieFactory(genres=[GenreFactory(name="Drama")], actors=[ActorFactory(name="Zoë")]),
        MovieFactory(title="Line\u2028sep \U0001f3ac", release_date=None, imdb_id=None),
        MovieFactory(),
    ]
    user_list = UserListFactory(owner=user)
    fill_list(user_list, movies)
    UserListItem.objects.filter(list=user_list, position=2).update(note="Pourquoi — “là”")
    MovieListEntryFactory(user=user, movie=movies[1])
    return user_list


def plain_items(user_list):
    """The items as the ORM reads them plainly: items with their movies joined."""
    items = list(
        UserListItem.objects.filter(list=user_list).select_related("movie").order_by("position")
    )
    attach_refs([item.movie for item in items])
    return items


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris"])
def test_a_page_of_items_equals_the_generic_field_loop(user, user_list, signed_in, zone):
    # given a caller (anonymous or the owner) and the active time zone
    request = APIRequestFactory().get("/")
    if signed_in:
        force_authenticate(request, user=user)
        request.user = user
    states = movie_states_for(
        user=user, movie_ids=list(user_list.items.values_list("movie_id", flat=True))
    )
    context = {"request": request, "my_states": states}
    with timezone.override(zone):
        # when the page is rendered the fast way, and the plain read the generic way
        fast = ListItemSerializer(
            selectors.list_items_page(user_list=user_list, offset=0, size=10),
            many=True,
            context=context,
        ).data
        serializer = ListItemSerializer(context=context)
        generic = [
            serializers.Serializer.to_representation(serializer, item)
            for item in plain_items(user_list)
        ]
    # then both give the same keys, order and values
    assert [list(row) for row in fast] == [list(row) for row in generic]
    assert fast == generic
    assert [row["position"] for row in fast] == [1, 2, 3]
    assert fast[1]["note"] == "Pourquoi — “là”"
    assert (fast[1]["movie"]["my_state"] is not None) is signed_in


def test_a_page_holds_only_its_positions_and_the_one_item_read(user, user_list):
    # a page is the position range; the one-item read (a write's reply) is that item
    page = selectors.list_items_page(user_list=user_list, offset=1, size=1)
    assert [(item.position, item.movie.title) for item in page] == [(2, "Line\u2028sep \U0001f3ac")]
    assert selectors.list_items_page(user_list=user_list, offset=3, size=100) == []
    (one,) = selectors.list_items(user_list=user_list, movie_id=page[0].movie_id)
    assert (one.position, one.note, one.movie_id) == (2, "Pourquoi — “là”", page[0].movie_id)
    other = UserListFactory(owner=user)
    assert selectors.list_items(user_list=other, movie_id=page[0].movie_id) == []
    assert selectors.list_items_page(user_list=other, offset=0, size=100) == []
