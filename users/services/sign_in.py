"""Passwords: the one check of a password, with the account-wide count and the SMS step-up.

Two callers, one mechanism (`_password_attempt`): signing in (`user_authenticate`: REST
login, GraphQL tokenAuth and the admin login form) and confirming the current password
before a sensitive change (`password_confirm`: password, email and phone changes and
deletion, on both doors). A wrong password in either is one failed sign-in of the
account, so a stolen access token is no faster a password oracle than the login form.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import update_last_login
from django.db import transaction
from django.utils import timezone

from core.errors import CommonErrorCode, field_error
from users import otp as otp_lib
from users import sms
from users.exceptions import AccountErrorCode, InvalidCredentials, TooManyAttempts
from users.models import LoginFailure, OTPCode, User
from users.services.attempts import (
    CURRENT_PASSWORD_REQUIRED_MESSAGE,
    TOO_MANY_SIGN_INS_MESSAGE,
    WRONG_PASSWORD_MESSAGE,
    account_failures,
    account_find,
    address_retry_after,
    step_up_retry_after,
)
from users.services.codes import CODE_RE, code_new, phone_send_waits
from users.services.fields import PASSWORD_MAX_LENGTH

# One message for sign-in and for a current password asked before a change: both are
# the same count and the same step-up.
STEP_UP_MESSAGE = (
    "Too many failed sign-ins for this account. If the password is right, a code has been"
    " sent by SMS to the account's phone: send the password again with that code."
)


def _login_code_sent(*, user: User, now) -> None:
    """Text the owner a sign-in code (step-up), unless one was sent in the last minute.

    Reached only with the right password, so an attacker cannot spend these sends; they
    have their own caps (per account, from OTPCode rows), not the registration ones, which
    anyone can use up for a number. Sent after the commit, off the request, so how long
    the provider takes says nothing about whether the password was right.
    """
    recent = list(
        OTPCode.objects.filter(
            user=user, purpose=OTPCode.Purpose.SIGN_IN, created_at__gt=now - timedelta(days=1)
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
    )
    cooldown = timedelta(seconds=settings.OTP_SEND_COOLDOWN_SECONDS)
    if (recent and now - recent[0] < cooldown) or phone_send_waits(recent, now=now):
        return
    with transaction.atomic():
        body = code_new(
            user=user, phone_number=user.phone_number, now=now, purpose=OTPCode.Purpose.SIGN_IN
        )
    sms.send_in_background(to=user.phone_number, body=body)


def _login_code_matches(*, user: User, code, now) -> bool:
    """Use up the owner's newest sign-in code if `code` is it (5 tries per code)."""
    if not isinstance(code, str) or not CODE_RE.match(code):
        return False
    with transaction.atomic():
        current = (
            OTPCode.objects.select_for_update()
            .filter(user=user, phone_number=user.phone_number, purpose=OTPCode.Purpose.SIGN_IN)
            .filter(used_at__isnull=True)
            .filter(voided_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at", "-id")
            .first()
        )
        if current is None or current.attempts >= settings.OTP_MAX_ATTEMPTS_PER_CODE:
            return False
        if otp_lib.code_matches(
            code=code, phone_number=current.phone_number, nonce=current.nonce,
            code_hash=current.code_hash,
        ):  # fmt: skip
            current.used_at = now
            current.save(update_fields=["used_at"])
            return True
        current.attempts += 1
        current.save(update_fields=["attempts"])
        return False


def _can_step_up(user: User | None) -> bool:
    # Accounts without a phone (staff made on the command line) cannot step up: for
    # them the account-wide limit stays a lock until the hour has passed.
    return user is not None and user.is_active and bool(user.phone_number)


def _reserve_attempt(*, identifier: str, user: User | None, client_ip: str, now):
    """Refuse an address over its limits, else reserve this attempt's failure row.

    Returns (reservation, step_up): the LoginFailure row (deleted again on success) and
    the seconds the account stays under step-up, or None. Runs under a lock on the
    account's row, so concurrent attempts count exactly.
    """
    with transaction.atomic():
        if user is not None:
            list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk"))
        retry, limit = address_retry_after(
            identifier=identifier, user=user, client_ip=client_ip, now=now
        )
        if retry:
            # `limit` is the limit that refused, for the X-RateLimit-* headers.
            raise TooManyAttempts(TOO_MANY_SIGN_INS_MESSAGE, retry_after=retry, limit=limit)
        step_up = step_up_retry_after(identifier=identifier, user=user, now=now)
        reservation = LoginFailure.objects.create(
            identifier=identifier, user=user, client_ip=client_ip, created_at=now
        )
    return reservation, step_up


def _password_ok(user: User | None, password: str) -> bool:
    if user is None:
        # Hash anyway, so an unknown name takes as long as a wrong password.
        User().set_password(password)
        return False
    return user.check_password(password) and user.is_active


def _step_up_passed(*, user: User | None, ok: bool, code, reservation, now) -> bool:
    """Under step-up: the right password texts a code, and with that code signs in."""
    if not (ok and _can_step_up(user)):
        return False
    # The right password is not a failure, even when it is not enough.
    LoginFailure.objects.filter(pk=reservation.pk).delete()
    if code:
        return _login_code_matches(user=user, code=code, now=now)
    _login_code_sent(user=user, now=now)
    return False


def _password_attempt(*, identifier: str, user: User | None, password, client_ip: str, code):
    """One password attempt against the account's counters; returns only when it passes.

    Raises TooManyAttempts (an address over its limits, or the account under step-up
    without the right code) or InvalidCredentials (wrong password, unknown or
    inactive account). Exact under concurrency: the count and the failure row it
    reserves are written under a lock on the account's row, before the (slow) password
    check; a success then deletes its reservation, and forgives the earlier failures of
    its own address only (other addresses' failures keep counting).
    """
    # A password longer than any we accept cannot be right (and is not hashed).
    password = password if isinstance(password, str) else ""
    password = password if len(password) <= PASSWORD_MAX_LENGTH else ""
    now = timezone.now()
    reservation, step_up = _reserve_attempt(
        identifier=identifier, user=user, client_ip=client_ip, now=now
    )
    ok = _password_ok(user, password)
    if step_up:
        if not _step_up_passed(user=user, ok=ok, code=code, reservation=reservation, now=now):
            raise TooManyAttempts(
                STEP_UP_MESSAGE,
                retry_after=step_up,
                limit=settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR,
                code=AccountErrorCode.STEP_UP_REQUIRED,
            )
    elif not ok:
        raise InvalidCredentials()
    account_failures(identifier=identifier, user=user).filter(client_ip=client_ip).delete()
    LoginFailure.objects.filter(pk=reservation.pk).delete()


def user_authenticate(*, username: str, password: str, client_ip: str, code=None) -> User:
    """Check a username-or-email and password; return the active user.

    The one sign-in rule of REST login, GraphQL tokenAuth and the admin login form.
    Unknown user, wrong password and an unverified account all raise the same
    InvalidCredentials (no enumeration). Failures are rows in the database:

    - Per address (TooManyAttempts for that address only): ≤ 5 a minute per
      address+name, ≤ LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR an hour per account+address.
    - Per account: after LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR failures in an hour from
      any addresses, the password alone no longer signs in (step-up): every attempt
      answers TooManyAttempts(code=STEP_UP_REQUIRED) whether the password is right or
      not, and a right one also texts the owner a code; the password plus that code
      signs in. So guessing stays bounded, and an attacker without the phone cannot
      lock the owner out.
    """
    identifier = (username if isinstance(username, str) else "").strip().lower()[:254]
    user = account_find(identifier) if identifier else None
    _password_attempt(
        identifier=identifier, user=user, password=password, client_ip=client_ip, code=code
    )
    update_last_login(None, user)
    return user


def password_confirm(
    *, user: User, password, client_ip: str, field: str = "password", code=None
) -> None:
    """The one check of the caller's current password before a sensitive change.

    Changing the password, the email or the phone number and deleting the account all
    ask for it, on both doors. It is a sign-in attempt of the account in every respect
    (`_password_attempt`): a wrong one is a failed sign-in from `client_ip`, the
    per-address limits refuse further tries, and once the account has had
    LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR failures in an hour from any addresses the
    password alone no longer passes: the caller must send it again with the code the
    right password texts to the account's phone (`code`). So a stolen access token
    guesses no faster here than at the login form, and not at all past the step-up.
    A wrong password is a field error on `field`. Callers must not wrap this in a
    transaction that rolls back when it raises (the failure row must stay).
    """
    if not isinstance(password, str) or not password:
        raise field_error(field, CURRENT_PASSWORD_REQUIRED_MESSAGE, CommonErrorCode.REQUIRED)
    try:
        _password_attempt(
            identifier=user.get_username().lower(),
            user=user,
            password=password,
            client_ip=client_ip,
            code=code,
        )
    except InvalidCredentials:
        raise field_error(field, WRONG_PASSWORD_MESSAGE) from None
