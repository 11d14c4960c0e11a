"""Domain errors of accounts that are not field validation errors.

Services raise these (plain Python, no DRF), and each front door maps them once:
REST in users/api/views.py (401 / 429 + Retry-After / 503), GraphQL to its error codes.
Field problems are django ValidationError, as everywhere else.
"""

import math


class InvalidCredentials(Exception):
    """Unknown user, wrong password or unverified account: deliberately one message (T10)."""

    message = "No active account found with the given credentials"

    def __str__(self):
        return self.message


class InvalidToken(Exception):
    """A refresh token that is malformed, expired, blacklisted, revoked or too old."""

    message = "Token is invalid or expired"

    def __str__(self):
        return self.message


class TooManyAttempts(Exception):
    """A limit is reached; `retry_after` says in how many seconds to try again."""

    def __init__(self, message: str, *, retry_after: float):
        super().__init__(message)
        self.message = message
        self.retry_after = max(1, math.ceil(retry_after))

    def __str__(self):
        return self.message


class ServiceUnavailable(Exception):
    """A dependency (the SMS provider, the cache) failed; nothing was saved, try again later."""

    message = "The SMS service is unavailable. Nothing was saved; please try again later."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message

    def __str__(self):
        return self.message
