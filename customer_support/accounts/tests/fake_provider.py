"""A stand-in for the movie API as an OpenID Connect provider, on a real loopback socket.

It serves what the desk calls server to server (``/o/token/``, ``/o/userinfo/``,
``/o/revoke_token/``, ``/o/.well-known/jwks.json`` and GraphQL, which refuses a revoked
token with 401) and, for the browser's part, ``consent(authorize_url)`` plays a person who
signs in at the API and allows the desk: it answers the callback URL the API would send
the browser to. It checks what the real provider checks: client secret, redirect URI,
PKCE (S256), one use per code, rotating refresh tokens.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import threading
import time
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from tickets.tests.fake_movie_api import FakeMovieApi

CLIENT_ID = "help-desk-tests"
CLIENT_SECRET = "help-desk-tests-secret"
PEOPLE = {
    "41": {"preferred_username": "ana", "email": "ana@example.com", "is_staff": False},
    "42": {"preferred_username": "boss", "email": "boss@example.com", "is_staff": True},
}


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class FakeProvider(FakeMovieApi):
    """The fake GraphQL API plus the OAuth 2 / OIDC endpoints the desk uses."""

    def __init__(self, *, access_seconds: int = 3600) -> None:
        super().__init__()
        self.base = self.url.removesuffix("/graphql/")
        self.issuer = f"{self.base}/o"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "fake-1"})
        self.people = {sub: dict(claims) for sub, claims in PEOPLE.items()}
        self.access_seconds = access_seconds
        self.codes: dict[str, dict] = {}
        self.access: dict[str, str] = {}  # access token -> sub
        self.refresh: dict[str, str] = {}  # live refresh token -> sub
        self.token_requests: list[dict] = []
        self.revoked: list[str] = []
        self.graphql_tokens: list[str | None] = []  # the Bearer of each GraphQL call
        self._serial = itertools.count(1)

    # --- the browser's part ---------------------------------------------------------

    def consent(self, authorize_url: str, *, sub: str = "41", nonce: str | None = None) -> str:
        """The callback URL after ``sub`` signs in at the API and allows the desk."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        assert authorize_url.startswith(f"{self.base}/o/authorize/?")
        assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
        assert query["code_challenge_method"] == "S256"
        code = f"code-{next(self._serial)}"
        self.codes[code] = {
            "sub": sub,
            "redirect_uri": query["redirect_uri"],
            "challenge": query["code_challenge"],
            "nonce": query["nonce"] if nonce is None else nonce,
            "scope": query["scope"],
        }
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"

    def refusal(self, authorize_url: str, error: str = "access_denied") -> str:
        """The callback URL when the person says no at the consent page."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        return f"{query['redirect_uri']}?{urlencode({'error': error, 'state': query['state']})}"

    def revoke_all(self, sub: str) -> None:
        """What ``DELETE /api/users/me/apps/{id}/`` does: every token of the person goes."""
        with self._lock:
            for store in (self.access, self.refresh):
                for token in [t for t, owner in store.items() if owner == sub]:
                    del store[token]

    def id_token(self, claims: dict, key: RSAKey | None = None) -> str:
        return jwt.encode({"alg": "RS256", "kid": "fake-1"}, claims, key or self.key)

    # --- the server-to-server part --------------------------------------------------

    def _tokens(self, sub: str, *, nonce: str | None = None) -> dict:
        n = next(self._serial)
        access, refresh = f"at-{sub}-{n}", f"rt-{sub}-{n}"
        self.access[access], self.refresh[refresh] = sub, sub
        answer = {
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": self.access_seconds,
            "scope": "openid profile read",
        }
        if nonce is not None:
            now = int(time.time())
            claims = {"iss": self.issuer, "aud": CLIENT_ID, "sub": sub, "iat": now}
            claims |= {"exp": now + 600, "nonce": nonce, **self.people[sub]}
            answer["id_token"] = self.id_token(claims)
        return answer

    def token(self, form: dict, authorization: str) -> tuple[int, dict]:
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        self.token_requests.append(form)
        if authorization != expected:
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") == "authorization_code":
            grant = self.codes.pop(form.get("code", ""), None)
            if (
                grant is None
                or grant["redirect_uri"] != form.get("redirect_uri")
                or _s256(form.get("code_verifier", "")) != grant["challenge"]
            ):
                return 400, {"error": "invalid_grant"}
            return 200, self._tokens(grant["sub"], nonce=grant["nonce"])
        if form.get("grant_type") == "refresh_token":
            sub = self.refresh.pop(form.get("refresh_token", ""), None)
            if sub is None:
                return 400, {"error": "invalid_grant"}
            return 200, self._tokens(sub)
        return 400, {"error": "unsupported_grant_type"}

    def _handler_class(self):
        fake = self
        graphql_handler = super()._handler_class()

        class Handler(graphql_handler):
            def _send(self, status: int, body: dict) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _bearer(self) -> str | None:
                value = self.headers.get("Authorization", "")
                return value.removeprefix("Bearer ") if value.startswith("Bearer ") else None

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                if path == "/o/.well-known/jwks.json":
                    return self._send(200, KeySet([fake.key]).as_dict(private=False))
                if path == "/o/userinfo/":
                    sub = fake.access.get(self._bearer() or "")
                    if sub is None:
                        return self._send(401, {"error": "invalid_token"})
                    return self._send(200, {"sub": sub, **fake.people[sub]})
                return self._send(404, {"detail": "Not found."})

            def do_POST(self) -> None:
                path = urlsplit(self.path).path
                if path == "/graphql/":
                    token = self._bearer()
                    fake.graphql_tokens.append(token)
                    if token is not None and token not in fake.access:
                        self.rfile.read(int(self.headers.get("Content-Length") or 0))
                        return self._send(401, {"detail": "Invalid token."})
                    return graphql_handler.do_POST(self)
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                with fake._lock:
                    if path == "/o/token/":
                        auth = self.headers.get("Authorization", "")
                        return self._send(*fake.token(form, auth))
                    if path == "/o/revoke_token/":
                        fake.revoked.append(form.get("token", ""))
                        sub = fake.refresh.pop(form.get("token", ""), None)
                        for access in [t for t, owner in fake.access.items() if owner == sub]:
                            del fake.access[access]  # with its access tokens, as DOT does
                        return self._send(200, {})
                return self._send(404, {"detail": "Not found."})

        return Handler

    def __enter__(self) -> FakeProvider:
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self
