"""What a rate limit is and what checking it decided: the figures DRF gives.

`Limit` names a scope and who is counted; `LimitState` is where a caller stands against
one limit after a request (limit, remaining, reset, wait: the X-RateLimit-* and
Retry-After headers); `Decision` is the outcome of one `check_rate` call
(core/security/ratelimit.py), which core/security/window.py fills in.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Limit:
    """One rate limit that applies to a request: `scope` counted per `ident`."""

    scope: str
    ident: str
    fail_open: bool = True

    @property
    def key(self) -> str:
        # DRF's cache key format, so counters survive the change of implementation.
        return f"throttle_{self.scope}_{self.ident}"


@dataclass
class LimitState:
    """Where a caller stands against one limit after this request (DRF's figures)."""

    limit: Limit
    num_requests: int
    duration: int
    allowed: bool
    count: int  # requests in the window, this one included when allowed
    oldest: float  # time of the oldest request in the window
    now: float

    @property
    def remaining(self) -> int:
        return max(self.num_requests - self.count, 0)

    @property
    def reset(self) -> int:
        if not self.count:
            return self.duration
        return max(math.ceil(self.oldest + self.duration - self.now), 0)

    @property
    def wait(self) -> float | None:
        """Seconds until a request would be allowed (DRF's `wait()`); None if never."""
        elapsed = self.now - self.oldest if self.count else 0
        available = self.num_requests - self.count + 1
        return (self.duration - elapsed) / available if available > 0 else None

    def headers(self) -> dict:
        return {"limit": self.num_requests, "remaining": self.remaining, "reset": self.reset}


@dataclass
class Decision:
    """The outcome of one `check_rate` call."""

    states: list[LimitState] = field(default_factory=list)
    # A fail-closed limit could not be checked (the store is down): answer 503.
    unavailable: bool = False
    # The values of `check_rate(read=...)`'s keys, read in the same store call (a
    # missing key is absent); None when the store failed.
    read: dict | None = None

    @property
    def refused(self) -> list[LimitState]:
        return [state for state in self.states if not state.allowed]

    @property
    def allowed(self) -> bool:
        return not self.unavailable and not self.refused

    @property
    def wait(self) -> float | None:
        """The longest wait among the refusing limits (what Retry-After says)."""
        waits = [state.wait for state in self.refused if state.wait is not None]
        return max(waits, default=None)

    def only(self, limits: Iterable[Limit]) -> "Decision":
        """The part of this decision about `limits`."""
        wanted = set(limits)
        return Decision(
            states=[state for state in self.states if state.limit in wanted],
            unavailable=self.unavailable and any(not limit.fail_open for limit in wanted),
        )
