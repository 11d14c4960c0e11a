"""The device authorization grant (RFC 8628) for TVs and CLIs: the device shows a code,
the user approves it in a browser where they are signed in, the device gets tokens."""

from http import HTTPStatus
from urllib.parse import urlencode

import pytest

from oauth.services import application_register
from oauth.tests.helpers import bearer

pytestmark = pytest.mark.django_db

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@pytest.fixture
def tv():
    return application_register(
        name="Living-room TV",
        client_id="tv-app",
        redirect_uris=[],
        public=True,
        grant="device-code",
    ).application


def start(client, **fields):
    """POST /o/device-authorization/ as a device does: a urlencoded form (RFC 8628)."""
    return client.post(
        "/o/device-authorization/",
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
    )


def poll(client, device_code):
    return client.post(
        "/o/token/",
        {"grant_type": DEVICE_GRANT, "device_code": device_code, "client_id": "tv-app"},
    )


def test_a_tv_signs_in_with_a_code_the_user_approves(client, tv, user, settings):
    # given: the TV asks for a code
    started = start(client, client_id="tv-app", scope="read")
    assert started.status_code == HTTPStatus.OK
    codes = started.json()
    assert codes["verification_uri"] == "http://testserver/o/device/"
    assert codes["interval"] == settings.OAUTH2_PROVIDER["DEVICE_FLOW_INTERVAL"]
    assert codes["user_code"] and codes["device_code"]

    # when it polls before the user acted
    pending = poll(client, codes["device_code"])

    # then it is told to keep waiting
    assert pending.status_code == HTTPStatus.BAD_REQUEST
    assert pending.json()["error"] == "authorization_pending"

    # when the user, signed in on their phone, enters the code and approves
    client.force_login(user)
    entered = client.post("/o/device/", {"user_code": codes["user_code"]})
    assert entered.status_code == HTTPStatus.FOUND
    approved = client.post(entered["Location"], {"action": "accept"})
    assert approved.status_code == HTTPStatus.FOUND
    client.logout()

    # then the TV's next poll gets tokens that work on the API within their scope
    granted = poll(client, codes["device_code"])
    assert granted.status_code == HTTPStatus.OK, granted.content
    tokens = granted.json()
    assert tokens["scope"] == "read"
    me = bearer(tokens["access_token"]).get("/api/users/me/")
    assert me.json()["username"] == user.username
    # and the device code was single-use
    again = poll(client, codes["device_code"])
    assert again.status_code == HTTPStatus.BAD_REQUEST
    assert again.json()["error"] == "expired_token"


def test_a_denied_device_gets_access_denied(client, tv, user):
    codes = start(client, client_id="tv-app").json()
    client.force_login(user)
    entered = client.post("/o/device/", {"user_code": codes["user_code"]})
    client.post(entered["Location"], {"action": "deny"})

    refused = poll(client, codes["device_code"])

    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert refused.json()["error"] == "access_denied"


def test_an_unknown_client_cannot_start_the_device_flow(client):
    response = start(client, client_id="nobody")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["error"] == "invalid_request"
    assert response.json()["error_description"] == "Invalid client_id parameter value."


def test_a_wrong_user_code_is_refused_on_the_form(client, tv, user):
    client.force_login(user)

    response = client.post("/o/device/", {"user_code": "WRONG-CODE"})

    assert response.status_code == HTTPStatus.OK  # the form again, with its error
    assert b"Incorrect user code" in response.content
