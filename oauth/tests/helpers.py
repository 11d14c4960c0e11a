"""Helpers of the provider's tests: a registered client, the code flow with PKCE driven
through Django's test client, and app tokens issued directly."""

import base64
import hashlib
import secrets
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

from django.utils import timezone
from oauth2_provider.models import get_access_token_model, set_token_value
from rest_framework.test import APIClient

from oauth.services import application_register

REDIRECT_URI = "http://127.0.0.1:8001/oauth/callback/"
CLIENT_ID = "test-client"
CLIENT_SECRET = "test-client-secret"


def web_app(**overrides):
    """A confidential client using the code flow with PKCE (the help desk's shape)."""
    arguments = {
        "name": "Test app",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [REDIRECT_URI],
        **overrides,
    }
    return application_register(**arguments).application


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge), RFC 7636."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorization_code(client, app, *, scope: str, challenge: str, nonce: str = "n-0S6") -> str:
    """Approve `app` on the consent form as the session user of `client`; the code."""
    params = {
        "client_id": app.client_id,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": scope,
        "state": "xyz",
        "nonce": nonce,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    shown = client.get("/o/authorize/?" + urlencode(params))
    assert shown.status_code == 200, shown.content[:500]
    approved = client.post("/o/authorize/", {**params, "allow": "Authorize"})
    assert approved.status_code == 302, approved.content[:500]
    location = urlsplit(approved["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    assert query["state"] == ["xyz"]
    return query["code"][0]


def token_request(client, client_id=CLIENT_ID, **fields):
    """POST /o/token/ as a confidential client of web_app() (HTTP Basic)."""
    credentials = base64.b64encode(f"{client_id}:{CLIENT_SECRET}".encode()).decode()
    return client.post("/o/token/", fields, HTTP_AUTHORIZATION=f"Basic {credentials}")


def code_flow_tokens(client, app, user, *, scope: str) -> dict:
    """The token response of the whole code flow with PKCE for `user` granting `scope`."""
    client.force_login(user)
    verifier, challenge = pkce_pair()
    code = authorization_code(client, app, scope=scope, challenge=challenge)
    response = token_request(
        client,
        client_id=app.client_id,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
        code_verifier=verifier,
    )
    assert response.status_code == 200, response.content
    return response.json()


def app_token(user, app, scope: str) -> str:
    """A live access token of `app` for `user` with `scope`, issued directly."""
    raw = secrets.token_urlsafe(24).replace("-", "x").replace("_", "y")
    token = get_access_token_model()(
        user=user, application=app, scope=scope, expires=timezone.now() + timedelta(hours=1)
    )
    set_token_value(token, raw)
    token.save()
    return raw


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client
