"""Signing out and changing the password over GraphQL: the tokens die as over REST.

Outcomes and messages are compared with REST in the parity table (tests/parity); here,
what a client sees afterwards with its old tokens.
"""

import pytest
from rest_framework.test import APIClient

from users import services
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-Word-123"
LOGOUT = "mutation($refresh: String!) { logout(refresh: $refresh) { ok message } }"
CHANGE_PASSWORD = """
mutation($current: String!, $new: String!) {
  changePassword(currentPassword: $current, newPassword: $new) { access refresh user { username } }
}
"""
REFRESH = "mutation($refresh: String!) { refreshToken(refresh: $refresh) { access } }"
ME = "{ me { username } }"


def signed_in(user):
    pair = services.login_tokens(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    return client, pair


def test_logout_kills_the_refresh_token_and_the_access_token_used(gql):
    # given a signed-in user
    client, pair = signed_in(UserFactory())

    # when they sign out over GraphQL
    body = gql(LOGOUT, {"refresh": pair["refresh"]}, client=client)

    # then the answer says so, and neither token works any more
    assert body == {"data": {"logout": {"ok": True, "message": "Logged out."}}}
    assert gql(ME, client=client)["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    refreshed = gql(REFRESH, {"refresh": pair["refresh"]})
    assert refreshed["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_change_password_returns_a_new_pair_and_the_old_tokens_die(gql):
    # given a signed-in user
    user = UserFactory(username="pat")
    client, _ = signed_in(user)

    # when they change the password with the current one
    body = gql(CHANGE_PASSWORD, {"current": PASSWORD, "new": "Fresh-Start-2026"}, client=client)

    # then a new pair that works, the old access token refused, the new password stored
    payload = body["data"]["changePassword"]
    assert payload["user"] == {"username": "pat"}
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Bearer {payload['access']}")
    assert gql(ME, client=fresh) == {"data": {"me": {"username": "pat"}}}
    assert gql(ME, client=client)["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    user.refresh_from_db()
    assert user.check_password("Fresh-Start-2026")


def test_a_wrong_current_password_names_current_password(gql):
    # given a signed-in user
    user = UserFactory()
    client, _ = signed_in(user)

    # when the current password is wrong
    body = gql(CHANGE_PASSWORD, {"current": "wrong", "new": "Fresh-Start-2026"}, client=client)

    # then BAD_USER_INPUT on the argument the client sent, and the password is unchanged
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "currentPassword"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
