"""Domain errors of accounts, as the typed errors of movie_api.errors.

Both doors translate them with the one table in movie_api/errors.py (REST: 401 / 429 +
Retry-After / 503; GraphQL: UNAUTHENTICATED / THROTTLED / SERVICE_UNAVAILABLE).
Field problems are `movie_api.errors.Invalid`, as everywhere else.
"""

from movie_api.errors import Throttled, Unauthenticated, Unavailable


class InvalidCredentials(Unauthenticated):
    """Unknown user, wrong password or unverified account: deliberately one message."""

    default_message = "No active account found with the given credentials"

    def __init__(self):
        super().__init__(code="no_active_account")


class InvalidToken(Unauthenticated):
    """A refresh token that is malformed, expired, blacklisted, revoked or too old."""

    default_message = "Token is invalid or expired"

    def __init__(self):
        super().__init__(code="token_not_valid")


class TooManyAttempts(Throttled):
    """A limit is reached; `retry_after` says in how many seconds to try again."""

    def __init__(self, message: str, *, retry_after: float, limit: int | None = None):
        super().__init__(message, retry_after=retry_after, limit=limit)


class ServiceUnavailable(Unavailable):
    """The SMS provider failed; nothing was saved, try again later."""

    default_message = "The SMS service is unavailable. Nothing was saved; please try again later."
