"""Sign in with Movie API: the authorization code flow with PKCE, ``state`` and ``nonce``.

The desk is a confidential OAuth 2 / OpenID Connect client of the movie API (Authlib's
``OAuth2Session`` speaks the protocol, joserfc checks the ID token against the API's JWKS).
It never sees a password: the browser is sent to the API's ``/o/authorize/`` (public
address), comes back to ``/oauth/callback/`` with a code, and the desk exchanges it at
``/o/token/`` (internal address, server to server) for the person's tokens.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from tickets.movie_api_client.client import public_headers
from tickets.movie_api_client.errors import MovieApiUnavailable
from tickets.movie_api_client.results import Account

# What the desk asks for: who you are (openid, profile: name, email, staff) and reading
# the catalog on your behalf (read). Nothing that writes to your movie API account.
SCOPE = "openid profile read"
PENDING_KEY = "accounts:oauth:pending"
# Sign-ins started and not finished, per browser session (several tabs); the oldest go.
MAX_PENDING = 5
JWKS_CACHE_KEY = "accounts:oauth:jwks"
JWKS_CACHE_SECONDS = 600

# The provider's `error` in the callback, in words (RFC 6749 section 4.1.2.1).
CALLBACK_ERRORS = {
    "access_denied": "You did not allow the help desk to use your Movie API account, "
    "so you are not signed in.",
    "login_required": "Sign in to the Movie API first, then try again.",
    "consent_required": "The help desk needs your permission on the Movie API; try again.",
    "temporarily_unavailable": "The Movie API cannot sign you in just now; try again soon.",
    "server_error": "The Movie API failed while signing you in; try again soon.",
}
CALLBACK_ERROR_OTHER = "The Movie API refused this sign-in ({error}). Please try again."
STALE_SIGN_IN = "This sign-in link is stale or was already used. Please sign in again."
ID_TOKEN_REFUSED = "The answer of the Movie API could not be verified, so you are not signed in."


class SignInFailed(Exception):
    """The sign-in did not complete; the message is for the person, in words."""


class GrantEnded(Exception):
    """The movie API no longer honours the person's grant (revoked, refresh refused)."""


@dataclass(frozen=True)
class SignedIn:
    account: Account
    tokens: dict[str, Any]
    next_url: str


def _endpoint(path: str, *, public: bool = False) -> str:
    base = settings.MOVIE_API_URL if public else settings.MOVIE_API_INTERNAL_URL
    return f"{base}/o/{path}"


def _timeout() -> tuple[float, float]:
    return (settings.MOVIE_API_CONNECT_TIMEOUT, settings.MOVIE_API_READ_TIMEOUT)


def _client(**kwargs) -> OAuth2Session:
    secret = settings.MOVIE_API_OAUTH_CLIENT_SECRET
    session = OAuth2Session(
        client_id=settings.MOVIE_API_OAUTH_CLIENT_ID,
        client_secret=secret or None,
        token_endpoint_auth_method="client_secret_basic" if secret else "none",
        revocation_endpoint_auth_method="client_secret_basic" if secret else "none",
        scope=SCOPE,
        code_challenge_method="S256",
        **kwargs,
    )
    session.headers.update(public_headers())
    return session


def redirect_uri(request) -> str:
    return request.build_absolute_uri(reverse("sign-in-callback"))


def begin(request, next_url: str) -> str:
    """The API's authorize URL for a new sign-in; its secrets wait in the session."""
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    pending = dict(request.session.get(PENDING_KEY, {}))
    for old in sorted(pending, key=lambda s: pending[s]["at"])[
        : max(0, len(pending) + 1 - MAX_PENDING)
    ]:
        del pending[old]
    pending[state] = {"verifier": verifier, "nonce": nonce, "next": next_url, "at": time.time()}
    request.session[PENDING_KEY] = pending
    url, _ = _client(redirect_uri=redirect_uri(request)).create_authorization_url(
        _endpoint("authorize/", public=True), state=state, code_verifier=verifier, nonce=nonce
    )
    return url


def finish(request) -> SignedIn:
    """Check the callback, exchange the code, verify the ID token: who signed in."""
    params = request.GET
    pending = dict(request.session.get(PENDING_KEY, {}))
    flow = pending.pop(params.get("state", ""), None)
    request.session[PENDING_KEY] = pending  # a state is good for one callback only
    if flow is None:
        raise SignInFailed(STALE_SIGN_IN)
    if params.get("error"):
        error = params["error"][:64]
        raise SignInFailed(CALLBACK_ERRORS.get(error, CALLBACK_ERROR_OTHER.format(error=error)))
    if not params.get("code"):
        raise SignInFailed(STALE_SIGN_IN)
    try:
        tokens = _client(redirect_uri=redirect_uri(request)).fetch_token(
            _endpoint("token/"),
            code=params["code"],
            code_verifier=flow["verifier"],
            timeout=_timeout(),
        )
    except OAuthError as exc:
        raise SignInFailed(CALLBACK_ERROR_OTHER.format(error=exc.error)) from exc
    except requests.RequestException as exc:
        raise MovieApiUnavailable("The movie API did not answer the sign-in.") from exc
    claims = verify_id_token(tokens.get("id_token", ""), nonce=flow["nonce"])
    return SignedIn(Account.from_claims(claims), _kept(tokens), flow["next"])


def _jwks(refresh: bool = False) -> KeySet:
    keys = None if refresh else cache.get(JWKS_CACHE_KEY)
    if keys is None:
        try:
            response = requests.get(
                _endpoint(".well-known/jwks.json"), headers=public_headers(), timeout=_timeout()
            )
            response.raise_for_status()
            keys = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise MovieApiUnavailable("The movie API's signing keys are unavailable.") from exc
        cache.set(JWKS_CACHE_KEY, keys, JWKS_CACHE_SECONDS)
    return KeySet.import_key_set(keys)


def verify_id_token(id_token: str, *, nonce: str) -> dict[str, Any]:
    """The ID token's claims, after checking signature (JWKS), issuer, audience, expiry, nonce."""
    registry = jwt.JWTClaimsRegistry(
        leeway=30,
        iss={"essential": True, "value": settings.MOVIE_API_OAUTH_ISSUER},
        aud={"essential": True, "value": settings.MOVIE_API_OAUTH_CLIENT_ID},
        sub={"essential": True},
        exp={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    for refresh in (False, True):  # once more with fresh keys: the API may have rotated
        try:
            token = jwt.decode(id_token, _jwks(refresh), algorithms=["RS256"])
            registry.validate(token.claims)
            return token.claims
        except JoseError as exc:
            problem = exc
        except ValueError as exc:  # not a JWT at all
            problem = exc
    raise SignInFailed(ID_TOKEN_REFUSED) from problem


def _kept(tokens: dict[str, Any]) -> dict[str, Any]:
    """What the desk keeps of a token answer (server side only, never in a cookie)."""
    return {
        "access_token": tokens["access_token"],
        "refresh_token": tokens.get("refresh_token", ""),
        "expires_at": int(
            tokens.get("expires_at") or time.time() + int(tokens.get("expires_in", 0))
        ),
    }


def refresh(refresh_token: str) -> dict[str, Any]:
    """New tokens for a refresh token; ``GrantEnded`` if the API refuses it."""
    if not refresh_token:
        raise GrantEnded("no refresh token")
    try:
        tokens = _client().refresh_token(
            _endpoint("token/"), refresh_token=refresh_token, timeout=_timeout()
        )
    except OAuthError as exc:
        raise GrantEnded(exc.error) from exc
    except requests.RequestException as exc:
        raise MovieApiUnavailable("The movie API did not answer the token refresh.") from exc
    return _kept(tokens)


def userinfo(access_token: str) -> dict[str, Any]:
    """The person's claims now; ``GrantEnded`` on 401 (the grant was revoked)."""
    try:
        response = requests.get(
            _endpoint("userinfo/"),
            headers={**public_headers(), "Authorization": f"Bearer {access_token}"},
            timeout=_timeout(),
        )
    except requests.RequestException as exc:
        raise MovieApiUnavailable("The movie API did not answer.") from exc
    if response.status_code in (401, 403):
        raise GrantEnded(f"userinfo answered {response.status_code}")
    if response.status_code != 200:
        raise MovieApiUnavailable(f"The movie API answered HTTP {response.status_code}.")
    return response.json()


def revoke(refresh_token: str) -> None:
    """Best effort at sign-out: the API forgets the refresh token (and its access token)."""
    if not refresh_token:
        return
    # The desk's session ends anyway; a token the API did not hear about expires on its own.
    with contextlib.suppress(OAuthError, requests.RequestException):
        _client().revoke_token(
            _endpoint("revoke_token/"),
            token=refresh_token,
            token_type_hint="refresh_token",
            timeout=_timeout(),
        )
