# ruff: noqa: E501 -- one case per line, however long, so the table reads as a table.
"""REST/GraphQL parity of the lists users make (the machinery and its promises:
tests/parity/test_parity.py and tests/parity/doors.py), privacy included: a private
list is 404 (NOT_FOUND) to everyone but its owner on both doors, and a stranger's
write to a public list 403 (FORBIDDEN) on both.

Lists are named by owner and name, `L("alice", "Crime")`, and found when the request
is built (after the case's `given`), so a line works on SQLite and PostgreSQL.
"""

from dataclasses import dataclass
from typing import Any

import pytest

from lists.models import UserList
from lists.user_list_services import list_item_add, user_list_create
from tests.parity.doors import (
    MISSING_ID,
    Case,
    M,
    Op,
    args_text,
    assert_doors_agree,
    build_world,
    camel,
    resolve,
)


@dataclass(frozen=True)
class L:
    """A list of the world by owner and name (or a missing id as an int)."""

    username: str | int
    name: str = ""


def _id(value) -> int:
    if isinstance(value, L):
        if isinstance(value.username, int):
            return value.username
        return UserList.objects.get(owner__username=value.username, name=value.name).pk
    return value


LIST_FIELDS = "name description isPublic isRanked itemCount owner { username }"
ITEM_FIELDS = "position note movie { title myState { favorite } }"


def _rest_list(body) -> dict:
    return {
        "name": body["name"],
        "description": body["description"],
        "is_public": body["is_public"],
        "is_ranked": body["is_ranked"],
        "item_count": body["item_count"],
        "owner": body["owner"]["username"],
    }


def _gql_list(node) -> dict:
    return {
        "name": node["name"],
        "description": node["description"],
        "is_public": node["isPublic"],
        "is_ranked": node["isRanked"],
        "item_count": node["itemCount"],
        "owner": node["owner"]["username"],
    }


def _rest_item(body) -> tuple:
    state = body["movie"]["my_state"]
    return (body["position"], body["note"], body["movie"]["title"], state and state["favorite"])


def _gql_item(node) -> tuple:
    state = node["movie"]["myState"]
    return (node["position"], node["note"], node["movie"]["title"], state and state["favorite"])


def _gql_args(args: dict) -> str:
    return args_text({camel(key): value for key, value in args.items()})


def _split(a: dict, *keys) -> tuple:
    rest = dict(a)
    return (*(_id(rest.pop(key)) for key in keys), rest)


CREATE_LIST = Op(
    "create list",
    rest=lambda a: ("post", "/api/lists/", a),
    gql=lambda a: f"mutation {{ createList({_gql_args(a)}) {{ list {{ {LIST_FIELDS} }} }} }}",
    gql_root="createList",
    rest_data=lambda body, status: (status, _rest_list(body)),
    gql_data=lambda p: (201, _gql_list(p["list"])),
)


def _update_rest(a):
    list_id, values = _split(a, "id")
    return ("patch", f"/api/lists/{list_id}/", values)


def _update_gql(a):
    list_id, values = _split(a, "id")
    return f'mutation {{ updateList(id: "{list_id}", {_gql_args(values)}) {{ list {{ {LIST_FIELDS} }} }} }}'


UPDATE_LIST = Op(
    "update list",
    rest=_update_rest,
    gql=_update_gql,
    gql_root="updateList",
    rest_data=lambda body, status: _rest_list(body),
    gql_data=lambda p: _gql_list(p["list"]),
)

DELETE_LIST = Op(
    "delete list",
    rest=lambda a: ("delete", f"/api/lists/{_id(a['id'])}/", None),
    gql=lambda a: f'mutation {{ deleteList(id: "{_id(a["id"])}") {{ ok }} }}',
    gql_root="deleteList",
    rest_data=lambda body, status: True,
    gql_data=lambda p: p["ok"],
)

GET_LIST = Op(
    "get list",
    rest=lambda a: ("get", f"/api/lists/{_id(a['id'])}/", None),
    gql=lambda a: f'{{ list(id: "{_id(a["id"])}") {{ {LIST_FIELDS} }} }}',
    gql_root="list",
    rest_data=lambda body, status: _rest_list(body),
    gql_data=_gql_list,
)


def _lists_rest(a):
    query = "&".join(f"{key}={value}" for key, value in a.items())
    return ("get", f"/api/lists/?page_size=100&{query}", None)


def _lists_gql(a):
    arguments = args_text({key: str(value) for key, value in a.items()} | {"first": 100})
    return f"{{ lists({arguments}) {{ edges {{ node {{ {LIST_FIELDS} }} }} }} }}"


LIST_LISTS = Op(
    "lists",
    rest=_lists_rest,
    gql=_lists_gql,
    gql_root="lists",
    rest_data=lambda body, status: sorted(row["name"] for row in body["results"]),
    gql_data=lambda p: sorted(edge["node"]["name"] for edge in p["edges"]),
)


def _items_rest(a):
    (list_id, values) = _split(a, "id")
    query = "&".join(f"{key}={value}" for key, value in values.items())
    return ("get", f"/api/lists/{list_id}/items/?{query}", None)


def _items_gql(a):
    list_id, values = _split(a, "id")
    size = values.get("page_size", 20)
    return (
        f'{{ list(id: "{list_id}") {{ items(first: {size}) {{ totalCount '
        f"edges {{ node {{ {ITEM_FIELDS} }} }} }} }} }}"
    )


LIST_ITEMS = Op(
    "list items",
    rest=_items_rest,
    gql=_items_gql,
    gql_root="list",
    rest_data=lambda body, status: (body["count"], [_rest_item(row) for row in body["results"]]),
    gql_data=lambda p: (
        p["items"]["totalCount"],
        [_gql_item(edge["node"]) for edge in p["items"]["edges"]],
    ),
)


def _add_rest(a):
    list_id, values = _split(a, "list_id")
    return ("post", f"/api/lists/{list_id}/items/", values)


def _add_gql(a):
    list_id, values = _split(a, "list_id")
    arguments = _gql_args({"list_id": str(list_id), **values, "movie_id": str(values["movie_id"])})
    return f"mutation {{ addListItem({arguments}) {{ item {{ {ITEM_FIELDS} }} }} }}"


ADD_ITEM = Op(
    "add list item",
    rest=_add_rest,
    gql=_add_gql,
    gql_root="addListItem",
    rest_data=lambda body, status: (status, _rest_item(body)),
    gql_data=lambda p: (201, _gql_item(p["item"])),
)


def _move_rest(a):
    list_id, movie_id, values = _split(a, "list_id", "movie_id")
    return ("patch", f"/api/lists/{list_id}/items/{movie_id}/", values)


def _move_gql(a):
    list_id, movie_id, values = _split(a, "list_id", "movie_id")
    arguments = _gql_args({"list_id": str(list_id), "movie_id": str(movie_id), **values})
    return f"mutation {{ updateListItem({arguments}) {{ item {{ {ITEM_FIELDS} }} }} }}"


MOVE_ITEM = Op(
    "update list item",
    rest=_move_rest,
    gql=_move_gql,
    gql_root="updateListItem",
    rest_data=lambda body, status: _rest_item(body),
    gql_data=lambda p: _gql_item(p["item"]),
)


def _remove_rest(a):
    list_id, movie_id, _ = _split(a, "list_id", "movie_id")
    return ("delete", f"/api/lists/{list_id}/items/{movie_id}/", None)


def _remove_gql(a):
    list_id, movie_id, _ = _split(a, "list_id", "movie_id")
    return f'mutation {{ removeListItem(listId: "{list_id}", movieId: "{movie_id}") {{ ok }} }}'


REMOVE_ITEM = Op(
    "remove list item",
    rest=_remove_rest,
    gql=_remove_gql,
    gql_root="removeListItem",
    rest_data=lambda body, status: True,
    gql_data=lambda p: p["ok"],
)


# --------------------------------------------------------------------------- givens


def alice_lists(world):
    """alice's public "Crime" (Heat, The Godfather) and private "Secret" (The Matrix)."""
    alice, movies = world.users["alice"], world.movies
    crime = user_list_create(user=alice, name="Crime", description="Guns.", is_ranked=True)
    secret = user_list_create(user=alice, name="Secret", is_public=False)
    list_item_add(user=alice, list_id=crime.pk, movie_id=movies["Heat"].pk, note="Best.")
    list_item_add(user=alice, list_id=crime.pk, movie_id=movies["The Godfather"].pk)
    list_item_add(user=alice, list_id=secret.pk, movie_id=movies["The Matrix"].pk)


@dataclass(frozen=True)
class C(Case):
    """One case of this table (tests/parity/doors.py Case): alice's lists are the given."""

    given: Any = alice_lists


CRIME, SECRET, GONE = L("alice", "Crime"), L("alice", "Secret"), L(MISSING_ID)
HEAT, MATRIX, WICK, GODFATHER = M("Heat"), M("The Matrix"), M("John Wick"), M("The Godfather")
NOT_OWNER = "Only the owner of a list can change it."

CASES = [
    # make, read, change, delete a list
    C(CREATE_LIST, {"name": "Noir", "description": "Rain.", "is_public": False, "is_ranked": True}),
    C(CREATE_LIST, {"name": "  "}, expect="invalid", field="name"),
    C(CREATE_LIST, {"name": "x" * 101}, expect="invalid", field="name"),
    C(CREATE_LIST, {"name": "Noir"}, as_=None, expect="unauthenticated"),
    C(GET_LIST, {"id": CRIME}, as_=None),
    C(GET_LIST, {"id": SECRET}),
    C(GET_LIST, {"id": SECRET}, as_="bob", expect="not_found"),
    C(GET_LIST, {"id": SECRET}, as_=None, expect="not_found"),
    C(GET_LIST, {"id": GONE}, expect="not_found"),
    C(UPDATE_LIST, {"id": CRIME, "name": "Heists", "is_public": False}),
    C(UPDATE_LIST, {"id": CRIME, "name": ""}, expect="invalid", field="name"),
    C(UPDATE_LIST, {"id": CRIME, "name": "Mine"}, as_="bob", expect="forbidden", message=NOT_OWNER),
    C(UPDATE_LIST, {"id": SECRET, "name": "Mine"}, as_="bob", expect="not_found"),
    C(DELETE_LIST, {"id": CRIME}),
    C(DELETE_LIST, {"id": CRIME}, as_="bob", expect="forbidden", message=NOT_OWNER),
    C(DELETE_LIST, {"id": SECRET}, as_="bob", expect="not_found"),
    C(DELETE_LIST, {"id": CRIME}, as_=None, expect="unauthenticated"),
    # the lists one may see
    C(LIST_LISTS, {}),
    C(LIST_LISTS, {}, as_="bob"),
    C(LIST_LISTS, {}, as_=None),
    C(LIST_LISTS, {"movie": MATRIX}),
    C(LIST_LISTS, {"movie": MATRIX}, as_="bob"),
    C(LIST_LISTS, {"owner": "x"}, expect="invalid", field="owner"),
    # a list's movies
    C(LIST_ITEMS, {"id": CRIME}, as_=None),
    C(LIST_ITEMS, {"id": CRIME, "page_size": 1}),
    C(LIST_ITEMS, {"id": SECRET}),
    C(LIST_ITEMS, {"id": SECRET}, as_="bob", expect="not_found"),
    C(LIST_ITEMS, {"id": SECRET}, as_=None, expect="not_found"),
    # add, move, remove a movie
    C(ADD_ITEM, {"list_id": CRIME, "movie_id": WICK, "note": "Dog.", "position": 1}),
    C(ADD_ITEM, {"list_id": CRIME, "movie_id": WICK}),
    C(
        ADD_ITEM,
        {"list_id": CRIME, "movie_id": WICK, "position": 4},
        expect="invalid",
        field="position",
    ),
    C(ADD_ITEM, {"list_id": CRIME, "movie_id": HEAT}, expect="conflict"),
    C(ADD_ITEM, {"list_id": CRIME, "movie_id": M(MISSING_ID)}, expect="invalid", field="movie_id"),
    C(
        ADD_ITEM,
        {"list_id": CRIME, "movie_id": WICK},
        as_="bob",
        expect="forbidden",
        message=NOT_OWNER,
    ),
    C(ADD_ITEM, {"list_id": SECRET, "movie_id": WICK}, as_="bob", expect="not_found"),
    C(ADD_ITEM, {"list_id": CRIME, "movie_id": WICK}, as_=None, expect="unauthenticated"),
    C(MOVE_ITEM, {"list_id": CRIME, "movie_id": GODFATHER, "position": 1}),
    C(MOVE_ITEM, {"list_id": CRIME, "movie_id": HEAT, "note": "Still."}),
    C(
        MOVE_ITEM,
        {"list_id": CRIME, "movie_id": HEAT, "position": 3},
        expect="invalid",
        field="position",
    ),
    C(MOVE_ITEM, {"list_id": CRIME, "movie_id": WICK, "position": 1}, expect="not_found"),
    C(
        MOVE_ITEM,
        {"list_id": CRIME, "movie_id": HEAT, "position": 2},
        as_="bob",
        expect="forbidden",
    ),
    C(
        MOVE_ITEM,
        {"list_id": SECRET, "movie_id": MATRIX, "position": 1},
        as_="bob",
        expect="not_found",
    ),
    C(REMOVE_ITEM, {"list_id": CRIME, "movie_id": HEAT}),
    C(REMOVE_ITEM, {"list_id": CRIME, "movie_id": WICK}, expect="not_found"),
    C(REMOVE_ITEM, {"list_id": CRIME, "movie_id": HEAT}, as_="bob", expect="forbidden"),
    C(REMOVE_ITEM, {"list_id": SECRET, "movie_id": MATRIX}, as_="bob", expect="not_found"),
    C(REMOVE_ITEM, {"list_id": SECRET, "movie_id": MATRIX}, as_=None, expect="unauthenticated"),
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


def test_every_list_operation_has_cases_of_each_outcome():
    assert {case.op.name for case in CASES} == {
        "create list",
        "update list",
        "delete list",
        "get list",
        "lists",
        "list items",
        "add list item",
        "update list item",
        "remove list item",
    }
    assert {case.expect for case in CASES} == {
        "ok",
        "invalid",
        "not_found",
        "forbidden",
        "conflict",
        "unauthenticated",
    }


def test_the_world_resolves_list_names(world):
    alice_lists(world)
    assert _id(CRIME) == UserList.objects.get(name="Crime").pk
    assert resolve(HEAT, world) == world.movies["Heat"].pk
