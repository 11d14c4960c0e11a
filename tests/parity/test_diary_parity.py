# ruff: noqa: E501 -- one case per line, however long, so the table reads as a table.
"""REST/GraphQL parity of the diary and the year in review (the machinery and its
promises: tests/parity/test_parity.py and tests/parity/doors.py).

Entries are named by owner and movie title, `E("alice", "Heat")`, and found when the
request is built (after the case's `given`), so a line works on SQLite and PostgreSQL.
"""

from dataclasses import dataclass

import pytest

from diary.models import DiaryEntry
from diary.services import diary_entry_create
from tests.parity.doors import (
    MISSING_ID,
    Case,
    M,
    Op,
    args_text,
    assert_doors_agree,
    build_world,
    camel,
)


@dataclass(frozen=True)
class E:
    """A diary entry of the world by owner and movie title (or a missing id as an int)."""

    username: str | int
    title: str = ""


def _id(value) -> int:
    if isinstance(value, E):
        if isinstance(value.username, int):
            return value.username
        return DiaryEntry.objects.get(user__username=value.username, movie__title=value.title).pk
    return value


ENTRY_FIELDS = "watchedOn rewatch rating liked tags movie { title myState { watched rating watchCount lastWatchedOn } }"
_NAMES = {"movie_id": "movieId", "watched_on": "watchedOn", "review_id": "reviewId"}


def _rest_entry(body) -> dict:
    state = body["movie"]["my_state"]
    return {
        "watched_on": body["watched_on"],
        "rewatch": body["rewatch"],
        "rating": body["rating"],
        "liked": body["liked"],
        "tags": body["tags"],
        "movie": body["movie"]["title"],
        "state": (
            state["watched"],
            state["rating"],
            state["watch_count"],
            state["last_watched_on"],
        ),
    }


def _gql_entry(node) -> dict:
    state = node["movie"]["myState"]
    return {
        "watched_on": node["watchedOn"],
        "rewatch": node["rewatch"],
        "rating": node["rating"],
        "liked": node["liked"],
        "tags": node["tags"],
        "movie": node["movie"]["title"],
        "state": (state["watched"], state["rating"], state["watchCount"], state["lastWatchedOn"]),
    }


def _gql_args(args: dict) -> str:
    return args_text({_NAMES.get(key, camel(key)): value for key, value in args.items()})


def _entry_args(a: dict) -> tuple[int, dict]:
    rest = dict(a)
    return _id(rest.pop("id")), rest


LOG_WATCH = Op(
    "log watch",
    rest=lambda a: ("post", "/api/users/me/diary/", a),
    gql=lambda a: f"mutation {{ logWatch({_gql_args(a)}) {{ entry {{ {ENTRY_FIELDS} }} }} }}",
    gql_root="logWatch",
    rest_data=lambda body, status: (status, _rest_entry(body)),
    gql_data=lambda p: (201, _gql_entry(p["entry"])),
    renames={"movie_id": "movie_id"},
)


def _update_gql(a):
    entry, values = _entry_args(a)
    arguments = _gql_args({"id": str(entry), **values})
    return f"mutation {{ updateDiaryEntry({arguments}) {{ entry {{ {ENTRY_FIELDS} }} }} }}"


def _update_rest(a):
    entry, values = _entry_args(a)
    return ("patch", f"/api/users/me/diary/{entry}/", values)


UPDATE_ENTRY = Op(
    "update diary entry",
    rest=_update_rest,
    gql=_update_gql,
    gql_root="updateDiaryEntry",
    rest_data=lambda body, status: _rest_entry(body),
    gql_data=lambda p: _gql_entry(p["entry"]),
)

DELETE_ENTRY = Op(
    "delete diary entry",
    rest=lambda a: ("delete", f"/api/users/me/diary/{_id(a['id'])}/", None),
    gql=lambda a: f'mutation {{ deleteDiaryEntry(id: "{_id(a["id"])}") {{ ok }} }}',
    gql_root="deleteDiaryEntry",
    rest_data=lambda body, status: True,
    gql_data=lambda p: p["ok"],
)

GET_ENTRY = Op(
    "diary entry",
    rest=lambda a: ("get", f"/api/users/me/diary/{_id(a['id'])}/", None),
    gql=lambda a: f'{{ me {{ diaryEntry(id: "{_id(a["id"])}") {{ {ENTRY_FIELDS} }} }} }}',
    gql_root="me",
    rest_data=lambda body, status: _rest_entry(body),
    gql_data=lambda p: _gql_entry(p["diaryEntry"]),
)


def _list_rest(a):
    query = "&".join(
        f"{key}={str(value).lower() if isinstance(value, bool) else value}"
        for key, value in a.items()
    )
    return ("get", f"/api/users/me/diary/?{query}", None)


LIST_DIARY = Op(
    "diary",
    rest=_list_rest,
    gql=lambda a: (
        f"{{ me {{ diary({args_text(a) or 'first: 20'}) {{ edges {{ node {{ {ENTRY_FIELDS} }} }} }} }} }}"
    ),
    gql_root="me",
    rest_data=lambda body, status: [_rest_entry(row) for row in body["results"]],
    gql_data=lambda p: [_gql_entry(edge["node"]) for edge in p["diary"]["edges"]],
)

STATS_FIELDS = (
    "year entries movies rewatches minutesWatched entriesWithoutRuntime byMonth { month entries } "
    "topGenres { name movies } topPeople { name movies } ratingHistogram { rating entries } "
    "highestRated { movie { title } rating watchedOn }"
)


def _rest_stats(body) -> dict:
    return {
        **{
            key: body[key]
            for key in (
                "year",
                "entries",
                "movies",
                "rewatches",
                "minutes_watched",
                "entries_without_runtime",
                "by_month",
                "rating_histogram",
            )
        },
        "genres": [(g["name"], g["movies"]) for g in body["top_genres"]],
        "people": [(p["name"], p["movies"]) for p in body["top_people"]],
        "best": [
            (h["movie"]["title"], h["rating"], h["watched_on"]) for h in body["highest_rated"]
        ],
    }


def _gql_stats(p) -> dict:
    review = p["yearInReview"]
    return {
        "year": review["year"],
        "entries": review["entries"],
        "movies": review["movies"],
        "rewatches": review["rewatches"],
        "minutes_watched": review["minutesWatched"],
        "entries_without_runtime": review["entriesWithoutRuntime"],
        "by_month": review["byMonth"],
        "rating_histogram": review["ratingHistogram"],
        "genres": [(g["name"], g["movies"]) for g in review["topGenres"]],
        "people": [(p["name"], p["movies"]) for p in review["topPeople"]],
        "best": [
            (h["movie"]["title"], h["rating"], h["watchedOn"]) for h in review["highestRated"]
        ],
    }


YEAR_IN_REVIEW = Op(
    "year in review",
    rest=lambda a: ("get", f"/api/users/me/stats/?year={a['year']}", None),
    gql=lambda a: f"{{ me {{ yearInReview(year: {a['year']}) {{ {STATS_FIELDS} }} }} }}",
    gql_root="me",
    rest_data=lambda body, status: _rest_stats(body),
    gql_data=_gql_stats,
)


# --------------------------------------------------------------------------- givens


def alice_watched(world):
    """alice's diary: Heat twice (2024 rated 4, 2025 rated 5, tagged), The Matrix once."""
    heat, matrix = world.movies["Heat"].pk, world.movies["The Matrix"].pk
    alice = world.users["alice"]
    diary_entry_create(user=alice, movie_id=heat, watched_on="2024-06-01", rating=4)
    diary_entry_create(
        user=alice, movie_id=heat, watched_on="2025-03-02", rating=5, liked=True, tags=["cinema"]
    )
    diary_entry_create(user=alice, movie_id=matrix, watched_on="2025-07-04", tags=["home"])


C = Case  # one case of this table (tests/parity/doors.py)


HEAT, MATRIX, WICK = M("Heat"), M("The Matrix"), M("John Wick")
FUTURE = "A watch cannot be in the future."

CASES = [
    # log a watch
    C(LOG_WATCH, {"movie_id": HEAT, "watched_on": "2025-01-02", "rating": 3.5, "tags": ["a", "b"]}),
    C(LOG_WATCH, {"movie_id": HEAT, "watched_on": "2025-09-09"}, given=alice_watched),
    C(LOG_WATCH, {"movie_id": HEAT, "watched_on": "2020-01-01", "rating": 1}, given=alice_watched),
    C(LOG_WATCH, {"movie_id": WICK, "watched_on": "2025-01-02", "rewatch": True, "liked": True}),
    C(
        LOG_WATCH,
        {"movie_id": HEAT, "watched_on": "2999-01-01"},
        expect="invalid",
        field="watched_on",
        message=FUTURE,
    ),
    C(LOG_WATCH, {"movie_id": HEAT, "watched_on": "someday"}, expect="invalid", field="watched_on"),
    C(
        LOG_WATCH,
        {"movie_id": HEAT, "watched_on": "2025-01-02", "rating": 4.2},
        expect="invalid",
        field="rating",
    ),
    C(
        LOG_WATCH,
        {"movie_id": M(MISSING_ID), "watched_on": "2025-01-02"},
        expect="invalid",
        field="movie_id",
    ),
    C(
        LOG_WATCH,
        {"movie_id": HEAT, "watched_on": "2025-01-02", "tags": [str(n) for n in range(21)]},
        expect="invalid",
        field="tags",
    ),
    C(
        LOG_WATCH,
        {"movie_id": HEAT, "watched_on": "2025-01-02", "tags": [""]},
        expect="invalid",
        field="tags",
    ),
    C(
        LOG_WATCH,
        {"movie_id": HEAT, "watched_on": "2025-01-02"},
        as_=None,
        expect="unauthenticated",
    ),
    # change, read, delete one entry
    C(
        UPDATE_ENTRY,
        {"id": E("alice", "The Matrix"), "rating": 4.5, "liked": True},
        given=alice_watched,
    ),
    C(
        UPDATE_ENTRY,
        {"id": E("alice", "The Matrix"), "watched_on": "2999-01-01"},
        expect="invalid",
        field="watched_on",
        given=alice_watched,
    ),
    C(UPDATE_ENTRY, {"id": E("alice", "The Matrix"), "tags": []}, given=alice_watched),
    C(
        UPDATE_ENTRY,
        {"id": E("alice", "The Matrix"), "liked": True},
        as_="bob",
        expect="not_found",
        given=alice_watched,
    ),
    C(UPDATE_ENTRY, {"id": E(MISSING_ID), "liked": True}, expect="not_found"),
    C(GET_ENTRY, {"id": E("alice", "The Matrix")}, given=alice_watched),
    C(
        GET_ENTRY,
        {"id": E("alice", "The Matrix")},
        as_="bob",
        expect="not_found",
        given=alice_watched,
    ),
    C(DELETE_ENTRY, {"id": E("alice", "The Matrix")}, given=alice_watched),
    C(
        DELETE_ENTRY,
        {"id": E("alice", "The Matrix")},
        as_="bob",
        expect="not_found",
        given=alice_watched,
    ),
    C(
        DELETE_ENTRY,
        {"id": E("alice", "The Matrix")},
        as_=None,
        expect="unauthenticated",
        given=alice_watched,
    ),
    # the diary
    C(LIST_DIARY, {}, given=alice_watched),
    C(LIST_DIARY, {"year": 2025}, given=alice_watched),
    C(LIST_DIARY, {"year": 2025, "month": 3}, given=alice_watched),
    C(LIST_DIARY, {"tag": "cinema"}, given=alice_watched),
    C(LIST_DIARY, {"rewatch": True}, given=alice_watched),
    C(LIST_DIARY, {"liked": False}, given=alice_watched),
    C(LIST_DIARY, {"liked": True}, given=alice_watched),
    C(LIST_DIARY, {"movie": HEAT}, given=alice_watched),
    C(LIST_DIARY, {"movie": HEAT, "rewatch": False}, given=alice_watched),
    C(LIST_DIARY, {"month": 7}, given=alice_watched),
    C(LIST_DIARY, {"year": 12}, expect="invalid", field="year"),
    C(LIST_DIARY, {"month": 13}, expect="invalid", field="month"),
    C(LIST_DIARY, {"movie": "abc"}, expect="invalid", field="movie"),
    C(LIST_DIARY, {}, as_="bob", given=alice_watched),
    # the year in review
    C(YEAR_IN_REVIEW, {"year": 2025}, given=alice_watched),
    C(YEAR_IN_REVIEW, {"year": 2024}, given=alice_watched),
    C(YEAR_IN_REVIEW, {"year": 2025}, as_="bob", given=alice_watched),
    C(YEAR_IN_REVIEW, {"year": 99}, expect="invalid", field="year"),
    C(YEAR_IN_REVIEW, {"year": 2025}, as_=None, expect="unauthenticated"),
]


@pytest.fixture
def world(db, monkeypatch):
    return build_world(monkeypatch)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_both_doors_mean_the_same(world, case):
    # given the same world before each door; when the case goes through REST, then
    # (from the same start) through GraphQL; then both mean what the case expects, and
    # the same thing as each other (tests/parity/doors.py assert_doors_agree)
    assert_doors_agree(case, world)


def test_every_diary_operation_has_cases_of_each_outcome():
    ops = {case.op.name for case in CASES}
    assert ops == {
        "log watch",
        "update diary entry",
        "delete diary entry",
        "diary entry",
        "diary",
        "year in review",
    }
    assert {case.expect for case in CASES} == {"ok", "invalid", "not_found", "unauthenticated"}
