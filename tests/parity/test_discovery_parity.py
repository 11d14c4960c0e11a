# ruff: noqa: E501 -- one case per line, however long, so the table reads as a table.
"""REST/GraphQL parity of discovery: trending movies and the caller's recommendations
(the machinery and its promises: tests/parity/test_parity.py and tests/parity/doors.py).

The world's activity (tests/parity/doors.py, `build_world`) is all of this hour:
trending ranks Heat (two ratings, two reviews, a favorite: 8), The Godfather (4) and
The Matrix (3). Movies are named by title in the data (ids differ between runs on
PostgreSQL), `because` too.
"""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from movies.models import Movie
from movies.services.ratings import rating_set
from tests.parity.doors import Op, args_text, build_world, run

# Early in an hour, so both doors of a case count ages to the same hour.
NOW = datetime.datetime(2026, 3, 10, 12, 0, 5, tzinfo=datetime.UTC)
MOVIE_FIELDS = "title myState { rating }"


def _titles(ids) -> list[str]:
    titles = dict(Movie.objects.filter(pk__in=ids).values_list("pk", "title"))
    return [titles[int(i)] for i in ids]


def _rest_rows(body) -> list:
    return [
        (
            row["movie"]["title"],
            row["score"],
            _titles(row.get("because", [])),
            None if row["movie"]["my_state"] is None else row["movie"]["my_state"]["rating"],
        )
        for row in body["results"]
    ]


def _gql_rows(payload) -> list:
    return [
        (
            row["movie"]["title"],
            row["score"],
            _titles(row.get("because", [])),
            None if row["movie"]["myState"] is None else row["movie"]["myState"]["rating"],
        )
        for row in payload["results"]
    ]


def _query(args: dict) -> str:
    return "&".join(f"{key}={value}" for key, value in args.items())


def _gql_args(args: dict) -> str:
    renamed = {"first" if key == "limit" else key: value for key, value in args.items()}
    return f"({args_text(renamed)})" if renamed else ""


TRENDING = Op(
    "trending",
    rest=lambda a: ("get", f"/api/movies/trending/?{_query(a)}", None),
    gql=lambda a: (
        f"{{ trendingMovies{_gql_args(a)} {{ window results {{ score movie {{ {MOVIE_FIELDS} }} }} }} }}"
    ),
    gql_root="trendingMovies",
    rest_data=lambda body, status: (body["window"], _rest_rows(body)),
    gql_data=lambda p: (p["window"], _gql_rows(p)),
    renames={"first": "limit"},
)

RECOMMENDATIONS = Op(
    "recommendations",
    rest=lambda a: ("get", f"/api/users/me/recommendations/?{_query(a)}", None),
    gql=lambda a: (
        f"{{ me {{ recommendations{_gql_args(a)} {{ source results {{ score because movie {{ {MOVIE_FIELDS} }} }} }} }} }}"
    ),
    gql_root="me",
    rest_data=lambda body, status: (body["source"], _rest_rows(body)),
    gql_data=lambda p: (
        p["recommendations"]["source"].lower(),
        _gql_rows(p["recommendations"]),
    ),
    renames={"first": "limit"},
)


def bob_likes_heat(world):
    """Bob rates Heat 4.5 (so he likes Heat and The Matrix) and the neighbours are
    computed: Heat's neighbour is The Matrix (and The Matrix's, Heat)."""
    rating_set(user=world.users["bob"], movie_id=world.movies["Heat"].pk, value=4.5)
    call_command("compute_neighbours", stdout=open("/dev/null", "w"))  # noqa: SIM115


@dataclass(frozen=True)
class C:
    """One parity case: op, args (REST names), caller, expected kind, field, given."""

    op: Any
    args: dict
    as_: str | None = "alice"
    expect: str = "ok"
    field: str | None = None
    given: Any = None

    def __str__(self):
        args = ",".join(f"{key}={value}" for key, value in self.args.items())
        given = f"given={self.given.__name__}," if self.given else ""
        return f"{self.op.name}[{given}{args}]as={self.as_}->{self.expect}"


CASES = [
    C(TRENDING, {}, as_=None),
    C(TRENDING, {"window": "week", "limit": 2}, as_=None),
    C(TRENDING, {"window": "day"}),
    C(TRENDING, {"window": "day"}, given=bob_likes_heat),
    C(TRENDING, {"window": "month"}, as_=None, expect="invalid", field="window"),
    C(TRENDING, {"limit": 0}, as_=None, expect="invalid", field="limit"),
    C(TRENDING, {"limit": 101}, expect="invalid", field="limit"),
    # alice likes Heat; with no neighbours yet she gets trending minus what she has seen
    C(RECOMMENDATIONS, {}),
    C(RECOMMENDATIONS, {}, given=bob_likes_heat),
    C(RECOMMENDATIONS, {"limit": 1}, as_="bob", given=bob_likes_heat),
    C(RECOMMENDATIONS, {}, as_="staff", given=bob_likes_heat),
    C(RECOMMENDATIONS, {"limit": 0}, expect="invalid", field="limit"),
    C(RECOMMENDATIONS, {}, as_=None, expect="unauthenticated"),
]


@pytest.fixture
def world(db, monkeypatch):
    with time_machine.travel(NOW):
        yield build_world(monkeypatch)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_both_doors_mean_the_same(world, case):
    # given the same world before each door (at the same hour)
    # when the case goes through REST, then (from the same start) through GraphQL
    rest = run(case.op, case.args, case.as_, world, "rest", case.given)
    graphql = run(case.op, case.args, case.as_, world, "graphql", case.given)

    # then both mean what the case expects, and the same thing as each other
    assert (rest.kind, rest.field) == (case.expect, case.field), rest
    assert (graphql.kind, graphql.field) == (rest.kind, rest.field), graphql
    assert graphql.message == rest.message
    assert graphql.data == rest.data
    assert graphql.state == rest.state


def test_the_doors_agree_on_the_right_answer(world):
    # the day ranking of the world, all of age 1 hour: weight x 0.5 ** (1 / 6)
    decay = 0.5 ** (1 / 6)
    rest = run(TRENDING, {}, None, world, "rest")
    assert rest.data == (
        "day",
        [
            ("Heat", round(8 * decay, 6), [], None),
            ("The Godfather", round(4 * decay, 6), [], None),
            ("The Matrix", round(3 * decay, 6), [], None),
        ],
    )
    # alice likes Heat, and bob liked Heat and The Matrix: The Matrix, because of Heat
    # (cosine 1 / sqrt(2 x 1): Heat has two likers, The Matrix one)
    personal = run(RECOMMENDATIONS, {}, "alice", world, "graphql", bob_likes_heat)
    assert personal.data == ("personal", [("The Matrix", round(2**-0.5, 6), ["Heat"], None)])


def test_every_discovery_operation_has_cases_of_each_outcome():
    assert {case.op.name for case in CASES} == {"trending", "recommendations"}
    assert {case.expect for case in CASES} == {"ok", "invalid", "unauthenticated"}
