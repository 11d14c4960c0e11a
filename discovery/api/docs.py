"""The OpenAPI words of the discovery routes (how they are read: core/operation_docs.py).
Keep them in step with README.md's "Discovery" section."""

from core.operation_docs import Operation
from discovery.trending import LIMIT_DEFAULT, TRENDING_MAX
from movies.api.docs import MOVIE
from users.api.docs import SIGNED_IN

_LIMIT = f"`limit`: how many movies, 1 to {TRENDING_MAX} (default {LIMIT_DEFAULT})."

OPERATIONS = {
    "movies_trending_list": Operation(
        "List trending movies",
        "The movies with the most recent activity: each rating, review, list add "
        "(favorite, watchlist, watched) and diary entry counts its weight times 0.5 to the "
        "power of its age over the half-life (`window=day`: the last 24 hours, half-life 6 "
        "hours; `week`: 168 hours, half-life 48 hours), ages in whole hours to `as_of`, "
        "the start of the next hour. Best first, ties by id. " + _LIMIT + " Any other "
        "`window` is 400 naming `window`. Anyone may call it.",
        responses={
            200: {
                "window": "day",
                "as_of": "2026-03-14T22:00:00Z",
                "results": [{"movie": MOVIE, "score": 3.174802}],
            }
        },
    ),
    "users_me_recommendations_list": Operation(
        "List my recommendations",
        "Movies liked by the people who liked what the caller liked (rated 4 or more, or "
        "a favorite): each scored by its neighbour scores to the caller's likes, with "
        "`because` naming those likes (largest share first). Never a movie the caller "
        "rated, listed or logged in the diary. A caller with no likes yet gets the week's "
        "trending movies instead, and `source` says which (`personal` or `trending`). "
        f"{_LIMIT} {SIGNED_IN}",
        responses={
            200: {
                "source": "personal",
                "results": [{"movie": MOVIE, "score": 0.910684, "because": [7, 12]}],
            }
        },
    ),
}
