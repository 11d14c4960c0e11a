"""The OpenAPI words of the routes of the lists users make, under /api/lists/ (merged
into lists/api/docs.py's OPERATIONS). Keep them in step with README.md's "Lists"."""

from core.operation_docs import Operation
from lists.models import MAX_ITEMS_PER_LIST, MAX_LISTS_PER_USER
from lists.user_list_selectors import FILTERS
from movies.api.docs import MOVIE
from users.api.docs import SIGNED_IN

PRIVATE = "A private list is 404 to everyone but its owner, as if it did not exist."
OWNER_ONLY = (
    "Only the owner may do this: anyone else is 403 on a public list (404 on a private "
    f"one). {SIGNED_IN}"
)
POSITIONS = (
    "Positions stay 1..n with no gap: the movies between the old and the new place shift "
    "by one, under the list's row lock, so concurrent writes never leave a gap or a repeat."
)
LIST = {
    "id": 7,
    "name": "Best of 1999",
    "description": "The year the future arrived.",
    "is_public": True,
    "is_ranked": True,
    "owner": {"id": 12, "username": "neo"},
    "item_count": 1,
    "created_at": "2026-03-01T10:00:00Z",
    "updated_at": "2026-03-02T11:30:00Z",
}
ITEM = {"position": 1, "movie": MOVIE, "note": "Still the one.", "added_at": "2026-03-02T11:30:00Z"}
_FILTER_TEXT = ", ".join(f"`{name}` ({text[:-1].lower()})" for name, text in FILTERS.items())


def _page(row) -> dict:
    return {"count": 1, "next": None, "previous": None, "results": [row]}


USER_LIST_OPERATIONS = {
    "lists_list": Operation(
        "List lists",
        "The public lists, plus the caller's own private ones when signed in; most recently "
        f"changed first. Filters: {_FILTER_TEXT}; a malformed id is 400 naming it.",
        responses={200: _page(LIST)},
    ),
    "lists_create": Operation(
        "Make a list",
        "A new, empty list of the caller's: `name` (required, not blank), `description`, "
        "`is_public` (default true), `is_ranked` (default false). An account keeps at most "
        f"{MAX_LISTS_PER_USER} lists (MAX_LISTS_PER_USER): past that, 409 `too_many_lists`. "
        f"{SIGNED_IN}",
        request={"name": LIST["name"], "description": LIST["description"], "is_ranked": True},
        responses={201: {**LIST, "item_count": 0}},
    ),
    "lists_read": Operation("Get a list", f"One list (not its movies: `items/`). {PRIVATE}"),
    "lists_partial_update": Operation(
        "Change a list",
        f"Changes the fields sent (`name`, `description`, `is_public`, `is_ranked`). {OWNER_ONLY}",
        request={"is_public": False},
        responses={200: {**LIST, "is_public": False}},
    ),
    "lists_delete": Operation(
        "Delete a list", f"Deletes the list and its items; 204 with no body. {OWNER_ONLY}"
    ),
    "lists_items_list": Operation(
        "List a list's movies",
        "The list's movies by position (1 first), each with its note and the movie in the "
        "movie list's shape (with `my_state` when signed in). A page is a range of "
        f"positions, so a deep page costs what the first one does. {PRIVATE}",
        responses={200: _page(ITEM)},
    ),
    "lists_items_create": Operation(
        "Add a movie to a list",
        "Puts `movie_id` on the list with a `note`, at `position` (1 to item_count + 1; left "
        f"out: last). {POSITIONS} A movie already on it is 409 `already_on_list`; a list "
        f"holds at most {MAX_ITEMS_PER_LIST} movies (MAX_ITEMS_PER_LIST): past that, 409 "
        f"`list_full`. {OWNER_ONLY}",
        request={"movie_id": MOVIE["id"], "note": ITEM["note"], "position": 1},
        responses={201: ITEM},
    ),
    "lists_items_partial_update": Operation(
        "Move a movie on a list",
        f"Moves the movie to `position` (1 to item_count) and/or changes its `note`. {POSITIONS} "
        f"A movie not on the list is 404. {OWNER_ONLY}",
        request={"position": 1},
        responses={200: ITEM},
    ),
    "lists_items_delete": Operation(
        "Remove a movie from a list",
        "Takes the movie off the list; the movies after it move up one. 204 with no body; "
        f"a movie not on the list is 404. {OWNER_ONLY}",
    ),
}
