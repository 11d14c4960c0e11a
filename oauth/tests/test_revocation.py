"""A password change, a password reset and an account deletion revoke every grant the
user gave to apps: access and refresh tokens stop working on both doors at once."""

from http import HTTPStatus

import pytest
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from oauth.tests.helpers import bearer, code_flow_tokens, token_request, web_app
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-Word-123"
NEW_PASSWORD = "Fresh-Start-2026"


@pytest.fixture
def member(new_phone):
    return UserFactory(phone_number=new_phone(), phone_verified_at=timezone.now())


@pytest.fixture
def granted(client, member):
    """Tokens `member` granted to an app with the code flow."""
    return code_flow_tokens(client, web_app(), member, scope="openid read account")


def assert_dead_on_both_doors(client, tokens):
    app = bearer(tokens["access_token"])
    rest = app.get("/api/users/me/")
    assert rest.status_code == HTTPStatus.UNAUTHORIZED
    gql = app.post("/graphql/", {"query": "{ me { username } }"}, format="json").json()
    assert gql["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    refreshed = token_request(
        client, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
    )
    assert refreshed.status_code == HTTPStatus.BAD_REQUEST
    assert refreshed.json()["error"] == "invalid_grant"


def test_a_password_change_revokes_every_app_grant(client, member, granted, new_phone):
    # given a second user's grant, which must survive
    other = UserFactory(phone_number=new_phone())
    others = code_flow_tokens(client, web_app(client_id="other"), other, scope="read")

    # when the member changes their password (with the API's own sign-in)
    from conftest import bearer_client

    changed = bearer_client(member).post(
        "/api/users/me/password/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
    )

    # then
    assert changed.status_code == HTTPStatus.OK
    assert_dead_on_both_doors(client, granted)
    assert not get_access_token_model().objects.filter(user=member).exists()
    assert not get_refresh_token_model().objects.filter(user=member, revoked__isnull=True).exists()
    assert bearer(others["access_token"]).get("/api/users/me/").status_code == HTTPStatus.OK


def test_a_password_reset_revokes_every_app_grant(client, member, granted, sms_log):
    # when the member resets their password with a texted code
    client.post(
        "/api/users/password/reset/",
        {"phone_number": member.phone_number},
        content_type="application/json",
    )
    (code,) = sms_log(to=member.phone_number)
    confirmed = client.post(
        "/api/users/password/reset/confirm/",
        {"phone_number": member.phone_number, "code": code, "new_password": NEW_PASSWORD},
        content_type="application/json",
    )

    # then
    assert confirmed.status_code == HTTPStatus.OK
    assert_dead_on_both_doors(client, granted)


def test_an_account_deletion_revokes_every_app_grant(client, member, granted):
    from conftest import bearer_client

    deleted = bearer_client(member).post(
        "/api/users/me/delete/", {"password": PASSWORD}, format="json"
    )

    assert deleted.status_code in (HTTPStatus.OK, HTTPStatus.NO_CONTENT)
    assert_dead_on_both_doors(client, granted)
    assert not get_access_token_model().objects.exists()


def test_a_failed_password_change_revokes_nothing(client, member, granted):
    from conftest import bearer_client

    refused = bearer_client(member).post(
        "/api/users/me/password/",
        {"old_password": PASSWORD, "new_password": "short"},
        format="json",
    )

    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert bearer(granted["access_token"]).get("/api/users/me/").status_code == HTTPStatus.OK
