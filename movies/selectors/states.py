"""The caller's own state for each movie (favorite, watched, watchlist, own rating)."""

from collections.abc import Iterable

from movies.models import Review
from users.models import MovieListEntry


def movie_states_for(*, user, movie_ids: Iterable[int]) -> dict[int, dict]:
    """The caller's own state for each movie (TMDB's "account states").

    Two queries for any number of movies, so a list page costs the same at 5 or
    100 rows. Movies the user has never touched get the all-false state.
    """
    ids = list(movie_ids)
    states = {
        movie_id: {"favorite": False, "watched": False, "watchlist": False, "rating": None}
        for movie_id in ids
    }
    if not ids or user is None or not user.is_authenticated:
        return states
    for movie_id, kind in MovieListEntry.objects.filter(user=user, movie_id__in=ids).values_list(
        "movie_id", "kind"
    ):
        states[movie_id][kind] = True
    for movie_id, rating in Review.objects.filter(user=user, movie_id__in=ids).values_list(
        "movie_id", "rating"
    ):
        states[movie_id]["rating"] = rating
    return states
