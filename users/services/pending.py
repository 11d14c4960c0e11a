"""Pending registrations: an account whose phone was never verified, and its expiry.

A registration makes an inactive account that holds its username, email and number
until the phone is verified. Left alone, that would let anyone squat an address: the
real owner registering it later gets the "that email address cannot be used" notice.
So the claim lasts PENDING_ACCOUNT_TTL_SECONDS (a day; settings). After that the
account is void everywhere at once, before any prune runs: registration and the email
change delete it to take its names, a resend treats its number as unknown, and its
codes no longer verify. `prune_account_records` deletes the rest.

Pending means: inactive, phone never verified, never signed in, and holding a number.
A verified account that staff deactivated, or a staff account made without a phone,
is never pending.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from users.models import User


def pending_cutoff(now):
    """Registrations made at or before this moment are void."""
    return now - timedelta(seconds=settings.PENDING_ACCOUNT_TTL_SECONDS)


def expired_pending(now) -> Q:
    """The accounts whose registration is pending and void at `now`."""
    return Q(
        is_active=False,
        phone_verified_at__isnull=True,
        last_login__isnull=True,
        phone_number__isnull=False,
        date_joined__lte=pending_cutoff(now),
    )


def expired_claims_release(*, now, username=None, email=None, phone=None) -> int:
    """Delete the void registrations holding `username`, `email` or `phone` (any case);
    return how many. Called before a name or address is checked for being taken."""
    holds = Q(pk__in=[])
    if username:
        holds |= Q(username__iexact=username)
    if email:
        holds |= Q(email__iexact=email)
    if phone:
        holds |= Q(phone_number=phone)
    return User.objects.filter(expired_pending(now), holds).delete()[1].get("users.User", 0)
