"""The username rule (users.services.usernames): no "@", no look-alikes, NFKC.

Before: registering the username `Erin@Example.org` made Erin's own email and password
fail at sign-in (the username was looked up first), and a password reset by her email
texted the squatter's phone; `admin` spelt with a Cyrillic a, or in full-width letters,
was a new name. Letters that look alike are written as escapes here, so the source
shows which is which.
"""

import unicodedata
from http import HTTPStatus

import pytest
from django.utils import timezone

from users import sms
from users.admin import UserAddForm, UserEditForm
from users.models import User
from users.services.usernames import (
    USERNAME_AT_MESSAGE,
    USERNAME_LOOKALIKE_MESSAGE,
    USERNAME_MIXED_MESSAGE,
    USERNAME_TAKEN_MESSAGE,
)
from users.tests.factories import UserFactory
from users.tests.helpers import LOGIN_URL, REGISTER_URL, registration

pytestmark = pytest.mark.django_db

PASSWORD = "pass-Word-123"
CYRILLIC_A = "\u0430"
FULL_WIDTH_ADMIN = "\uff41\uff44\uff4d\uff49\uff4e"
CYRILLIC_SCOPE = "\u0455\u0441\u043e\u0440\u0435"
IVAN = "\u0438\u0432\u0430\u043d"
REGISTER = """
mutation($input: RegisterInput!) { register(input: $input) { ok message } }
"""


def register_rest(api_client, username, phone="+14155550142"):
    body = registration(phone, username=username, email="someone@example.net")
    return api_client.post(REGISTER_URL, body, format="json")


def register_graphql(api_client, username, phone="+14155550142"):
    body = registration(phone, username=username, email="someone@example.net")
    account = {
        "username": body["username"],
        "email": body["email"],
        "password": body["password"],
        "passwordConfirm": body["password_confirm"],
        "phoneNumber": body["phone_number"],
    }
    return api_client.post(
        "/graphql/", {"query": REGISTER, "variables": {"input": account}}, format="json"
    ).json()


def refusal(door, api_client, username) -> tuple[str, str, str]:
    """(field, code-or-kind, message) of a refused registration through `door`."""
    if door == "rest":
        response = register_rest(api_client, username)
        assert response.status_code == HTTPStatus.BAD_REQUEST, response.json()
        (error,) = response.json()["errors"]
        return error["field"], error["code"], error["message"]
    (error,) = register_graphql(api_client, username)["errors"]
    extensions = error["extensions"]
    (detail,) = extensions["errors"]
    return extensions["field"], detail.get("code", ""), detail["message"]


@pytest.mark.parametrize("door", ["rest", "graphql"])
@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("Erin@Example.org", USERNAME_AT_MESSAGE),
        (f"{CYRILLIC_A}dmin", USERNAME_MIXED_MESSAGE),
        (f"p{CYRILLIC_A}ypal", USERNAME_MIXED_MESSAGE),
        (FULL_WIDTH_ADMIN, USERNAME_TAKEN_MESSAGE),
        (CYRILLIC_SCOPE, USERNAME_LOOKALIKE_MESSAGE),
    ],
    ids=["email-shaped", "cyrillic-a-admin", "cyrillic-a-paypal", "full-width", "all-cyrillic"],
)
def test_email_shaped_and_look_alike_usernames_are_refused_on_both_doors(
    door, username, message, api_client
):
    # given the names a look-alike would imitate
    UserFactory(username="admin")
    UserFactory(username="scope")

    # when someone registers with an email-shaped or look-alike name
    field, _, text = refusal(door, api_client, username)

    # then the username is refused with the rule's message, and no account is made
    assert (field, text) == ("username", message)
    assert not User.objects.filter(email="someone@example.net").exists()


@pytest.mark.parametrize("username", [IVAN, "jos\u00e9", "Zo\u00eb_2", FULL_WIDTH_ADMIN])
def test_names_in_one_alphabet_are_welcome_and_stored_in_nfkc(username, api_client):
    # when a name in one alphabet (full-width letters are plain Latin after NFKC) registers
    response = register_rest(api_client, username)

    # then it is accepted, and stored as its NFKC form
    assert response.status_code == HTTPStatus.CREATED
    stored = User.objects.get(email="someone@example.net").username
    assert stored == unicodedata.normalize("NFKC", username)


@pytest.fixture
def erin_and_squatter():
    """Erin, and an account registered before the rule with her email as its username."""
    erin = UserFactory(username="erin", email="erin@example.org", phone_verified_at=timezone.now())
    squatter = UserFactory(
        username="Erin@Example.org",
        email="squatter@example.net",
        phone_verified_at=timezone.now(),
        password="squatter-Pass-42",
    )
    return erin, squatter


def test_an_older_email_shaped_username_no_longer_shadows_that_email(
    api_client, erin_and_squatter, monkeypatch
):
    erin, _ = erin_and_squatter
    sent = []
    monkeypatch.setattr(sms, "send_sms", lambda *, to, body: sent.append(to))

    # when Erin signs in with her email and password
    login = api_client.post(
        LOGIN_URL, {"username": "erin@example.org", "password": PASSWORD}, format="json"
    )
    # then she is in, as herself
    assert login.status_code == HTTPStatus.OK
    assert login.json()["user"]["id"] == erin.pk

    # when a password reset names her email
    reset = api_client.post(
        "/api/users/password/reset/", {"username": "Erin@Example.org"}, format="json"
    )
    # then the code goes to Erin's phone, not the squatter's
    assert reset.status_code == HTTPStatus.OK
    assert sent == [erin.phone_number]


def test_an_older_email_shaped_username_still_signs_in(api_client, erin_and_squatter):
    _, squatter = erin_and_squatter

    # when the older account signs in with its own email, or with its username once no
    # account has that address
    by_email = api_client.post(
        LOGIN_URL,
        {"username": "squatter@example.net", "password": "squatter-Pass-42"},
        format="json",
    )
    User.objects.filter(username="erin").delete()
    by_name = api_client.post(
        LOGIN_URL,
        {"username": "Erin@Example.org", "password": "squatter-Pass-42"},
        format="json",
    )

    # then both sign it in: nobody is locked out by the rule
    assert by_email.json()["user"]["id"] == squatter.pk
    assert by_name.json()["user"]["id"] == squatter.pk


def test_the_admin_applies_the_rule_but_keeps_older_names_editable():
    # given an account named before the rule
    older = UserFactory(username="old@example.org")
    password = {"password1": "Sturdy-pass-42", "password2": "Sturdy-pass-42"}

    # when staff add a look-alike account, and edit the older one keeping its name
    added = UserAddForm(
        data={"username": f"{CYRILLIC_A}dmin", "usable_password": "true", **password}
    )
    edited = UserEditForm(
        instance=older,
        data={
            "username": older.username,
            "email": older.email,
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "date_joined": "2026-01-01 00:00:00",
        },
    )
    renamed = UserEditForm(instance=older, data={**edited.data, "username": "new@example.org"})

    # then the look-alike and the new email-shaped name are refused; the old name stays
    assert added.errors["username"] == [USERNAME_MIXED_MESSAGE]
    assert "username" not in edited.errors
    assert renamed.errors["username"] == [USERNAME_AT_MESSAGE]
