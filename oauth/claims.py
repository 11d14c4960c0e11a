"""What the ID token and userinfo say about the user (docs/oauth.md, "Claims").

`sub` is the user's primary key as a string (django-oauth-toolkit's default); with
the `profile` scope come `preferred_username`, `email` and `is_staff`.
"""

from oauth2_provider.oauth2_validators import OAuth2Validator

from oauth.scopes import OPENID, PROFILE


class MovieApiValidator(OAuth2Validator):
    """django-oauth-toolkit's validator with the Movie API's claims."""

    oidc_claim_scope = {
        "sub": OPENID,
        "preferred_username": PROFILE,
        "email": PROFILE,
        "is_staff": PROFILE,
    }

    def get_additional_claims(self):
        # Without a `request` parameter, django-oauth-toolkit lists these claims in the
        # discovery document's claims_supported; each is computed per request.
        return {
            "preferred_username": lambda request: request.user.username,
            "email": lambda request: request.user.email,
            "is_staff": lambda request: bool(request.user.is_staff),
        }
