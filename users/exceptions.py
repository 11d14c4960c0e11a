"""Domain errors of accounts, as the typed errors of core.errors, and their codes.

Both doors translate them with the one table in core/errors.py (REST: 401 / 429 +
Retry-After / 503; GraphQL: UNAUTHENTICATED / THROTTLED / SERVICE_UNAVAILABLE).
Field problems are `core.errors.Invalid`, as everywhere else. The codes only
accounts answer are `AccountErrorCode`; the shared ones `core.errors.CommonErrorCode`.
"""

from enum import StrEnum

from core.errors import CommonErrorCode, Throttled, Unauthenticated, Unavailable


class AccountErrorCode(StrEnum):
    """Refusals only accounts (sign-up, sign-in, phone, profile) answer."""

    NO_ACTIVE_ACCOUNT = "no_active_account"
    STEP_UP_REQUIRED = "step_up_required"
    # field problems of a username, a password, a phone number or a texted code
    CONFUSABLE = "confusable"
    EMAIL_LIKE = "email_like"
    PASSWORD_MISMATCH = "password_mismatch"
    INVALID_CODE = "invalid_code"
    COUNTRY_NOT_ALLOWED = "country_not_allowed"
    UNSUPPORTED_NUMBER = "unsupported_number"
    SMS_REJECTED = "sms_rejected"
    UNCHANGED = "unchanged"
    UNAVAILABLE = "unavailable"


class InvalidCredentials(Unauthenticated):
    """Unknown user, wrong password or unverified account: deliberately one message."""

    default_message = "No active account found with the given credentials"

    def __init__(self):
        super().__init__(code=AccountErrorCode.NO_ACTIVE_ACCOUNT)


class InvalidToken(Unauthenticated):
    """A refresh token that is malformed, expired, blacklisted, revoked or too old."""

    default_message = "Token is invalid or expired"

    def __init__(self):
        super().__init__(code=CommonErrorCode.TOKEN_NOT_VALID)


class TooManyAttempts(Throttled):
    """A limit is reached; `retry_after` says in how many seconds to try again."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float,
        limit: int | None = None,
        code: AccountErrorCode | None = None,
    ):
        # code STEP_UP_REQUIRED: the account is under attack; sign in with the
        # password and the code texted to its phone (users.services.user_authenticate).
        super().__init__(message, retry_after=retry_after, limit=limit, code=code)


class ServiceUnavailable(Unavailable):
    """The SMS provider failed; nothing was saved, try again later."""

    default_message = "The SMS service is unavailable. Nothing was saved; please try again later."
