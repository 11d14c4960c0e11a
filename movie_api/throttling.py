"""Throttles that report their state as X-RateLimit-* headers.

Every throttle here records (limit, remaining, reset) on the Django request; the
RateLimitHeadersMiddleware writes the most restrictive one onto the response, so a
429 and a 200 both say where the caller stands. The client is identified by the
socket address unless NUM_PROXIES says how many X-Forwarded-For hops to believe.
"""

import math

from rest_framework import throttling


def client_ip(request) -> str:
    """The caller's address, as throttles see it (not spoofable by X-Forwarded-For)."""
    return throttling.BaseThrottle().get_ident(request)


class RateLimitHeadersMixin:
    """Records the throttle's state on the request for the headers middleware."""

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if getattr(self, "rate", None) and getattr(self, "key", None) is not None:
            history = getattr(self, "history", [])
            now = self.now if hasattr(self, "now") else self.timer()
            reset = math.ceil(history[-1] + self.duration - now) if history else self.duration
            state = {
                "limit": self.num_requests,
                "remaining": max(self.num_requests - len(history), 0),
                "reset": max(reset, 0),
            }
            django_request = getattr(request, "_request", request)
            states = getattr(django_request, "ratelimit_states", [])
            states.append(state)
            django_request.ratelimit_states = states
        return allowed


class AnonRateThrottle(RateLimitHeadersMixin, throttling.AnonRateThrottle):
    """Per-address limit for anonymous callers."""


class UserRateThrottle(RateLimitHeadersMixin, throttling.UserRateThrottle):
    """Per-user limit for signed-in callers (per address for anonymous ones)."""


class ScopedRateThrottle(RateLimitHeadersMixin, throttling.ScopedRateThrottle):
    """Per-view scope (`throttle_scope`), keyed on user or address."""


class AddressScopedRateThrottle(RateLimitHeadersMixin, throttling.SimpleRateThrottle):
    """Per-view scope keyed on the client address only, even for signed-in users.

    For endpoints used before sign-in (register, OTP, login, refresh), where the
    address is the only thing that identifies a caller.
    """

    scope_attr = "throttle_scope"

    def __init__(self):
        # The rate is looked up once the view's scope is known.
        pass

    def allow_request(self, request, view):
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class RateLimitHeadersMiddleware:
    """Adds X-RateLimit-Limit/-Remaining/-Reset from the tightest throttle consulted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        states = getattr(request, "ratelimit_states", None)
        if states:
            tightest = min(states, key=lambda s: (s["remaining"], -s["reset"]))
            response["X-RateLimit-Limit"] = str(tightest["limit"])
            response["X-RateLimit-Remaining"] = str(tightest["remaining"])
            response["X-RateLimit-Reset"] = str(tightest["reset"])
        return response
