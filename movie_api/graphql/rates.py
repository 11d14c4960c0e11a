"""Rate limits over GraphQL, with the same scopes, rates and counters as REST.

The whole request is subject to the caller's general limit ("user" when signed in,
else "anon"); each account mutation field also counts against the per-address scope
of its REST twin (login, otp_verify, ...), once per field, so every alias of a
repeated mutation counts. The figures and messages are those of
movie_api/security/ratelimit.py.
"""

from movie_api.errors import Throttled as ThrottledError
from movie_api.errors import Unavailable
from movie_api.graphql.errors import Throttled
from movie_api.security import ratelimit


def request_limits(request) -> list[ratelimit.Limit]:
    """The general limit that applies to this caller. For anonymous callers "anon" and
    "user" both key on the address and "anon" is the tighter, so only it is counted."""
    return [ratelimit.anon_limit(request) or ratelimit.user_limit(request)]


def retry_after(wait: float | None) -> int | None:
    """Retry-After / retryAfter in whole seconds, never 0."""
    return int(wait) + 1 if wait is not None else None


def check_throttle(info, scope: str) -> None:
    """Count one use of the per-address `scope`; THROTTLED (or 503) when over it."""
    decision = ratelimit.check_rate(info.context, [ratelimit.address_limit(info.context, scope)])
    if decision.unavailable:
        raise Unavailable(ratelimit.STORE_UNAVAILABLE_MESSAGE)
    if decision.refused:
        raise Throttled(ThrottledError.default_message, retryAfter=retry_after(decision.wait))
