"""Reads of accounts. REST and GraphQL get their querysets from here."""

from django.db.models import Prefetch, QuerySet

from movies.selectors import actors_in_billing_order
from users.models import MovieListEntry, User


def movie_list_entries(*, user: User, kind: str) -> QuerySet[MovieListEntry]:
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


def profile_list(*, viewer: User) -> QuerySet[User]:
    """Profiles the viewer may see: all for staff, only their own for everyone else.

    The list entries are prefetched once, so the id lists cost one query per page. The
    id lists read in the order the movies were added (a list sent whole keeps its order).
    """
    queryset = User.objects.all() if viewer.is_staff else User.objects.filter(pk=viewer.pk)
    return queryset.order_by("id").prefetch_related(
        Prefetch(
            "movie_list_entries",
            queryset=MovieListEntry.objects.in_added_order().only(
                "id", "user_id", "movie_id", "kind", "added_at"
            ),
        )
    )
