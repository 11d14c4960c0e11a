"""Issue 11 (hardening), sign-in and OTP: one rule for three doors, no targeted lockout.

The rule lives in users.services.user_authenticate; REST login, GraphQL tokenAuth and
the admin login form all call it. Before: the admin form had no limit at all, and 20
wrong passwords from 20 addresses locked any account for an hour, owner included.
Now an attacker is still bounded (per address, and per account through the step-up),
and the owner gets in with the password and a code texted to the account's phone.
"""

from http import HTTPStatus

import pytest
from django.conf import settings

from conftest import error_json
from users.models import LoginFailure, OTPCode, PhoneVerificationState, User
from users.services import STEP_UP_MESSAGE
from users.tests.factories import UserFactory
from users.tests.helpers import (
    LOGIN_URL,
    REGISTER_URL,
    RESEND_URL,
    VERIFY_URL,
    later,
    registration,
)

pytestmark = pytest.mark.django_db
PASSWORD = "pass-Word-123"
ADMIN_LOGIN_URL = "/admin/login/"
LIMIT = settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR
TOKEN_AUTH = """
mutation($username: String!, $password: String!, $code: String) {
  tokenAuth(username: $username, password: $password, code: $code) { access user { id } }
}
"""


def rest_login(client, username, password=PASSWORD, ip="127.0.0.1", code=None):
    body = {"username": username, "password": password}
    if code is not None:
        body["code"] = code
    return client.post(LOGIN_URL, body, REMOTE_ADDR=ip, format="json")


def graphql_login(client, username, password=PASSWORD, ip="127.0.0.1", code=None):
    variables = {"username": username, "password": password, "code": code}
    response = client.post(
        "/graphql/", {"query": TOKEN_AUTH, "variables": variables}, REMOTE_ADDR=ip, format="json"
    )
    return response.json()


def admin_login(client, username, password=PASSWORD, ip="127.0.0.1", code=""):
    return client.post(
        ADMIN_LOGIN_URL,
        {"username": username, "password": password, "code": code, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


def attack(client, username, count, first_octet=10):
    """`count` wrong passwords, each from its own address."""
    return [
        rest_login(client, username, "wrong-guess", ip=f"{first_octet}.0.{i // 250}.{i % 250 + 1}")
        for i in range(count)
    ]


# ------------------------------------------------------------------ admin (one rule)


def test_admin_login_refuses_at_the_per_address_failure_limit_like_the_api(client, staff):
    # given five wrong passwords for the staff account from one address, through the admin
    for _ in range(5):
        response = admin_login(client, staff.username, "wrong")
        assert response.status_code == HTTPStatus.OK
        assert "Please enter the correct username and password" in response.content.decode()

    # when the right password comes next from that address
    response = admin_login(client, staff.username)

    # then it is refused with the API's message, and no session was opened
    assert response.status_code == HTTPStatus.OK
    assert "Too many failed sign-in attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert LoginFailure.objects.filter(user=staff).count() == 5


def test_the_three_doors_share_one_failure_count(client, api_client, staff):
    # given two failures through REST, two through GraphQL and one through the admin
    for _ in range(2):
        rest_login(api_client, staff.username, "wrong")
        graphql_login(api_client, staff.username, "wrong")
    admin_login(client, staff.username, "wrong")

    # when the right password is given at any door from the same address
    response = rest_login(api_client, staff.username)

    # then the per-address limit of 5 a minute has been reached across the doors
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response.json()["detail"].startswith("Too many failed sign-in attempts.")
    assert LoginFailure.objects.filter(user=staff).count() == 5


def test_admin_login_with_the_right_password_signs_staff_in(client, staff):
    # when staff sign in through the admin form
    response = admin_login(client, staff.username)

    # then they are redirected into the admin with a session
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/admin/"
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_admin_login_still_refuses_a_non_staff_account(client, user):
    # when a regular user gives the right password at the admin
    response = admin_login(client, user.username)

    # then no session: the admin is for staff only
    assert response.status_code == HTTPStatus.OK
    assert "_auth_user_id" not in client.session


def test_admin_login_has_the_code_field(client):
    # when the admin login page is opened
    response = client.get(ADMIN_LOGIN_URL)

    # then it offers the step-up code field
    assert response.status_code == HTTPStatus.OK
    assert 'name="code"' in response.content.decode()


# ------------------------------------------------------- targeted lockout (step-up)


def test_many_addresses_no_longer_lock_the_owner_out(api_client, staff, sms_log):
    # given the staff account attacked with 20 wrong passwords from 20 addresses
    statuses = [r.status_code for r in attack(api_client, staff.username, LIMIT)]
    assert statuses == [HTTPStatus.UNAUTHORIZED] * LIMIT

    # when the owner signs in from their own address with the right password
    first = rest_login(api_client, staff.username, ip="192.0.2.7")

    # then a step-up is asked for and a code is texted to the account's phone
    assert first.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert first.json()["code"] == "step_up_required"
    assert first.json()["detail"].startswith(STEP_UP_MESSAGE)
    (code,) = sms_log(to=staff.phone_number)

    # and with the password and that code the owner is in
    second = rest_login(api_client, staff.username, ip="192.0.2.7", code=code)
    assert second.status_code == HTTPStatus.OK
    assert second.json()["user"]["id"] == staff.pk
    assert OTPCode.objects.get(user=staff).used_at is not None


def test_step_up_codes_follow_the_per_number_send_cap_setting(api_client, user, sms_log, settings):
    # given a per-number cap of two codes in ten minutes, and an account under attack
    settings.OTP_SENDS_PER_PHONE_10_MIN = 2
    attack(api_client, user.username, LIMIT)

    # when the owner signs in with the right password three times, a cooldown apart
    cooldown = settings.OTP_SEND_COOLDOWN_SECONDS
    for step in range(3):
        with later(step * (cooldown + 1)):
            refused = rest_login(api_client, user.username, ip="192.0.2.7")
            assert refused.json()["code"] == "step_up_required"

    # then only two codes were texted: the step-up obeys the same cap as other sends
    assert len(sms_log(to=user.phone_number)) == 2
    assert OTPCode.objects.filter(user=user, purpose=OTPCode.Purpose.SIGN_IN).count() == 2


def test_during_a_step_up_a_wrong_password_answers_exactly_like_the_right_one(
    api_client, user, sms_log
):
    # given an account under attack
    attack(api_client, user.username, LIMIT)

    # when one more wrong password and the right one arrive (no code)
    wrong = rest_login(api_client, user.username, "wrong-again", ip="198.51.100.1")
    right = rest_login(api_client, user.username, ip="198.51.100.2")

    # then the attacker cannot tell them apart; only the owner's phone got a code
    assert wrong.status_code == right.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert error_json(wrong) == error_json(right)
    assert len(sms_log(to=user.phone_number)) == 1


def test_during_a_step_up_a_guessed_code_does_not_get_in(api_client, user, sms_log):
    # given an account under attack whose owner has just been texted a code
    attack(api_client, user.username, LIMIT)
    rest_login(api_client, user.username, ip="192.0.2.7")
    (code,) = sms_log(to=user.phone_number)
    wrong_code = f"{(int(code) + 1) % 1_000_000:06d}"

    # when the attacker sends the right password with a wrong code, and a wrong password
    # with the right code
    guessed_code = rest_login(api_client, user.username, ip="203.0.113.9", code=wrong_code)
    guessed_password = rest_login(api_client, user.username, "nope", "203.0.113.9", code=code)

    # then neither gets in, and the two answers are the same
    assert guessed_code.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert error_json(guessed_code) == error_json(guessed_password)
    assert "access" not in guessed_password.json()


def test_a_step_up_code_dies_after_the_allowed_wrong_tries(api_client, user, sms_log):
    # given an account under attack whose owner has been texted a code
    attack(api_client, user.username, LIMIT)
    rest_login(api_client, user.username, ip="192.0.2.7")
    (code,) = sms_log(to=user.phone_number)
    wrong_code = f"{(int(code) + 1) % 1_000_000:06d}"

    # when five wrong codes are tried with the right password, then the right one
    for i in range(5):
        rest_login(api_client, user.username, ip=f"192.0.2.{20 + i}", code=wrong_code)
    response = rest_login(api_client, user.username, ip="192.0.2.7", code=code)

    # then the code is dead
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert OTPCode.objects.get(user=user).attempts == 5


def test_one_address_stays_bounded_on_one_account(api_client, user):
    # given one address that already failed LIMIT times on the account (over an hour,
    # so the per-minute limit never tripped)
    LoginFailure.objects.bulk_create(
        LoginFailure(identifier=user.username, user=user, client_ip="10.6.6.6")
        for _ in range(LIMIT)
    )

    # when it tries again, even with the right password
    response = rest_login(api_client, user.username, ip="10.6.6.6")

    # then it is refused before any password check, and the failure count did not grow
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response.json()["code"] == "throttled"
    assert LoginFailure.objects.filter(user=user).count() == LIMIT


def test_the_owner_steps_up_through_graphql_too(api_client, user, sms_log):
    # given an account under attack
    attack(api_client, user.username, LIMIT)

    # when the owner signs in with tokenAuth, then again with the texted code
    first = graphql_login(api_client, user.username, ip="192.0.2.7")
    (code,) = sms_log(to=user.phone_number)
    second = graphql_login(api_client, user.username, ip="192.0.2.7", code=code)

    # then the first asked for the step-up and the second signed in
    extensions = first["errors"][0]["extensions"]
    assert extensions["code"] == "THROTTLED"
    assert extensions["reason"] == "step_up_required"
    assert second["data"]["tokenAuth"]["user"]["id"] == str(user.pk)


def test_staff_steps_up_through_the_admin_form(client, api_client, staff, sms_log):
    # given the staff account under attack
    attack(api_client, staff.username, LIMIT)

    # when staff sign in at the admin, then again with the texted code
    first = admin_login(client, staff.username, ip="192.0.2.7")
    (code,) = sms_log(to=staff.phone_number)
    second = admin_login(client, staff.username, ip="192.0.2.7", code=code)

    # then the first page asks for the code, the second opens a session
    assert "a code has been sent by SMS" in first.content.decode()
    assert second.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_an_account_without_a_phone_stays_locked_for_the_hour(api_client):
    # given a staff account made without a phone number, under attack
    staff = UserFactory(is_staff=True, phone_number=None)
    attack(api_client, staff.username, LIMIT)

    # when the owner gives the right password
    response = rest_login(api_client, staff.username, ip="192.0.2.7")

    # then it cannot step up (no phone): refused, and no code was made
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert not OTPCode.objects.filter(user=staff).exists()


# ------------------------------------------------------------- OTP: per-address locks


def test_wrong_codes_from_elsewhere_do_not_lock_the_owner_out_of_the_number(
    api_client, new_phone, sms_log
):
    # given a pending registration made from the owner's address
    phone = new_phone()
    owner_ip = "192.0.2.50"
    registered = api_client.post(
        REGISTER_URL, registration(phone), REMOTE_ADDR=owner_ip, format="json"
    )
    assert registered.status_code == HTTPStatus.CREATED

    # when an attacker sends OTP_MAX_FAILURES wrong codes from one address, and 5 more
    # from each of four others
    def verify(code, ip):
        return api_client.post(
            VERIFY_URL, {"phone_number": phone, "code": code}, REMOTE_ADDR=ip, format="json"
        )

    attacker = [verify("000000", "10.7.0.1").status_code for _ in range(settings.OTP_MAX_FAILURES)]
    for octet in range(2, 6):
        for _ in range(5):
            verify("000000", f"10.7.0.{octet}")

    # then the attacker's address is locked out of the number (bounded)...
    assert attacker[-1] == HTTPStatus.TOO_MANY_REQUESTS
    assert verify("000000", "10.7.0.1").status_code == HTTPStatus.TOO_MANY_REQUESTS
    # (every rejection counts in the phone's total, the locked one too)
    assert PhoneVerificationState.objects.get(phone_number=phone).failure_count == 41

    # ...but the owner can still get a fresh code (the old one died after 5 wrong tries)
    # and verify with it
    with later(61):
        resent = api_client.post(
            RESEND_URL, {"phone_number": phone}, REMOTE_ADDR=owner_ip, format="json"
        )
        assert resent.status_code == HTTPStatus.OK
        code = sms_log(to=phone)[-1]
        verified = verify(code, owner_ip)
    assert verified.status_code == HTTPStatus.OK
    assert User.objects.get(phone_number=phone).is_active is True
