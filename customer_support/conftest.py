"""Fixtures shared by the customer support tests."""

import pytest
from rest_framework.test import APIClient

from tickets.tests.factories import StaffFactory, UserFactory
from tickets.tests.fake_movie_api import FakeMovieApi


def pytest_collection_modifyitems(config, items):
    """`e2e` tests (a real movie API on a loopback port) belong to the slow tier."""
    for item in items:
        if "e2e" in item.keywords and "slow" not in item.keywords:
            item.add_marker(pytest.mark.slow)


def error_json(response) -> dict:
    """The JSON error body without its `request_id`, after checking that it is the one
    the response's X-Request-ID header carries (opskit, in ../libs/opskit, adds it to every
    JSON error). For tests that compare whole error bodies."""
    body = dict(response.json())
    assert body.pop("request_id") == response["X-Request-ID"]
    return body


@pytest.fixture
def api_client() -> APIClient:
    """An anonymous REST client."""
    return APIClient()


@pytest.fixture
def user(db):
    """A customer."""
    return UserFactory(username="alice")


@pytest.fixture
def other_user(db):
    """Another customer, whose tickets alice must never see."""
    return UserFactory(username="bob")


@pytest.fixture
def staff(db):
    """A support agent."""
    return StaffFactory(username="agent")


@pytest.fixture
def auth_client(user) -> APIClient:
    """A REST client signed in as the customer."""
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def staff_client(staff) -> APIClient:
    """A REST client signed in as the support agent."""
    client = APIClient()
    client.force_authenticate(staff)
    return client


@pytest.fixture
def movie_api(settings):
    """A fake movie API on a loopback port, configured as the one this project talks to."""
    with FakeMovieApi() as fake:
        settings.MOVIE_API_GRAPHQL_URL = fake.url
        settings.MOVIE_API_TOKEN = ""
        yield fake


@pytest.fixture
def provider(settings):
    """The movie API as an OpenID Connect provider (and GraphQL API) on a loopback port."""
    from accounts.tests.fake_provider import CLIENT_ID, CLIENT_SECRET, FakeProvider

    with FakeProvider() as fake:
        settings.MOVIE_API_URL = settings.MOVIE_API_INTERNAL_URL = fake.base
        settings.MOVIE_API_GRAPHQL_URL = fake.url
        settings.MOVIE_API_OAUTH_ISSUER = fake.issuer
        settings.MOVIE_API_OAUTH_CLIENT_ID = CLIENT_ID
        settings.MOVIE_API_OAUTH_CLIENT_SECRET = CLIENT_SECRET
        settings.MOVIE_API_TOKEN = ""
        yield fake


def sign_in_through(client, provider, *, sub: str = "41", next_url: str = ""):
    """The whole code flow with Django's test client; returns the callback's answer."""
    start = client.get("/sign-in/start/", {"next": next_url} if next_url else {})
    assert start.status_code == 302, start
    callback = provider.consent(start.url, sub=sub)
    return client.get(callback.removeprefix("http://testserver"))
