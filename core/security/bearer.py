"""Bearer authentication for both doors, with one wording of token problems.

Two kinds of access token are accepted in `Authorization: Bearer <token>`:
- the API's own JWTs (sign-in at /api/users/login/): full access to the account.
  Those signed out by logout are refused: their `jti` is on a deny-list in the
  security store (never the evictable response cache) until they would have expired
  (users.services.access_token_revoke);
- tokens issued to third-party apps by "Sign in with Movie API" (django-oauth-toolkit,
  docs/oauth.md): opaque strings, looked up by their SHA-256 digest, limited to the
  scopes the user granted (settings.OAUTH_SCOPE_POLICY, oauth/access.py, says which
  operation needs which scope; `scope_policy()`).

Token policy (docs/guide/errors.md): a garbage, expired or revoked access token is refused
on every route that reads credentials, public reads included, on REST (401) and
GraphQL (UNAUTHENTICATED) alike. The client meant to be signed in; answering as if it
were anonymous would hide that. An expired token's message says it expired. The
sign-in and sign-up endpoints read no credentials at all, so a stale header never
blocks getting a new token.
"""

import hashlib
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from oauth2_provider.models import get_access_token_model
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import get_md5_hash_password

from core.errors import CommonErrorCode, Unauthenticated
from core.security.store import SECURITY, guarded

TOKEN_EXPIRED = "The access token has expired; refresh it or sign in again."
TOKEN_INVALID = "The access token is not valid; sign in again."
TOKEN_SIGNED_OUT = "The access token was signed out; sign in again."
# Security-store key of an access token signed out by logout
# (users.services.access_token_revoke).
REVOKED_ACCESS_KEY = "revoked-access:{jti}"
HEADER_TYPES = tuple(
    api_settings.AUTH_HEADER_TYPES
    if isinstance(api_settings.AUTH_HEADER_TYPES, (list, tuple))
    else (api_settings.AUTH_HEADER_TYPES,)
)
# What a 401 sends as WWW-Authenticate.
AUTHENTICATE_HEADER = f'{HEADER_TYPES[0]} realm="api"'


def access_token_revoked(*, jti: str | None) -> bool:
    """Whether logout put this access token's `jti` on the deny-list (security store).

    Fails open: while the store (Redis) is down the list cannot be read, and a token
    signed out before the outage works until it expires (docs/guide/accounts.md).
    """
    if not jti:
        return False
    return guarded(
        lambda: caches[SECURITY].get(REVOKED_ACCESS_KEY.format(jti=jti)) is not None,
        on_failure=lambda: False,
        warning="Access deny-list unreadable (%s: %s), tokens not checked for %.1f s",
    )


def raw_bearer_token(request) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None without one."""
    header = request.META.get(api_settings.AUTH_HEADER_NAME)
    if isinstance(header, bytes):
        header = header.decode("latin-1")
    parts = (header or "").split()
    if not parts or parts[0] not in HEADER_TYPES:
        return None
    if len(parts) != 2:
        raise Unauthenticated(
            "Authorization header must contain two space-delimited values",
            code=CommonErrorCode.BAD_AUTHORIZATION_HEADER,
        )
    return parts[1]


def validated_token(raw_token: str):
    """The decoded access token; Unauthenticated when expired, invalid or signed out."""
    expired = False
    for token_class in api_settings.AUTH_TOKEN_CLASSES:
        try:
            token = token_class(raw_token)
            break
        except ExpiredTokenError:
            expired = True
        except TokenError:
            pass
    else:
        if expired:
            raise Unauthenticated(TOKEN_EXPIRED, code=CommonErrorCode.TOKEN_EXPIRED)
        raise Unauthenticated(TOKEN_INVALID, code=CommonErrorCode.TOKEN_NOT_VALID)
    # Logout deny-lists the access token it was called with, until it expires.
    if access_token_revoked(jti=token.get(api_settings.JTI_CLAIM)):
        raise Unauthenticated(TOKEN_SIGNED_OUT, code=CommonErrorCode.TOKEN_NOT_VALID)
    return token


def token_user(token):
    """The active user a token names; Unauthenticated when gone, inactive or stale."""
    try:
        user_id = token[api_settings.USER_ID_CLAIM]
    except KeyError:
        raise Unauthenticated(
            "Token contained no recognizable user identification",
            code=CommonErrorCode.TOKEN_NOT_VALID,
        ) from None
    model = get_user_model()
    try:
        user = model.objects.get(**{api_settings.USER_ID_FIELD: user_id})
    except model.DoesNotExist:
        raise Unauthenticated("User not found", code=CommonErrorCode.USER_NOT_FOUND) from None
    if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
        raise Unauthenticated("User is inactive", code=CommonErrorCode.USER_INACTIVE)
    if api_settings.CHECK_REVOKE_TOKEN and token.get(
        api_settings.REVOKE_TOKEN_CLAIM
    ) != get_md5_hash_password(user.password):
        # A password change revokes the tokens issued before it.
        raise Unauthenticated(
            "The user's password has been changed.", code=CommonErrorCode.PASSWORD_CHANGED
        )
    return user


def app_access_token(raw_token: str):
    """The live access token a Sign in with Movie API app sent, with its user.

    Unauthenticated, in the JWT's words, when unknown (never issued, revoked, or its
    user deleted), expired, or its user is inactive.
    """
    checksum = hashlib.sha256(raw_token.encode()).hexdigest()
    token = (
        get_access_token_model()
        .objects.select_related("user")
        .filter(token_checksum=checksum)
        .first()
    )
    if token is None or token.user is None:
        raise Unauthenticated(TOKEN_INVALID, code=CommonErrorCode.TOKEN_NOT_VALID)
    if token.is_expired():
        raise Unauthenticated(TOKEN_EXPIRED, code=CommonErrorCode.TOKEN_EXPIRED)
    if not token.user.is_active:
        raise Unauthenticated("User is inactive", code=CommonErrorCode.USER_INACTIVE)
    return token


def granted_scopes(auth) -> frozenset[str] | None:
    """The scopes an app's token was granted; None for the API's own JWT (full access)."""
    if isinstance(auth, get_access_token_model()):
        return frozenset(auth.scope.split())
    return None


def scope_policy():
    """The module that says which scope each operation needs (settings.OAUTH_SCOPE_POLICY):
    `rest_operation(url_name, method)`, `graphql_operation(field, mutation=)`,
    `require_scope(granted, operation)` raising `InsufficientScope` (a Forbidden).

    Named by the settings, not imported: this package is below the apps, and the table
    of operations and scopes belongs to the oauth app."""
    return import_module(settings.OAUTH_SCOPE_POLICY)


def authenticate_bearer(request):
    """(user, token) of the request's Bearer token, or None when there is none.

    The token is a JWT (three dot-separated parts) or an app's opaque access token (no
    dots). Raises Unauthenticated for a token that is sent but not valid.
    """
    raw = raw_bearer_token(request)
    if raw is None:
        return None
    if "." not in raw:
        token = app_access_token(raw)
        return token.user, token
    token = validated_token(raw)
    return token_user(token), token
