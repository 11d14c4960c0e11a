"""Security state and cached answers live in two stores, and fail separately.

The security store (alias "security") keeps logout's deny-list, the rate-limit windows
and the response cache's generation; the cache (alias "default") keeps the answers.
Here both are the test settings' stores (two local-memory caches, or one Redis
database for both in CI's Redis pass); tests/test_security_store.py runs them as two
redis-servers.
"""

import logging
from http import HTTPStatus

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from core.caching import generation
from core.security.bearer import REVOKED_ACCESS_KEY
from core.security.store import store_circuit
from core.tests.store_faults import _DeadStore
from movies.tests.factories import MovieFactory
from users.tests.factories import UserFactory
from users.tests.helpers import LOGIN_URL, LOGOUT_URL

pytestmark = pytest.mark.django_db

LIST = "/api/movies/"


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.RESPONSE_CACHE_ENABLED = True


def test_the_deny_list_the_windows_and_the_generation_are_in_the_security_store(api_client):
    # given a signed-out session and an anonymous read the response cache stored
    user = UserFactory()
    tokens = api_client.post(
        LOGIN_URL, {"username": user.username, "password": "pass-Word-123"}, format="json"
    ).json()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    client.post(LOGOUT_URL, {"refresh": tokens["refresh"]}, format="json")
    MovieFactory()
    api_client.get(LIST)
    # then each piece of security state is in the security store
    security = caches["security"]
    deny_key = REVOKED_ACCESS_KEY.format(jti=AccessToken(tokens["access"])["jti"])
    assert security.get(deny_key) is not None
    assert window_size(security, "throttle_login_127.0.0.1") == 1
    assert window_size(security, "throttle_anon_127.0.0.1") == 1
    assert security.get(generation.GENERATION_KEY) is not None


def window_size(store, key: str) -> int:
    """Requests in a rate-limit window: on Redis a sorted set the script keeps under
    `<key>:window`, in local memory an array of times under `key`."""
    if hasattr(store, "client"):
        return store.client.get_client().zcard(store.make_key(f"{key}:window"))
    return len(store.get(key) or ())


def test_a_cache_outage_leaves_reads_up_and_still_counted(
    settings, api_client, monkeypatch, caplog
):
    # given a catalog, and the cache (the answers' store) failing on every call while
    # the security store answers
    MovieFactory.create_batch(2)
    limit = 50
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": f"{limit}/min",
        },
    }
    store_circuit.reset()  # no warning of an earlier test's outage holds this one back
    monkeypatch.setattr(generation, "store", _DeadStore)
    # when an anonymous caller reads the list twice
    with caplog.at_level(logging.WARNING):
        first, second = api_client.get(LIST), api_client.get(LIST)
    # then both are answered in full from the database, and both were counted
    for response in (first, second):
        assert response.status_code == HTTPStatus.OK
        assert response.json()["count"] == 2
        assert "X-Cache" not in response
    remaining = [int(r["X-RateLimit-Remaining"]) for r in (first, second)]
    assert remaining == [limit - 1, limit - 2]
    # and the warning names the response cache, not the rate limits
    warnings = [r.getMessage() for r in caplog.records if r.name == "core.security"]
    assert warnings and warnings[0].startswith("Response cache store unavailable")
