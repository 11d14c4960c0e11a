"""Positions under real concurrency on PostgreSQL: 20 moves, adds and removes at once
leave every list numbered 1..n with no gap and no repeat, and the limits hold.

Skipped on SQLite (conftest); CI's PostgreSQL pass runs them:
DATABASE_URL=postgres://... pytest lists/tests/test_positions_pg.py
"""

import random
from collections import Counter

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from core.errors import Conflict
from lists import user_list_services as services
from lists.models import UserList, UserListItem
from lists.tests.factories import UserListFactory, fill_list
from movies.tests.factories import MovieFactory
from tests.concurrency import run_together
from users.tests.factories import UserFactory

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]


def _numbered(user_list) -> list[int]:
    return list(
        UserListItem.objects.filter(list=user_list)
        .order_by("position")
        .values_list("position", flat=True)
    )


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def test_twenty_concurrent_moves_keep_positions_one_to_n():
    # given a list of 30 movies and 20 moves to random places, each over REST
    owner = UserFactory()
    user_list = UserListFactory(owner=owner)
    movies = [MovieFactory() for _ in range(30)]
    fill_list(user_list, movies)
    chance = random.Random(20)
    moves = [(movies[i].pk, chance.randint(1, 30)) for i in range(20)]
    url = f"/api/lists/{user_list.pk}/items/"

    # when the 20 moves arrive at the same instant
    statuses = run_together(
        20,
        lambda i: (
            _client(owner).patch(f"{url}{moves[i][0]}/", {"position": moves[i][1]}).status_code
        ),
    )

    # then all succeed, and the list is still 1..30 holding the same 30 movies
    assert statuses == [200] * 20
    assert _numbered(user_list) == list(range(1, 31))
    assert sorted(
        UserListItem.objects.filter(list=user_list).values_list("movie_id", flat=True)
    ) == sorted(m.pk for m in movies)
    user_list.refresh_from_db()
    assert user_list.item_count == 30


def test_concurrent_adds_and_removes_keep_positions_one_to_n():
    # given a list of 10 movies, 10 more to add at the top and 10 to take off
    owner = UserFactory()
    user_list = UserListFactory(owner=owner)
    staying, leaving = [MovieFactory() for _ in range(5)], [MovieFactory() for _ in range(5)]
    fill_list(user_list, [*staying, *leaving])
    coming = [MovieFactory() for _ in range(10)]

    def write(i):
        if i < 10:
            services.list_item_add(
                user=owner, list_id=user_list.pk, movie_id=coming[i].pk, position=1
            )
        else:
            services.list_item_remove(
                user=owner, list_id=user_list.pk, movie_id=leaving[i - 10 if i < 15 else i - 15].pk
            )
        return "ok"

    # when 10 adds and 10 removes (5 of them repeated) race
    outcomes = run_together(20, write)

    # then the adds all land, each movie leaves once (the repeat is a 404), no gap
    assert Counter(type(o).__name__ if o != "ok" else o for o in outcomes) == {
        "ok": 15,
        "NotFound": 5,
    }
    assert _numbered(user_list) == list(range(1, 16))
    user_list.refresh_from_db()
    assert user_list.item_count == 15


def test_the_lists_limit_holds_under_concurrent_creates(monkeypatch):
    # given an account one list short of a limit of 5
    monkeypatch.setattr(services, "MAX_LISTS_PER_USER", 5)
    owner = UserFactory()
    UserListFactory.create_batch(4, owner=owner)

    # when 10 creates race
    outcomes = run_together(10, lambda i: services.user_list_create(user=owner, name=f"L{i}"))

    # then exactly one gets in; the others are refused naming the limit
    assert sum(isinstance(o, UserList) for o in outcomes) == 1
    assert all(isinstance(o, Conflict) for o in outcomes if not isinstance(o, UserList))
    assert UserList.objects.filter(owner=owner).count() == 5
