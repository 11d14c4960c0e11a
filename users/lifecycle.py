"""Writes of an account's whole lifetime: password reset by SMS, new phone, new email, deletion.

REST (users/api/lifecycle.py) and GraphQL (users/graphql/lifecycle.py) both call these.
They stand on the OTP machinery of users/services.py: codes are bound to a purpose
(OTPCode.Purpose), so a registration code never resets a password and the reverse, and
every code obeys the same figures (lifetime, tries per code, failures per phone, sends
per number and per address). Field problems raise ValidationError on the field; limits
raise TooManyAttempts; an SMS outage raises ServiceUnavailable.

Like users/services.py, callers must not wrap the code-checking functions in a
transaction that rolls back when they raise: the failure counters must stay.
"""

import logging
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from movie_api.errors import field_error
from users import otp as otp_lib
from users import services, sms
from users.exceptions import ServiceUnavailable, TooManyAttempts
from users.models import OTPCode, OTPSendLog, User

logger = logging.getLogger("users.lifecycle")

# The one answer to a reset request, whether or not an account matches (no enumeration).
RESET_REQUESTED_MESSAGE = (
    "If an account matches, a password reset code has been sent to its verified phone number."
)
PASSWORD_RESET_MESSAGE = "Your password has been changed. Sign in with the new password."
# Also the answer when the new number belongs to another account (nothing is sent then).
PHONE_CODE_SENT_MESSAGE = (
    "If this number can be used, a code has been sent to it. "
    "Confirm that code to change your phone number."
)
PHONE_CHANGED_MESSAGE = "Your phone number has been changed."
EMAIL_CHANGED_MESSAGE = (
    "Your email address has been changed. No verification step follows: "
    "this service sends no email."
)
ACCOUNT_DELETED_MESSAGE = (
    "Your account, reviews, lists and sign-in tokens have been deleted; "
    "the ratings of the movies you reviewed were recomputed."
)
WRONG_PASSWORD_MESSAGE = "The current password is not correct."

# Send-log placeholder for a reset request that reached no phone (an unknown username, or
# a number whose own caps are reached). It is never a real number, so it only counts
# toward the per-address cap; and no send is ever logged to "" (NO_PHONE), so checking
# the caps of "" checks only the per-address cap.
UNSENT = "-"
NO_PHONE = ""


def _owns(phone: str) -> Q:
    """Accounts that own `phone`: active or verified ones (services.user_register's rule);
    a pending, never verified registration of the number does not."""
    return Q(phone_number=phone) & (Q(is_active=True) | Q(phone_verified_at__isnull=False))


def _check_current_password(user: User, password) -> None:
    if not isinstance(password, str) or not password:
        raise field_error("password", "This field is required.", "required")
    if not user.check_password(password):
        raise field_error("password", WRONG_PASSWORD_MESSAGE, "invalid")


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
            services._issue_code_and_send(
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


def _pretend_send(*, phone: str, client_ip: str, now) -> None:
    """The work of a send without one: hash a code and log the send, so limits and time match."""
    otp_lib.hash_code(code=otp_lib.generate_code(), phone_number=phone, nonce="")
    OTPSendLog.objects.create(phone_number=phone, client_ip=client_ip, sent_at=now)


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
    like resend's). By username (or email), only the per-address cap can refuse: the
    matched phone's caps would tell who exists, so when they are reached the code is
    silently not sent.
    """
    with _answer_no_sooner_than(settings.PASSWORD_RESET_MIN_SECONDS):
        _password_reset_request(client_ip=client_ip, phone_number=phone_number, username=username)


def _password_reset_request(*, client_ip: str, phone_number, username) -> None:
    by_phone = phone_number not in (None, "")
    by_name = username not in (None, "")
    if by_phone == by_name:
        raise field_error(
            "phone_number", "Give either a phone number or a username, not both.", "required"
        )
    now = timezone.now()
    if by_phone:
        phone = otp_lib.normalize_phone(phone_number)
        with transaction.atomic():
            services._lock_phone_for_send(phone_number=phone, client_ip=client_ip, now=now)
            holder = _reset_holder(phone)
            if holder is None or not _send_reset_code(user=holder, client_ip=client_ip, now=now):
                _pretend_send(phone=phone, client_ip=client_ip, now=now)
        return
    if not isinstance(username, str) or len(username) > 254:
        raise field_error("username", "Enter a username.", "invalid")
    account = services._find_account(username.strip().lower())
    holder = _reset_holder(account.phone_number) if account and account.phone_number else None
    with transaction.atomic():
        services._check_send_limits(phone_number=NO_PHONE, client_ip=client_ip, now=now)
        if holder is not None:
            try:
                with transaction.atomic():
                    services._lock_phone_for_send(
                        phone_number=holder.phone_number, client_ip=client_ip, now=now
                    )
                    if _send_reset_code(user=holder, client_ip=client_ip, now=now):
                        return
            except TooManyAttempts:
                pass
        _pretend_send(phone=UNSENT, client_ip=client_ip, now=now)


def password_reset_confirm(*, phone_number: str, code: str, new_password: str) -> User:
    """Set a new password with a reset code; every token issued before stops working.

    The code must be a password reset code of the account holding the number (never a
    registration code), checked with the limits of services.otp_code_consume. The new
    password goes through Django's validators; if it fails, the code stays usable.
    Tokens carry a hash of the password (CHECK_REVOKE_TOKEN), so the change revokes
    every earlier refresh and access token at once.
    """
    phone = otp_lib.normalize_phone(phone_number)
    # Checked before the code, so a weak password does not cost one of the tries; the
    # checks against the account's own details follow once the code has matched.
    services.password_validate(new_password)

    def set_password(current: OTPCode, now) -> User:
        user = User.objects.select_for_update().get(pk=current.user_id)
        return services.password_set(user=user, new_password=new_password)

    return services.otp_code_consume(
        phone=phone,
        code=code,
        purpose=OTPCode.Purpose.PASSWORD_RESET,
        on_match=set_password,
        user__is_active=True,
        user__phone_number=phone,
    )


def phone_change_request(*, user: User, password: str, phone_number: str, client_ip: str) -> None:
    """With the current password, text a code to a new number (the number is not changed yet).

    The number's caps apply. A number that belongs to another verified account gets the
    same answer, but nothing is sent (the send is logged, so the caps answer the same).
    """
    _check_current_password(user, password)
    phone = otp_lib.normalize_phone(phone_number)
    if phone == user.phone_number:
        raise field_error("phone_number", "This is already your phone number.", "unchanged")
    now = timezone.now()
    with transaction.atomic():
        services._lock_phone_for_send(phone_number=phone, client_ip=client_ip, now=now)
        taken = User.objects.filter(_owns(phone)).exclude(pk=user.pk).exists()
        if taken:
            _pretend_send(phone=phone, client_ip=client_ip, now=now)
            return
        services._issue_code_and_send(
            user=user,
            phone_number=phone,
            client_ip=client_ip,
            now=now,
            purpose=OTPCode.Purpose.PHONE_CHANGE,
        )


def _notify_old_phone(old_phone: str, new_phone: str) -> None:
    """Tell the old number its account moved; a failure is logged (the change stands)."""
    body = (
        f"Your Movie API account's phone number was changed to a number ending in "
        f"{new_phone[-2:]}. If this was not you, reset your password and contact support."
    )
    try:
        sms.send_sms(to=old_phone, body=body)
    except sms.SMSError as exc:
        logger.warning("Phone change notice not sent: %s", type(exc).__name__)


def phone_change_confirm(*, user: User, phone_number: str, code: str) -> User:
    """Verify the code sent to the new number; only then the number changes.

    The old number (if any) gets an SMS notice. A pending, never verified registration
    holding the number is replaced, as at registration.
    """
    phone = otp_lib.normalize_phone(phone_number)

    def move(current: OTPCode, now) -> str | None:
        me = User.objects.select_for_update().get(pk=user.pk)
        # A pending registration of the number gives way, as it does at registration.
        User.objects.filter(phone_number=phone).exclude(_owns(phone)).exclude(pk=me.pk).delete()
        old = me.phone_number
        try:
            with transaction.atomic():
                User.objects.filter(pk=me.pk).update(phone_number=phone, phone_verified_at=now)
        except IntegrityError:
            # Another account verified this number since the code was sent.
            raise field_error(
                "phone_number", "This number cannot be used. Choose another.", "unavailable"
            ) from None
        return old

    old = services.otp_code_consume(
        phone=phone, code=code, purpose=OTPCode.Purpose.PHONE_CHANGE, on_match=move, user=user
    )
    if old and old != phone:
        _notify_old_phone(old, phone)
    user.refresh_from_db()
    return user


def email_change(*, user: User, password: str, email: str) -> User:
    """With the current password, change the email at once; no verification step follows.

    The address rules (valid, unique in any case) are those of services.profile_update.
    """
    _check_current_password(user, password)
    if not isinstance(email, str) or not email.strip():
        raise field_error("email", "This field is required.", "required")
    return services.profile_update(user=user, email=email.strip())


def account_delete(*, user: User, password: str) -> None:
    """With the current password, delete the account and everything that is its own.

    Reviews are deleted and the ratings of the movies they rated recomputed in the same
    transaction (services.user_delete); lists, OTP codes, login failures (cascade) and
    every refresh token go too; the username, email and number are free again. The
    per-number send and failure counters stay: they limit the number, not the account.
    """
    _check_current_password(user, password)
    picture = user.profile_picture.name if user.profile_picture else None
    with transaction.atomic():
        OutstandingToken.objects.filter(user=user).delete()
        services.user_delete(user=user)
        if picture:
            storage = User._meta.get_field("profile_picture").storage
            transaction.on_commit(lambda: storage.delete(picture))
