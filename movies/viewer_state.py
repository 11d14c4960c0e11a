"""The caller's own state of each movie (`my_state`), computed by another app.

Every movie body carries `my_state` (favorite, watched, watchlist, the caller's rating)
for a signed-in caller. The catalog does not own those lists: the `lists` app, which
depends on `movies`, registers the function that computes the states when Django
starts (lists/apps.py). So `movies` never imports it and the dependency points one way.
Another app may add keys of its own to every state (`register_movie_state_part`): the
diary adds `watch_count` and `last_watched_on` (diary/apps.py).
"""

from collections.abc import Callable, Iterable

from django.core.exceptions import ImproperlyConfigured

from core.caching.invalidation import unrecorded

_provider: Callable[..., dict[int, dict]] | None = None
# (defaults, provider) per app that adds keys: provider(*, user, movie_ids) answers
# {movie_id: {key: value}} for the movies that differ from the defaults.
_parts: list[tuple[dict, Callable[..., dict[int, dict]]]] = []


def register_movie_states(provider: Callable[..., dict[int, dict]]) -> None:
    """Install `provider(*, user, movie_ids) -> {movie_id: state}`."""
    global _provider
    _provider = provider


def register_movie_state_part(defaults: dict, provider: Callable[..., dict[int, dict]]) -> None:
    """Add the keys of `defaults` to every state; `provider` fills in the movies it knows
    (one query for a whole page, as the lists' own part)."""
    _parts[:] = [part for part in _parts if part[1] is not provider]
    _parts.append((defaults, provider))


def movie_states_for(*, user, movie_ids: Iterable[int]) -> dict[int, dict]:
    """The caller's state of each movie: {movie_id: {favorite, watched, watchlist, rating}}."""
    if _provider is None:
        raise ImproperlyConfigured("No provider of my_state: add 'lists' to INSTALLED_APPS.")
    # The caller's own part: read on every request and never stored, so a shared part
    # computed with it does not depend on the tables it reads (docs/caching.md).
    ids = list(movie_ids)
    with unrecorded():
        states = _provider(user=user, movie_ids=ids)
        signed_in = user is not None and user.is_authenticated
        for defaults, provider in _parts:
            known = provider(user=user, movie_ids=ids) if signed_in and ids else {}
            for movie_id, state in states.items():
                state.update(defaults)
                state.update(known.get(movie_id, ()))
        return states


def untouched_states(movie_ids: Iterable[int]) -> dict[int, dict]:
    """The state of movies the caller has never rated, listed or logged, without a
    query: the one `movie_states_for` gives them (its providers' answer for no caller,
    every part's defaults added). For a caller's recommendations, unseen by definition."""
    return movie_states_for(user=None, movie_ids=movie_ids)
