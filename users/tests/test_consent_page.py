"""The consent page of /o/authorize/ (our template over django-oauth-toolkit's view) and
the device-flow pages: the application's name, each requested scope in the words of
settings OAUTH2_PROVIDER["SCOPES"], Allow and Deny, all in the API's own look.
"""

import base64
import hashlib
import re
from datetime import timedelta
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from oauth2_provider.models import get_application_model, get_device_grant_model

pytestmark = pytest.mark.django_db
REDIRECT_URI = "http://desk.example/oauth/callback"
VERIFIER = "a-pkce-verifier-" + "x" * 40
SCOPES = ["openid", "profile", "read", "write:reviews"]


def challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@pytest.fixture
def application(db):
    model = get_application_model()
    return model.objects.create(
        name="Movie API help desk",
        client_id="help-desk",
        client_secret="help-desk-secret",
        client_type=model.CLIENT_CONFIDENTIAL,
        authorization_grant_type=model.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT_URI,
    )


def authorize_query(application, scopes=SCOPES) -> dict:
    return {
        "response_type": "code",
        "client_id": application.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": " ".join(scopes),
        "state": "state-42",
        "code_challenge": challenge(VERIFIER),
        "code_challenge_method": "S256",
    }


def consent_form(page: str) -> dict:
    """The hidden fields of the consent form, as the browser would post them."""
    return {
        name: value
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
        if name != "csrfmiddlewaretoken"
    }


def test_without_a_session_the_authorization_request_goes_to_the_sign_in_page(client, application):
    # when a browser with no session arrives from the client
    response = client.get("/o/authorize/", authorize_query(application))

    # then it is sent to the API's sign-in page, which brings it back afterwards
    location = urlsplit(response["Location"])
    assert response.status_code == HTTPStatus.FOUND
    assert location.path == settings.LOGIN_URL == "/account/sign-in/"
    assert parse_qs(location.query)["next"][0].startswith("/o/authorize/?")


def test_the_consent_page_names_the_application_and_explains_each_scope(client, user, application):
    # given a signed-in user
    client.force_login(user)

    # when the client asks for four scopes
    response = client.get("/o/authorize/", authorize_query(application))

    # then the page names the application, the account and each scope in the words of
    # settings (and only the scopes asked for), with Allow and Deny
    page = response.content.decode()
    descriptions = settings.OAUTH2_PROVIDER["SCOPES"]
    assert response.status_code == HTTPStatus.OK
    assert 'Allow <span class="app">Movie API help desk</span>' in page
    assert f"<strong>{user.username}</strong>" in page
    listed = re.findall(r"<li>(.*?)<code>(.*?)</code></li>", page)
    assert listed == [(escape(descriptions[scope]), escape(scope)) for scope in SCOPES]
    assert '<button type="submit" name="allow" value="true">Allow</button>' in page
    assert '<button type="submit" class="secondary">Deny</button>' in page
    assert "desk.example" in page
    assert "pages/pages.css" in page
    assert "oauth2_provider/css" not in page


def test_allow_sends_the_browser_back_with_a_code_and_the_state(client, user, application):
    # given the consent page in front of a signed-in user
    client.force_login(user)
    page = client.get("/o/authorize/", authorize_query(application)).content.decode()

    # when the user presses Allow
    response = client.post("/o/authorize/", {**consent_form(page), "allow": "true"})

    # then back to the client's redirect URI with a code and the client's state
    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert response.status_code == HTTPStatus.FOUND
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    assert query["state"] == ["state-42"]
    assert len(query["code"][0]) >= 20


def test_deny_sends_the_browser_back_with_access_denied(client, user, application):
    # given the consent page in front of a signed-in user
    client.force_login(user)
    page = client.get("/o/authorize/", authorize_query(application)).content.decode()

    # when the user presses Deny (the form is posted without `allow`)
    response = client.post("/o/authorize/", consent_form(page))

    # then back to the client with error=access_denied and no code
    query = parse_qs(urlsplit(response["Location"]).query)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(REDIRECT_URI)
    assert query["error"] == ["access_denied"]
    assert "code" not in query


def test_a_request_from_an_unknown_client_gets_the_error_page_in_the_apis_look(client, user):
    # given a signed-in user
    client.force_login(user)

    # when an authorization request names no registered client
    response = client.get(
        "/o/authorize/",
        {"response_type": "code", "client_id": "nobody", "redirect_uri": REDIRECT_URI},
    )

    # then an error page that says nothing was shared, and no redirect to that URI
    page = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "The application's request cannot be completed" in page
    assert "<strong>invalid_request</strong>: Invalid client_id parameter value." in page
    assert "pages/pages.css" in page


def test_the_device_pages_ask_for_the_code_then_for_consent(client, user, application):
    # given a device that started the device flow, and its user signed in
    grant = get_device_grant_model().objects.create(
        device_code="device-code-1",
        user_code="WDJB-MJHT",
        client_id=application.client_id,
        scope="read write:lists",
        expires=timezone.now() + timedelta(minutes=10),
        interval=5,
    )
    client.force_login(user)

    # when the user types the device's code, then opens the consent step
    code_page = client.get("/o/device/").content.decode()
    entered = client.post("/o/device/", {"user_code": grant.user_code})
    consent = client.get(entered["Location"]).content.decode()
    decided = client.post(entered["Location"], {"action": "accept"})

    # then both pages are the API's, the consent explains each scope, Allow authorizes
    descriptions = settings.OAUTH2_PROVIDER["SCOPES"]
    assert '<label for="id_user_code">' in code_page
    assert "pages/pages.css" in code_page
    assert entered.status_code == HTTPStatus.FOUND
    assert re.findall(r"<li>(.*?)<code>", consent) == [
        escape(descriptions["read"]),
        escape(descriptions["write:lists"]),
    ]
    assert decided.status_code == HTTPStatus.FOUND
    grant.refresh_from_db()
    assert grant.status == grant.AUTHORIZED
    assert "Your device is connected" in client.get(decided["Location"]).content.decode()
