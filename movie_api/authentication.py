"""Bearer (JWT) authentication shared by both doors, with one wording of token problems.

Token policy (README "Errors"): a garbage, expired or revoked access token is refused
on every route that reads credentials, public reads included, on REST (401) and
GraphQL (UNAUTHENTICATED) alike. The client meant to be signed in; answering as if it
were anonymous would hide that. An expired token's message says it expired. The
sign-in and sign-up endpoints read no credentials at all, so a stale header never
blocks getting a new token.
"""

from rest_framework import exceptions
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError
from rest_framework_simplejwt.settings import api_settings

from movie_api.errors import Unauthenticated

TOKEN_EXPIRED = "The access token has expired; refresh it or sign in again."
TOKEN_INVALID = "The access token is not valid; sign in again."


class BearerAuthentication(JWTAuthentication):
    """simplejwt's JWTAuthentication raising the domain's Unauthenticated errors."""

    def get_validated_token(self, raw_token):
        expired = False
        for token_class in api_settings.AUTH_TOKEN_CLASSES:
            try:
                return token_class(raw_token)
            except ExpiredTokenError:
                expired = True
            except TokenError:
                pass
        if expired:
            raise Unauthenticated(TOKEN_EXPIRED, code="token_expired")
        raise Unauthenticated(TOKEN_INVALID, code="token_not_valid")

    def get_user(self, validated_token):
        try:
            return super().get_user(validated_token)
        except exceptions.AuthenticationFailed as exc:
            # Unknown or inactive user, or a password change revoked the token.
            detail, code = exc.detail, None
            if isinstance(detail, dict):  # simplejwt's {"detail", "code"}
                detail, code = detail.get("detail"), detail.get("code")
            code = code or getattr(detail, "code", None) or "token_not_valid"
            raise Unauthenticated(str(detail), code=code) from None


def authenticate_bearer(request):
    """The user of the request's Bearer token, or None when there is none.

    Raises Unauthenticated for a token that is sent but not valid.
    """
    result = BearerAuthentication().authenticate(request)
    return result[0] if result is not None else None
