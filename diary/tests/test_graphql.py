"""The diary over GraphQL: logWatch, updateDiaryEntry, deleteDiaryEntry, me.diary with
its filters and pages, myState's watch fields, field errors by argument name, and a
page whose query count does not grow with its size."""

import datetime

import pytest

from conftest import bearer_client
from diary.models import DiaryEntry
from diary.tests.factories import DiaryEntryFactory
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory

pytestmark = pytest.mark.django_db

LOG_WATCH = """
mutation ($movie: ID!, $on: String, $rating: Float, $tags: [String!]) {
  logWatch(movieId: $movie, watchedOn: $on, rating: $rating, tags: $tags) {
    entry { id watchedOn rewatch rating liked tags
            movie { id myState { watched rating watchCount lastWatchedOn } } }
  }
}
"""
UPDATE = """
mutation ($id: ID!, $on: String, $liked: Boolean) {
  updateDiaryEntry(id: $id, watchedOn: $on, liked: $liked) { entry { id watchedOn liked } }
}
"""
DELETE = "mutation ($id: ID!) { deleteDiaryEntry(id: $id) { ok } }"
DIARY = """
query ($first: Int, $after: String, $year: Int, $tag: String) {
  me { diary(first: $first, after: $after, year: $year, tag: $tag) {
    pageInfo { hasNextPage endCursor }
    edges { node { id watchedOn tags movie { title } } }
  } }
}
"""


def test_log_watch_answers_the_entry_and_my_state(gql, user):
    movie = MovieFactory()
    body = gql(
        LOG_WATCH,
        {"movie": movie.pk, "on": "2025-04-05", "rating": 3.5, "tags": ["home"]},
        client=bearer_client(user),
    )
    entry = DiaryEntry.objects.get()
    assert body == {
        "data": {
            "logWatch": {
                "entry": {
                    "id": str(entry.pk),
                    "watchedOn": "2025-04-05",
                    "rewatch": False,
                    "rating": 3.5,
                    "liked": False,
                    "tags": ["home"],
                    "movie": {
                        "id": str(movie.pk),
                        "myState": {
                            "watched": True,
                            "rating": 3.5,
                            "watchCount": 1,
                            "lastWatchedOn": "2025-04-05",
                        },
                    },
                }
            }
        }
    }


def test_a_future_date_names_the_argument(gql, user):
    body = gql(
        LOG_WATCH, {"movie": MovieFactory().pk, "on": "2999-01-01"}, client=bearer_client(user)
    )
    (error,) = body["errors"]
    assert error["message"] == "watchedOn: A watch cannot be in the future."
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["errors"][0] == {
        "field": "watchedOn",
        "code": "watched_in_future",
        "message": "A watch cannot be in the future.",
    }
    assert not DiaryEntry.objects.exists()


def test_update_and_delete(gql, user):
    entry = DiaryEntryFactory(user=user, watched_on=datetime.date(2025, 1, 1))
    client = bearer_client(user)
    body = gql(UPDATE, {"id": entry.pk, "on": "2025-01-02", "liked": True}, client=client)
    assert body["data"]["updateDiaryEntry"]["entry"] == {
        "id": str(entry.pk),
        "watchedOn": "2025-01-02",
        "liked": True,
    }
    assert gql(DELETE, {"id": entry.pk}, client=client) == {
        "data": {"deleteDiaryEntry": {"ok": True}}
    }
    assert not DiaryEntry.objects.exists()


def test_another_users_entry_is_not_found(gql, user):
    entry = DiaryEntryFactory()
    body = gql(DELETE, {"id": entry.pk}, client=bearer_client(user))
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert body["errors"][0]["message"] == f"No diary entry with id {entry.pk}."
    assert DiaryEntry.objects.filter(pk=entry.pk).exists()


def test_me_diary_pages_newest_first_and_filters(gql, user):
    old = DiaryEntryFactory(user=user, watched_on=datetime.date(2024, 5, 1), tags=["x"])
    mid = DiaryEntryFactory(user=user, watched_on=datetime.date(2025, 5, 1))
    new = DiaryEntryFactory(user=user, watched_on=datetime.date(2025, 6, 1), tags=["x"])
    client = bearer_client(user)

    first = gql(DIARY, {"first": 2}, client=client)["data"]["me"]["diary"]
    rest = gql(DIARY, {"first": 2, "after": first["pageInfo"]["endCursor"]}, client=client)
    ids = [e["node"]["id"] for e in first["edges"]] + [
        e["node"]["id"] for e in rest["data"]["me"]["diary"]["edges"]
    ]
    assert ids == [str(new.pk), str(mid.pk), str(old.pk)]

    of_2025 = gql(DIARY, {"year": 2025, "tag": "x"}, client=client)["data"]["me"]["diary"]
    assert [e["node"]["id"] for e in of_2025["edges"]] == [str(new.pk)]


def test_an_invalid_year_is_bad_user_input_naming_it(gql, user):
    body = gql(DIARY, {"year": 12}, client=bearer_client(user))
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["message"] == "year: A year from 1870 to 9999."


def test_a_tag_filter_with_a_nul_is_bad_user_input_naming_it(gql, user):
    body = gql(DIARY, {"tag": "a\x00b"}, client=bearer_client(user))
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["message"] == "tag: Null characters are not allowed."


def test_anonymous_callers_are_unauthenticated(gql):
    body = gql(DELETE, {"id": 1})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


PAGE = """
{ me { diary(first: 100) { edges { node {
  id watchedOn rewatch rating liked tags
  movie { title genres { name } actors { name } myState { watched rating watchCount } }
} } } } }
"""


@pytest.mark.parametrize("size", [1, 30])
def test_a_page_costs_the_same_whatever_its_size(gql, user, size, django_assert_num_queries):
    # given `size` entries of movies with genres and actors, some tagged
    for n in range(size):
        movie = MovieFactory(genres=[GenreFactory()], actors=[ActorFactory(), ActorFactory()])
        DiaryEntryFactory(user=user, movie=movie, tags=["a", "b"] if n % 2 else [])
    client = bearer_client(user)
    gql(PAGE, client=client)  # warm: the token's user lookups are not the page's

    # then: user, entries, tags, genres, actors, my_state (lists, ratings, diary)
    with django_assert_num_queries(8):
        body = gql(PAGE, client=client)
    assert len(body["data"]["me"]["diary"]["edges"]) == size
