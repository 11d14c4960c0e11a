"""Failure counters for the desk's own password doors: ``/admin/`` and REST Basic auth.

People sign in through the movie API and have no desk password; only desk-local accounts
(a superuser for the admin) do. Those doors count wrong passwords per account name and
per address over a window, the way the movie API's sign-in does: past the limit, even the
right password is refused until the window passes, so guessing gains nothing.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from .models import PasswordFailure


def client_address(request) -> str:
    """The caller's address: REMOTE_ADDR, or the entry ``DESK_NUM_PROXIES`` hops back."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if request else ""
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    if settings.DESK_NUM_PROXIES and len(hops) >= settings.DESK_NUM_PROXIES:
        return hops[-settings.DESK_NUM_PROXIES]
    return (request.META.get("REMOTE_ADDR") if request else None) or "0.0.0.0"  # noqa: S104 - an address to count by, not to bind


def _recent():
    since = timezone.now() - timedelta(seconds=settings.DESK_PASSWORD_FAILURE_WINDOW_SECONDS)
    return PasswordFailure.objects.filter(at__gte=since)


def is_locked(username: str, address: str) -> bool:
    recent = _recent()
    return (
        recent.filter(username=username).count() >= settings.DESK_PASSWORD_MAX_FAILURES
        or recent.filter(address=address).count() >= settings.DESK_PASSWORD_MAX_FAILURES_PER_ADDRESS
    )


class GuardedModelBackend(ModelBackend):
    """Django's password check behind the failure counters (admin login, Basic auth)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        name, address = str(username)[:150], client_address(request)
        if is_locked(name, address):
            return None  # refused without looking at the password: the count stands
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            PasswordFailure.objects.create(username=name, address=address)
        return user
