"""The current password, asked before a sensitive change, is checked by one rule.

Every caller (REST: password, profile email, email, phone, deletion; GraphQL: email,
phone, deletion) counts a wrong password as a failed sign-in from the caller's address,
and the sign-in limits of that address then refuse further tries, the right password
included, and the login form too. Past the account-wide limit (from any addresses) the
account is under the sign-in's step-up: the password alone passes nowhere, and the
owner passes with the password and the code it texts to the account's phone.
"""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.utils import timezone

from conftest import bearer_client
from core.security.ratelimit import configured_rates
from users.models import LoginFailure
from users.services import STEP_UP_MESSAGE, TOO_MANY_SIGN_INS_MESSAGE, WRONG_PASSWORD_MESSAGE
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


# ---------------------------------------------- the account-wide count and the step-up

ACCOUNT_LIMIT = settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR
NEW_PASSWORD = "Fresh-Start-2026"


def address(i: int) -> str:
    """The i-th attacker address (one per request: no per-address limit ever trips)."""
    return f"10.{i // 250}.7.{i % 250 + 1}"


def rest_send(member, caller, password, ip, code=None):
    """The REST caller's request with `password` from `ip`: (kind, body)."""
    path, method, field, body = REST_CALLERS[caller]
    body = {**body, field: password}
    if field == "old_password":
        body["new_password"] = NEW_PASSWORD
    if code is not None:
        body["code"] = code
    response = getattr(bearer_client(member), method)(path, body, REMOTE_ADDR=ip, format="json")
    data = response.json()
    if response.status_code == HTTPStatus.OK:
        return "ok", data
    return (data.get("code"), data.get("detail"))


GRAPHQL_WITH_CODE = {
    "email": "mutation($p: String!, $c: String) {"
    ' changeEmail(password: $p, email: "new@example.com", code: $c) { ok } }',
    "phone": "mutation($p: String!, $n: String!, $c: String) {"
    " requestPhoneChange(password: $p, phoneNumber: $n, code: $c) { ok } }",
    "deletion": "mutation($p: String!, $c: String) {"
    " deleteAccount(password: $p, code: $c) { ok } }",
}


def graphql_send(member, caller, password, ip, code=None):
    """The GraphQL caller's mutation with `password` from `ip`: (kind, message)."""
    variables = {"p": password, "n": NEW_PHONE, "c": code}
    response = bearer_client(member).post(
        "/graphql/",
        {"query": GRAPHQL_WITH_CODE[caller], "variables": variables},
        REMOTE_ADDR=ip,
        format="json",
    )
    data = response.json()
    if not data.get("errors"):
        return "ok", data["data"]
    (error,) = data["errors"]
    extensions = error["extensions"]
    return (extensions.get("reason") or extensions["code"], error["message"])


DOORS = [("rest", caller) for caller in REST_CALLERS] + [
    ("graphql", caller) for caller in GRAPHQL_CALLERS
]


def changed(member, caller) -> bool:
    """Did the caller's change happen?"""
    from users.models import OTPCode, User

    if caller == "deletion":
        return not User.objects.filter(pk=member.pk).exists()
    member.refresh_from_db()
    if caller == "password":
        return member.check_password(NEW_PASSWORD)
    if caller == "phone":
        return OTPCode.objects.filter(user=member, phone_number=NEW_PHONE).exists()
    return member.email == "new@example.com"


@pytest.mark.parametrize(("door", "caller"), DOORS, ids=[f"{d}-{c}" for d, c in DOORS])
def test_wrong_current_passwords_from_many_addresses_put_the_account_under_step_up(
    door, caller, member, sms_log
):
    send = rest_send if door == "rest" else graphql_send
    step_up = "step_up_required"

    # when a stolen token sends wrong current passwords, each from its own address
    answers = [send(member, caller, "guess-1", address(i)) for i in range(ACCOUNT_LIMIT + 5)]

    # then only the account's sign-in limit of them is answered; the rest ask for the
    # step-up, with the sign-in's message
    wrong_password = "invalid" if door == "rest" else "BAD_USER_INPUT"
    assert [kind for kind, _ in answers[:ACCOUNT_LIMIT]] == [wrong_password] * ACCOUNT_LIMIT
    assert set(answers[ACCOUNT_LIMIT:]) == {(step_up, STEP_UP_MESSAGE)}

    # when the right password comes next, without a code
    right = send(member, caller, PASSWORD, "192.0.2.7")
    # then it answers exactly like a wrong one, nothing changed, and the owner's phone
    # got a sign-in code
    assert right == (step_up, STEP_UP_MESSAGE)
    assert not changed(member, caller)
    (code,) = sms_log(to=member.phone_number)
    # and the login form is under the same step-up (one count)
    login = bearer_client(member).post(
        LOGIN_URL, {"username": member.username, "password": PASSWORD}, REMOTE_ADDR="192.0.2.8"
    )
    assert login.json()["code"] == step_up

    # when the owner sends the password again with the texted code
    done = send(member, caller, PASSWORD, "192.0.2.7", code=code)
    # then the change is made
    assert done[0] == "ok", done
    assert changed(member, caller)


@pytest.mark.parametrize("door", ["rest", "graphql"])
def test_during_a_sign_in_step_up_the_right_password_alone_does_not_change_the_email(
    door, member, api_client
):
    # given an account under a sign-in step-up (failed logins from many addresses)
    for i in range(ACCOUNT_LIMIT):
        api_client.post(
            LOGIN_URL,
            {"username": member.username, "password": "wrong"},
            REMOTE_ADDR=address(i),
        )

    # when a holder of its access token changes the email with the right password
    send = rest_send if door == "rest" else graphql_send
    answer = send(member, "email", PASSWORD, "203.0.113.5")

    # then the step-up is asked for and the email is unchanged
    assert answer == ("step_up_required", STEP_UP_MESSAGE)
    assert not changed(member, "email")
