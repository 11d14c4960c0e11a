"""How a conversation with the movie API can fail.

The REST layer maps these once (see ``support_site.exception_handlers``):

- ``MovieApiUnavailable``: nothing answered in time, or the server failed (5xx) → 503;
- ``MovieApiError``: the API answered, but with GraphQL ``errors`` or a body we cannot read → 503;
- ``MovieNotFound``: ``movie(id)`` answered null; the caller turns it into a 400 on its field;
- ``MovieApiSessionEnded``: the API refused the signed-in person's access token (revoked,
  expired for good): the desk's session ends (``accounts.middleware``), the REST API says 401.
"""

from __future__ import annotations

from typing import Any


class MovieApiException(Exception):
    """Base of every failure talking to the movie API."""

    code = "movie_api_error"


class MovieApiUnavailable(MovieApiException):
    """The movie API did not answer in time, refused the connection, or failed with a 5xx."""

    code = "movie_api_unavailable"


class MovieApiError(MovieApiException):
    """The movie API answered, but with GraphQL errors or a body that is not GraphQL."""

    code = "movie_api_error"

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class MovieNotFound(MovieApiException):
    """``movie(id)`` answered null: the movie API has no movie with that id."""

    code = "movie_not_found"

    def __init__(self, movie_id: int | str) -> None:
        super().__init__(f"The movie API has no movie with id {movie_id}.")
        self.movie_id = movie_id


class MovieApiSessionEnded(MovieApiException):
    """The movie API answered 401 to the person's access token: their grant is gone."""

    code = "movie_api_session_ended"
