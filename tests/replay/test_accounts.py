"""Replays of the findings about accounts, against the production stack.

- a stolen access token guessing the current password on `/api/users/me/email/` from
  many addresses: the account's sign-in limit of answers, then the step-up, where the
  right password alone changes nothing (on GraphQL's `changeEmail` too) and the owner
  passes with the texted code;
- a pending registration squatting an email: once older than
  PENDING_ACCOUNT_TTL_SECONDS it no longer blocks the owner, who registers and verifies;
- the username `Erin@Example.org` (which shadowed Erin's email at sign-in) and `admin`
  with a Cyrillic a are refused, and Erin still signs in with her email;
- a resend right after a registration answers exactly like one for an unknown number.
"""

from http import HTTPStatus

import pytest
from django.conf import settings

from tests.replay.stack import REPLAY, Account
from users.services import STEP_UP_MESSAGE, WRONG_PASSWORD_MESSAGE
from users.services.registration import CODE_SENT_MESSAGE, VERIFIED_MESSAGE
from users.services.usernames import USERNAME_AT_MESSAGE, USERNAME_MIXED_MESSAGE
from users.tests.helpers import LOGIN_URL, REGISTER_URL, RESEND_URL, VERIFY_URL

pytestmark = REPLAY

ME = "/api/users/me/"
EMAIL = "/api/users/me/email/"
ACCOUNT_LIMIT = settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR
PENDING_TTL = settings.PENDING_ACCOUNT_TTL_SECONDS  # the stack reads the same environment
STEP_UP = "step_up_required"
ATTACKERS_EMAIL = "mallory@example.net"
CHANGE_EMAIL = (
    "mutation($p: String!, $e: String!, $c: String) "
    "{ changeEmail(password: $p, email: $e, code: $c) { ok } }"
)


def registration(username: str, email: str, phone: str) -> dict:
    password = "Erin-Pass-2026"
    return {
        "username": username,
        "email": email,
        "password": password,
        "password_confirm": password,
        "phone_number": phone,
    }


# ------------------------------------------------------------------ the current password


def test_current_password_guesses_from_many_addresses_end_in_the_step_up(stack, account):
    # when: a stolen token guesses the current password, each time from a new address
    # (the probe sent 45; the limit and a few more show the same, each costs a hash)
    answers = [
        stack.send(
            "POST",
            EMAIL,
            client=f"203.0.113.{i + 1}",
            account=account,
            json={"password": f"guess-{i}", "email": ATTACKERS_EMAIL},
        )
        for i in range(ACCOUNT_LIMIT + 5)
    ]
    # then: the account's sign-in limit of them is told the password is wrong ...
    for answer in answers[:ACCOUNT_LIMIT]:
        assert answer.status_code == HTTPStatus.BAD_REQUEST, answer.text
        assert answer.json()["errors"] == [
            {"field": "password", "code": "invalid", "message": WRONG_PASSWORD_MESSAGE}
        ]
    # ... and every later one is sent to the sign-in's step-up
    for answer in answers[ACCOUNT_LIMIT:]:
        assert answer.status_code == HTTPStatus.TOO_MANY_REQUESTS, answer.text
        assert (answer.json()["code"], answer.json()["detail"]) == (STEP_UP, STEP_UP_MESSAGE)

    # when: the right password comes, from a new address, without the texted code
    right = stack.send(
        "POST",
        EMAIL,
        client="192.0.2.7",
        account=account,
        json={"password": account.password, "email": ATTACKERS_EMAIL},
    )
    # then: the same answer as a wrong one, and the email did not change
    assert right.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert (right.json()["code"], right.json()["detail"]) == (STEP_UP, STEP_UP_MESSAGE)
    before = stack.send("GET", ME, client="192.0.2.7", account=account).json()["email"]
    assert before == f"{account.username}@example.com"
    # and the GraphQL door is under the same step-up
    graphql = stack.send(
        "POST",
        "/graphql/",
        client="192.0.2.8",
        account=account,
        json={"query": CHANGE_EMAIL, "variables": {"p": account.password, "e": ATTACKERS_EMAIL}},
    )
    (error,) = graphql.json()["errors"]
    assert error["message"] == STEP_UP_MESSAGE
    assert (error["extensions"]["code"], error["extensions"]["reason"]) == ("THROTTLED", STEP_UP)
    assert stack.send("GET", ME, client="192.0.2.8", account=account).json()["email"] == before

    # when: the owner sends the password with the code texted to the account's phone
    code = stack.texted_code(account.phone)
    owner = stack.send(
        "POST",
        EMAIL,
        client="192.0.2.9",
        account=account,
        json={"password": account.password, "email": "owner@example.org", "code": code},
    )
    # then: the owner's change goes through
    assert owner.status_code == HTTPStatus.OK, owner.text
    assert stack.send("GET", ME, client="192.0.2.9", account=account).json()["email"] == (
        "owner@example.org"
    )


# ------------------------------------------------------------------ registration


def test_an_expired_pending_registration_no_longer_squats_the_email(stack):
    erin = registration("erin", "erin@example.org", "+14155550111")
    # given: a squatter registered Erin's name and email with a number never verified
    squat = {**erin, "phone_number": "+14155550199"}
    squatted = stack.send("POST", REGISTER_URL, client="198.51.100.30", json=squat)
    assert squatted.status_code == HTTPStatus.CREATED, squatted.text
    # and the registration is older than its time (a day by default)
    aged = stack.shell(
        "from datetime import timedelta; from django.utils import timezone; "
        "from users.models import User; "
        f"age = timedelta(seconds={PENDING_TTL + 60}); "
        "print(User.objects.filter(phone_number='+14155550199')"
        ".update(date_joined=timezone.now() - age))"
    )
    assert aged.split()[-1] == "1", aged

    # when: Erin registers her own name and email (no prune has run)
    registered = stack.send("POST", REGISTER_URL, client="198.51.100.31", json=erin)
    assert registered.status_code == HTTPStatus.CREATED, registered.text
    assert registered.json() == {"detail": CODE_SENT_MESSAGE}
    # then: a code came to her phone (not the "address cannot be used" notice), and it
    # verifies her account: her name and email are hers
    code = stack.texted_code(erin["phone_number"])
    verified = stack.send(
        "POST",
        VERIFY_URL,
        client="198.51.100.31",
        json={"phone_number": erin["phone_number"], "code": code},
    )
    assert verified.status_code == HTTPStatus.OK, verified.text
    assert verified.json()["detail"] == VERIFIED_MESSAGE
    me = stack.send(
        "GET",
        ME,
        client="198.51.100.31",
        headers={"Authorization": f"Bearer {verified.json()['access']}"},
    ).json()
    assert (me["username"], me["email"]) == ("erin", "erin@example.org")


@pytest.fixture(scope="module")
def erin(stack) -> Account:
    return stack.verified_account("erin")


def shadowing(email: str) -> str:
    """The probe's username for `email`: the address itself, capitalised."""
    local, domain = email.split("@")
    return f"{local.title()}@{domain.title()}"  # e.g. Erin@Example.Org


@pytest.mark.parametrize(
    ("look_alike", "code", "message", "client"),
    [
        (shadowing, "email_like", USERNAME_AT_MESSAGE, "198.51.100.40"),
        # a Cyrillic a
        (lambda _email: "\u0430dmin", "confusable", USERNAME_MIXED_MESSAGE, "198.51.100.41"),
    ],
    ids=["email-shaped", "cyrillic-a-admin"],
)
def test_email_shaped_and_look_alike_usernames_are_refused(
    stack, erin, look_alike, code, message, client
):
    # given: Erin, whose email the squatter's username imitates
    email = f"{erin.username}@example.com"
    body = registration(look_alike(email), "squatter@example.net", "+14155550120")
    # when: someone registers an email-shaped or look-alike username
    # (each case from its own address: the SMS sends of one never limit the other)
    answer = stack.send("POST", REGISTER_URL, client=client, json=body)
    # then: refused on the username, with the rule's words
    assert answer.status_code == HTTPStatus.BAD_REQUEST, answer.text
    assert answer.json()["errors"] == [{"field": "username", "code": code, "message": message}]
    # and Erin still signs in with her own email and password
    signed_in = stack.send(
        "POST",
        LOGIN_URL,
        client=client,
        json={"username": email, "password": erin.password},
    )
    assert signed_in.status_code == HTTPStatus.OK, signed_in.text
    assert set(signed_in.json()) >= {"access", "refresh"}


# ------------------------------------------------------------------ resend


def test_a_resend_right_after_a_registration_answers_like_an_unknown_number(stack):
    # given: a registration a moment ago from this address (a shared NAT, an office)
    client = "198.51.100.50"
    body = registration("frank", "frank@example.org", "+14155550130")
    assert stack.send("POST", REGISTER_URL, client=client, json=body).status_code == (
        HTTPStatus.CREATED
    )
    # when: the same address asks at once for a code for that number and for a number
    # nobody has
    registered = stack.send(
        "POST", RESEND_URL, client=client, json={"phone_number": "+14155550130"}
    )
    unknown = stack.send("POST", RESEND_URL, client=client, json={"phone_number": "+14155550131"})
    # then: the two answers are the same (the registered one was a 429, its cooldown)
    expected = (HTTPStatus.OK, {"detail": CODE_SENT_MESSAGE})
    assert (registered.status_code, registered.json()) == expected
    assert (unknown.status_code, unknown.json()) == expected
