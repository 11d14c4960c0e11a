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
