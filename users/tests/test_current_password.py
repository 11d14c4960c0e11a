"""The current password, asked before a sensitive change, is checked by one rule.

Every caller (REST: password, profile email, email, phone, deletion; GraphQL: email,
phone, deletion) counts a wrong password as a failed sign-in from the caller's address,
and the sign-in limits of that address then refuse further tries, the right password
included, and the login form too.
"""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.utils import timezone

from conftest import bearer_client
from movie_api.security.ratelimit import configured_rates
from users.models import LoginFailure
from users.services import TOO_MANY_SIGN_INS_MESSAGE, WRONG_PASSWORD_MESSAGE
from users.tests.factories import UserFactory
from users.tests.helpers import LOGIN_URL

pytestmark = pytest.mark.django_db

PASSWORD = "pass-Word-123"
LIMIT = settings.LOGIN_MAX_FAILURES_PER_ADDRESS_MINUTE

NEW_PHONE = "+14155559876"
# path, method, the password's field, and the rest of the body, of every REST caller.
REST_CALLERS = {
    "password": ("/api/users/me/password/", "post", "old_password", {"new_password": "N3w-Pass"}),
    "profile email": ("/api/users/me/", "patch", "current_password", {"email": "new@example.com"}),
    "email": ("/api/users/me/email/", "post", "password", {"email": "new@example.com"}),
    "phone": ("/api/users/me/phone/", "post", "password", {"phone_number": NEW_PHONE}),
    "deletion": ("/api/users/me/delete/", "post", "password", {}),
}

GRAPHQL_CALLERS = {
    "email": 'mutation($p: String!) { changeEmail(password: $p, email: "new@example.com") { ok } }',
    "phone": "mutation($p: String!, $n: String!) {"
    " requestPhoneChange(password: $p, phoneNumber: $n) { ok } }",
    "deletion": "mutation($p: String!) { deleteAccount(password: $p) { ok } }",
}


@pytest.fixture(autouse=True)
def roomy_request_throttles(monkeypatch):
    """The per-request throttles out of the way, so the database limits are what refuses."""
    for scope in ("login", "email_change"):
        monkeypatch.setitem(configured_rates(), scope, "1000/min")


@pytest.fixture
def member():
    return UserFactory(phone_number="+14155550111", phone_verified_at=timezone.now())


def failures(user) -> list[str]:
    return list(LoginFailure.objects.filter(user=user).values_list("client_ip", flat=True))


@pytest.mark.parametrize("caller", REST_CALLERS)
def test_wrong_current_passwords_over_rest_count_and_then_lock_the_address(caller, member):
    path, method, field, body = REST_CALLERS[caller]
    client = bearer_client(member)
    send = getattr(client, method)

    # when the caller sends a wrong current password as often as the limit allows
    for _ in range(LIMIT):
        wrong = send(path, {**body, field: "guess-1"}, format="json")
        # then each is refused on the password field with the one message
        assert wrong.status_code == HTTPStatus.BAD_REQUEST
        assert wrong.json()["errors"] == [
            {"field": field, "code": "invalid", "message": WRONG_PASSWORD_MESSAGE}
        ]
    # and each counts as a failed sign-in from the caller's address
    assert failures(member) == ["127.0.0.1"] * LIMIT

    # when the right password comes next from the same address
    right = send(path, {**body, field: PASSWORD}, format="json")
    # then the address is refused like the login form, and nothing changed
    assert right.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert right.json()["detail"] == TOO_MANY_SIGN_INS_MESSAGE
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
    assert member.email != "new@example.com"
    # and the login form refuses that address for this account too
    login = client.post(LOGIN_URL, {"username": member.username, "password": PASSWORD})
    assert login.status_code == HTTPStatus.TOO_MANY_REQUESTS


@pytest.mark.parametrize("caller", GRAPHQL_CALLERS)
def test_wrong_current_passwords_over_graphql_count_and_then_lock_the_address(caller, member, gql):
    client = bearer_client(member)
    document = GRAPHQL_CALLERS[caller]

    # when the caller sends a wrong current password as often as the limit allows
    for _ in range(LIMIT):
        wrong = gql(document, {"p": "guess-1", "n": NEW_PHONE}, client=client)
        # then each is refused on the password field with the one message
        (error,) = wrong["errors"]
        assert error["message"] == f"password: {WRONG_PASSWORD_MESSAGE}"
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["extensions"]["field"] == "password"
    # and each counts (the failure rows survive the mutation's error)
    assert failures(member) == ["127.0.0.1"] * LIMIT

    # when the right password comes next from the same address
    right = gql(document, {"p": PASSWORD, "n": NEW_PHONE}, client=client)
    # then the address is refused, and the account is untouched
    assert right["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert right["errors"][0]["message"] == TOO_MANY_SIGN_INS_MESSAGE
    member.refresh_from_db()
    assert member.email != "new@example.com"


def test_a_right_current_password_leaves_no_failure(member):
    # when the email is changed with the right password
    response = bearer_client(member).post(
        "/api/users/me/email/", {"password": PASSWORD, "email": "new@example.com"}, format="json"
    )
    # then it is changed and no failure is left behind
    assert response.status_code == HTTPStatus.OK
    member.refresh_from_db()
    assert member.email == "new@example.com"
    assert failures(member) == []
