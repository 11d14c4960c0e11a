"""Registration that reveals nothing, email changes that need the password, logout that
signs the access token out too."""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import caches
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from core.security import bearer
from core.security.store import store_circuit
from users import services, sms
from users.models import LoginFailure, OTPCode, User
from users.tests.helpers import (
    LOGIN_URL,
    LOGOUT_URL,
    REFRESH_URL,
    REGISTER_URL,
    later,
    registration,
)

pytestmark = pytest.mark.django_db
ME = "/api/users/me/"
PASSWORD = "pass-Word-123"
GENERIC = {"detail": services.CODE_SENT_MESSAGE}


@pytest.fixture
def sent(monkeypatch):
    """SMS handed to the backend, as (to, body)."""
    messages = []
    monkeypatch.setattr(sms, "send_sms", lambda *, to, body: messages.append((to, body)))
    return messages


@pytest.fixture
def hashes(monkeypatch):
    """How many times a password was hashed (the test settings' hasher)."""
    calls = []
    encode = MD5PasswordHasher.encode

    def counting(self, password, salt):
        calls.append(1)
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting)
    return calls


def signed_in(*, user):
    """(client with a Bearer access token, tokens) from a real login."""
    client = APIClient()
    tokens = client.post(
        LOGIN_URL, {"username": user.username, "password": PASSWORD}, format="json"
    ).json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    return client, tokens


# ------------------------------------------------------ registration: equal work, no leak


@pytest.mark.parametrize("case", ["known_phone", "known_email"])
def test_register_does_the_same_work_for_a_known_and_a_new_account(
    api_client, user, new_phone, sent, hashes, case
):
    # given a registration of a brand-new account, for comparison
    fresh = api_client.post(REGISTER_URL, registration(new_phone(), username="fresh"))
    fresh_work = (len(hashes), len(sent))
    # when one names a verified user's phone, or (on a new phone) their email in other case
    body = (
        registration(user.phone_number, username="copycat")
        if case == "known_phone"
        else registration(new_phone(), username="copycat", email=user.email.upper())
    )
    hashes.clear()
    sent.clear()
    taken = api_client.post(REGISTER_URL, body)
    # then the answer is the same, and so is the work: one password hash, one SMS
    assert (
        (taken.status_code, taken.json())
        == (fresh.status_code, fresh.json())
        == (
            HTTPStatus.CREATED,
            GENERIC,
        )
    )
    assert (len(hashes), len(sent)) == fresh_work == (1, 1)
    # but no account and no code: the phone only gets a notice
    assert not User.objects.filter(username="copycat").exists()
    assert sent[0][0] == body["phone_number"]
    assert "code" not in sent[0][1]
    assert not OTPCode.objects.filter(phone_number=body["phone_number"]).exists()


def test_a_taken_email_is_told_only_to_the_phone_by_sms(api_client, user, new_phone, sent):
    # when someone registers a new phone with a registered email
    phone = new_phone()
    response = api_client.post(REGISTER_URL, registration(phone, email=user.email))
    # then the answer is the usual one, and the phone gets the reason by SMS
    assert response.json() == GENERIC
    assert sent == [(phone, services.registration.EMAIL_TAKEN_NOTICE)]
    assert User.objects.filter(email__iexact=user.email).count() == 1


def test_a_pending_registration_keeps_its_email_when_registered_again(api_client, new_phone, sent):
    # given a pending registration
    phone = new_phone()
    api_client.post(REGISTER_URL, registration(phone, username="first", email="me@example.com"))
    # when the same phone registers again with the same email, after the cooldown
    with later(61):
        api_client.post(
            REGISTER_URL, registration(phone, username="second", email="me@example.com")
        )
    # then its own email is not "taken": the account is replaced and a code is sent
    assert list(User.objects.values_list("username", "email")) == [("second", "me@example.com")]
    assert "code" in sent[-1][1]


# ------------------------------------------------------------ email change needs password


def test_changing_the_email_needs_the_current_password(user):
    client, _ = signed_in(user=user)
    old_email = user.email
    # when the email is changed with the access token alone, then with a wrong password
    bare = client.patch(ME, {"email": "new@example.com"}, format="json")
    wrong = client.patch(
        ME, {"email": "new@example.com", "current_password": "guess-1"}, format="json"
    )
    # then both are refused on current_password, and the email is unchanged
    assert bare.status_code == wrong.status_code == HTTPStatus.BAD_REQUEST
    assert bare.json()["errors"] == [
        {
            "field": "current_password",
            "code": "required",
            "message": "Enter your current password to make this change.",
        }
    ]
    assert wrong.json()["errors"][0]["field"] == "current_password"
    user.refresh_from_db()
    assert user.email == old_email
    # and the wrong guess counts against the account like a failed sign-in
    assert LoginFailure.objects.filter(user=user).count() == 1

    # when the right password comes with it
    right = client.patch(
        ME, {"email": "new@example.com", "current_password": PASSWORD}, format="json"
    )
    # then the email changes; other fields never needed it
    assert right.status_code == HTTPStatus.OK
    assert right.json()["email"] == "new@example.com"
    bio = client.patch(ME, {"bio": "hi", "email": "NEW@example.com"}, format="json")
    assert bio.status_code == HTTPStatus.OK
    assert bio.json()["bio"] == "hi"


def test_email_change_attempts_are_limited_per_account(user, other_user):
    client, _ = signed_in(user=user)
    # when an account tries six addresses in a day (with its password)
    statuses = [
        client.patch(
            ME, {"email": f"probe{i}@example.com", "current_password": PASSWORD}, format="json"
        ).status_code
        for i in range(6)
    ]
    # then the sixth is throttled, so the account cannot test addresses in bulk
    assert statuses == [HTTPStatus.OK] * 5 + [HTTPStatus.TOO_MANY_REQUESTS]
    user.refresh_from_db()
    assert user.email == "probe4@example.com"


# --------------------------------------------------------------- logout and access tokens


def test_logout_stops_the_access_token_at_once(user, gql):
    # given a signed-in session and a second, independent one
    client, tokens = signed_in(user=user)
    other_client, _ = signed_in(user=user)
    # when the first logs out
    response = client.post(LOGOUT_URL, {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == HTTPStatus.OK
    # then its access token is refused by REST and GraphQL, before it expires
    refused = client.get(ME)
    assert refused.status_code == HTTPStatus.UNAUTHORIZED
    assert refused.json()["code"] == "token_not_valid"
    assert gql("{ me { username } }", client=client)["errors"][0]["extensions"]["code"] == (
        "UNAUTHENTICATED"
    )
    # while the other session keeps working
    assert other_client.get(ME).json()["username"] == user.username


def test_the_deny_list_entry_expires_with_the_token(user, monkeypatch):
    client, tokens = signed_in(user=user)
    jti = _access_jti(tokens["access"])
    timeouts = []
    deny_list = caches["security"]
    real_set = deny_list.set

    def recording_set(key, value, timeout=None, **kwargs):
        timeouts.append((key, timeout))
        return real_set(key, value, timeout=timeout, **kwargs)

    monkeypatch.setattr(deny_list, "set", recording_set)
    # when the session logs out
    client.post(LOGOUT_URL, {"refresh": tokens["refresh"]}, format="json")
    # then the token's jti is listed, for no longer than the token itself lives
    assert bearer.access_token_revoked(jti=jti)
    key = bearer.REVOKED_ACCESS_KEY.format(jti=jti)
    (timeout,) = [t for k, t in timeouts if k == key]
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()
    assert 0 < timeout <= lifetime + 1


def test_logout_with_the_cache_down_changes_nothing(user, monkeypatch):
    client, tokens = signed_in(user=user)

    class DownCache:
        def set(self, *args, **kwargs):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(services.tokens, "caches", {"security": DownCache()})
    # when logout cannot write the deny-list
    response = client.post(LOGOUT_URL, {"refresh": tokens["refresh"]}, format="json")
    # then 503 and nothing half done: the refresh token is not blacklisted either
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["detail"] == services.SIGN_OUT_UNAVAILABLE_MESSAGE
    assert not BlacklistedToken.objects.exists()
    monkeypatch.undo()
    refreshed = APIClient().post(REFRESH_URL, {"refresh": tokens["refresh"]}, format="json")
    assert refreshed.status_code == HTTPStatus.OK


def _access_jti(access: str) -> str:
    from rest_framework_simplejwt.tokens import AccessToken

    return AccessToken(access)["jti"]


def test_an_unreadable_deny_list_fails_open(monkeypatch):
    # given a cache that errors on read
    class DownCache:
        def get(self, *args, **kwargs):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(bearer, "caches", {"security": DownCache()})
    # then tokens are not checked against it (the documented window), and nothing raises
    assert bearer.access_token_revoked(jti="abc") is False
    store_circuit.reset()
