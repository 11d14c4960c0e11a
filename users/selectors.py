"""Reads of accounts. REST and GraphQL get their querysets from here."""

import logging
import time

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet

from movie_api.throttling import STORE_ERRORS, store_circuit
from movies.selectors import actors_in_billing_order
from users.models import MovieListEntry, User

logger = logging.getLogger(__name__)
# Cache key of an access token signed out by logout (users.services.access_token_revoke).
REVOKED_ACCESS_KEY = "revoked-access:{jti}"


def access_token_revoked(*, jti: str | None) -> bool:
    """Whether logout put this access token's `jti` on the deny-list (in the cache).

    Fails open: while the cache (Redis) is down the list cannot be read, and a token
    signed out before the outage works until it expires (documented in the README).
    """
    if not jti or store_circuit.is_open():
        return False
    started = time.monotonic()
    try:
        return cache.get(REVOKED_ACCESS_KEY.format(jti=jti)) is not None
    except STORE_ERRORS as exc:
        if store_circuit.record_failure(time.monotonic() - started):
            logger.warning("Access deny-list unreadable, tokens not checked: %r", exc)
        return False


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

    The list entries are prefetched once, so the id lists cost one query per page.
    """
    queryset = User.objects.all() if viewer.is_staff else User.objects.filter(pk=viewer.pk)
    return queryset.order_by("id").prefetch_related(
        Prefetch(
            "movie_list_entries",
            queryset=MovieListEntry.objects.newest_first().only(
                "id", "user_id", "movie_id", "kind", "added_at"
            ),
        )
    )
