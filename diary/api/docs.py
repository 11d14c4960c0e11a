"""The OpenAPI words of the diary routes under /api/users/ (how they are read:
core/operation_docs.py). Keep them in step with README.md's "Diary" section."""

from core.operation_docs import Operation
from diary.selectors import FILTERS
from movies.api.docs import MOVIE
from users.api.docs import SIGNED_IN

RULES = (
    "`rewatch` left out is true when an earlier entry of the movie exists; the movie's "
    "first entry puts it on the `watched` list dated by `watched_on`; an entry with a "
    "`rating` sets the caller's rating of the movie when it is the movie's latest entry."
)
FIELDS_CHECKED = (
    "A date in the future (`watched_in_future`), a rating off the half-star scale, more "
    "than 20 tags or a review that is not the caller's review of the movie is 400 naming "
    "the field; nothing is written."
)
ENTRY = {
    "id": 41,
    "movie": {
        **MOVIE,
        "my_state": {
            **MOVIE["my_state"],
            "watched": True,
            "watch_count": 2,
            "last_watched_on": "2026-03-14",
        },
    },
    "watched_on": "2026-03-14",
    "rewatch": True,
    "rating": 4.5,
    "liked": True,
    "review_id": None,
    "tags": ["cinema"],
    "created_at": "2026-03-14T22:10:00Z",
}
STATS = {
    "year": 2026,
    "entries": 3,
    "movies": 2,
    "rewatches": 1,
    "minutes_watched": 408,
    "entries_without_runtime": 0,
    "by_month": [{"month": month, "entries": 3 if month == 3 else 0} for month in range(1, 13)],
    "top_genres": [{"id": 3, "name": "Sci-Fi", "movies": 2}],
    "top_people": [{"id": 7, "name": "Keanu Reeves", "movies": 2}],
    "rating_histogram": [
        {"rating": halves / 2, "entries": 2 if halves == 9 else 0} for halves in range(1, 11)
    ],
    "highest_rated": [
        {
            "movie": {"id": MOVIE["id"], "title": MOVIE["title"], "year": 1999},
            "rating": 4.5,
            "watched_on": "2026-03-14",
        }
    ],
}
_FILTER_TEXT = ", ".join(f"`{name}`" for name in FILTERS)

OPERATIONS = {
    "users_me_diary_list": Operation(
        "List my diary",
        "The caller's diary, newest watch first (two watches of one day: the one logged "
        "last first), each entry with the movie in the movie list's shape and `my_state`. "
        "Keyset pages: follow `next` (a `cursor`); `count` is null. Filters: "
        f"{_FILTER_TEXT}; an invalid value is 400 naming it. {SIGNED_IN}",
        responses={200: {"count": None, "next": None, "previous": None, "results": [ENTRY]}},
    ),
    "users_me_diary_create": Operation(
        "Log a watch",
        "Adds an entry to the caller's diary: `movie_id` (required), `watched_on` "
        "(YYYY-MM-DD; left out: today in the server's time zone), `rewatch`, `rating` (half "
        f"stars), `liked`, `review_id`, `tags`. {RULES} {FIELDS_CHECKED} {SIGNED_IN}",
        request={"movie_id": MOVIE["id"], "watched_on": "2026-03-14", "rating": 4.5},
        responses={201: ENTRY},
    ),
    "users_me_diary_read": Operation(
        "Get a diary entry",
        f"One of the caller's entries; another user's entry is 404. {SIGNED_IN}",
    ),
    "users_me_diary_partial_update": Operation(
        "Change a diary entry",
        "Changes the fields sent (the movie stays; null clears `rating` and `review_id`). "
        "A new rating or date of the movie's latest entry sets the caller's rating. "
        f"{FIELDS_CHECKED} Another user's entry is 404. {SIGNED_IN}",
    ),
    "users_me_diary_delete": Operation(
        "Delete a diary entry",
        "Deletes one of the caller's entries; 204 with no body. The `watched` list and the "
        f"caller's rating stay as they are, even for the movie's last entry. {SIGNED_IN}",
    ),
    "users_me_stats_list": Operation(
        "My year in review",
        "What the caller's diary says about one year (`year`, default the current one): "
        "entries, distinct movies, rewatches, minutes watched (each watch counts its "
        "movie's runtime), entries per month, the genres and people (cast and crew) of the "
        "most movies, the rating histogram and the movies given the year's highest "
        f"rating. An invalid year is 400 naming `year`. {SIGNED_IN}",
        responses={200: STATS},
    ),
}
