"""Writes of accounts, one capability per module; REST and GraphQL both call these.

- registration: create an inactive account, text it a code, activate it.
- codes: one-time SMS codes (issue, send caps, the one check of a code).
- sign_in: every password check (sign-in, and the current password before a change),
  with the account-wide count and the step-up by SMS.
- attempts: the counters of failed password checks and their limits.
- usernames: the one username rule (NFKC, no "@", no look-alikes).
- pending: registrations not verified in time are void (PENDING_ACCOUNT_TTL_SECONDS).
- tokens: token pairs (issue, rotate, revoke).
- passwords: validators, change, reset by SMS code.
- phone: move the account to a new, confirmed number.
- profile: email, bio, picture.
- deletion: delete an account and what it owns.

Field problems raise django ValidationError; the other outcomes raise the exceptions
of users/exceptions.py. Failure counters are rows written before the error is raised:
callers must not wrap these functions in a transaction that rolls back when they raise.
The names below are the public ones; import them from here.
"""

from users.services.attempts import (
    CURRENT_PASSWORD_REQUIRED_MESSAGE,
    TOO_MANY_SIGN_INS_MESSAGE,
    WRONG_PASSWORD_MESSAGE,
)
from users.services.codes import INVALID_CODE_MESSAGE, LOCKED_MESSAGE, otp_code_consume
from users.services.deletion import ACCOUNT_DELETED_MESSAGE, account_delete, user_delete
from users.services.fields import PASSWORD_MAX_LENGTH
from users.services.passwords import (
    PASSWORD_RESET_MESSAGE,
    RESET_REQUESTED_MESSAGE,
    password_change,
    password_reset_confirm,
    password_reset_request,
    password_set,
    password_validate,
)
from users.services.phone import (
    PHONE_CHANGED_MESSAGE,
    PHONE_CODE_SENT_MESSAGE,
    phone_change_confirm,
    phone_change_request,
)
from users.services.profile import EMAIL_CHANGED_MESSAGE, email_change, profile_update
from users.services.registration import (
    CODE_SENT_MESSAGE,
    VERIFIED_MESSAGE,
    otp_resend,
    otp_verify,
    otp_verify_sign_in,
    user_register,
)
from users.services.sign_in import STEP_UP_MESSAGE, password_confirm, user_authenticate
from users.services.tokens import (
    LOGGED_OUT_MESSAGE,
    SIGN_OUT_UNAVAILABLE_MESSAGE,
    access_token_revoke,
    login_tokens,
    token_logout,
    token_refresh,
)

__all__ = [
    "ACCOUNT_DELETED_MESSAGE",
    "CODE_SENT_MESSAGE",
    "CURRENT_PASSWORD_REQUIRED_MESSAGE",
    "EMAIL_CHANGED_MESSAGE",
    "INVALID_CODE_MESSAGE",
    "LOCKED_MESSAGE",
    "LOGGED_OUT_MESSAGE",
    "PASSWORD_MAX_LENGTH",
    "PASSWORD_RESET_MESSAGE",
    "PHONE_CHANGED_MESSAGE",
    "PHONE_CODE_SENT_MESSAGE",
    "RESET_REQUESTED_MESSAGE",
    "SIGN_OUT_UNAVAILABLE_MESSAGE",
    "STEP_UP_MESSAGE",
    "TOO_MANY_SIGN_INS_MESSAGE",
    "VERIFIED_MESSAGE",
    "WRONG_PASSWORD_MESSAGE",
    "access_token_revoke",
    "account_delete",
    "email_change",
    "login_tokens",
    "otp_code_consume",
    "otp_resend",
    "otp_verify",
    "otp_verify_sign_in",
    "password_change",
    "password_confirm",
    "password_reset_confirm",
    "password_reset_request",
    "password_set",
    "password_validate",
    "phone_change_confirm",
    "phone_change_request",
    "profile_update",
    "token_logout",
    "token_refresh",
    "user_authenticate",
    "user_delete",
    "user_register",
]
