"""Passwords: the validators, a change with the current password, a reset by SMS code.

A reset request answers the same whether or not an account matches, and never sooner
than PASSWORD_RESET_MIN_SECONDS, so neither its text nor its timing tells who exists.
Asked again within the send cooldown it answers the same again and sends nothing; the
answer says how often codes go out, so a user who gets nothing knows why.
"""

import logging
import time
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.errors import CommonErrorCode, field_error
from oauth.services import grants_revoke_all
from users import otp as otp_lib
from users.exceptions import ServiceUnavailable, TooManyAttempts
from users.models import OTPCode, User
from users.services.attempts import account_find
from users.services.codes import (
    code_issue_and_send,
    cooldown_running,
    otp_code_consume,
    phone_lock_for_send,
    send_limits_check,
    send_pretend,
)
from users.services.fields import PASSWORD_MAX_LENGTH, password_too_long
from users.services.sign_in import password_confirm

logger = logging.getLogger("users.services.passwords")


def _once_per(seconds: int) -> str:
    """'once a minute', 'once every 2 minutes', 'once every 45 seconds'."""
    if seconds % 60:
        return f"once every {seconds} seconds"
    minutes = seconds // 60
    return "once a minute" if minutes == 1 else f"once every {minutes} minutes"


# The one answer to a reset request, whether or not an account matches (no enumeration),
# and also to a request repeated within the send cooldown (which sends nothing).
RESET_REQUESTED_MESSAGE = (
    "If an account matches, a password reset code has been sent to its verified phone "
    f"number. Codes go out at most {_once_per(settings.OTP_SEND_COOLDOWN_SECONDS)}."
)
PASSWORD_RESET_MESSAGE = "Your password has been changed. Sign in with the new password."


# Send-log placeholder for a reset request that reached no phone (an unknown username, or
# a number whose own caps are reached). It is never a real number, so it only counts
# toward the per-address cap; and no send is ever logged to "" (NO_PHONE), so checking
# the caps of "" checks only the per-address cap.
UNSENT = "-"
NO_PHONE = ""


def password_validate(new_password, *, user: User | None = None) -> None:
    """Django's password validators on `new_password` (against `user`'s details if given)."""
    if not isinstance(new_password, str) or not new_password:
        raise field_error("new_password", "This field is required.", CommonErrorCode.REQUIRED)
    if len(new_password) > PASSWORD_MAX_LENGTH:
        raise ValidationError({"new_password": password_too_long()})
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.error_list}) from None


def password_set(*, user: User, new_password: str) -> User:
    """Set a validated new password; every token issued before stops working at once.

    Tokens carry a hash of the password (CHECK_REVOKE_TOKEN), so changing it revokes
    every earlier refresh and access token. Every app the user authorized with Sign in
    with Movie API loses its tokens and grants in the same transaction.
    """
    password_validate(new_password, user=user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        grants_revoke_all(user=user)
    return user


def password_change(
    *, user: User, old_password: str, new_password: str, client_ip: str = "", code=None
) -> User:
    """Change the password; every token issued before stops working at once.

    The current password is checked by sign_in.password_confirm (wrong ones count, and
    under a step-up the texted `code` is needed too).
    """
    password_confirm(
        user=user, password=old_password, client_ip=client_ip, field="old_password", code=code
    )
    return password_set(user=user, new_password=new_password)


def _reset_holder(phone: str) -> User | None:
    """The active account whose verified phone is `phone`, if any."""
    return User.objects.filter(
        phone_number=phone, is_active=True, phone_verified_at__isnull=False
    ).first()


def _send_reset_code(*, user: User, client_ip: str, now) -> bool:
    """Send a reset code to the user's phone; False (and nothing kept) if the SMS failed.

    An SMS failure is logged, not raised: a 400 or 503 here would tell a stranger that
    the account exists, since an unknown account never reaches the provider.
    """
    try:
        with transaction.atomic():
            code_issue_and_send(
                user=user,
                phone_number=user.phone_number,
                client_ip=client_ip,
                now=now,
                purpose=OTPCode.Purpose.PASSWORD_RESET,
            )
    except (ValidationError, ServiceUnavailable) as exc:
        logger.warning("Password reset SMS not sent: %s", type(exc).__name__)
        return False
    return True


@contextmanager
def _answer_no_sooner_than(seconds: float):
    """Pad the block to `seconds`: the work of a known account (a code, an SMS provider's
    round trip) must not make its answer slower than an unknown account's."""
    start = time.monotonic()
    try:
        yield
    finally:
        remaining = seconds - (time.monotonic() - start)
        if remaining > 0:
            time.sleep(remaining)


def password_reset_request(
    *, client_ip: str, phone_number: str | None = None, username: str | None = None
) -> None:
    """Text a password reset code to the verified phone of the account named by number or name.

    Always answers RESET_REQUESTED_MESSAGE (the caller shows it) whether or not an
    account matches, and never sooner than PASSWORD_RESET_MIN_SECONDS. By number, the
    number's own caps apply, known or not (an unknown number's pretend sends are logged
    like resend's), but the cooldown refuses nothing: asked again by this address within
    OTP_SEND_COOLDOWN_SECONDS, it answers the same and sends nothing, like otp_resend
    (the code already sent is still live). By username (or email), only the
    per-address cap can refuse: the matched phone's caps would tell who exists, so when
    they are reached the code is silently not sent.
    """
    with _answer_no_sooner_than(settings.PASSWORD_RESET_MIN_SECONDS):
        _password_reset_request(client_ip=client_ip, phone_number=phone_number, username=username)


def _password_reset_request(*, client_ip: str, phone_number, username) -> None:
    by_phone = phone_number not in (None, "")
    by_name = username not in (None, "")
    if by_phone == by_name:
        raise field_error(
            "phone_number",
            "Give either a phone number or a username, not both.",
            CommonErrorCode.REQUIRED,
        )
    now = timezone.now()
    if by_phone:
        phone = otp_lib.normalize_phone(phone_number)
        with transaction.atomic():
            phone_lock_for_send(phone_number=phone, client_ip=client_ip, now=now, cooldown=False)
            if cooldown_running(phone_number=phone, client_ip=client_ip, now=now):
                return
            holder = _reset_holder(phone)
            if holder is None or not _send_reset_code(user=holder, client_ip=client_ip, now=now):
                send_pretend(phone=phone, client_ip=client_ip, now=now)
        return
    if not isinstance(username, str) or len(username) > 254:
        raise field_error("username", "Enter a username.")
    account = account_find(username.strip().lower())
    holder = _reset_holder(account.phone_number) if account and account.phone_number else None
    with transaction.atomic():
        send_limits_check(phone_number=NO_PHONE, client_ip=client_ip, now=now)
        if holder is not None:
            try:
                with transaction.atomic():
                    phone_lock_for_send(
                        phone_number=holder.phone_number, client_ip=client_ip, now=now
                    )
                    if _send_reset_code(user=holder, client_ip=client_ip, now=now):
                        return
            except TooManyAttempts:
                pass
        send_pretend(phone=UNSENT, client_ip=client_ip, now=now)


def password_reset_confirm(
    *, phone_number: str, code: str, new_password: str, client_ip: str = ""
) -> User:
    """Set a new password with a reset code; every token issued before stops working.

    The code must be a password reset code of the account holding the number (never a
    registration code), checked with the limits of otp_code_consume. The new
    password goes through Django's validators; if it fails, the code stays usable.
    Tokens carry a hash of the password (CHECK_REVOKE_TOKEN), so the change revokes
    every earlier refresh and access token at once.
    """
    phone = otp_lib.normalize_phone(phone_number)
    # Checked before the code, so a weak password does not cost one of the tries; the
    # checks against the account's own details follow once the code has matched.
    password_validate(new_password)

    def set_password(current: OTPCode, now) -> User:
        user = User.objects.select_for_update().get(pk=current.user_id)
        return password_set(user=user, new_password=new_password)

    return otp_code_consume(
        phone=phone,
        code=code,
        purpose=OTPCode.Purpose.PASSWORD_RESET,
        on_match=set_password,
        client_ip=client_ip,
        user__is_active=True,
        user__phone_number=phone,
    )
