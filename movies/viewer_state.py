"""The caller's own state of each movie (`my_state`), computed by another app.

Every movie body carries `my_state` (favorite, watched, watchlist, the caller's rating)
for a signed-in caller. The catalog does not own those lists: the `lists` app, which
depends on `movies`, registers the function that computes the states when Django
starts (lists/apps.py). So `movies` never imports it and the dependency points one way.
"""

from collections.abc import Callable, Iterable

from django.core.exceptions import ImproperlyConfigured

from core.caching.invalidation import unrecorded

_provider: Callable[..., dict[int, dict]] | None = None


def register_movie_states(provider: Callable[..., dict[int, dict]]) -> None:
    """Install `provider(*, user, movie_ids) -> {movie_id: state}`."""
    global _provider
    _provider = provider


def movie_states_for(*, user, movie_ids: Iterable[int]) -> dict[int, dict]:
    """The caller's state of each movie: {movie_id: {favorite, watched, watchlist, rating}}."""
    if _provider is None:
        raise ImproperlyConfigured("No provider of my_state: add 'lists' to INSTALLED_APPS.")
    # The caller's own part: read on every request and never stored, so a shared part
    # computed with it does not depend on the tables it reads (docs/caching.md).
    with unrecorded():
        return _provider(user=user, movie_ids=movie_ids)
