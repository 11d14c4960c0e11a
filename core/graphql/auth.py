"""Who is calling over GraphQL: the Bearer token only, checked by core.security.

Session cookies are ignored, so a cross-site page cannot borrow a browser session to
run a mutation (that is also why the view is csrf_exempt). A bad or expired token is
refused (UNAUTHENTICATED, the same message as REST's 401) unless the document only
signs in or up: the token policy of core/security/bearer.py.
"""

from django.contrib.auth.models import AnonymousUser

from core.errors import AUTHENTICATION_REQUIRED
from core.errors import Unauthenticated as UnauthenticatedError
from core.graphql.errors import Forbidden, Unauthenticated
from core.security.bearer import authenticate_bearer, granted_scopes


def authenticate_request(request) -> None:
    """Sets request.user from the Bearer token only; anything else is anonymous.

    A token that is sent but not valid is remembered as `graphql_auth_error` (the
    domain's Unauthenticated error); the view refuses the operation with it unless
    every root field reads no credentials.
    """
    request.user = AnonymousUser()
    request.graphql_auth_error = None
    # The scopes of an app's token (None: anonymous or the API's own JWT, unlimited);
    # the view holds the document's root fields to them (oauth/access.py).
    request.oauth_scopes = None
    # The validated token itself, as DRF's request.auth: signing out deny-lists it.
    request.bearer_token = None
    try:
        result = authenticate_bearer(request)
    except UnauthenticatedError as exc:
        request.graphql_auth_error = exc
        return
    if result is not None:
        request.user, request.bearer_token = result
        request.oauth_scopes = granted_scopes(result[1])


def current_user(info):
    """The caller (set by the view from the Bearer token), or None when anonymous."""
    user = getattr(info.context, "user", None)
    return user if user is not None and user.is_authenticated else None


def require_user(info):
    """The signed-in caller, or an UNAUTHENTICATED error saying why there is none."""
    user = current_user(info)
    if user is None:
        raise Unauthenticated(AUTHENTICATION_REQUIRED)
    return user


def require_permission(info, allowed, message: str):
    """The signed-in caller when the domain rule `allowed(user=...)` lets them; else FORBIDDEN."""
    user = require_user(info)
    if not allowed(user=user):
        raise Forbidden(message)
    return user
