"""A new phone number: confirmed by a code sent to it; the old number is told."""

import logging

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import field_error
from users import otp as otp_lib
from users import sms
from users.exceptions import AccountErrorCode
from users.models import OTPCode, User
from users.services.codes import (
    code_issue_and_send,
    otp_code_consume,
    phone_lock_for_send,
    send_pretend,
)
from users.services.sign_in import password_confirm

logger = logging.getLogger("users.services.phone")

PHONE_CODE_SENT_MESSAGE = (
    "If this number can be used, a code has been sent to it. "
    "Confirm that code to change your phone number."
)
PHONE_CHANGED_MESSAGE = "Your phone number has been changed."


def _owns(phone: str) -> Q:
    """Accounts that own `phone`: active or verified ones (user_register's rule);
    a pending, never verified registration of the number does not."""
    return Q(phone_number=phone) & (Q(is_active=True) | Q(phone_verified_at__isnull=False))


def phone_change_request(
    *, user: User, password: str, phone_number: str, client_ip: str, code=None
) -> None:
    """With the current password, text a code to a new number (the number is not changed yet).

    The number's caps apply. A number that belongs to another verified account gets the
    same answer, but nothing is sent (the send is logged, so the caps answer the same).
    """
    password_confirm(user=user, password=password, client_ip=client_ip, code=code)
    phone = otp_lib.normalize_phone(phone_number)
    if phone == user.phone_number:
        raise field_error(
            "phone_number", "This is already your phone number.", AccountErrorCode.UNCHANGED
        )
    now = timezone.now()
    with transaction.atomic():
        phone_lock_for_send(phone_number=phone, client_ip=client_ip, now=now)
        taken = User.objects.filter(_owns(phone)).exclude(pk=user.pk).exists()
        if taken:
            send_pretend(phone=phone, client_ip=client_ip, now=now)
            return
        code_issue_and_send(
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


def phone_change_confirm(*, user: User, phone_number: str, code: str, client_ip: str = "") -> User:
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
                "phone_number",
                "This number cannot be used. Choose another.",
                AccountErrorCode.UNAVAILABLE,
            ) from None
        return old

    old = otp_code_consume(
        phone=phone,
        code=code,
        purpose=OTPCode.Purpose.PHONE_CHANGE,
        on_match=move,
        client_ip=client_ip,
        user=user,
    )
    if old and old != phone:
        _notify_old_phone(old, phone)
    user.refresh_from_db()
    return user
