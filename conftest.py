"""Fixtures every test module may use: clients, users and a GraphQL helper."""

import pytest
from django.core.cache import caches
from django.core.signals import setting_changed
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from core.caching.generation import near_cache
from core.security.store import store_circuit
from users.tests.factories import UserFactory

# No per-example deadline for property tests: on a busy CI machine any deadline is a
# coin toss, and speed is the benchmarks' job (docs/testing.md).
hypothesis_settings.register_profile("movie_api", deadline=None)
hypothesis_settings.load_profile("movie_api")


def pytest_collection_modifyitems(config, items):
    """`e2e` tests belong to the slow tier; `pg` tests need PostgreSQL with real threads."""
    from django.conf import settings

    for item in items:
        # A test that starts a server is slow and must not share a core with xdist
        # workers: it runs in the serial slow tier (docs/testing.md).
        if "e2e" in item.keywords and "slow" not in item.keywords:
            item.add_marker(pytest.mark.slow)
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL); runs in CI's PG pass")
    for item in items:
        if "pg" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _clear_cache():
    # Throttle windows and the deny-list live in the security store, answers in the
    # cache; one test's requests must not throttle the next. The response cache's
    # per-process copies go too: a test reads what its own store holds.
    _clear_stores()
    yield
    _clear_stores()


def _clear_stores():
    for store in caches.all():
        store.clear()
    near_cache.clear()


def _forget_store_state(*, setting, **kwargs):
    """A test that points CACHES at another store (its own Redis, a dead port) starts
    with a closed circuit and no per-process copies: the generations and failures this
    process saw belong to the old store. Only tests swap stores, so the hook is here."""
    if setting in ("CACHES", "RESPONSE_CACHE_NEAR_BYTES"):
        near_cache.clear()
    if setting == "CACHES":
        store_circuit.reset()


setting_changed.connect(_forget_store_state, dispatch_uid="conftest.forget_store_state")


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


def error_json(response) -> dict:
    """The JSON error body without its `request_id`, after checking that it is the one
    the response's X-Request-ID header carries (opskit, in libs/opskit, adds it to every
    JSON error). For tests that compare whole error bodies."""
    body = dict(response.json())
    assert body.pop("request_id") == response["X-Request-ID"]
    return body


def bearer_client(user) -> APIClient:
    """An APIClient that sends a fresh JWT access token for `user`."""
    client = APIClient()
    token = RefreshToken.for_user(user).access_token
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def auth_client(user):
    return bearer_client(user)


@pytest.fixture
def staff_client(staff):
    return bearer_client(staff)


@pytest.fixture
def gql(api_client):
    """Run a GraphQL document: gql(query, variables=None, client=None) -> response JSON."""

    def run(query, variables=None, client=None):
        response = (client or api_client).post(
            "/graphql/", {"query": query, "variables": variables or {}}, format="json"
        )
        return response.json()

    return run
