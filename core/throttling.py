"""The REST door's rate limits: thin DRF adapters over core.security.ratelimit.

DRF asks each throttle class of a view in turn. The first one asked checks the limits
of ALL the view's throttles in one store call (`check_rate_once`, one Redis round
trip; limits an earlier layer already checked for this request are not counted
again); each class then answers for its own limits. So a
request costs one round trip however many throttles apply, and DRF still raises one
429 with the longest wait as Retry-After.

When the store is down the general throttles (anon, user, scoped) fail open; the
per-address throttles of the operations (register, OTP, login, refresh) fail closed
with a 503 (docs/security.md).
"""

from rest_framework import throttling

from core.errors import Unavailable
from core.security import ratelimit
from core.security.ratelimit import STORE_UNAVAILABLE_MESSAGE, Limit


class RateThrottle(throttling.BaseThrottle):
    """A DRF throttle answering from the request's one rate-limit decision."""

    def limits(self, request, view) -> list[Limit]:
        raise NotImplementedError

    def allow_request(self, request, view):
        mine = self.limits(request, view)
        # The first throttle asked checks the limits of all the view's throttles.
        every = list(mine)
        get_throttles = getattr(view, "get_throttles", None)
        for throttle in get_throttles() if get_throttles else ():
            if isinstance(throttle, RateThrottle):
                every += throttle.limits(request, view)
        ratelimit.check_rate_once(request, every)
        self.decision = ratelimit.check_rate_once(request, mine)
        if self.decision.unavailable:
            raise Unavailable(STORE_UNAVAILABLE_MESSAGE)
        return not self.decision.refused

    def wait(self):
        return self.decision.wait


class AnonRateThrottle(RateThrottle):
    """Per-address limit for anonymous callers (scope "anon"); fails open."""

    def limits(self, request, view):
        limit = ratelimit.anon_limit(request)
        return [limit] if limit else []


class UserRateThrottle(RateThrottle):
    """Per-user limit (per address for anonymous callers), scope "user"; fails open."""

    def limits(self, request, view):
        return [ratelimit.user_limit(request)]


class ScopedRateThrottle(RateThrottle):
    """Per-view scope (the view's `scope_attr`), keyed on user or address; fails open."""

    scope_attr = "throttle_scope"

    def limits(self, request, view):
        scope = getattr(view, self.scope_attr, None)
        return [ratelimit.user_limit(request, scope)] if scope else []


class OperationRateThrottle(RateThrottle):
    """The per-address scope of the view's operation (core/operations.py), keyed
    on the client address only, even for signed-in users.

    For operations used before sign-in (register, OTP, login, refresh) the address is
    the only thing that identifies a caller. Fails CLOSED: when the store is down the
    request is refused with 503 rather than served unthrottled.
    """

    def limits(self, request, view):
        scope = view.current_operation().scope
        return [ratelimit.address_limit(request, scope)] if scope else []
