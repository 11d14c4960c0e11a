"""Account answers that must not depend on the door or leak a registration.

The REST/GraphQL comparison itself is the parity table (tests/parity/); these tests
pin the headers and orders that table does not read.
"""

from http import HTTPStatus

from django.conf import settings

from users.tests.factories import UserFactory

LOGIN_URL = "/api/users/login/"


def test_per_username_login_429_describes_the_limit_that_refused(api_client, db):
    # given an account and a client that tries wrong passwords for it
    user = UserFactory()
    limit = settings.LOGIN_MAX_FAILURES_PER_ADDRESS_MINUTE
    for _ in range(limit):
        response = api_client.post(LOGIN_URL, {"username": user.username, "password": "nope"})
        assert response.status_code == HTTPStatus.UNAUTHORIZED

    # when it tries once more (the address throttle of the login scope still has room)
    refused = api_client.post(LOGIN_URL, {"username": user.username, "password": "nope"})

    # then the 429 carries the per-username limit, with nothing remaining
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert refused.json()["detail"] == "Too many failed sign-in attempts. Try again later."
    assert refused["X-RateLimit-Limit"] == str(limit)
    assert refused["X-RateLimit-Remaining"] == "0"
    assert 1 <= int(refused["X-RateLimit-Reset"]) <= 60
    assert int(refused["Retry-After"]) == int(refused["X-RateLimit-Reset"])


def test_resend_answers_the_same_for_a_pending_and_an_unknown_number(api_client, db):
    # given a number someone registered a moment ago from another address
    from users import services

    pending, unknown = "+14155550177", "+14155550178"
    services.user_register(
        username="someone",
        email="someone@example.com",
        password="a-Long-pass-42",
        password_confirm="a-Long-pass-42",
        phone_number=pending,
        client_ip="10.1.2.3",
    )

    # when a stranger asks for a code for it, and for a number nobody registered
    for_pending = api_client.post("/api/users/otp/resend/", {"phone_number": pending})
    for_unknown = api_client.post("/api/users/otp/resend/", {"phone_number": unknown})

    # then both answers are the same, so the registration stays private
    assert for_pending.status_code == for_unknown.status_code == HTTPStatus.OK
    assert for_pending.json() == for_unknown.json()
