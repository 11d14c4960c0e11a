"""What the ID token and userinfo say about the user (docs/oauth.md, "Claims").

`sub` is the user's primary key as a string (django-oauth-toolkit's default); with
the `profile` scope come `preferred_username`, `email` and `is_staff`.
"""

from oauth2_provider.models import get_device_grant_model
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

    def validate_device_code(self, client_id, code, request, *args, **kwargs):
        """Where a polled device code stands (oauthlib 4 asks the validator; DOT 3.4.1
        has no such method, so without it every approved device got a 500).

        An approved code is spent here, on the poll that receives the tokens: a second
        poll with it is told the code expired (RFC 8628 codes are single-use).
        """
        from oauthlib.oauth2.rfc8628.grant_types import DeviceCodeGrant

        devices = get_device_grant_model().objects
        device = devices.filter(device_code=code, client_id=client_id).first()
        if device is None:
            return None
        if device.is_expired():
            return DeviceCodeGrant.DEVICE_CODE_EXPIRED
        if device.status == device.DENIED:
            return DeviceCodeGrant.DEVICE_CODE_DENIED
        if device.status != device.AUTHORIZED:
            return DeviceCodeGrant.DEVICE_CODE_PENDING
        # Spent by one conditional update: of two polls at once, one gets the tokens.
        if not devices.filter(pk=device.pk, status=device.AUTHORIZED).update(status=device.EXPIRED):
            return DeviceCodeGrant.DEVICE_CODE_EXPIRED
        request.user = device.user
        request.scopes = device.scope.split()
        return DeviceCodeGrant.DEVICE_CODE_AUTHORIZED
