"""Whose access token the movie API calls of this request carry.

The desk signs people in through the movie API (OAuth 2 / OpenID Connect; ``accounts``),
and every call made while serving a signed-in person's request carries that person's access
token, so the movie API's per-user limits count per person, not for the desk as a whole.
``accounts.middleware`` sets it for the request; the client reads it, and marks it ``ended``
when the movie API refuses the token, so the middleware ends the desk's session even when
a view caught the error (a ticket page shows "movie details unavailable" and goes on).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Caller:
    access_token: str
    ended: bool = False


_current: ContextVar[Caller | None] = ContextVar("movie_api_caller", default=None)


def current() -> Caller | None:
    """The signed-in person of this request, if the request has one with a token."""
    return _current.get()


@contextlib.contextmanager
def acting_for(access_token: str) -> Iterator[Caller]:
    """Calls made inside carry this access token."""
    person = Caller(access_token)
    reset = _current.set(person)
    try:
        yield person
    finally:
        _current.reset(reset)
