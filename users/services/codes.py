"""One-time codes sent by SMS: issuing, the send caps, and the one check of a code.

Every code, whatever it is for (registration, password reset, phone change, sign-in
step-up), is issued by `code_issue_and_send` and checked by `otp_code_consume`, so the
figures (lifetime, tries per code, failures per phone and per address, sends per number
and per address) are the same for all of them.

Counters are rows in the database, written under a row lock on the phone's
PhoneVerificationState, so they hold across server processes, survive a cache outage
and do not lose updates under concurrency. Callers must not wrap these functions in a
transaction that rolls back when they raise: the failure counters must stay.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import field_error
from core.metrics import OTP_EVENTS
from users import otp as otp_lib
from users import sms
from users.exceptions import AccountErrorCode, ServiceUnavailable, TooManyAttempts
from users.models import OTPCode, OTPSendLog, PhoneAddressState, PhoneVerificationState, User

INVALID_CODE_MESSAGE = "The code is invalid or has expired."
LOCKED_MESSAGE = "Too many failed attempts for this number. Try again later."

CODE_RE = re.compile(r"^\d{6}$")


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


def _cooldown_wait(*, phone_number: str, client_ip: str, now) -> timedelta | None:
    """How long this address must still wait before asking for another code for the
    number (OTP_SEND_COOLDOWN_SECONDS after its own last send), or None.

    Only the sends this address asked for count: counting a stranger's registration
    would answer a resend for a pending number differently from one for an unknown
    number, revealing the registration.
    """
    cooldown = timedelta(seconds=settings.OTP_SEND_COOLDOWN_SECONDS)
    last = (
        OTPSendLog.objects.filter(
            phone_number=phone_number, client_ip=client_ip, sent_at__gt=now - cooldown
        )
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    return None if last is None else last + cooldown - now


def cooldown_running(*, phone_number: str, client_ip: str, now) -> bool:
    """Did this address ask for a code for the number less than the cooldown ago?"""
    return _cooldown_wait(phone_number=phone_number, client_ip=client_ip, now=now) is not None


def _cap_wait(sends: list, *, window: timedelta, cap: int, now) -> tuple[timedelta, int] | None:
    """(How long until one more send fits, cap) when `sends` (newest first) already hold
    `cap` inside `window`; None while there is room."""
    within = [sent for sent in sends if sent > now - window]
    if len(within) < cap:
        return None
    return within[cap - 1] + window - now, cap


def phone_send_waits(sends: list, *, now) -> list[tuple[timedelta, int]]:
    """The per-number caps (OTP_SENDS_PER_PHONE_10_MIN, OTP_SENDS_PER_PHONE_DAY) that
    one more send would break, given the number's sends of the last day (newest first).

    The one statement of these caps: the codes a stranger can ask for (registration,
    reset, phone change: OTPSendLog) and the sign-in step-up codes (OTPCode, in
    users/services/sign_in.py) both obey it, so changing a setting moves both.
    """
    caps = [
        (timedelta(minutes=10), settings.OTP_SENDS_PER_PHONE_10_MIN),
        (timedelta(days=1), settings.OTP_SENDS_PER_PHONE_DAY),
    ]
    waits = (_cap_wait(sends, window=window, cap=cap, now=now) for window, cap in caps)
    return [wait for wait in waits if wait is not None]


def send_limits_check(*, phone_number: str, client_ip: str, now, cooldown: bool = True) -> None:
    """Raise TooManyAttempts when a send now would break a per-phone or per-address cap.

    `cooldown=False` leaves the 60 s cooldown to the caller (otp_resend answers it
    without a 429, see there).
    """
    day, hour = timedelta(days=1), timedelta(hours=1)
    # Newest first; both lists are short because only allowed sends are logged.
    phone_sends = list(
        OTPSendLog.objects.filter(phone_number=phone_number, sent_at__gt=now - day)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
    )
    ip_sends = list(
        OTPSendLog.objects.filter(client_ip=client_ip, sent_at__gt=now - hour)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
    )
    waits = []  # (wait, the cap that refuses)
    own_wait = (
        _cooldown_wait(phone_number=phone_number, client_ip=client_ip, now=now)
        if cooldown
        else None
    )
    if own_wait is not None:
        waits.append((own_wait, 1))
    waits += phone_send_waits(phone_sends, now=now)
    address_wait = _cap_wait(
        ip_sends, window=hour, cap=settings.OTP_SENDS_PER_ADDRESS_HOUR, now=now
    )
    if address_wait is not None:
        waits.append(address_wait)
    if waits:
        wait, limit = max(waits, key=lambda pair: pair[0])
        raise TooManyAttempts(
            "Too many codes requested. Try again later.",
            retry_after=wait.total_seconds(),
            limit=limit,
        )


def phone_lock_for_send(*, phone_number: str, client_ip: str, now, cooldown: bool = True) -> None:
    """Lock the phone's counters; raise TooManyAttempts if it is locked or a cap is hit
    (`cooldown`: as in send_limits_check)."""
    _phone_state_for_update(phone_number)
    address = PhoneAddressState.objects.filter(
        phone_number=phone_number, client_ip=client_ip
    ).first()
    retry = _lock_retry_after(address, now)
    if retry:
        raise TooManyAttempts(LOCKED_MESSAGE, retry_after=retry, limit=settings.OTP_MAX_FAILURES)
    send_limits_check(phone_number=phone_number, client_ip=client_ip, now=now, cooldown=cooldown)


# What each kind of code is for, as the SMS says it.
CODE_SMS_SUBJECT = {
    OTPCode.Purpose.REGISTRATION: "verification code",
    OTPCode.Purpose.PASSWORD_RESET: "password reset code",
    OTPCode.Purpose.PHONE_CHANGE: "phone number change code",
    OTPCode.Purpose.SIGN_IN: "sign-in code",
}


def code_new(*, user: User, phone_number: str, now, purpose: str) -> str:
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


def code_issue_and_send(
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
    body = code_new(user=user, phone_number=phone_number, now=now, purpose=purpose)
    OTPSendLog.objects.create(phone_number=phone_number, client_ip=client_ip, sent_at=now)
    sms_send(phone_number=phone_number, body=body)


def sms_send(*, phone_number: str, body: str) -> None:
    """Send one SMS; the provider's refusals become a field error or ServiceUnavailable."""
    try:
        sms.send_sms(to=phone_number, body=body)
    except sms.SMSInvalidNumber:
        OTP_EVENTS.labels(event="send_failed").inc()
        raise field_error(
            "phone_number",
            "This number cannot receive SMS. Check it and try again.",
            AccountErrorCode.SMS_REJECTED,
        ) from None
    except sms.SMSUnavailable:
        OTP_EVENTS.labels(event="send_failed").inc()
        raise ServiceUnavailable() from None
    OTP_EVENTS.labels(event="sent").inc()


def _newest_open_code(*, phone: str, purpose: str, **code_filter) -> OTPCode | None:
    """The newest code of `purpose` for the number that is neither used nor voided."""
    return (
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


def _use_if_matches(current: OTPCode, *, code: str, phone: str, now) -> bool:
    """Mark the code used if it is live and `code` is it; else count one wrong try.

    The conditional UPDATE makes the use single even under concurrency.
    """
    usable = current.expires_at > now and current.attempts < settings.OTP_MAX_ATTEMPTS_PER_CODE
    matches = usable and otp_lib.code_matches(
        code=code, phone_number=phone, nonce=current.nonce, code_hash=current.code_hash
    )
    if matches and OTPCode.objects.filter(pk=current.pk, used_at__isnull=True).update(used_at=now):
        return True
    current.attempts += 1
    current.save(update_fields=["attempts"])
    return False


def _clear_failures(state: PhoneVerificationState) -> None:
    """A success resets the number's failure total and every address's lock on it."""
    state.failure_count = 0
    state.last_failure_at = None
    state.locked_until = None
    state.save(update_fields=["failure_count", "last_failure_at", "locked_until"])
    PhoneAddressState.objects.filter(phone_number=state.phone_number).delete()


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
        raise field_error("code", "Enter the 6-digit code.")
    now = timezone.now()
    matched, result, retry = False, None, None
    # The failure is committed before the error is raised, so it is never rolled back.
    with transaction.atomic():
        state = _phone_state_for_update(phone)
        address = _address_state(phone, client_ip)
        retry = _lock_retry_after(address, now)
        if retry is None:
            current = _newest_open_code(phone=phone, purpose=purpose, **code_filter)
            if current is not None and _use_if_matches(current, code=code, phone=phone, now=now):
                result = on_match(current, now)
                matched = True
                _clear_failures(state)
            else:
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
    raise field_error("code", INVALID_CODE_MESSAGE, AccountErrorCode.INVALID_CODE)


def send_pretend(*, phone: str, client_ip: str, now) -> None:
    """The work of a send without one: hash a code and log the send, so limits and time match."""
    otp_lib.hash_code(code=otp_lib.generate_code(), phone_number=phone, nonce="")
    OTPSendLog.objects.create(phone_number=phone, client_ip=client_ip, sent_at=now)
