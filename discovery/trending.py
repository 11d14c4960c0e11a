"""Trending movies: recent activity, decayed by age (GET /api/movies/trending/,
GraphQL `trendingMovies`).

The formula (README.md, "Discovery"). The ranking is computed as of `T`, the start of
the next whole hour (UTC). Every event of the window is counted once:

    score(movie) = sum of weight(event) * 0.5 **  (age(event) / half_life)

- events: a rating (`updated_at`: a change of mind is new activity), a review
  (`created_at`), a list add (`added_at`: favorite, watchlist or watched), a diary
  entry (`created_at`: when it was logged, so an import keeps its old dates and does
  not make old watches trend) and a movie put on a user's own list (`added_at`; a
  list's movie is a list add too, and costs nothing more to count: private lists
  count as the private favorites do, since only the totals show);
- weight: `WEIGHTS` (a review or a favorite says more than a rating or a list add);
- age: whole hours from the start of the event's hour to `T`, so 1 for an event of the
  current hour; the window keeps events of age 1..24 (`day`) or 1..168 (`week`);
- half_life: 6 hours for `day`, 48 hours for `week`.

Ties are broken by movie id; movies without activity in the window are not listed.

Ages in whole hours let each event be counted once, when it is written, into its
(movie, hour, kind) row of `movies.MovieActivity` (movies/activity.py says how every
write keeps it exact), and into its movie's decayed sum of each window
(`movies.MovieTrend`), which is measured from a fixed hour so that time changes only
which hours are summed (movies/trends.py). A ranking moves the sums to the current
hour (once an hour: one grouped read of the hour that left) and reads its hundred best
rows from an index. Whole hours also make the ranking the same for every request of
the hour: it is stored in the cache under (window, T) with the generations of the
tables it read (core/caching/shared.py); every write of the counts bumps theirs, so a
new rating, review, list add or diary entry invalidates it at once and the next hour's
`T` starts a new key. An answer that contains it and is cached under a key without the
hour calls `depends_on_clock()`, so that cache never stores it (the response cache keys
a GraphQL query by its text only).
"""

import datetime
import hashlib
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

from core.caching import invalidation
from core.caching.shared import remembered
from core.errors import Invalid
from movies import trends
from movies.activity import hour_of
from movies.trends import WEIGHTS, WINDOWS  # noqa: F401 (declared with the sums)

HOUR = datetime.timedelta(hours=1)
WINDOW_MESSAGE = "Either day or week."
# How many movies a ranking keeps (the most a page shows).
TRENDING_MAX = 100
LIMIT_DEFAULT = 20
LIMIT_MESSAGE = f"A whole number from 1 to {TRENDING_MAX}."
# A pseudo table no model has: noted by an answer that depends on the clock, it keeps
# the response cache from storing that answer whole (invalidation.dependencies).
CLOCK = "(clock)"


def window_clean(value: Any, *, field: str = "window") -> str:
    """`day` (the default when absent) or `week`; anything else is a field error."""
    if value is None or value == "":
        return "day"
    text = str(value).strip().lower()
    if text not in WINDOWS:
        raise Invalid(field, WINDOW_MESSAGE)
    return text


def limit_clean(value: Any, *, field: str = "limit") -> int:
    if value is None or value == "":
        return LIMIT_DEFAULT
    try:
        number = int(str(value).strip())
    except ValueError:
        raise Invalid(field, LIMIT_MESSAGE) from None
    if not 1 <= number <= TRENDING_MAX:
        raise Invalid(field, LIMIT_MESSAGE)
    return number


def as_of(now: datetime.datetime | None = None) -> datetime.datetime:
    """`T`: the start of the hour after `now` (UTC)."""
    now = (now or timezone.now()).astimezone(datetime.UTC)
    return now.replace(minute=0, second=0, microsecond=0) + HOUR


def _cache_key(window: str, end: datetime.datetime) -> str | None:
    """None (computed, not stored) when the cache is off or inside a transaction, whose
    uncommitted rows must not be told to other processes (as core/caching/pages.py)."""
    if not settings.RESPONSE_CACHE_ENABLED or any(
        connection.in_atomic_block for connection in connections.all(initialized_only=True)
    ):
        return None
    text = f"{window}\n{end.isoformat()}"
    return "discovery:trending:" + hashlib.sha256(text.encode()).hexdigest()


def trending_scores(window: str, end: datetime.datetime) -> list[tuple[int, float]]:
    """The ranking as of `end` recomputed from the counts, with no sums: (movie id,
    score), best first, ties by id. One query over the window's (movie, hour, kind)
    rows; what the sums must always equal (the tests), and any past hour's ranking."""
    last = hour_of(end)
    low = last - WINDOWS[window][0]
    return [
        (movie_id, score)
        for movie_id, _events, score in trends.sums(window, low, last, limit=TRENDING_MAX)
    ]


def settle_windows(now: datetime.datetime | None = None) -> dict[str, int]:
    """Move every window's sums to the hour of `now` (`manage.py settle_trending`, at
    the start of each hour, so that the hour's first ranking finds them there); returns
    each window's first hour summed."""
    last = hour_of(as_of(now))
    lows = {window: last - hours for window, (hours, _) in WINDOWS.items()}
    for window, low in lows.items():
        trends.settle(window, low)
    return lows


def current_scores(window: str, end: datetime.datetime) -> list[tuple[int, float]]:
    """The ranking as of `end`, from the decayed sums moved to its hour first."""
    last = hour_of(end)
    reference = trends.settle(window, last - WINDOWS[window][0])
    return trends.ranked(window, reference, last, TRENDING_MAX)


def trending(*, window: str, now: datetime.datetime | None = None) -> list[tuple[int, float]]:
    """The ranking of `window` as of the current hour's `T`, from the cache while no
    source was written (its key holds `T`, so it never outlives its hour)."""
    end = as_of(now)
    return remembered(_cache_key(window, end), lambda: current_scores(window, end))


def depends_on_clock() -> None:
    """Say that the answer being computed shows a ranking of this hour: an enclosing
    cache whose key does not hold the hour (the response cache's, a caller's) must not
    store it."""
    invalidation.note({CLOCK})
