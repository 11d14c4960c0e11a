"""The code flow with PKCE, refresh rotation, revocation, introspection, userinfo and
the ID token's signature, through the provider's endpoints."""

import base64
import json
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
from jwcrypto import jwk, jws, jwt

from oauth.tests.helpers import (
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_URI,
    authorization_code,
    bearer,
    code_flow_tokens,
    pkce_pair,
    token_request,
    web_app,
)

pytestmark = pytest.mark.django_db
ME_URL = "/api/users/me/"


@pytest.fixture
def app():
    return web_app()


def basic(client_id=CLIENT_ID, secret=CLIENT_SECRET) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def test_the_code_flow_gives_tokens_that_work_on_the_api(client, app, user):
    # when
    tokens = code_flow_tokens(client, app, user, scope="openid profile read")

    # then
    assert tokens["token_type"] == "Bearer"
    assert tokens["scope"] == "openid profile read"
    assert {"access_token", "refresh_token", "id_token", "expires_in"} <= set(tokens)
    me = bearer(tokens["access_token"]).get(ME_URL)
    assert me.status_code == HTTPStatus.OK
    assert me.json()["username"] == user.username


def test_the_id_token_verifies_against_the_published_jwks(client, app, user, settings):
    # given
    tokens = code_flow_tokens(client, app, user, scope="openid profile")
    keys = jwk.JWKSet.from_json(client.get("/o/.well-known/jwks.json").content)

    # when: verified with the published public key only
    verified = jwt.JWT(jwt=tokens["id_token"], key=keys, algs=["RS256"])

    # then
    claims = json.loads(verified.claims)
    assert claims["iss"] == "http://testserver/o"
    assert claims["aud"] == CLIENT_ID
    assert claims["sub"] == str(user.pk)
    assert claims["nonce"] == "n-0S6"
    assert claims["preferred_username"] == user.username
    assert claims["email"] == user.email
    assert claims["is_staff"] is False
    assert claims["exp"] - claims["iat"] == settings.OAUTH_ID_TOKEN_SECONDS


def test_a_forged_id_token_fails_verification(client, app, user):
    tokens = code_flow_tokens(client, app, user, scope="openid")
    header, payload, signature = tokens["id_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["is_staff"] = True
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    forged = ".".join([header, forged_payload, signature])
    [key] = jwk.JWKSet.from_json(client.get("/o/.well-known/jwks.json").content)

    with pytest.raises(jws.InvalidJWSSignature):
        jwt.JWT(jwt=forged, key=key, algs=["RS256"])


def test_userinfo_gives_the_profile_claims_only_with_the_profile_scope(client, app, user, staff):
    with_profile = code_flow_tokens(client, app, staff, scope="openid profile")["access_token"]
    without = code_flow_tokens(client, app, user, scope="openid read")["access_token"]

    assert bearer(with_profile).get("/o/userinfo/").json() == {
        "sub": str(staff.pk),
        "preferred_username": staff.username,
        "email": staff.email,
        "is_staff": True,
    }
    assert bearer(without).get("/o/userinfo/").json() == {"sub": str(user.pk)}


def test_refresh_rotates_and_the_old_refresh_token_then_fails(client, app, user):
    # given
    first = code_flow_tokens(client, app, user, scope="read")

    # when
    second = token_request(client, grant_type="refresh_token", refresh_token=first["refresh_token"])
    replay = token_request(client, grant_type="refresh_token", refresh_token=first["refresh_token"])

    # then: a new pair, and the used refresh token is refused
    assert second.status_code == HTTPStatus.OK
    renewed = second.json()
    assert renewed["refresh_token"] != first["refresh_token"]
    assert renewed["access_token"] != first["access_token"]
    assert replay.status_code == HTTPStatus.BAD_REQUEST
    assert replay.json()["error"] == "invalid_grant"
    # and replaying a used one revoked its whole family (a stolen copy was used)
    assert bearer(renewed["access_token"]).get(ME_URL).status_code == HTTPStatus.UNAUTHORIZED
    again = token_request(
        client, grant_type="refresh_token", refresh_token=renewed["refresh_token"]
    )
    assert again.json()["error"] == "invalid_grant"


def test_revoking_the_access_token_stops_it_on_both_doors(client, app, user):
    tokens = code_flow_tokens(client, app, user, scope="read")

    revoked = client.post(
        "/o/revoke_token/",
        {"token": tokens["access_token"]},
        HTTP_AUTHORIZATION=basic(),
    )

    assert revoked.status_code == HTTPStatus.OK
    refused = bearer(tokens["access_token"]).get(ME_URL)
    assert refused.status_code == HTTPStatus.UNAUTHORIZED
    assert refused.json()["detail"] == "The access token is not valid; sign in again."
    graphql = bearer(tokens["access_token"]).post(
        "/graphql/", {"query": "{ me { username } }"}, format="json"
    )
    assert graphql.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_introspection_tells_a_client_whether_a_token_is_live(client, app, user):
    tokens = code_flow_tokens(client, app, user, scope="openid read")

    live = client.post(
        "/o/introspect/", {"token": tokens["access_token"]}, HTTP_AUTHORIZATION=basic()
    )
    unknown = client.post("/o/introspect/", {"token": "nope"}, HTTP_AUTHORIZATION=basic())
    anonymous = client.post("/o/introspect/", {"token": tokens["access_token"]})

    assert live.status_code == HTTPStatus.OK
    body = live.json()
    assert body["active"] is True
    assert body["scope"] == "openid read"
    assert body["client_id"] == CLIENT_ID
    assert body["username"] == user.username
    assert unknown.json() == {"active": False}
    assert anonymous.status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
    assert "active" not in anonymous.content.decode()


def test_the_authorization_response_names_the_discovery_issuer(client, app, user):
    # given
    issuer = client.get("/.well-known/openid-configuration").json()["issuer"]
    client.force_login(user)
    _, challenge = pkce_pair()
    params = {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": "openid",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "allow": "Authorize",
    }

    # when
    approved = client.post("/o/authorize/", params)

    # then the RFC 9207 `iss` a client checks against mix-up is the issuer it discovered
    query = parse_qs(urlsplit(approved["Location"]).query)
    assert query["iss"] == [issuer]
    assert client.get("/o/.well-known/oauth-authorization-server").json()["issuer"] == issuer


def test_the_consent_page_lets_its_form_return_to_the_app(client, app, user, settings):
    # given the site-wide policy allows forms to post to this server only
    assert "form-action 'self'" in settings.CONTENT_SECURITY_POLICY
    client.force_login(user)
    _, challenge = pkce_pair()

    # when the consent page is shown for an app on another origin
    page = client.get(
        "/o/authorize/",
        {
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "response_type": "code",
            "scope": "read",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )

    # then its policy also allows the redirect the approval answers with (Chromium
    # checks form-action on it), and nothing else changes
    policy = page["Content-Security-Policy"]
    assert "form-action 'self' http://127.0.0.1:8001;" in policy + ";"
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self' 'nonce-" in policy


# ------------------------------------------------------------------ invalid requests


def test_a_code_exchanged_without_its_verifier_is_refused(client, app, user):
    client.force_login(user)
    _, challenge = pkce_pair()
    code = authorization_code(client, app, scope="read", challenge=challenge)

    response = token_request(
        client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["error"] == "invalid_request"
    assert "code_verifier" in response.json()["error_description"].lower().replace(" ", "_")


def test_a_code_with_the_wrong_verifier_is_refused_and_cannot_be_tried_again(client, app, user):
    client.force_login(user)
    verifier, challenge = pkce_pair()
    code = authorization_code(client, app, scope="read", challenge=challenge)

    wrong = token_request(
        client,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
        code_verifier=pkce_pair()[0],
    )

    assert wrong.status_code == HTTPStatus.BAD_REQUEST
    assert wrong.json()["error"] == "invalid_grant"
    # and the code cannot be tried again, even with the right verifier
    right = token_request(
        client,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
        code_verifier=verifier,
    )
    assert right.status_code == HTTPStatus.BAD_REQUEST
    assert right.json()["error"] == "invalid_grant"


def test_a_wrong_client_secret_is_invalid_client(client, app):
    response = client.post(
        "/o/token/",
        {"grant_type": "refresh_token", "refresh_token": "x"},
        HTTP_AUTHORIZATION=basic(secret="wrong"),
    )

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response.json()["error"] == "invalid_client"


def test_authorize_without_pkce_is_refused(client, app, user):
    client.force_login(user)

    response = client.get(
        "/o/authorize/",
        {"client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI, "response_type": "code"},
    )

    # the error goes back to the registered redirect URI, as RFC 6749 says
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(REDIRECT_URI)
    assert "error=invalid_request" in response["Location"]
    assert "Code+challenge+required" in response["Location"]


def test_authorize_with_an_unregistered_redirect_uri_never_redirects(client, app, user):
    client.force_login(user)
    _, challenge = pkce_pair()

    response = client.get(
        "/o/authorize/",
        {
            "client_id": CLIENT_ID,
            "redirect_uri": "https://evil.example/cb",
            "response_type": "code",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "evil.example" not in response.get("Location", "")
    assert b"Mismatching redirect URI" in response.content


def test_an_unknown_scope_is_refused(client, app, user):
    client.force_login(user)
    _, challenge = pkce_pair()

    response = client.get(
        "/o/authorize/",
        {
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "response_type": "code",
            "scope": "read admin",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    assert "error=invalid_scope" in response["Location"]


def test_the_token_endpoint_is_rate_limited_per_address(client, app, settings):
    # given a low limit on the token endpoint
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "oauth_token": "3/min",
        },
    }

    # when
    answers = [
        token_request(client, grant_type="refresh_token", refresh_token="x") for _ in range(4)
    ]

    # then: three answered by the protocol, the fourth refused by the limiter
    assert [a.status_code for a in answers[:3]] == [HTTPStatus.BAD_REQUEST] * 3
    refused = answers[3]
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert {key: value for key, value in refused.json().items() if key != "request_id"} == {
        "error": "too_many_requests",
        "error_description": "Too many requests; try again later.",
    }
    assert int(refused["Retry-After"]) >= 1
    assert refused["X-RateLimit-Limit"] == "3"
