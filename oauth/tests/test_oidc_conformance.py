"""OpenID Connect conformance: a standard client library (Authlib, with joserfc for the
ID token) signs in against the real API served on a loopback port.

Discovery, the code flow with PKCE (S256) and a nonce, the ID token verified with the
published JWKS, userinfo, refresh with rotation, and revocation: each step as a
third-party developer's code would take it, with nothing but the discovery document.

The browser's part (sign in, approve) is done with a plain HTTP session: the user signs
in on the API's own Django session form (the admin's sign-in page, which the demo data's
staff account may use), and the consent form DOT renders is submitted with its own
hidden fields. The session cookie is obtained the way a browser obtains it.
"""

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

from oauth.demo import HELP_DESK_CLIENT_ID, HELP_DESK_LOCAL_SECRET, HELP_DESK_REDIRECT_URI
from tests.live_server import live_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

STAFF = {"username": "admin", "password": "admin-Pass-123"}  # load_demo_data's defaults


class FormFields(HTMLParser):
    """The named inputs of a page's form: the one with `form_id`, else the first one (the
    pages' header holds a sign-out form before the consent form)."""

    def __init__(self, form_id: str | None = None):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.form_id = form_id
        self.forms = 0
        self.inside = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms += 1
            wanted = attrs.get("id") == self.form_id if self.form_id else self.forms == 1
            self.inside = wanted and not self.fields
        elif (
            tag == "input"
            and self.inside
            and attrs.get("name")
            and attrs.get("type") in ("hidden", "text", None)
        ):
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def form_fields(html: str, form_id: str | None = None) -> dict[str, str]:
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.fields


def signed_in_browser(base: str) -> requests.Session:
    """A session signed in as the demo staff user on the API's session sign-in form."""
    browser = requests.Session()
    page = browser.get(f"{base}/admin/login/", timeout=30)
    fields = form_fields(page.text)
    signed_in = browser.post(
        f"{base}/admin/login/?next=/admin/",
        data={**fields, **STAFF},
        headers={"Referer": f"{base}/admin/login/"},
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    return browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("oidc")) as live:
        yield live


def test_a_standard_oidc_client_signs_in_refreshes_and_revokes(server):
    base = server.url
    # discovery: the client learns every endpoint from the root document
    metadata = requests.get(f"{base}/.well-known/openid-configuration", timeout=30).json()
    assert metadata["issuer"] == f"{base}/o"
    assert "S256" in metadata["code_challenge_methods_supported"]

    client = OAuth2Session(
        client_id=HELP_DESK_CLIENT_ID,
        client_secret=HELP_DESK_LOCAL_SECRET,
        scope="openid profile read",
        redirect_uri=HELP_DESK_REDIRECT_URI,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
        revocation_endpoint_auth_method="client_secret_basic",
    )
    verifier, nonce = generate_token(48), generate_token(20)
    authorize_url, state = client.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )

    # without a session, the authorize endpoint sends the browser to the sign-in page
    anonymous = requests.get(authorize_url, allow_redirects=False, timeout=30)
    assert anonymous.status_code == 302
    assert urlsplit(anonymous.headers["Location"]).path == "/account/sign-in/"

    # the user signs in and approves on the consent form
    browser = signed_in_browser(base)
    consent = browser.get(authorize_url, timeout=30)
    assert consent.status_code == 200
    approved = browser.post(
        f"{base}/o/authorize/",
        data={**form_fields(consent.text, "consent"), "allow": "Authorize"},
        headers={"Referer": authorize_url},
        allow_redirects=False,
        timeout=30,
    )
    assert approved.status_code == 302, approved.text[:500]
    callback = approved.headers["Location"]
    assert callback.startswith(HELP_DESK_REDIRECT_URI)
    assert parse_qs(urlsplit(callback).query)["iss"] == [metadata["issuer"]]

    # the client exchanges the code with its PKCE verifier
    token = client.fetch_token(
        metadata["token_endpoint"],
        authorization_response=callback,
        state=state,
        code_verifier=verifier,
    )
    assert set(token["scope"].split()) == {"openid", "profile", "read"}

    # the ID token verifies with the published keys, for this client and nonce
    keys = KeySet.import_key_set(requests.get(metadata["jwks_uri"], timeout=30).json())
    id_token = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": metadata["issuer"]},
        aud={"essential": True, "value": HELP_DESK_CLIENT_ID},
        nonce={"essential": True, "value": nonce},
        sub={"essential": True},
    ).validate(id_token.claims)
    assert id_token.claims["preferred_username"] == "admin"
    assert id_token.claims["is_staff"] is True

    # userinfo agrees with the ID token
    userinfo = client.get(metadata["userinfo_endpoint"], timeout=30).json()
    assert userinfo["sub"] == id_token.claims["sub"]
    assert userinfo["preferred_username"] == "admin"

    # the access token reads the API within its scope
    me = client.get(f"{base}/api/users/me/", timeout=30)
    assert me.status_code == 200 and me.json()["username"] == "admin"

    # refresh rotates: a new pair that works
    old_refresh = token["refresh_token"]
    renewed = client.refresh_token(metadata["token_endpoint"], refresh_token=old_refresh)
    assert renewed["refresh_token"] != old_refresh
    assert renewed["access_token"] != token["access_token"]
    assert client.get(f"{base}/api/users/me/", timeout=30).status_code == 200

    # revocation: the renewed access token stops working at once
    revoked = client.revoke_token(
        metadata["revocation_endpoint"],
        token=renewed["access_token"],
        token_type_hint="access_token",
    )
    assert revoked.status_code == 200
    after = client.get(f"{base}/api/users/me/", timeout=30)
    assert after.status_code == 401
    assert after.json()["detail"] == "The access token is not valid; sign in again."

    # and the refresh token used up by the rotation is refused
    replay = requests.post(
        metadata["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": old_refresh},
        auth=(HELP_DESK_CLIENT_ID, HELP_DESK_LOCAL_SECRET),
        timeout=30,
    )
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
