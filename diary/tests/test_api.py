"""The diary over REST: create with defaults, the entry's shape, keyset pages newest
first, the filters, change and delete, 400s naming the field, 404 for another's entry,
and query counts that do not grow with the page."""

import datetime
from http import HTTPStatus

import pytest
import time_machine

from conftest import bearer_client
from diary.models import DiaryEntry
from diary.tests.factories import DiaryEntryFactory
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
DIARY = "/api/users/me/diary/"
NOON = datetime.datetime(2026, 3, 3, 12, tzinfo=datetime.UTC)


def test_logging_a_watch_answers_the_entry_with_the_movie_and_my_state(user):
    # given a movie
    movie = MovieFactory(genres=[GenreFactory()], actors=[ActorFactory()])

    # when a watch is logged with a rating and tags, no date
    with time_machine.travel(NOON, tick=False):
        response = bearer_client(user).post(
            DIARY,
            {"movie_id": movie.pk, "rating": 4.5, "liked": True, "tags": ["cinema"]},
            format="json",
        )

    # then 201 with the entry; my_state shows the watch, the rating and the list
    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    entry = DiaryEntry.objects.get()
    assert {key: body[key] for key in body if key != "movie"} == {
        "id": entry.pk,
        "watched_on": "2026-03-03",
        "rewatch": False,
        "rating": 4.5,
        "liked": True,
        "review_id": None,
        "tags": ["cinema"],
        "created_at": "2026-03-03T12:00:00Z",
    }
    assert body["movie"]["id"] == movie.pk
    assert body["movie"]["my_state"] == {
        "favorite": False,
        "watched": True,
        "watchlist": False,
        "rating": 4.5,
        "watch_count": 1,
        "last_watched_on": "2026-03-03",
    }


def test_a_future_date_is_400_naming_watched_on(user):
    response = bearer_client(user).post(
        DIARY, {"movie_id": MovieFactory().pk, "watched_on": "2999-01-01"}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"] == [
        {
            "field": "watched_on",
            "code": "watched_in_future",
            "message": "A watch cannot be in the future.",
        }
    ]
    assert not DiaryEntry.objects.exists()


def test_the_diary_pages_newest_first_with_cursors(user):
    # given five entries over three days (two on one day) and another user's entry
    days = [datetime.date(2025, 1, d) for d in (1, 2, 2, 3, 5)]
    entries = [DiaryEntryFactory(user=user, watched_on=day) for day in days]
    DiaryEntryFactory(watched_on=datetime.date(2025, 1, 4))
    client = bearer_client(user)

    # when read two at a time
    seen, url = [], f"{DIARY}?page_size=2"
    while url:
        body = client.get(url).json()
        assert body["count"] is None
        seen += [row["id"] for row in body["results"]]
        url = body["next"]

    # then every entry once, the latest watch first, the one logged last first on a tie
    assert seen == [entries[i].pk for i in (4, 3, 2, 1, 0)]


def test_a_tampered_cursor_is_400_naming_cursor(user):
    response = bearer_client(user).get(f"{DIARY}?cursor=bm9wZQ")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"][0]["field"] == "cursor"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2024", ["a", "b"]),
        ("year=2024&month=12", ["b"]),
        ("month=12", ["b", "d"]),
        ("rewatch=true", ["b"]),
        ("liked=false", ["b", "c", "d"]),
        ("tag=cinema", ["a", "d"]),
        ("tag=nothing", []),
    ],
)
def test_the_filters(user, query, expected):
    movie = MovieFactory()
    made = {
        "a": DiaryEntryFactory(
            user=user, watched_on=datetime.date(2024, 3, 1), liked=True, tags=["cinema", "x"]
        ),
        "b": DiaryEntryFactory(
            user=user, movie=movie, watched_on=datetime.date(2024, 12, 31), rewatch=True
        ),
        "c": DiaryEntryFactory(user=user, movie=movie, watched_on=datetime.date(2025, 1, 1)),
        "d": DiaryEntryFactory(user=user, watched_on=datetime.date(2023, 12, 1), tags=["cinema"]),
    }
    names = {entry.pk: name for name, entry in made.items()}
    body = bearer_client(user).get(f"{DIARY}?{query}").json()
    assert sorted(names[row["id"]] for row in body["results"]) == expected


def test_the_movie_filter(user):
    movie = MovieFactory()
    mine = DiaryEntryFactory(user=user, movie=movie)
    DiaryEntryFactory(user=user)
    body = bearer_client(user).get(f"{DIARY}?movie={movie.pk}").json()
    assert [row["id"] for row in body["results"]] == [mine.pk]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("year=20x4", "year", "A year from 1870 to 9999."),
        ("year=1200", "year", "A year from 1870 to 9999."),
        ("month=13", "month", "A month from 1 to 12."),
        ("rewatch=maybe", "rewatch", "Must be true or false."),
        ("movie=abc", "movie", "'abc' is not a valid id."),
        ("tag=a%00b", "tag", "Null characters are not allowed."),
    ],
)
def test_an_invalid_filter_is_400_naming_it(user, query, field, message):
    response = bearer_client(user).get(f"{DIARY}?{query}")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"][0] | {"code": None} == {
        "field": field,
        "message": message,
        "code": None,
    }


@pytest.mark.parametrize(
    ("name", "bound", "inside", "outside"),
    [
        ("year", {"minimum": 1870, "maximum": 9999}, ["1870", "9999"], ["1869", "10000"]),
        ("month", {"minimum": 1, "maximum": 12}, ["1", "12"], ["0", "13"]),
        ("movie", {"minimum": 1, "maximum": 2**63 - 1}, ["1", str(2**63 - 1)], ["0", str(2**63)]),
        ("tag", {"maxLength": 50, "pattern": "^[^\\x00]*$"}, ["t" * 50], ["t" * 51, "a\x00b"]),
    ],
)
def test_each_filter_is_documented_with_the_bounds_it_enforces(user, name, bound, inside, outside):
    # given the diary list's parameters in the document
    schema = bearer_client(user).get("/swagger.json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/users/me/diary/"]["get"]["parameters"]}

    # then the filter states its bounds, which are the ones the server keeps
    assert {key: parameters[name].get(key) for key in bound} == bound
    for value in inside:
        assert bearer_client(user).get(DIARY, {name: value}).status_code == HTTPStatus.OK
    for value in outside:
        response = bearer_client(user).get(DIARY, {name: value})
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert response.json()["errors"][0]["field"] == name


def test_read_change_and_delete_one_entry(user):
    entry = DiaryEntryFactory(user=user, watched_on=datetime.date(2025, 2, 1))
    client = bearer_client(user)
    url = f"{DIARY}{entry.pk}/"
    assert client.get(url).json()["watched_on"] == "2025-02-01"

    response = client.patch(url, {"watched_on": "2025-02-02", "liked": True}, format="json")
    assert response.status_code == HTTPStatus.OK
    assert (response.json()["watched_on"], response.json()["liked"]) == ("2025-02-02", True)
    entry.refresh_from_db()
    assert (entry.watched_on, entry.liked) == (datetime.date(2025, 2, 2), True)

    assert client.delete(url).status_code == HTTPStatus.NO_CONTENT
    assert not DiaryEntry.objects.filter(pk=entry.pk).exists()


def test_another_users_entry_is_404_and_untouched(user):
    entry = DiaryEntryFactory(user=UserFactory())
    client = bearer_client(user)
    url = f"{DIARY}{entry.pk}/"
    for response in (client.get(url), client.patch(url, {"liked": True}), client.delete(url)):
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert response.json()["detail"] == f"No diary entry with id {entry.pk}."
    entry.refresh_from_db()
    assert entry.liked is False


def test_anonymous_callers_are_401(api_client):
    assert api_client.get(DIARY).status_code == HTTPStatus.UNAUTHORIZED
    assert api_client.post(DIARY, {"movie_id": 1}).status_code == HTTPStatus.UNAUTHORIZED
    assert api_client.get("/api/users/me/stats/").status_code == HTTPStatus.UNAUTHORIZED


@pytest.mark.parametrize("size", [1, 30])
def test_a_page_costs_the_same_whatever_its_size(user, size, django_assert_num_queries):
    # given `size` entries of movies with genres and actors, some tagged
    for n in range(size):
        movie = MovieFactory(genres=[GenreFactory()], actors=[ActorFactory(), ActorFactory()])
        DiaryEntryFactory(user=user, movie=movie, tags=["a", "b"] if n % 2 else [])
    client = bearer_client(user)
    client.get(DIARY)  # warm: the token's user lookups are not the page's

    # then: user, entries, tags, genres, actors, my_state (lists, ratings, diary)
    with django_assert_num_queries(8):
        body = client.get(f"{DIARY}?page_size=100").json()
    assert len(body["results"]) == size
