"""Server errors once found by hand-made hostile inputs against the list endpoints."""

from http import HTTPStatus

import pytest

from lists.models import MovieListEntry
from lists.tests.factories import MovieListEntryFactory
from movies.tests.factories import MovieFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("segment", ["favorites", "watched", "watchlist"])
def test_removing_a_movie_id_past_the_column_range_is_not_found(auth_client, user, segment):
    # given a movie on the caller's list
    kind = {"favorites": "favorite", "watched": "watched", "watchlist": "watchlist"}[segment]
    MovieListEntryFactory(user=user, movie=MovieFactory(), kind=kind)
    # when the caller removes an id larger than any database integer (was a 500:
    # OverflowError from SQLite)
    response = auth_client.delete(f"/api/users/me/{segment}/99999999999999999999/")
    # then it is simply not on the list, and the list is untouched
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["code"] == "not_found"
    assert MovieListEntry.objects.filter(user=user).count() == 1
