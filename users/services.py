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
from django.contrib.auth.models import update_last_login
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
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

from movie_api.errors import NotFound, field_error
from movie_api.images import clean_image
from movie_api.media import delete_on_commit, store_file
from movie_api.metrics import OTP_EVENTS
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
    PhoneVerificationState,
    User,
)

# The answer to register and resend, whether or not the number belongs to anyone (T10).
CODE_SENT_MESSAGE = "If this number can be registered, a code has been sent."
INVALID_CODE_MESSAGE = "The code is invalid or has expired."
LOCKED_MESSAGE = "Too many failed attempts for this number. Try again later."
AUTH_TIME_CLAIM = "auth_time"
CODE_RE = re.compile(r"^\d{6}$")


# --------------------------------------------------------------------------- OTP


def _phone_state_for_update(phone_number: str) -> PhoneVerificationState:
    """The phone's counter row, locked until the end of the caller's transaction.

    Every send and verification of one number serialises on this row, which is
    what makes the per-code and per-phone limits exact under concurrency.
    """
    PhoneVerificationState.objects.get_or_create(phone_number=phone_number)
    return PhoneVerificationState.objects.select_for_update().get(phone_number=phone_number)


def _lock_retry_after(state: PhoneVerificationState, now) -> float | None:
    if state.locked_until and state.locked_until > now:
        return (state.locked_until - now).total_seconds()
    return None


def _record_failure(state: PhoneVerificationState, now) -> None:
    """Count one failed verification; lock the phone when the limit is reached."""
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
    state = _phone_state_for_update(phone_number)
    retry = _lock_retry_after(state, now)
    if retry:
        raise TooManyAttempts(LOCKED_MESSAGE, retry_after=retry, limit=settings.OTP_MAX_FAILURES)
    _check_send_limits(phone_number=phone_number, client_ip=client_ip, now=now)


# What each kind of code is for, as the SMS says it.
CODE_SMS_SUBJECT = {
    OTPCode.Purpose.REGISTRATION: "verification code",
    OTPCode.Purpose.PASSWORD_RESET: "password reset code",
    OTPCode.Purpose.PHONE_CHANGE: "phone number change code",
}


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
    OTPSendLog.objects.create(phone_number=phone_number, client_ip=client_ip, sent_at=now)
    minutes = max(1, settings.OTP_TTL_SECONDS // 60)
    body = f"Your Movie API {CODE_SMS_SUBJECT[purpose]} is {code}. It expires in {minutes} minutes."
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
        else:
            if User.objects.filter(email__iexact=email).exists():
                errors["email"] = ValidationError(
                    "A user with that email already exists.", code="unique"
                )
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
    account: then nothing is created and no SMS goes out, but the caller answers
    exactly as on success (CODE_SENT_MESSAGE), so the form does not reveal which
    numbers are registered. A pending (never verified) account holding the number
    is replaced. Raises ValidationError, TooManyAttempts or ServiceUnavailable; on
    any of them nothing is saved.
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
    with transaction.atomic():
        _lock_phone_for_send(phone_number=phone, client_ip=client_ip, now=now)
        holder = User.objects.select_for_update().filter(phone_number=phone).first()
        if holder is not None and (holder.is_active or holder.phone_verified_at):
            # Logged like a real send so the limits answer the same as for a new number.
            OTPSendLog.objects.create(phone_number=phone, client_ip=client_ip, sent_at=now)
            return None
        if holder is not None:
            holder.delete()
        user = User(
            username=username,
            email=User.objects.normalize_email(email),
            phone_number=phone,
            is_active=False,
        )
        user.set_password(password)
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


def otp_code_consume(*, phone: str, code: str, purpose: str, on_match, **code_filter):
    """Check a code sent to the E.164 `phone` for `purpose`; return on_match(code_row, now).

    The one check of every code, whatever it is for. Single use even under concurrency
    (the phone's row lock plus a conditional UPDATE ... WHERE used_at IS NULL); 5 wrong
    tries kill a code; every rejection counts toward the phone's lock (OTP_MAX_FAILURES),
    which only a success resets. Only the newest live code of `purpose` (and
    `code_filter`, e.g. `user=...`) is considered, so a code sent for another purpose
    never matches. `on_match` runs in the same transaction: if it raises, the code stays
    unused. Unknown numbers get the same answer as known ones.
    """
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise field_error("code", "Enter the 6-digit code.", "invalid")
    now = timezone.now()
    matched, result, retry = False, None, None
    # The failure is committed before the error is raised, so it is never rolled back.
    with transaction.atomic():
        state = _phone_state_for_update(phone)
        retry = _lock_retry_after(state, now)
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
            else:
                if current is not None:
                    current.attempts += 1
                    current.save(update_fields=["attempts"])
                _record_failure(state, now)
                retry = _lock_retry_after(state, now)
        else:
            _record_failure(state, now)
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


def _login_retry_after(*, identifier: str, user: User | None, client_ip: str, now):
    minute, hour = timedelta(minutes=1), timedelta(hours=1)
    waits = []
    per_address = list(
        LoginFailure.objects.filter(
            identifier=identifier, client_ip=client_ip, created_at__gt=now - minute
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: settings.LOGIN_MAX_FAILURES_PER_ADDRESS_MINUTE]
    )
    if len(per_address) >= settings.LOGIN_MAX_FAILURES_PER_ADDRESS_MINUTE:
        waits.append(
            (per_address[-1] + minute - now, settings.LOGIN_MAX_FAILURES_PER_ADDRESS_MINUTE)
        )
    account = Q(user=user) if user is not None else Q(identifier=identifier)
    per_account = list(
        LoginFailure.objects.filter(account, created_at__gt=now - hour)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR]
    )
    if len(per_account) >= settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR:
        waits.append((per_account[-1] + hour - now, settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR))
    if not waits:
        return None, None
    wait, limit = max(waits, key=lambda pair: pair[0])
    return wait.total_seconds(), limit


def user_authenticate(*, username: str, password: str, client_ip: str) -> User:
    """Check a username-or-email and password; return the active user.

    Unknown user, wrong password and an unverified account all raise the same
    InvalidCredentials (no enumeration). Failures are rows in the database:
    at most 5 a minute per address+name and 20 an hour per account (from any
    address), after which TooManyAttempts is raised before the password is checked.
    """
    identifier = (username if isinstance(username, str) else "").strip().lower()[:254]
    # A password longer than any we accept cannot be right (and is not hashed).
    password = password if isinstance(password, str) else ""
    password = password if len(password) <= PASSWORD_MAX_LENGTH else ""
    now = timezone.now()
    user = _find_account(identifier) if identifier else None
    retry, limit = _login_retry_after(
        identifier=identifier, user=user, client_ip=client_ip, now=now
    )
    if retry:
        # `limit` is the limit that refused, for the X-RateLimit-* headers.
        raise TooManyAttempts(
            "Too many failed sign-in attempts. Try again later.", retry_after=retry, limit=limit
        )
    if user is None:
        # Hash anyway, so an unknown name takes as long as a wrong password.
        User().set_password(password)
        ok = False
    else:
        ok = user.check_password(password) and user.is_active
    if not ok:
        LoginFailure.objects.create(
            identifier=identifier, user=user, client_ip=client_ip, created_at=now
        )
        raise InvalidCredentials()
    LoginFailure.objects.filter(Q(user=user) | Q(identifier=identifier)).delete()
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


def token_logout(*, refresh: str, user: User) -> None:
    """Blacklist `user`'s own refresh token; someone else's token is refused as invalid."""
    try:
        token, owner = _load_refresh(refresh)
    except InvalidToken:
        raise field_error("refresh", "Token is invalid or expired.", "token_not_valid") from None
    if owner.pk != user.pk:
        raise field_error("refresh", "Token is invalid or expired.", "token_not_valid")
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


def profile_update(
    *,
    user: User,
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
    The picture is decoded, bounded and re-encoded by movie_api.images.clean_image.
    """
    changed = []
    if email is not None:
        if not _valid_email(email):
            raise field_error("email", "Enter a valid email address.", "invalid")
        email = User.objects.normalize_email(email)
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
