"""Rate limits for both doors: every limit of a request checked in ONE store call.

A request is subject to a few limits (`Limit`: a scope such as "anon", "user" or
"login", and who is counted: an address or a user). `check_rate(request, limits)`
checks and counts all of them at once: with Redis, one Lua script call (one round
trip) runs DRF's sliding window atomically for each key; with any other cache (local
memory, the embedded default) the same window is kept in the cache as DRF keeps it.
The figures (limit, remaining, reset, wait) are DRF's, so the X-RateLimit-* and
Retry-After headers read the same whichever door or store answered. This module says
which limits apply and at what rate; `limits` holds the figures, `window` the counting
in the store.

When the store fails (docs/security.md, "Redis down"), limits that `fail_open` let
the request through with a logged warning; a failing `fail_open=False` limit (the
account endpoints) makes the decision `unavailable`, which the doors answer with 503.
"""

import functools
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.metrics import THROTTLE_REFUSALS
from core.security import window
from core.security.client import client_ip
from core.security.limits import Decision, Limit
from core.security.store import guarded

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
STORE_UNAVAILABLE_MESSAGE = "Temporarily unavailable. Please try again shortly."
STORE_WARNING = (
    "Rate-limit store unavailable (%s: %s): general limits fail open, account limits "
    "fail closed (503); further failures in the next %.1f s are not logged"
)


@functools.lru_cache(maxsize=64)
def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """'600/min' -> (600, 60); None means no limit."""
    if rate is None:
        return None
    number, period = rate.split("/")
    return int(number), PERIODS[period[0]]


def configured_rates() -> dict:
    """The rates of every scope (settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])."""
    return settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})


def rate_of(scope: str) -> tuple[int, int] | None:
    try:
        return parse_rate(configured_rates()[scope])
    except KeyError:
        raise ImproperlyConfigured(f"No rate-limit rate set for scope '{scope}'.") from None


def _signed_in_user(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def anon_limit(request) -> Limit | None:
    """Per address, for anonymous callers only."""
    return None if _signed_in_user(request) else Limit("anon", client_ip(request))


def user_limit(request, scope: str = "user") -> Limit:
    """Per user when signed in, per address otherwise."""
    user = _signed_in_user(request)
    return Limit(scope, str(user.pk) if user else client_ip(request))


def address_limit(request, scope: str) -> Limit:
    """Per address even for signed-in callers; fails CLOSED (endpoints used before sign-in)."""
    return Limit(scope, client_ip(request), fail_open=False)


def check_rate(
    request, limits: Iterable[Limit], *, then: Iterable[Limit] = (), read: Iterable[str] = ()
) -> Decision:
    """Check and count `limits` for `request` in one store call; record the headers.

    `then` are counted in the same call only when every one of `limits` allows the
    request (a limit may appear there more than once: each occurrence counts once).
    `read`: keys of the security store whose values come back in the same call
    (`Decision.read`). The states are appended to `request.ratelimit_states` (the
    Django request), which RateLimitHeadersMiddleware turns into X-RateLimit-* headers.
    """
    gate = _rated(limits)
    rated = gate + _rated(then)
    read = list(read)
    if not rated and not read:
        return Decision()
    decision = guarded(
        lambda: window.count(rated, len(gate), read),
        on_failure=lambda: Decision(unavailable=any(not limit.fail_open for limit, _ in rated)),
        warning=STORE_WARNING,
    )
    django_request = getattr(request, "_request", request)
    states = getattr(django_request, "ratelimit_states", [])
    states.extend(state.headers() for state in decision.states)
    django_request.ratelimit_states = states
    checked = frozenset(limit for limit, _ in rated)
    earlier = getattr(django_request, "ratelimit_checked", [])
    django_request.ratelimit_checked = [*earlier, (checked, decision)]
    for state in decision.refused:
        THROTTLE_REFUSALS.labels(scope=state.limit.scope).inc()
    return decision


def checked_limits(request) -> set[Limit]:
    """The limits this request was already checked (and counted) against."""
    django_request = getattr(request, "_request", request)
    return set().union(*(limits for limits, _ in getattr(django_request, "ratelimit_checked", [])))


def check_rate_once(request, limits: Iterable[Limit]) -> Decision:
    """`check_rate` for the limits of `limits` this request was not checked against yet
    (one store call at most); the decision covers all of `limits`.

    So an early layer (a response cache answering anonymous hits) and the REST door's
    throttles can each ask for the limits they need without counting a request twice.
    """
    django_request = getattr(request, "_request", request)
    limits = list(limits)
    missing = [limit for limit in dict.fromkeys(limits) if limit not in checked_limits(request)]
    if missing:
        check_rate(request, missing)
    earlier: list[tuple[frozenset, Decision]] = getattr(django_request, "ratelimit_checked", [])
    wanted = set(limits)
    if len(earlier) == 1 and earlier[0][0] == wanted:  # one call checked exactly these
        return earlier[0][1]
    return Decision(
        states=[s for _, d in earlier for s in d.states if s.limit in wanted],
        unavailable=any(d.only(wanted & checked).unavailable for checked, d in earlier),
    )


def _rated(limits: Iterable[Limit]) -> list[tuple[Limit, tuple[int, int]]]:
    return [(limit, rate) for limit in limits if (rate := rate_of(limit.scope)) is not None]
