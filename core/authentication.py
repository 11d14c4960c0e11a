"""The REST door's Bearer authentication: a DRF adapter over core.security.bearer.

The token policy and its messages live in core/security/bearer.py, shared with
the GraphQL door. A token an app got from Sign in with Movie API is held to its scopes
here, for every view that authenticates, by the table the settings name
(OAUTH_SCOPE_POLICY: oauth/access.py).
"""

from rest_framework import authentication

from core.security.bearer import (
    AUTHENTICATE_HEADER,
    authenticate_bearer,
    granted_scopes,
    scope_policy,
)


class BearerAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <access>`; a bad token raises the domain's Unauthenticated,
    an app's token without the scope of this route and method the domain's Forbidden."""

    def authenticate(self, request):
        result = authenticate_bearer(request)
        if result is not None:
            match = getattr(request, "resolver_match", None)
            policy = scope_policy()
            operation = policy.rest_operation(match.url_name if match else None, request.method)
            policy.require_scope(granted_scopes(result[1]), operation)
        return result

    def authenticate_header(self, request):
        return AUTHENTICATE_HEADER
