"""How django-oauth-toolkit is set up for Sign in with Movie API (docs/oauth.md).

The protocol's choices live here; base.py reads the figures an operator may change
from the environment and passes them in.
"""

from oauth.scopes import DEFAULT_SCOPES, SCOPES


def oauth2_provider(
    *, access_seconds: int, refresh_seconds: int, id_seconds: int, rsa_private_key: str, issuer: str
) -> dict:
    """The OAUTH2_PROVIDER setting."""
    return {
        "SCOPES": SCOPES,
        "DEFAULT_SCOPES": DEFAULT_SCOPES,
        "OAUTH2_VALIDATOR_CLASS": "oauth.claims.MovieApiValidator",
        "ACCESS_TOKEN_EXPIRE_SECONDS": access_seconds,
        "REFRESH_TOKEN_EXPIRE_SECONDS": refresh_seconds,
        "ID_TOKEN_EXPIRE_SECONDS": id_seconds,
        # A code is exchanged within a minute of the redirect, or never.
        "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
        # Every refresh returns a new refresh token and retires the old one; presenting a
        # retired one again revokes the whole family (a stolen copy was used).
        "ROTATE_REFRESH_TOKEN": True,
        "REFRESH_TOKEN_REUSE_PROTECTION": True,
        "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
        "PKCE_REQUIRED": True,
        # Ask for consent again only when an app wants scopes the user has not granted it.
        "REQUEST_APPROVAL_PROMPT": "auto",
        "OIDC_ENABLED": True,
        # PEM; production requires it, local and test settings generate one (settings/keys.py).
        "OIDC_RSA_PRIVATE_KEY": rsa_private_key,
        # Empty: the issuer is this server's origin + "/o", from the request (the scheme and
        # host the proxy forwards, see SECURE_PROXY_SSL_HEADER in production.py).
        "OIDC_ISS_ENDPOINT": issuer,
        "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
        "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
        "OAUTH2_GRANT_TYPES_SUPPORTED": [
            "authorization_code",
            "refresh_token",
            "urn:ietf:params:oauth:grant-type:device_code",
        ],
        # Shown to a TV or CLI user; oauth.views.DeviceAuthorizationView makes it absolute.
        "OAUTH_DEVICE_VERIFICATION_URI": "/o/device/",
        "DEVICE_FLOW_INTERVAL": 5,
        # RFC 9700 (OAuth 2.0 Security Best Current Practice), all on: no implicit or
        # password grant, S256 PKCE only, tokens only in the Authorization header, the
        # `iss` authorization-response parameter, and tokens stored as SHA-256 digests.
        "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
        "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
        "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
        "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
        "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
        "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
        "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    }
