"""Reads of the movie lists and of the caller's own state of each movie (`my_state`)."""

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from lists.models import MovieListEntry
from movies.models import Rating
from movies.selectors import actors_in_billing_order
from users.selectors import profile_list


def movie_list_entries(*, user, kind: str) -> QuerySet[MovieListEntry]:
    """One of the user's lists, newest first, with each movie's genres and actors loaded."""
    actors = actors_in_billing_order()
    return (
        MovieListEntry.objects.of(user, kind)
        .newest_first()
        .select_related("movie")
        .prefetch_related(
            "movie__genres", Prefetch(f"movie__{actors.prefetch_through}", queryset=actors.queryset)
        )
    )


def profile_list_with_lists(*, viewer) -> QuerySet:
    """users.selectors.profile_list with each profile's list entries prefetched.

    The entries are prefetched once, so the id lists cost one query per page. The id
    lists read in list order (a list sent whole keeps the order sent).
    """
    return profile_list(viewer=viewer).prefetch_related(_list_entries())


def _list_entries() -> Prefetch:
    return Prefetch(
        "movie_list_entries",
        queryset=MovieListEntry.objects.in_list_order().only(
            "id", "user_id", "movie_id", "kind", "added_at", "position"
        ),
    )


def list_movie_ids(user) -> dict[str, list[int]]:
    """{"favorite_movie_ids": [...], ...} from the prefetched entries, in list order.

    A user that was not read through profile_list_with_lists (GraphQL's `me`) gets its
    entries fetched here, once, in the same order.
    """
    prefetch_related_objects([user], _list_entries())  # nothing to do when prefetched
    entries = list(user.movie_list_entries.all())
    return {
        f"{kind}_movie_ids": [entry.movie_id for entry in entries if entry.kind == kind]
        for kind in MovieListEntry.Kind.values
    }


def movie_states_for(*, user, movie_ids: Iterable[int]) -> dict[int, dict]:
    """The caller's own state for each movie (TMDB's "account states").

    Two queries for any number of movies, so a list page costs the same at 5 or
    100 rows. Movies the user has never touched get the all-false state. Registered
    as the catalog's `my_state` (movies/viewer_state.py) by lists/apps.py.
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
    # The caller's rating, given with a review or without one (movies.models.Rating).
    for movie_id, value in Rating.objects.filter(user=user, movie_id__in=ids).values_list(
        "movie_id", "value"
    ):
        states[movie_id]["rating"] = float(value)
    return states
