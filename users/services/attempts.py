"""Failed sign-ins and wrong current passwords: the counters and their limits.

Every password check counts here (LoginFailure rows): the sign-in form, and the
"current password" a signed-in caller gives before a sensitive change, both through
users.services.sign_in (one mechanism), so a stolen access token cannot be used to
guess the password faster than the login form allows.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from users.models import LoginFailure, User

TOO_MANY_SIGN_INS_MESSAGE = "Too many failed sign-in attempts. Try again later."
WRONG_PASSWORD_MESSAGE = "The current password is not correct."
CURRENT_PASSWORD_REQUIRED_MESSAGE = "Enter your current password to make this change."


def account_find(identifier: str) -> User | None:
    """The account a sign-in or reset names: by email first when the name has an "@".

    Usernames may not contain "@" any more (services.usernames), but older ones may:
    such a name must never shadow the account whose email it is, so the email wins and
    the username is looked up only when no account has that email.
    """
    if "@" in identifier:
        user = User.objects.filter(email__iexact=identifier).first()
        if user is not None:
            return user
    return User.objects.filter(username__iexact=identifier).first()


def _failure_times(failures, *, since, limit: int) -> list:
    """Times of the newest `limit` failures after `since`, newest first."""
    return list(
        failures.filter(created_at__gt=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )


def account_failures(*, identifier: str, user: User | None):
    return LoginFailure.objects.filter(
        Q(user=user) if user is not None else Q(identifier=identifier)
    )


def address_retry_after(*, identifier: str, user: User | None, client_ip: str, now):
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
        account_failures(identifier=identifier, user=user).filter(client_ip=client_ip),
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


def step_up_retry_after(*, identifier: str, user: User | None, now) -> float | None:
    """While the account has had LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR failures in the last
    hour (from any address), seconds until that is no longer so; else None."""
    hour, limit = timedelta(hours=1), settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR
    failures = _failure_times(
        account_failures(identifier=identifier, user=user), since=now - hour, limit=limit
    )
    if len(failures) >= limit:
        return (failures[-1] + hour - now).total_seconds()
    return None
