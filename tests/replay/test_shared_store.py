"""Replay of the finding about the shared store, against the production stack.

One evicting Redis held the response cache, logout's deny-list and the rate-limit
windows: anonymous `page_size=100` pages with junk parameters (each its own cache key)
filled it, evicted the deny-list (a signed-out access token worked again on both
doors) and reset the windows (register's count went from 34 to 1). The stack runs
production's layout: the cache on its own evicting Redis with a small budget, the
security state on another. The cache is filled past its budget here, and the
signed-out token and a window are checked afterwards.
"""

from http import HTTPStatus

import redis

from core.security.bearer import TOKEN_SIGNED_OUT
from core.security.ratelimit import rate_of
from tests.replay.stack import CACHE_BUDGET_BYTES, REPLAY
from users.tests.helpers import LOGOUT_URL, REGISTER_URL

pytestmark = REPLAY

# Anonymous pages worth this many budgets are sent: far past what the cache holds.
FILL_BUDGETS = 2
PAGE_MOVIES = 100
ME = "/api/users/me/"
WINDOW_CLIENT = "198.51.100.60"


def movies_for_big_pages(stack) -> None:
    """Enough movies, with plots long enough, for a page of 100 to weigh tens of
    kilobytes (under the cache's entry bound, so each page is stored)."""
    stack.shell(
        "import datetime; from movies.models import Movie; "
        "Movie.objects.bulk_create(Movie(title=f'Filler {n}', plot='p' * 300, "
        f"release_date=datetime.date(1990, 1, 1)) for n in range({PAGE_MOVIES}))"
    )


def test_a_cache_filled_past_its_budget_keeps_the_deny_list_and_the_windows(stack, account):
    # given: a session signed out (its access token is on the deny-list) ...
    logout = stack.send("POST", LOGOUT_URL, account=account, json={"refresh": account.refresh})
    assert logout.status_code == HTTPStatus.OK, logout.text
    # ... and an address that has used all but one of its registrations this hour
    allowed, _ = rate_of("register")
    for _ in range(allowed - 1):
        early = stack.send("POST", REGISTER_URL, client=WINDOW_CLIENT, json={})
        assert early.status_code == HTTPStatus.BAD_REQUEST, early.text

    # when: anonymous callers fill the cache with big pages, each its own key
    movies_for_big_pages(stack)
    pages = filled = 0
    while filled < FILL_BUDGETS * CACHE_BUDGET_BYTES:
        page = stack.send(
            "GET",
            f"/api/movies/?page_size={PAGE_MOVIES}&junk={pages}",
            client=f"10.60.{pages // 250}.{pages % 250 + 1}",
        )
        assert page.status_code == HTTPStatus.OK, page.text[:300]
        pages, filled = pages + 1, filled + len(page.content)

    # then: the cache was filled past its budget: it evicted pages
    cache = redis.Redis.from_url(stack.env["REDIS_URL"])
    assert cache.info("stats")["evicted_keys"] > 0
    assert cache.dbsize() < pages
    # and the signed-out token is still refused, on both doors
    rest = stack.send("GET", ME, account=account)
    assert rest.status_code == HTTPStatus.UNAUTHORIZED, rest.text
    assert rest.json()["detail"] == TOKEN_SIGNED_OUT
    me = {"query": "{ me { username } }"}
    graphql = stack.send("POST", "/graphql/", account=account, json=me)
    assert graphql.json()["errors"][0]["message"] == TOKEN_SIGNED_OUT
    assert not (graphql.json().get("data") or {}).get("me")
    # and the address's window still holds its registrations: one more, then refused
    last = stack.send("POST", REGISTER_URL, client=WINDOW_CLIENT, json={})
    assert last.status_code == HTTPStatus.BAD_REQUEST, last.text
    refused = stack.send("POST", REGISTER_URL, client=WINDOW_CLIENT, json={})
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS, refused.text
    assert refused.json()["code"] == "throttled"
