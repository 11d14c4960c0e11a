"""Sign-in: the one check of a username-or-email and password, with the step-up by SMS.

REST login, GraphQL tokenAuth and the admin login form all call `user_authenticate`.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import update_last_login
from django.db import transaction
from django.utils import timezone

from users import otp as otp_lib
from users import sms
from users.exceptions import InvalidCredentials, TooManyAttempts
from users.models import LoginFailure, OTPCode, User
from users.services.attempts import (
    TOO_MANY_SIGN_INS_MESSAGE,
    account_failures,
    account_find,
    address_retry_after,
    step_up_retry_after,
)
from users.services.codes import CODE_RE, code_new
from users.services.fields import PASSWORD_MAX_LENGTH

STEP_UP_MESSAGE = (
    "Too many failed sign-ins for this account. If the password is right, a code has been"
    " sent by SMS to the account's phone: sign in again with the password and that code."
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
    in_ten = [t for t in recent if t > now - timedelta(minutes=10)]
    if (
        (recent and now - recent[0] < cooldown)
        or len(in_ten) >= settings.OTP_SENDS_PER_PHONE_10_MIN
        or len(recent) >= settings.OTP_SENDS_PER_PHONE_DAY
    ):
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


def user_authenticate(*, username: str, password: str, client_ip: str, code=None) -> User:
    """Check a username-or-email and password; return the active user.

    The one sign-in rule of REST login, GraphQL tokenAuth and the admin login form.
    Unknown user, wrong password and an unverified account all raise the same
    InvalidCredentials (no enumeration). Failures are rows in the database:

    - Per address (TooManyAttempts for that address only): ≤ 5 a minute per
      address+name, ≤ LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR an hour per account+address.
    - Per account: after LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR failures in an hour from
      any addresses, the password alone no longer signs in (step-up): every attempt
      answers TooManyAttempts(code="step_up_required") whether the password is right or
      not, and a right one also texts the owner a code; the password plus that code
      signs in. So guessing stays bounded, and an attacker without the phone cannot
      lock the owner out.

    Exact under concurrency: the count and the failure row it reserves are written
    under a lock on the account's row, before the (slow) password check; a success
    then deletes its reservation.
    """
    identifier = (username if isinstance(username, str) else "").strip().lower()[:254]
    # A password longer than any we accept cannot be right (and is not hashed).
    password = password if isinstance(password, str) else ""
    password = password if len(password) <= PASSWORD_MAX_LENGTH else ""
    now = timezone.now()
    user = account_find(identifier) if identifier else None
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
                code="step_up_required",
            )
    elif not ok:
        raise InvalidCredentials()
    # The owner's own earlier typos are forgiven; other addresses' failures keep counting.
    account_failures(identifier=identifier, user=user).filter(client_ip=client_ip).delete()
    LoginFailure.objects.filter(pk=reservation.pk).delete()
    update_last_login(None, user)
    return user
