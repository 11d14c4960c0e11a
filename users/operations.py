"""The accounts' operations: each one's per-address limit, transaction and credentials.

Both doors name these (users/api/, users/graphql/); core/operations.py says what
each part means. The rates of the scopes are in settings (DEFAULT_THROTTLE_RATES). The
services that check a code or a password commit their failure counters before they
raise (SERVICE_COMMITS); the code-sending and code-checking operations of an account's
lifetime share the scopes of otp/resend/ and otp/verify/, and those that check the
current password share login's.
"""

from core.operations import Credentials, Operation, Transaction

# Before sign-in: a stale Bearer header must not block them.
REGISTER = Operation(
    "register",
    scope="register",
    transaction=Transaction.SERVICE_COMMITS,
    credentials=Credentials.NONE,
)
OTP_VERIFY = Operation(
    "otp_verify",
    scope="otp_verify",
    transaction=Transaction.SERVICE_COMMITS,
    credentials=Credentials.NONE,
)
OTP_RESEND = Operation(
    "otp_resend",
    scope="otp_resend",
    transaction=Transaction.SERVICE_COMMITS,
    credentials=Credentials.NONE,
)
LOGIN = Operation(
    "login", scope="login", transaction=Transaction.SERVICE_COMMITS, credentials=Credentials.NONE
)
TOKEN_REFRESH = Operation(
    "token_refresh",
    scope="token_refresh",
    transaction=Transaction.SERVICE_COMMITS,
    credentials=Credentials.NONE,
)
PASSWORD_RESET = Operation(
    "password_reset",
    scope="otp_resend",
    transaction=Transaction.SERVICE_COMMITS,
    credentials=Credentials.NONE,
)
PASSWORD_RESET_CONFIRM = Operation(
    "password_reset_confirm",
    scope="otp_verify",
    transaction=Transaction.SERVICE_COMMITS,
    credentials=Credentials.NONE,
)

# Signed in.
LOGOUT = Operation("logout", scope="token_refresh", credentials=Credentials.SIGNED_IN)
PASSWORD_CHANGE = Operation(
    "password_change",
    transaction=Transaction.SERVICE_COMMITS,
    credentials=Credentials.SIGNED_IN,
)
PHONE_CHANGE = Operation(
    "phone_change",
    scope="otp_resend",
    transaction=Transaction.SERVICE_COMMITS,
    credentials=Credentials.SIGNED_IN,
)
PHONE_CHANGE_CONFIRM = Operation(
    "phone_change_confirm",
    scope="otp_verify",
    transaction=Transaction.SERVICE_COMMITS,
    credentials=Credentials.SIGNED_IN,
)
EMAIL_CHANGE = Operation(
    "email_change",
    scope="login",
    transaction=Transaction.SERVICE_COMMITS,
    credentials=Credentials.SIGNED_IN,
)
ACCOUNT_DELETE = Operation(
    "account_delete",
    scope="login",
    transaction=Transaction.SERVICE_COMMITS,
    credentials=Credentials.SIGNED_IN,
)
ACCOUNT_EXPORT = Operation("account_export", credentials=Credentials.SIGNED_IN)
