"""Registration: create an inactive account, text it a code, activate it on the code.

The answer never tells whether a number or an email is already registered: a taken
one gets a notice by SMS instead of a code, and the caller answers as on success.
"""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import CommonErrorCode, field_error
from users import otp as otp_lib
from users.exceptions import AccountErrorCode
from users.models import OTPCode, OTPSendLog, User
from users.services.codes import (
    code_issue_and_send,
    cooldown_running,
    otp_code_consume,
    phone_lock_for_send,
    sms_send,
)
from users.services.fields import PASSWORD_MAX_LENGTH, email_is_valid, password_too_long
from users.services.pending import expired_claims_release, expired_pending, pending_cutoff
from users.services.tokens import login_tokens
from users.services.usernames import username_checked

# The answer to register and resend, whether or not the number belongs to anyone: the
# answer never tells which numbers are registered.
CODE_SENT_MESSAGE = "If this number can be registered, a code has been sent."

# Sent instead of a code when a registration names a number or email already taken:
# only the phone's holder learns why no code came.
PHONE_TAKEN_NOTICE = (
    "Someone tried to register a Movie API account with this number, which already has "
    "one. If it was you, sign in instead; otherwise ignore this message."
)
EMAIL_TAKEN_NOTICE = (
    "A Movie API account could not be created: that email address cannot be used. "
    "Register again with another address, or sign in if you already have an account."
)


def _validate_registration(*, username, email, password, password_confirm) -> str:
    """Check every field at once; return the username as it will be stored (NFKC)."""
    errors: dict[str, ValidationError] = {}
    try:
        username = username_checked(username)
    except ValidationError as exc:
        errors["username"] = exc
    if not isinstance(email, str) or not email.strip():
        errors["email"] = ValidationError("This field is required.", code=CommonErrorCode.REQUIRED)
    else:
        if not email_is_valid(email):
            errors["email"] = ValidationError(
                "Enter a valid email address.", code=CommonErrorCode.INVALID
            )
        # A taken email is not an error here: user_register answers as on success and
        # tells the phone by SMS, so the form does not reveal which emails are registered.
    if not isinstance(password, str) or not password:
        errors["password"] = ValidationError(
            "This field is required.", code=CommonErrorCode.REQUIRED
        )
    elif len(password) > PASSWORD_MAX_LENGTH:
        errors["password"] = password_too_long()
    else:
        try:
            validate_password(
                password,
                user=User(username=username if isinstance(username, str) else "", email=email),
            )
        except ValidationError as exc:
            errors["password"] = exc
        if password_confirm is not None and password_confirm != password:
            errors["password_confirm"] = ValidationError(
                "The two passwords do not match.", code=AccountErrorCode.PASSWORD_MISMATCH
            )
    if errors:
        raise ValidationError(errors)
    return username


def _checked_fields(phone_number, **fields) -> tuple[str, str]:
    """The E.164 number and the stored username, once every field of a registration is
    valid (all errors at once)."""
    errors = {}
    phone = username = None
    try:
        phone = otp_lib.normalize_phone(phone_number)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        username = _validate_registration(**fields)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    return phone, username


def user_register(
    *,
    username: str,
    email: str,
    password: str,
    phone_number: str,
    client_ip: str,
    password_confirm: str | None = None,
) -> User | None:
    """Create an inactive account and send it a code by SMS.

    Returns the new user, or None when the number already belongs to a verified
    account or the email to another account: then nothing is created and the phone
    gets a notice by SMS instead of a code, while the caller answers exactly as on
    success (CODE_SENT_MESSAGE). Every path hashes the password and sends one SMS,
    so neither the answer nor its timing reveals which numbers or emails are
    registered. A pending (never verified) account holding the number is replaced, and
    one whose time ran out (pending.py) holds neither its username nor its email.
    Raises ValidationError, TooManyAttempts or ServiceUnavailable; on any of them
    nothing is saved.
    """
    phone, username = _checked_fields(
        phone_number,
        username=username,
        email=email,
        password=password,
        password_confirm=password_confirm,
    )
    now = timezone.now()
    email = User.objects.normalize_email(email)
    with transaction.atomic():
        phone_lock_for_send(phone_number=phone, client_ip=client_ip, now=now)
        # A registration left unverified past its time holds nothing any more.
        expired_claims_release(now=now, username=username, email=email, phone=phone)
        holder = User.objects.select_for_update().filter(phone_number=phone).first()
        phone_taken = holder is not None and bool(holder.is_active or holder.phone_verified_at)
        replaceable = holder.pk if holder is not None and not phone_taken else None
        email_taken = User.objects.filter(email__iexact=email).exclude(pk=replaceable).exists()
        # Hashed on every path: a known number must cost what a new one costs.
        password_hash = make_password(password)
        if phone_taken or email_taken:
            notice = PHONE_TAKEN_NOTICE if phone_taken else EMAIL_TAKEN_NOTICE
            OTPSendLog.objects.create(phone_number=phone, client_ip=client_ip, sent_at=now)
            sms_send(phone_number=phone, body=notice)
            return None
        if holder is not None:
            holder.delete()
        user = User(username=username, email=email, phone_number=phone, is_active=False)
        user.password = password_hash
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            # Lost a race with a simultaneous registration of the same name or email.
            raise field_error(
                "username",
                "A user with that username or email already exists.",
                CommonErrorCode.UNIQUE,
            ) from None
        code_issue_and_send(user=user, phone_number=phone, client_ip=client_ip, now=now)
    return user


def otp_resend(*, phone_number: str, client_ip: str) -> None:
    """Send a fresh code to a pending account's number (voiding the old code).

    Answers the same for an unknown or already verified number (nothing is sent
    then, but the send is logged so the limits behave the same). Within this address's
    own cooldown (OTP_SEND_COOLDOWN_SECONDS after its last send to the number, a
    registration's included) it also answers as on success and sends nothing: a 429
    there would tell a pending number (a registration just sent it a code) from an
    unknown one (nothing was sent), and the code already sent is still live. Raises
    TooManyAttempts while the address is locked out of the number or another send cap
    is reached; those count alike for every number.
    """
    phone = otp_lib.normalize_phone(phone_number)
    now = timezone.now()
    with transaction.atomic():
        phone_lock_for_send(phone_number=phone, client_ip=client_ip, now=now, cooldown=False)
        if cooldown_running(phone_number=phone, client_ip=client_ip, now=now):
            return
        user = (
            User.objects.filter(phone_number=phone, is_active=False, phone_verified_at__isnull=True)
            .exclude(expired_pending(now))
            .first()
        )
        if user is None:
            OTPSendLog.objects.create(phone_number=phone, client_ip=client_ip, sent_at=now)
            return
        code_issue_and_send(user=user, phone_number=phone, client_ip=client_ip, now=now)


def otp_verify(*, phone_number: str, code: str, client_ip: str) -> User:
    """Check a registration code; on success the account becomes active and is returned.

    The limits are those of otp_code_consume. Only a registration code of a pending
    account is accepted, and only while the registration is not void (pending.py).
    """
    phone = otp_lib.normalize_phone(phone_number)

    def activate(current: OTPCode, now) -> User:
        User.objects.filter(pk=current.user_id).update(is_active=True, phone_verified_at=now)
        return User.objects.get(pk=current.user_id)

    return otp_code_consume(
        phone=phone,
        code=code,
        purpose=OTPCode.Purpose.REGISTRATION,
        on_match=activate,
        client_ip=client_ip,
        user__is_active=False,
        user__date_joined__gt=pending_cutoff(timezone.now()),
    )


VERIFIED_MESSAGE = "Phone number verified."


def otp_verify_sign_in(*, phone_number: str, code: str, client_ip: str) -> dict:
    """Verify the code and sign the new account in: `{detail, access, refresh, user}`.

    The one result of this step on both doors.
    """
    user = otp_verify(phone_number=phone_number, code=code, client_ip=client_ip)
    return {"detail": VERIFIED_MESSAGE, **login_tokens(user=user)}
