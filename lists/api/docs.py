"""The OpenAPI words of the profile, export and movie-list routes the lists app mounts
under /api/users/ (how they are read: core/operation_docs.py). Keep them in step
with README.md's "Users" section."""

from core.operation_docs import Operation
from lists.api.urls import LISTS
from lists.api.user_list_docs import USER_LIST_OPERATIONS
from movies.api.docs import MOVIE
from users.api.docs import SIGNED_IN

PROFILE_WRITE = (
    "Writable: `bio`, `profile_picture` (multipart; null changes nothing), `email` "
    "together with `current_password` (a wrong one is 400 naming it, a taken address 400 "
    "naming `email`, tries limited per account by the `email_change` scope), and "
    "`favorite_movie_ids`, `watched_movie_ids`, `watchlist_movie_ids` as whole lists (an "
    "unknown movie id is 400 naming the list). "
    "Username, phone number and staff flag cannot be changed here."
)
OTHERS_PROFILES = "Staff see every profile; anyone else only their own (another id is 404)."
PROFILE = {
    "id": 12,
    "username": "neo",
    "email": "neo@example.com",
    "phone_number": "+14155550123",
    "phone_verified_at": "2026-01-10T09:15:00Z",
    "bio": "Red pill, every time.",
    "profile_picture": None,
    "date_joined": "2026-01-10T09:12:00Z",
    "is_staff": False,
    "favorite_movie_ids": [1, 4],
    "watched_movie_ids": [1, 4, 9],
    "watchlist_movie_ids": [16],
}


# How the texts name each list (lists/api/urls.py has the URL segments).
LIST_NAMES = {"favorites": "favorites", "watched": "watched list", "watchlist": "watchlist"}


def _list_operations(segment: str) -> dict:
    """The three operations of one of the caller's movie lists (favorites, watched...)."""
    prefix = f"users_me_{segment}"
    name = LIST_NAMES.get(segment, f"{segment} list")
    entry = {"movie": MOVIE, "added_at": "2026-02-03T20:01:09Z"}
    return {
        f"{prefix}_list": Operation(
            f"List my {name}",
            f"A page of the caller's {name}, newest first: `{{movie, added_at}}`, "
            f"each movie in the movie list's shape with `my_state`. {SIGNED_IN}",
        ),
        f"{prefix}_create": Operation(
            f"Add a movie to my {name}",
            f"Adds the movie `movie_id` to the caller's {name}: 201 with the entry, "
            "or 200 with the existing entry when it was already there (adding twice is "
            f"harmless). {SIGNED_IN} An unknown movie is 400 naming `movie_id`.",
            request={"movie_id": MOVIE["id"]},
            responses={201: entry, 200: entry},
        ),
        f"{prefix}_delete": Operation(
            f"Remove a movie from my {name}",
            f"Takes the movie off the caller's {name}; 204 with no body. "
            f"{SIGNED_IN} A movie not on the list is 404.",
        ),
    }


OPERATIONS = {
    "users_me_read": Operation(
        "Get my profile",
        "The caller's own profile, with the phone number and the ids on the three movie "
        f"lists (in the order they were added). {SIGNED_IN}",
        responses={200: PROFILE},
    ),
    "users_me_update": Operation(
        "Replace my profile",
        "Replaces the caller's profile and answers it: `email`, `bio` and the three id "
        "lists are required (an empty PUT is 400; send only what changes with PATCH); "
        f"the picture is optional. {PROFILE_WRITE} {SIGNED_IN}",
    ),
    "users_me_partial_update": Operation(
        "Update my profile",
        "Changes only the fields sent and answers the profile; an empty body changes "
        f"nothing. {PROFILE_WRITE} {SIGNED_IN}",
        request={"bio": PROFILE["bio"], "favorite_movie_ids": PROFILE["favorite_movie_ids"]},
        responses={200: PROFILE},
    ),
    "users_me_export_list": Operation(
        "Export my data",
        "Everything the account holds (profile, reviews, lists) as one JSON document, "
        "served as a download (`Content-Disposition`); the format is in "
        "docs/account-export.md. With `?format=letterboxd`, a zip of Letterboxd's CSVs "
        "(`diary.csv`, `ratings.csv`, `watchlist.csv`) that Letterboxd and "
        f"`POST /api/users/me/import/` read back. {SIGNED_IN}",
    ),
    "users_profiles_list": Operation(
        "List profiles", f"A page of profiles. {OTHERS_PROFILES} {SIGNED_IN}"
    ),
    "users_profiles_read": Operation(
        "Get a profile", f"One profile by id. {OTHERS_PROFILES} {SIGNED_IN}"
    ),
    "users_profiles_update": Operation(
        "Replace a profile",
        f"As `PUT /api/users/me/`, for a profile by id. {OTHERS_PROFILES} {SIGNED_IN}",
    ),
    "users_profiles_partial_update": Operation(
        "Update a profile",
        f"As `PATCH /api/users/me/`, for a profile by id. {OTHERS_PROFILES} {SIGNED_IN}",
    ),
    **{
        operation_id: operation
        for segment in LISTS
        for operation_id, operation in _list_operations(segment).items()
    },
    **USER_LIST_OPERATIONS,
}
