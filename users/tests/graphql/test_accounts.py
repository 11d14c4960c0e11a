"""Accounts over GraphQL: sign-up, OTP and tokens, through users.services.

`me` and the lists are tested in lists/tests/test_graphql.py."""

from http import HTTPStatus

import pytest

from users.models import PhoneVerificationState, User
from users.tests.helpers import LOGIN_URL

pytestmark = pytest.mark.django_db

REGISTER = """
mutation($input: RegisterInput!) { register(input: $input) { ok message } }
"""
VERIFY = """
mutation($phone: String!, $code: String!) {
  verifyOtp(phoneNumber: $phone, code: $code) { ok user { id username } }
}
"""
RESEND = "mutation($phone: String!) { resendOtp(phoneNumber: $phone) { ok message } }"
TOKEN_AUTH = """
mutation($username: String!, $password: String!) {
  tokenAuth(username: $username, password: $password) { access refresh user { id username email } }
}
"""
REFRESH = "mutation($refresh: String!) { refreshToken(refresh: $refresh) { access refresh } }"


def registration_input(phone, username="gqluser"):
    return {
        "username": username,
        "email": f"{username}@example.com",
        "password": "Sturdy-pass-42",
        "passwordConfirm": "Sturdy-pass-42",
        "phoneNumber": phone,
    }


def test_a_graphql_only_client_signs_up_verifies_signs_in_and_refreshes(gql, sms_log, api_client):
    # given a phone and the console SMS backend
    phone = "+14155552672"

    # when the client registers
    registered = gql(REGISTER, {"input": registration_input(phone)})

    # then the account is pending and the code went out
    assert registered == {
        "data": {
            "register": {
                "ok": True,
                "message": "If this number can be registered, a code has been sent.",
            }
        }
    }
    assert User.objects.get(username="gqluser").is_active is False
    (code,) = sms_log(to=phone)

    # when it verifies the code
    verified = gql(VERIFY, {"phone": phone, "code": code})["data"]["verifyOtp"]

    # then the account is active
    assert verified["ok"] is True
    assert verified["user"]["username"] == "gqluser"
    assert User.objects.get(username="gqluser").is_active is True

    # when it signs in, then refreshes
    tokens = gql(TOKEN_AUTH, {"username": "gqluser", "password": "Sturdy-pass-42"})["data"][
        "tokenAuth"
    ]
    rotated = gql(REFRESH, {"refresh": tokens["refresh"]})["data"]["refreshToken"]
    reused = gql(REFRESH, {"refresh": tokens["refresh"]})

    # then the tokens work as Bearer on both APIs, and the old refresh token is dead
    assert tokens["user"]["username"] == "gqluser"
    client = api_client
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {rotated['access']}")
    assert gql("{ me { username } }", client=client) == {"data": {"me": {"username": "gqluser"}}}
    assert client.get("/api/users/me/").status_code == HTTPStatus.OK
    assert reused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_registration_errors_name_the_graphql_fields(gql):
    # when passwords differ and the phone is not a number
    body = gql(
        REGISTER,
        {
            "input": {
                **registration_input("12"),
                "passwordConfirm": "Different-pass-42",
            }
        },
    )

    # then BAD_USER_INPUT lists each field by its GraphQL name, nothing created
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    fields = {entry["field"] for entry in error["extensions"]["errors"]}
    assert {"phoneNumber", "passwordConfirm"} <= fields
    assert not User.objects.filter(username="gqluser").exists()


def test_wrong_codes_are_counted_and_survive_the_error(gql, sms_log):
    # given a pending registration
    phone = "+14155552673"
    gql(REGISTER, {"input": registration_input(phone)})

    # when two wrong codes are sent, one of them hidden in a fragment
    plain = gql(VERIFY, {"phone": phone, "code": "000000"})
    fragment = gql(
        "mutation($phone: String!) { ...V } "
        'fragment V on Mutation { verifyOtp(phoneNumber: $phone, code: "000001") { ok } }',
        {"phone": phone},
    )

    # then each is refused, and the failure counter (written before the error) is kept
    assert plain["errors"][0]["extensions"]["field"] == "code"
    assert fragment["errors"][0]["extensions"]["field"] == "code"
    assert PhoneVerificationState.objects.get(phone_number=phone).failure_count == 2


def test_resend_answers_the_same_for_unknown_numbers(gql):
    # when a code is asked for a number nobody registered
    body = gql(RESEND, {"phone": "+14155552674"})

    # then the same answer as for a pending number (no enumeration)
    assert body == {
        "data": {
            "resendOtp": {
                "ok": True,
                "message": "If this number can be registered, a code has been sent.",
            }
        }
    }


def test_token_auth_answers_like_rest_for_a_wrong_password(gql, user, api_client):
    # when a wrong password is sent to both APIs
    body = gql(TOKEN_AUTH, {"username": user.username, "password": "wrong"})
    rest = api_client.post(LOGIN_URL, {"username": user.username, "password": "wrong"})

    # then both refuse with the same message
    assert rest.status_code == HTTPStatus.UNAUTHORIZED
    error = body["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["message"] == "No active account found with the given credentials"
    assert body["data"] == {"tokenAuth": None}


def test_login_failures_lock_after_the_service_limit(gql, user):
    # when 6 wrong passwords arrive from one address within a minute
    codes = [
        gql(TOKEN_AUTH, {"username": user.username, "password": f"wrong-{i}"})["errors"][0][
            "extensions"
        ]
        for i in range(6)
    ]

    # then the 6th is throttled by the database-backed limit, with a retry delay
    assert [c["code"] for c in codes[:5]] == ["UNAUTHENTICATED"] * 5
    assert codes[5]["code"] == "THROTTLED"
    assert codes[5]["retryAfter"] >= 1
