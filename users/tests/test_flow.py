"""The whole sign-up and session flow through HTTP, as a client would see it."""

from http import HTTPStatus

import pytest

from users.models import OTPCode, User
from users.tests.helpers import (
    LOGIN_URL,
    LOGOUT_URL,
    REFRESH_URL,
    REGISTER_URL,
    VERIFY_URL,
    later,
    registration,
)

pytestmark = pytest.mark.django_db


def test_register_verify_login_refresh_logout_end_to_end(api_client, sms_log):
    # given a new visitor and the console SMS backend
    phone = "+14155552671"

    # when they register
    response = api_client.post(REGISTER_URL, registration(phone, username="alice"), format="json")

    # then the account exists but is inactive, and the code is in the server log
    assert response.status_code == HTTPStatus.CREATED
    assert response.json() == {"detail": "If this number can be registered, a code has been sent."}
    alice = User.objects.get(username="alice")
    assert alice.is_active is False
    assert alice.phone_number == phone
    (code,) = sms_log(to=phone)

    # when they try to log in before verifying
    early = api_client.post(LOGIN_URL, {"username": "alice", "password": "Sturdy-pass-42"})
    # then it is refused
    assert early.status_code == HTTPStatus.UNAUTHORIZED

    # when they verify with the code from the SMS
    verified = api_client.post(VERIFY_URL, {"phone_number": phone, "code": code})

    # then the account is active and signed in
    assert verified.status_code == HTTPStatus.OK, verified.json()
    assert verified.json()["user"] == {"id": alice.pk, "username": "alice", "email": alice.email}
    alice.refresh_from_db()
    assert alice.is_active is True
    assert alice.phone_verified_at is not None

    # when they log in by email
    login = api_client.post(
        LOGIN_URL, {"username": "ALICE@example.com", "password": "Sturdy-pass-42"}
    )
    assert login.status_code == HTTPStatus.OK
    body = login.json()
    assert set(body) == {"access", "refresh", "user"}
    assert body["user"] == {"id": alice.pk, "username": "alice", "email": "alice@example.com"}

    # when they refresh
    refreshed = api_client.post(REFRESH_URL, {"refresh": body["refresh"]})
    assert refreshed.status_code == HTTPStatus.OK
    pair = refreshed.json()
    assert set(pair) == {"access", "refresh"}
    assert pair["refresh"] != body["refresh"]

    # when they log out with the new refresh token
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    logout = api_client.post(LOGOUT_URL, {"refresh": pair["refresh"]})
    assert logout.status_code == HTTPStatus.OK

    # then that refresh token is dead
    api_client.credentials()
    again = api_client.post(REFRESH_URL, {"refresh": pair["refresh"]})
    assert again.status_code == HTTPStatus.UNAUTHORIZED
    assert again.json()["code"] == "token_not_valid"
    # and no stored code is in clear
    assert not OTPCode.objects.filter(code_hash=code).exists()


def test_register_reports_every_bad_field(api_client):
    # given a body wrong in every field
    body = {
        "username": "bad name!",
        "email": "not-an-email",
        "password": "123",
        "password_confirm": "1234",
        "phone_number": "0800",
    }

    # when it is posted
    response = api_client.post(REGISTER_URL, body)

    # then each field is named and nothing is created
    assert response.status_code == HTTPStatus.BAD_REQUEST
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"username", "email", "password", "password_confirm", "phone_number"}
    assert not User.objects.filter(email="not-an-email").exists()


def test_register_rejects_a_taken_username_case_insensitively(api_client, user, new_phone):
    # given an existing user
    body = registration(new_phone(), username=user.username.upper(), email=user.email.upper())

    # when someone registers with the same name (and email) in other case
    response = api_client.post(REGISTER_URL, body)

    # then only the username is reported: usernames are public, emails are not
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert {(e["field"], e["code"]) for e in response.json()["errors"]} == {
        ("username", "unique"),
    }


@pytest.mark.parametrize("body", [[], "text", {"username": 5}, {"phone_number": None}])
def test_register_malformed_bodies_are_400(api_client, body):
    # when a malformed body is posted
    response = api_client.post(REGISTER_URL, body, format="json")
    # then it is a 400 in the shared error shape, never a 500
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["status"] == 400


def test_pending_registration_can_be_replaced(api_client, new_phone):
    # given a registration that was never verified
    phone = new_phone()
    api_client.post(REGISTER_URL, registration(phone, username="first"))

    # when the number is registered again after the send cooldown
    with later(61):
        response = api_client.post(REGISTER_URL, registration(phone, username="second"))

    # then the pending account is replaced by the new one
    assert response.status_code == HTTPStatus.CREATED
    assert list(User.objects.filter(phone_number=phone).values_list("username", flat=True)) == [
        "second"
    ]
