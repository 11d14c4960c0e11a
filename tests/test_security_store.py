"""The security state survives a response cache filled past its memory budget.

Two redis-servers of our own, as docs/deploy.md asks for: the cache with a small
`maxmemory` and `allkeys-lru`, the security store with `noeviction`. Anonymous
`page_size=100` pages with junk parameters (each its own cache key) are stored until
the cache has evicted keys; logout's deny-list entry and the rate-limit windows, kept
in the security store, must all still be there. On one evicting Redis for both (the
layout before), the same fill evicted the deny-list and reset the windows.
"""

import shutil
from http import HTTPStatus

import pytest
import redis
from rest_framework.test import APIClient

from core.security.bearer import TOKEN_SIGNED_OUT
from core.security.store import store_circuit
from movie_api.settings.stores import redis_caches
from movies.tests.factories import MovieFactory
from scripts.faults.procs import RedisServer
from users.tests.factories import UserFactory
from users.tests.helpers import LOGIN_URL, LOGOUT_URL

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs the redis-server binary"),
]

# The cache's memory on top of what an empty redis-server already uses.
CACHE_BUDGET_BYTES = 1024 * 1024
# Anonymous pages worth this many budgets are stored: far past what the cache holds.
FILL_BUDGETS = 3
PASSWORD = "pass-Word-123"
ME = "/api/users/me/"


@pytest.fixture
def stores(settings):
    """(cache server, security server), both ours; the settings point at them."""
    cache_server = RedisServer(options=("--maxmemory-policy", "allkeys-lru"))
    security_server = RedisServer(options=("--maxmemory-policy", "noeviction"))
    with cache_server, security_server:
        cache_admin = redis.Redis.from_url(cache_server.url())
        baseline = cache_admin.info("memory")["used_memory"]
        cache_admin.config_set("maxmemory", baseline + CACHE_BUDGET_BYTES)
        settings.CACHES = redis_caches(cache_server.url(), security_server.url())
        # Every page is worth storing here: this test is about eviction, not the size bound.
        settings.RESPONSE_CACHE_MAX_ENTRY_BYTES = CACHE_BUDGET_BYTES
        store_circuit.reset()
        yield cache_admin, redis.Redis.from_url(security_server.url())
        store_circuit.reset()


def window(admin, scope: str) -> int:
    """How many requests the security store's `scope` window holds (one address here)."""
    (key,) = admin.keys(f"*throttle_{scope}_*:window")
    return admin.zcard(key)


def test_a_cache_filled_past_its_budget_keeps_the_deny_list_and_the_windows(stores, api_client):
    cache_admin, security_admin = stores
    # given a session signed out (its access token deny-listed) ...
    user = UserFactory()
    tokens = api_client.post(
        LOGIN_URL, {"username": user.username, "password": PASSWORD}, format="json"
    ).json()
    signed_out = APIClient()
    signed_out.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    logout = signed_out.post(LOGOUT_URL, {"refresh": tokens["refresh"]}, format="json")
    assert logout.status_code == HTTPStatus.OK
    # ... and three failed sign-ins from this address (the sign-in window holds four)
    for _ in range(3):
        wrong = {"username": user.username, "password": "wrong-password"}
        assert api_client.post(LOGIN_URL, wrong, format="json").status_code == (
            HTTPStatus.UNAUTHORIZED
        )
    assert window(security_admin, "login") == 4
    # when anonymous callers fill the cache with big pages, each its own key (a
    # page_size=100 page of this catalog is tens of kilobytes), several budgets' worth
    MovieFactory.create_batch(100)
    fill_pages = filled = 0
    while filled < FILL_BUDGETS * CACHE_BUDGET_BYTES:
        page = api_client.get(f"/api/movies/?page_size=100&junk={fill_pages}")
        assert page.status_code == HTTPStatus.OK
        fill_pages, filled = fill_pages + 1, filled + len(page.content)
    # then the cache really was filled past its budget: it evicted pages
    assert cache_admin.info("stats")["evicted_keys"] > 0
    assert cache_admin.dbsize() < fill_pages
    # and the signed-out token is still refused on both doors
    refused = signed_out.get(ME)
    assert refused.status_code == HTTPStatus.UNAUTHORIZED
    assert refused.json()["detail"] == TOKEN_SIGNED_OUT
    graphql = signed_out.post("/graphql/", {"query": "{ me { username } }"}, format="json")
    assert graphql.json()["errors"][0]["message"] == TOKEN_SIGNED_OUT
    # and the windows kept every request: the sign-in tries, and each anonymous page
    assert window(security_admin, "login") == 4
    assert window(security_admin, "anon") >= fill_pages
    # and nothing was ever evicted from the security store
    assert security_admin.info("stats")["evicted_keys"] == 0
    assert security_admin.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}
