"""Bearer authentication of both front doors: simplejwt plus the logout deny-list."""

from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from users import selectors


class DenyListJWTAuthentication(JWTAuthentication):
    """simplejwt's JWTAuthentication that also refuses access tokens signed out by logout."""

    def get_validated_token(self, raw_token):
        token = super().get_validated_token(raw_token)
        if selectors.access_token_revoked(jti=token.get(jwt_settings.JTI_CLAIM)):
            raise InvalidToken(
                {
                    "detail": "Token is invalid or expired",
                    "code": "token_not_valid",
                    "messages": [{"message": "Token has been revoked by logout"}],
                }
            )
        return token
