"""Fixtures every test module may use: clients, users and a GraphQL helper."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from users.tests.factories import UserFactory


def pytest_collection_modifyitems(config, items):
    """`pg` tests need PostgreSQL with real threads; they run in CI's PostgreSQL pass."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL); runs in CI's PG pass")
    for item in items:
        if "pg" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _clear_cache():
    # Throttle counters live in the cache; one test's requests must not throttle the next.
    cache.clear()
    yield
    cache.clear()


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
    the response's X-Request-ID header carries (movie_api/opskit.py adds it to every
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
