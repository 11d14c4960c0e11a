"""Writes of accounts: registration, OTP, sign-in, tokens, profiles and movie lists.

REST (users/api/) and GraphQL (users/graphql/) both call these functions; every rule
about accounts lives here. Field problems raise django ValidationError; the other
outcomes raise the exceptions of users/exceptions.py.

Counters (failed codes, sends, failed logins) are rows in the database, written
under a row lock on the phone's PhoneVerificationState, so they hold across server
processes, survive a cache outage and do not lose updates under concurrency.

Callers must not wrap these functions in a transaction that rolls back when they
raise: the failure counters are written before the error is raised and must stay.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import update_last_login
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch, get_md5_hash_password

from movie_api.errors import NotFound, Unavailable, field_error
from movie_api.images import clean_image
from movie_api.media import delete_on_commit, store_file
from movie_api.metrics import OTP_EVENTS
from movie_api.security.bearer import REVOKED_ACCESS_KEY
from movie_api.security.store import STORE_ERRORS
from users import otp as otp_lib
from users import sms
from users.exceptions import (
    InvalidCredentials,
    InvalidToken,
    ServiceUnavailable,
    TooManyAttempts,
)
from users.models import (
    LoginFailure,
    MovieListEntry,
    OTPCode,
    OTPSendLog,
    PhoneAddressState,
    PhoneVerificationState,
    User,
)

# The answer to register and resend, whether or not the number belongs to anyone (T10).
CODE_SENT_MESSAGE = "If this number can be registered, a code has been sent."
INVALID_CODE_MESSAGE = "The code is invalid or has expired."
LOCKED_MESSAGE = "Too many failed attempts for this number. Try again later."
STEP_UP_MESSAGE = (
    "Too many failed sign-ins for this account. If the password is right, a code has been"
    " sent by SMS to the account's phone: sign in again with the password and that code."
)
SIGN_OUT_UNAVAILABLE_MESSAGE = "Signing out is unavailable right now. Please try again shortly."
AUTH_TIME_CLAIM = "auth_time"
CODE_RE = re.compile(r"^\d{6}$")
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


# --------------------------------------------------------------------------- OTP


def _phone_state_for_update(phone_number: str) -> PhoneVerificationState:
    """The phone's counter row, locked until the end of the caller's transaction.

    Every send and verification of one number serialises on this row, which is
    what makes the per-code and per-phone limits exact under concurrency.
    """
    PhoneVerificationState.objects.get_or_create(phone_number=phone_number)
    return PhoneVerificationState.objects.select_for_update().get(phone_number=phone_number)


def _address_state(phone_number: str, client_ip: str) -> PhoneAddressState:
    """This address's failure row for the number (call under the phone's row lock)."""
    return PhoneAddressState.objects.get_or_create(phone_number=phone_number, client_ip=client_ip)[
        0
    ]


def _lock_retry_after(state: PhoneAddressState | None, now) -> float | None:
    if state is not None and state.locked_until and state.locked_until > now:
        return (state.locked_until - now).total_seconds()
    return None


def _record_failure(state: PhoneVerificationState, address: PhoneAddressState, now) -> None:
    """Count one failed verification: in the phone's total, and for the address,
    which is locked out of this number when it reaches OTP_MAX_FAILURES."""
    state.failure_count += 1
    state.last_failure_at = now
    state.save(update_fields=["failure_count", "last_failure_at"])
    _record_address_failure(address, now)


def _record_address_failure(state: PhoneAddressState, now) -> None:
    lock_expired = state.locked_until is not None and state.locked_until <= now
    window = timedelta(seconds=settings.OTP_FAILURE_WINDOW_SECONDS)
    stale = state.last_failure_at is not None and now - state.last_failure_at > window
    if lock_expired or (stale and state.locked_until is None):
        state.failure_count = 0
        state.locked_until = None
    state.failure_count += 1
    state.last_failure_at = now
    if state.failure_count >= settings.OTP_MAX_FAILURES and state.locked_until is None:
        state.locked_until = now + timedelta(seconds=settings.OTP_LOCK_SECONDS)
    state.save(update_fields=["failure_count", "last_failure_at", "locked_until"])


def _check_send_limits(*, phone_number: str, client_ip: str, now) -> None:
    """Raise TooManyAttempts when a send now would break a per-phone or per-address cap."""
    cooldown = timedelta(seconds=settings.OTP_SEND_COOLDOWN_SECONDS)
    ten_min, day, hour = timedelta(minutes=10), timedelta(days=1), timedelta(hours=1)
    # Newest first; both lists are short because only allowed sends are logged.
    phone_log = list(
        OTPSendLog.objects.filter(phone_number=phone_number, sent_at__gt=now - day)
        .order_by("-sent_at")
        .values_list("sent_at", "client_ip")
    )
    phone_sends = [sent_at for sent_at, _ in phone_log]
    # The 60 s cooldown counts the sends this address asked for: counting a stranger's
    # registration would answer 429 to a resend for a pending number and 200 for an
    # unknown one, revealing the registration. The caps below count every send.
    own_sends = [sent_at for sent_at, address in phone_log if address == client_ip]
    ip_sends = list(
        OTPSendLog.objects.filter(client_ip=client_ip, sent_at__gt=now - hour)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
    )
    waits = []  # (seconds to wait, the limit that refuses)
    if own_sends and now - own_sends[0] < cooldown:
        waits.append((own_sends[0] + cooldown - now, 1))
    in_ten = [t for t in phone_sends if t > now - ten_min]
    if len(in_ten) >= settings.OTP_SENDS_PER_PHONE_10_MIN:
        waits.append(
            (
                in_ten[settings.OTP_SENDS_PER_PHONE_10_MIN - 1] + ten_min - now,
                settings.OTP_SENDS_PER_PHONE_10_MIN,
            )
        )
    if len(phone_sends) >= settings.OTP_SENDS_PER_PHONE_DAY:
        waits.append(
            (
                phone_sends[settings.OTP_SENDS_PER_PHONE_DAY - 1] + day - now,
                settings.OTP_SENDS_PER_PHONE_DAY,
            )
        )
    if len(ip_sends) >= settings.OTP_SENDS_PER_ADDRESS_HOUR:
        waits.append(
            (
                ip_sends[settings.OTP_SENDS_PER_ADDRESS_HOUR - 1] + hour - now,
                settings.OTP_SENDS_PER_ADDRESS_HOUR,
            )
        )
    if waits:
        wait, limit = max(waits, key=lambda pair: pair[0])
        raise TooManyAttempts(
            "Too many codes requested. Try again later.",
            retry_after=wait.total_seconds(),
            limit=limit,
        )


def _lock_phone_for_send(*, phone_number: str, client_ip: str, now) -> None:
    """Lock the phone's counters; raise TooManyAttempts if it is locked or a cap is hit."""
    _phone_state_for_update(phone_number)
    address = PhoneAddressState.objects.filter(
        phone_number=phone_number, client_ip=client_ip
    ).first()
    retry = _lock_retry_after(address, now)
    if retry:
        raise TooManyAttempts(LOCKED_MESSAGE, retry_after=retry, limit=settings.OTP_MAX_FAILURES)
    _check_send_limits(phone_number=phone_number, client_ip=client_ip, now=now)


# What each kind of code is for, as the SMS says it.
CODE_SMS_SUBJECT = {
    OTPCode.Purpose.REGISTRATION: "verification code",
    OTPCode.Purpose.PASSWORD_RESET: "password reset code",
    OTPCode.Purpose.PHONE_CHANGE: "phone number change code",
    OTPCode.Purpose.SIGN_IN: "sign-in code",
}


def _new_code(*, user: User, phone_number: str, now, purpose: str) -> str:
    """Void the user's open codes of `purpose` for the number, store a new code's hash;
    return the SMS text."""
    OTPCode.objects.filter(
        phone_number=phone_number,
        purpose=purpose,
        user=user,
        used_at__isnull=True,
        voided_at__isnull=True,
    ).update(voided_at=now)
    code = otp_lib.generate_code()
    nonce = otp_lib.generate_nonce()
    OTPCode.objects.create(
        user=user,
        phone_number=phone_number,
        purpose=purpose,
        nonce=nonce,
        code_hash=otp_lib.hash_code(code=code, phone_number=phone_number, nonce=nonce),
        created_at=now,
        expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
    )
    minutes = max(1, settings.OTP_TTL_SECONDS // 60)
    return f"Your Movie API {CODE_SMS_SUBJECT[purpose]} is {code}. It expires in {minutes} minutes."


def _issue_code_and_send(
    *,
    user: User,
    phone_number: str,
    client_ip: str,
    now,
    purpose: str = OTPCode.Purpose.REGISTRATION,
) -> None:
    """Void older codes, store the new one's hash, log the send and send the SMS.

    Runs inside the caller's transaction: if the SMS fails, everything (including a
    just-created account) rolls back, so a failed send leaves nothing half-made.
    A new code voids the user's older unused codes of the same purpose for the number.
    """
    body = _new_code(user=user, phone_number=phone_number, now=now, purpose=purpose)
    OTPSendLog.objects.create(phone_number=phone_number, client_ip=client_ip, sent_at=now)
    _send(phone_number=phone_number, body=body)


def _send(*, phone_number: str, body: str) -> None:
    """Send one SMS; the provider's refusals become a field error or ServiceUnavailable."""
    try:
        sms.send_sms(to=phone_number, body=body)
    except sms.SMSInvalidNumber:
        OTP_EVENTS.labels(event="send_failed").inc()
        raise field_error(
            "phone_number",
            "This number cannot receive SMS. Check it and try again.",
            "sms_rejected",
        ) from None
    except sms.SMSUnavailable:
        OTP_EVENTS.labels(event="send_failed").inc()
        raise ServiceUnavailable() from None
    OTP_EVENTS.labels(event="sent").inc()


EMAIL_MAX_LENGTH: int = User._meta.get_field("email").max_length
PASSWORD_MAX_LENGTH = 128


def _valid_email(email) -> bool:
    """A well-formed address that fits the column."""
    if not isinstance(email, str) or len(email) > EMAIL_MAX_LENGTH:
        return False
    try:
        EmailValidator()(email)
    except ValidationError:
        return False
    return True


def _password_too_long() -> ValidationError:
    return ValidationError(f"At most {PASSWORD_MAX_LENGTH} characters.", code="max_length")


def _validate_registration(*, username, email, password, password_confirm) -> None:
    errors: dict[str, ValidationError] = {}
    if not isinstance(username, str) or not username.strip():
        errors["username"] = ValidationError("This field is required.", code="required")
    elif len(username) > 150:
        errors["username"] = ValidationError("At most 150 characters.", code="max_length")
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError as exc:
            errors["username"] = exc
        else:
            if User.objects.filter(username__iexact=username).exists():
                errors["username"] = ValidationError(
                    "A user with that username already exists.", code="unique"
                )
    if not isinstance(email, str) or not email.strip():
        errors["email"] = ValidationError("This field is required.", code="required")
    else:
        if not _valid_email(email):
            errors["email"] = ValidationError("Enter a valid email address.", code="invalid")
        # A taken email is not an error here: user_register answers as on success and
        # tells the phone by SMS, so the form does not reveal which emails are registered.
    if not isinstance(password, str) or not password:
        errors["password"] = ValidationError("This field is required.", code="required")
    elif len(password) > PASSWORD_MAX_LENGTH:
        errors["password"] = _password_too_long()
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
                "The two passwords do not match.", code="password_mismatch"
            )
    if errors:
        raise ValidationError(errors)


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
    registered. A pending (never verified) account holding the number is replaced.
    Raises ValidationError, TooManyAttempts or ServiceUnavailable; on any of them
    nothing is saved.
    """
    errors = {}
    try:
        phone = otp_lib.normalize_phone(phone_number)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        _validate_registration(
            username=username, email=email, password=password, password_confirm=password_confirm
        )
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    email = User.objects.normalize_email(email)
    with transaction.atomic():
        _lock_phone_for_send(phone_number=phone, client_ip=client_ip, now=now)
        holder = User.objects.select_for_update().filter(phone_number=phone).first()
        phone_taken = holder is not None and bool(holder.is_active or holder.phone_verified_at)
        replaceable = holder.pk if holder is not None and not phone_taken else None
        email_taken = User.objects.filter(email__iexact=email).exclude(pk=replaceable).exists()
        # Hashed on every path: a known number must cost what a new one costs.
        password_hash = make_password(password)
        if phone_taken or email_taken:
            notice = PHONE_TAKEN_NOTICE if phone_taken else EMAIL_TAKEN_NOTICE
            OTPSendLog.objects.create(phone_number=phone, client_ip=client_ip, sent_at=now)
            _send(phone_number=phone, body=notice)
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
                "username", "A user with that username or email already exists.", "unique"
            ) from None
        _issue_code_and_send(user=user, phone_number=phone, client_ip=client_ip, now=now)
    return user


def otp_resend(*, phone_number: str, client_ip: str) -> None:
    """Send a fresh code to a pending account's number (voiding the old code).

    Answers the same for an unknown or already verified number (nothing is sent
    then, but the send is logged so the limits behave the same). Raises
    TooManyAttempts while the number is locked or a send cap is reached.
    """
    phone = otp_lib.normalize_phone(phone_number)
    now = timezone.now()
    with transaction.atomic():
        _lock_phone_for_send(phone_number=phone, client_ip=client_ip, now=now)
        user = User.objects.filter(
            phone_number=phone, is_active=False, phone_verified_at__isnull=True
        ).first()
        if user is None:
            OTPSendLog.objects.create(phone_number=phone, client_ip=client_ip, sent_at=now)
            return
        _issue_code_and_send(user=user, phone_number=phone, client_ip=client_ip, now=now)


def otp_code_consume(
    *, phone: str, code: str, purpose: str, on_match, client_ip: str = "", **code_filter
):
    """Check a code sent to the E.164 `phone` for `purpose`; return on_match(code_row, now).

    The one check of every code, whatever it is for. Single use even under concurrency
    (the phone's row lock plus a conditional UPDATE ... WHERE used_at IS NULL); 5 wrong
    tries kill a code; every rejection counts in the phone's total and toward the lock
    of the address that sent it (OTP_MAX_FAILURES from one address locks that address
    out of the number for OTP_LOCK_SECONDS; other addresses, the owner's included, are
    not locked; callers that pass no `client_ip` share one lock for the number). Only
    a success resets them. Only the newest live code of `purpose` (and `code_filter`,
    e.g. `user=...`) is considered, so a code sent for another purpose never matches.
    `on_match` runs in the same transaction: if it raises, the code stays unused.
    Unknown numbers get the same answer as known ones.
    """
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise field_error("code", "Enter the 6-digit code.", "invalid")
    now = timezone.now()
    matched, result, retry = False, None, None
    # The failure is committed before the error is raised, so it is never rolled back.
    with transaction.atomic():
        state = _phone_state_for_update(phone)
        address = _address_state(phone, client_ip)
        retry = _lock_retry_after(address, now)
        if retry is None:
            current = (
                OTPCode.objects.filter(
                    phone_number=phone,
                    purpose=purpose,
                    used_at__isnull=True,
                    voided_at__isnull=True,
                    **code_filter,
                )
                .order_by("-created_at", "-id")
                .first()
            )
            usable = (
                current is not None
                and current.expires_at > now
                and current.attempts < settings.OTP_MAX_ATTEMPTS_PER_CODE
            )
            matches = usable and otp_lib.code_matches(
                code=code, phone_number=phone, nonce=current.nonce, code_hash=current.code_hash
            )
            if matches and OTPCode.objects.filter(pk=current.pk, used_at__isnull=True).update(
                used_at=now
            ):
                result = on_match(current, now)
                matched = True
                state.failure_count = 0
                state.last_failure_at = None
                state.locked_until = None
                state.save(update_fields=["failure_count", "last_failure_at", "locked_until"])
                PhoneAddressState.objects.filter(phone_number=phone).delete()
            else:
                if current is not None:
                    current.attempts += 1
                    current.save(update_fields=["attempts"])
                _record_failure(state, address, now)
                retry = _lock_retry_after(address, now)
        else:
            _record_failure(state, address, now)
    if matched:
        OTP_EVENTS.labels(event="verified").inc()
        return result
    OTP_EVENTS.labels(event="verify_failed").inc()
    if retry:
        raise TooManyAttempts(LOCKED_MESSAGE, retry_after=retry, limit=settings.OTP_MAX_FAILURES)
    raise field_error("code", INVALID_CODE_MESSAGE, "invalid_code")


def otp_verify(*, phone_number: str, code: str, client_ip: str) -> User:
    """Check a registration code; on success the account becomes active and is returned.

    The limits are those of otp_code_consume. Only a registration code of a pending
    account is accepted.
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
    )


VERIFIED_MESSAGE = "Phone number verified."


def otp_verify_sign_in(*, phone_number: str, code: str, client_ip: str) -> dict:
    """Verify the code and sign the new account in: `{detail, access, refresh, user}`.

    The one result of this step on both doors.
    """
    user = otp_verify(phone_number=phone_number, code=code, client_ip=client_ip)
    return {"detail": VERIFIED_MESSAGE, **login_tokens(user=user)}


# ---------------------------------------------------------------- sign-in, tokens


def _find_account(identifier: str) -> User | None:
    user = User.objects.filter(username__iexact=identifier).first()
    if user is None and "@" in identifier:
        user = User.objects.filter(email__iexact=identifier).first()
    return user


def _failure_times(failures, *, since, limit: int) -> list:
    """Times of the newest `limit` failures after `since`, newest first."""
    return list(
        failures.filter(created_at__gt=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )


def _account_failures(*, identifier: str, user: User | None):
    return LoginFailure.objects.filter(
        Q(user=user) if user is not None else Q(identifier=identifier)
    )


def _address_retry_after(*, identifier: str, user: User | None, client_ip: str, now):
    """(seconds, limit): how long this address must wait before it may try this account
    again and the limit that refuses it, or (None, None).

    ≤ 5 failures a minute per address+name, ≤ LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR an
    hour per account+address: one address is bounded, and it blocks only itself.
    """
    minute, hour = timedelta(minutes=1), timedelta(hours=1)
    per_minute = settings.LOGIN_MAX_FAILURES_PER_ADDRESS_MINUTE
    per_hour = settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR
    waits = []
    recent = _failure_times(
        LoginFailure.objects.filter(identifier=identifier, client_ip=client_ip),
        since=now - minute,
        limit=per_minute,
    )
    if len(recent) >= per_minute:
        waits.append((recent[-1] + minute - now, per_minute))
    from_here = _failure_times(
        _account_failures(identifier=identifier, user=user).filter(client_ip=client_ip),
        since=now - hour,
        limit=per_hour,
    )
    if len(from_here) >= per_hour:
        waits.append((from_here[-1] + hour - now, per_hour))
    if not waits:
        return None, None
    # The limit that refuses longest, for the X-RateLimit-* headers.
    wait, limit = max(waits, key=lambda pair: pair[0])
    return wait.total_seconds(), limit


def _step_up_retry_after(*, identifier: str, user: User | None, now) -> float | None:
    """While the account has had LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR failures in the last
    hour (from any address), seconds until that is no longer so; else None."""
    hour, limit = timedelta(hours=1), settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR
    failures = _failure_times(
        _account_failures(identifier=identifier, user=user), since=now - hour, limit=limit
    )
    if len(failures) >= limit:
        return (failures[-1] + hour - now).total_seconds()
    return None


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
        body = _new_code(
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
    user = _find_account(identifier) if identifier else None
    with transaction.atomic():
        if user is not None:
            list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk"))
        retry, limit = _address_retry_after(
            identifier=identifier, user=user, client_ip=client_ip, now=now
        )
        if retry:
            # `limit` is the limit that refused, for the X-RateLimit-* headers.
            raise TooManyAttempts(
                "Too many failed sign-in attempts. Try again later.",
                retry_after=retry,
                limit=limit,
            )
        step_up = _step_up_retry_after(identifier=identifier, user=user, now=now)
        reservation = LoginFailure.objects.create(
            identifier=identifier, user=user, client_ip=client_ip, created_at=now
        )
    if user is None:
        # Hash anyway, so an unknown name takes as long as a wrong password.
        User().set_password(password)
        ok = False
    else:
        ok = user.check_password(password) and user.is_active
    if step_up:
        if ok and _can_step_up(user):
            # The right password is not a failure, even when it is not enough.
            LoginFailure.objects.filter(pk=reservation.pk).delete()
            if code:
                ok = _login_code_matches(user=user, code=code, now=now)
            else:
                _login_code_sent(user=user, now=now)
                ok = False
        else:
            ok = False
        if not ok:
            raise TooManyAttempts(
                STEP_UP_MESSAGE,
                retry_after=step_up,
                limit=settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR,
                code="step_up_required",
            )
    elif not ok:
        raise InvalidCredentials()
    # The owner's own earlier typos are forgiven; other addresses' failures keep counting.
    _account_failures(identifier=identifier, user=user).filter(client_ip=client_ip).delete()
    LoginFailure.objects.filter(pk=reservation.pk).delete()
    update_last_login(None, user)
    return user


def _new_refresh(*, user_id: str, password_hash: str, auth_time: int, user=None) -> RefreshToken:
    """A refresh token recorded as outstanding, never living past auth_time + max age."""
    refresh = RefreshToken()
    refresh[jwt_settings.USER_ID_CLAIM] = user_id
    refresh[jwt_settings.REVOKE_TOKEN_CLAIM] = password_hash
    refresh[AUTH_TIME_CLAIM] = auth_time
    absolute_exp = auth_time + int(settings.JWT_REFRESH_MAX_AGE.total_seconds())
    refresh["exp"] = min(refresh["exp"], absolute_exp)
    OutstandingToken.objects.create(
        user=user,
        jti=refresh[jwt_settings.JTI_CLAIM],
        token=str(refresh),
        created_at=refresh.current_time,
        expires_at=datetime_from_epoch(refresh["exp"]),
    )
    return refresh


def login_tokens(*, user: User) -> dict:
    """A fresh access/refresh pair and the user's public identity (login, OTP verify)."""
    now = int(timezone.now().timestamp())
    refresh = _new_refresh(
        user_id=str(user.pk),
        password_hash=get_md5_hash_password(user.password),
        auth_time=now,
        user=user,
    )
    return {
        "access": str(refresh.access_token),
        "refresh": str(refresh),
        "user": {"id": user.pk, "username": user.username, "email": user.email},
    }


def _blacklist_first(token: RefreshToken, user: User | None) -> bool:
    """Insert the token's blacklist row; False if another request already did.

    The unique constraint on BlacklistedToken.token makes the insert the arbiter:
    of N simultaneous uses of one refresh token exactly one insert succeeds
    (stock simplejwt reads first with get_or_create, so all N may succeed).
    """
    jti = token[jwt_settings.JTI_CLAIM]
    outstanding, _ = OutstandingToken.objects.get_or_create(
        jti=jti,
        defaults={
            "user": user,
            "token": str(token),
            "created_at": token.current_time,
            "expires_at": datetime_from_epoch(token["exp"]),
        },
    )
    try:
        with transaction.atomic():
            BlacklistedToken.objects.create(token=outstanding)
    except IntegrityError:
        return False
    return True


def _load_refresh(refresh: str) -> tuple[RefreshToken, User]:
    if not isinstance(refresh, str) or not refresh:
        raise InvalidToken()
    try:
        token = RefreshToken(refresh)
    except TokenError:
        raise InvalidToken() from None
    user = User.objects.filter(pk=token.get(jwt_settings.USER_ID_CLAIM)).first()
    if user is None or not user.is_active:
        raise InvalidToken()
    # A password change revokes every token issued before it (CHECK_REVOKE_TOKEN).
    if token.get(jwt_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password):
        raise InvalidToken()
    return token, user


def token_refresh(*, refresh: str) -> dict:
    """Rotate a refresh token: the old one is blacklisted first, then a new pair issued.

    Raises InvalidToken for a bad, expired, blacklisted, revoked or too-old token,
    and for every loser of a concurrent refresh with the same token.
    """
    token, user = _load_refresh(refresh)
    auth_time = int(token.get(AUTH_TIME_CLAIM, token["iat"]))
    if timezone.now().timestamp() - auth_time > settings.JWT_REFRESH_MAX_AGE.total_seconds():
        raise InvalidToken()
    with transaction.atomic():
        if not _blacklist_first(token, user):
            raise InvalidToken()
        new = _new_refresh(
            user_id=str(user.pk),
            password_hash=token[jwt_settings.REVOKE_TOKEN_CLAIM],
            auth_time=auth_time,
            user=user,
        )
    return {"access": str(new.access_token), "refresh": str(new)}


def access_token_revoke(*, access) -> None:
    """Put an access token's `jti` on the deny-list until the token would expire anyway.

    The list is in the cache (Redis in production), so every process sees it and it
    empties itself. Raises Unavailable when the cache cannot be written.
    """
    jti = access.get(jwt_settings.JTI_CLAIM) if access is not None else None
    if not jti:
        return
    remaining = int(access["exp"] - timezone.now().timestamp()) + 1
    if remaining <= 0:
        return
    try:
        cache.set(REVOKED_ACCESS_KEY.format(jti=jti), 1, timeout=remaining)
    except STORE_ERRORS:
        raise Unavailable(SIGN_OUT_UNAVAILABLE_MESSAGE) from None


def token_logout(*, refresh: str, user: User, access=None) -> None:
    """Sign out: blacklist `user`'s own refresh token and deny-list the access token used.

    Someone else's refresh token is refused as invalid, and then nothing changes.
    """
    try:
        token, owner = _load_refresh(refresh)
    except InvalidToken:
        raise field_error("refresh", "Token is invalid or expired.", "token_not_valid") from None
    if owner.pk != user.pk:
        raise field_error("refresh", "Token is invalid or expired.", "token_not_valid")
    # The cache write first: if it fails, nothing is half done and the caller can retry.
    access_token_revoke(access=access)
    _blacklist_first(token, owner)


def password_validate(new_password, *, user: User | None = None) -> None:
    """Django's password validators on `new_password` (against `user`'s details if given)."""
    if not isinstance(new_password, str) or not new_password:
        raise field_error("new_password", "This field is required.", "required")
    if len(new_password) > PASSWORD_MAX_LENGTH:
        raise ValidationError({"new_password": _password_too_long()})
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.error_list}) from None


def password_set(*, user: User, new_password: str) -> User:
    """Set a validated new password; every token issued before stops working at once.

    Tokens carry a hash of the password (CHECK_REVOKE_TOKEN), so changing it revokes
    every earlier refresh and access token.
    """
    password_validate(new_password, user=user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return user


def password_change(*, user: User, old_password: str, new_password: str) -> User:
    """Change the password; every token issued before stops working at once."""
    if not isinstance(old_password, str) or not user.check_password(old_password):
        raise field_error("old_password", "The current password is not correct.", "invalid")
    return password_set(user=user, new_password=new_password)


# ------------------------------------------------------------ profiles and lists


def _check_kind(kind: str) -> str:
    if kind not in MovieListEntry.Kind.values:
        raise field_error(
            "kind", f"Must be one of {', '.join(MovieListEntry.Kind.values)}.", "invalid"
        )
    return kind


def _movie_ids(value, *, field: str) -> list[int]:
    """Validate a list of movie ids: integers of existing movies, duplicates dropped."""
    from movies.models import Movie

    if not isinstance(value, list | tuple):
        raise field_error(field, "Expected a list of movie ids.", "not_a_list")
    if len(value) > 1000:
        raise field_error(field, "At most 1000 movies per list.", "max_length")
    ids = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int | str):
            raise field_error(field, "Movie ids must be integers.", "invalid")
        try:
            number = int(item)
        except ValueError:
            raise field_error(field, "Movie ids must be integers.", "invalid") from None
        if not 0 < number < 2**63:
            raise field_error(field, f"No movie with id {item}.", "does_not_exist")
        if number not in ids:
            ids.append(number)
    found = set(Movie.objects.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [i for i in ids if i not in found]
    if missing:
        raise field_error(
            field, f"No movie with id {', '.join(map(str, missing))}.", "does_not_exist"
        )
    return ids


def movie_list_add(*, user: User, movie_id, kind: str) -> tuple[MovieListEntry, bool]:
    """Put a movie on one of the user's lists; adding it twice is harmless.

    Returns (entry, created). An unknown movie is a ValidationError on `movie_id`.
    """
    _check_kind(kind)
    (movie_pk,) = _movie_ids([movie_id], field="movie_id")
    try:
        with transaction.atomic():
            return MovieListEntry.objects.get_or_create(user=user, kind=kind, movie_id=movie_pk)
    except IntegrityError:
        # The movie was deleted between the check and the insert.
        raise field_error("movie_id", f"No movie with id {movie_id}.", "does_not_exist") from None


def movie_list_remove(*, user: User, movie_id, kind: str) -> None:
    """Take a movie off one of the user's lists; NotFound when it is not on it."""
    _check_kind(kind)
    try:
        movie_pk = int(movie_id)
    except (TypeError, ValueError):
        raise field_error("movie_id", "Must be an integer.", "invalid") from None
    deleted = 0
    # Out of range: no such row, and SQLite cannot even bind the number (OverflowError).
    if 0 < movie_pk < 2**63:
        deleted, _ = MovieListEntry.objects.filter(user=user, kind=kind, movie_id=movie_pk).delete()
    if not deleted:
        raise NotFound(f"Movie {movie_id} is not on your {kind} list.")


def movie_list_set(*, user: User, kind: str, movie_ids, field: str | None = None) -> None:
    """Make the list exactly `movie_ids`; kept entries keep their added_at."""
    _check_kind(kind)
    ids = _movie_ids(movie_ids, field=field or f"{kind}_movie_ids")
    with transaction.atomic():
        MovieListEntry.objects.filter(user=user, kind=kind).exclude(movie_id__in=ids).delete()
        MovieListEntry.objects.bulk_create(
            [MovieListEntry(user=user, kind=kind, movie_id=i) for i in ids],
            ignore_conflicts=True,
        )


def _confirm_password(*, user: User, password, client_ip: str, field: str) -> None:
    """Check the caller's own password before a sensitive change (the email).

    A wrong one counts as a failed sign-in of the account (LoginFailure), so a stolen
    access token cannot be used to guess the password here without hitting the same
    limits as the login form.
    """
    now = timezone.now()
    identifier = user.get_username().lower()
    retry, limit = _address_retry_after(
        identifier=identifier, user=user, client_ip=client_ip, now=now
    )
    if retry:
        raise TooManyAttempts(
            "Too many failed sign-in attempts. Try again later.", retry_after=retry, limit=limit
        )
    if not isinstance(password, str) or not password:
        raise field_error(field, "Enter your current password to make this change.", "required")
    if not user.check_password(password):
        LoginFailure.objects.create(
            identifier=identifier, user=user, client_ip=client_ip, created_at=now
        )
        raise field_error(field, "The current password is not correct.", "invalid")


def profile_update(
    *,
    user: User,
    client_ip: str = "",
    current_password: str | None = None,
    email: str | None = None,
    bio: str | None = None,
    profile_picture=None,
    favorite_movie_ids: list | None = None,
    watched_movie_ids: list | None = None,
    watchlist_movie_ids: list | None = None,
) -> User:
    """Change the caller's own profile; None leaves a field as it is.

    Only these fields exist here, so staff flags, activity, the phone number and its
    verification can never be set through a profile (mass assignment, T20).
    Changing the email needs the account's current password (`current_password`):
    an access token alone cannot take over the address the account is reached at.
    The picture is decoded, bounded and re-encoded by movie_api.images.clean_image.
    """
    changed = []
    if email is not None:
        if not _valid_email(email):
            raise field_error("email", "Enter a valid email address.", "invalid")
        email = User.objects.normalize_email(email)
    if email is not None and email.lower() != user.email.lower():
        _confirm_password(
            user=user, password=current_password, client_ip=client_ip, field="current_password"
        )
        if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
            raise field_error("email", "A user with that email already exists.", "unique")
        user.email = email
        changed.append("email")
    if bio is not None:
        if not isinstance(bio, str) or len(bio) > 2000:
            raise field_error("bio", "At most 2000 characters.", "max_length")
        user.bio = bio
        changed.append("bio")
    picture = None
    if profile_picture is not None:
        picture = clean_image(profile_picture, field="profile_picture")
    lists = {
        MovieListEntry.Kind.FAVORITE: favorite_movie_ids,
        MovieListEntry.Kind.WATCHED: watched_movie_ids,
        MovieListEntry.Kind.WATCHLIST: watchlist_movie_ids,
    }
    # Validate every list before anything is written.
    checked = {
        kind: _movie_ids(ids, field=f"{kind}_movie_ids")
        for kind, ids in lists.items()
        if ids is not None
    }
    with transaction.atomic():
        if picture is not None:
            old = user.profile_picture.name if user.profile_picture else None
            store_file(user.profile_picture, picture, field="profile_picture")
            changed.append("profile_picture")
            delete_on_commit(user.profile_picture.storage, old)
        try:
            with transaction.atomic():
                if changed:
                    user.save(update_fields=changed)
        except IntegrityError:
            raise field_error("email", "A user with that email already exists.", "unique") from None
        for kind, ids in checked.items():
            movie_list_set(user=user, kind=kind, movie_ids=ids)
    return user


# --------------------------------------------------------------------------- deletion


def user_delete(*, user: User) -> None:
    """Delete an account; the movies it reviewed get their ratings recomputed.

    The reviews go with the user (ON DELETE CASCADE), so the derived rating columns
    must be recomputed in the same transaction. The movie rows are locked first, in
    id order, exactly as a review write locks them, so this cannot deadlock with one.
    """
    from movies.models import Movie
    from movies.services import movie_ratings_recompute

    with transaction.atomic():
        movie_ids = list(user.reviews.values_list("movie_id", flat=True))
        list(
            Movie.objects.select_for_update()
            .filter(pk__in=movie_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        user.delete()
        movie_ratings_recompute(movie_ids=movie_ids)
