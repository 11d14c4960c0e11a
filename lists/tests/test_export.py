"""The account export (format: docs/account-export.md): the profile, the lists and the
reviews in one document, at a fixed number of queries."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import bearer_client
from lists import services as lists_services
from lists.export import account_export
from lists.models import MovieListEntry
from lists.user_list_services import list_item_add, user_list_create
from movies.services import review_create
from movies.tests.factories import MovieFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EXPORT_URL = "/api/users/me/export/"


@pytest.fixture
def member():
    """An active account with a verified phone."""
    return UserFactory(phone_number="+14155550123", phone_verified_at=timezone.now())


def test_export_holds_the_profile_lists_and_reviews(member):
    # given a member with a list entry and a review
    movie = MovieFactory(title="Heat", imdb_id="tt0113277", tmdb_id=949)
    lists_services.movie_list_add(user=member, movie_id=movie.pk, kind=MovieListEntry.Kind.FAVORITE)
    review = review_create(user=member, movie_id=movie.pk, rating=5, text="Great.")
    client = bearer_client(member)

    # when they export their data
    response = client.get(EXPORT_URL)

    # then the document follows docs/account-export.md
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    document = response.json()
    entry = MovieListEntry.objects.get(user=member)
    ref = {
        "id": movie.pk,
        "title": "Heat",
        "year": movie.release_date.year if movie.release_date else None,
        "imdb_id": "tt0113277",
        "tmdb_id": 949,
    }
    assert document["format"] == "movie-api.account-export"
    assert document["version"] == 1
    assert document["profile"] == {
        "id": member.pk,
        "username": member.username,
        "email": member.email,
        "phone_number": member.phone_number,
        "phone_verified_at": member.phone_verified_at.isoformat().replace("+00:00", "Z"),
        "bio": "",
        "profile_picture": None,
        "date_joined": member.date_joined.isoformat().replace("+00:00", "Z"),
        "last_login": None,
        "is_staff": False,
    }
    assert document["lists"] == {
        "favorite": [{"movie": ref, "added_at": entry.added_at.isoformat().replace("+00:00", "Z")}],
        "watched": [],
        "watchlist": [],
    }
    review.refresh_from_db()
    assert document["reviews"] == [
        {
            "id": review.pk,
            "movie": ref,
            "rating": 5,
            "text": "Great.",
            "is_edited": False,
            "created_at": review.created_at.isoformat().replace("+00:00", "Z"),
            "updated_at": review.updated_at.isoformat().replace("+00:00", "Z"),
        }
    ]


def test_export_costs_the_same_queries_for_one_item_or_many(member):
    # given the export of a member with many list entries and reviews
    def queries():
        with CaptureQueriesContext(connection) as captured:
            account_export(user=member)
        return len(captured)

    movie = MovieFactory()
    review_create(user=member, movie_id=movie.pk, rating=2)
    few = queries()
    for _ in range(10):
        movie = MovieFactory()
        review_create(user=member, movie_id=movie.pk, rating=4)
        lists_services.movie_list_add(
            user=member, movie_id=movie.pk, kind=MovieListEntry.Kind.WATCHED
        )
        own = user_list_create(user=member, name="A list")
        list_item_add(user=member, list_id=own.pk, movie_id=movie.pk)

    # then the number of queries does not grow with the data (profile, lists, reviews,
    # the lists made and their items, and the diary's entries and tags: diary/selectors.py)
    assert queries() == few == 7


def test_export_holds_the_lists_the_member_made(member):
    # given a private ranked list of two movies, one with a note
    heat, wick = MovieFactory(title="Heat"), MovieFactory(title="John Wick")
    own = user_list_create(
        user=member, name="Crime", description="Guns.", is_public=False, is_ranked=True
    )
    list_item_add(user=member, list_id=own.pk, movie_id=wick.pk)
    list_item_add(user=member, list_id=own.pk, movie_id=heat.pk, note="Best.", position=1)
    user_list_create(user=UserFactory(), name="Not theirs")

    # when they export their data
    document = bearer_client(member).get(EXPORT_URL).json()

    # then the list is there with its movies by position (and nobody else's list)
    [exported] = document["user_lists"]
    assert {
        k: v for k, v in exported.items() if k not in ("created_at", "updated_at", "items")
    } == {
        "name": "Crime",
        "description": "Guns.",
        "is_public": False,
        "is_ranked": True,
    }
    assert [(i["position"], i["movie"]["title"], i["note"]) for i in exported["items"]] == [
        (1, "Heat", "Best."),
        (2, "John Wick", ""),
    ]


def test_export_needs_a_signed_in_caller():
    # when an anonymous caller asks
    response = APIClient().get(EXPORT_URL)

    # then it is a 401
    assert response.status_code == HTTPStatus.UNAUTHORIZED
