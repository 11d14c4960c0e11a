"""The consent page's Content-Security-Policy lets Allow reach the client's callback.

The site's policy says ``form-action 'self'``, and browsers apply form-action to the
redirects that follow a form's submission too (Chromium does): Allow on /o/authorize/
posts to this server, which answers a redirect to the client's redirect URI on another
origin (the help desk's ``/sign-in/callback/``), and the browser stopped there. The same
happens on the sign-in page when the client was allowed before: its form's redirects run
through /o/authorize/ straight on to the callback. On those two pages only, form-action
also names the origin of the flow's redirect URI (the request's, or the one in the sign-in
page's ``next``), when the client registered it, so no other origin is ever added.
"""

from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from oauth2_provider.models import get_application_model

AUTHORIZE_PATH = "/o/authorize/"
FORM_ACTION_SELF = "form-action 'self'"


def _flow_params(request) -> dict:
    """client_id and redirect_uri of the flow this page is part of."""
    params = request.POST if request.method == "POST" else request.GET
    if request.path == AUTHORIZE_PATH:
        return params
    target = urlsplit(params.get("next", ""))
    if target.path != AUTHORIZE_PATH or target.netloc:
        return {}
    return {key: values[0] for key, values in parse_qs(target.query).items()}


def registered_redirect_origin(request) -> str:
    """The origin of the flow's redirect_uri if its client registered it, else ""."""
    params = _flow_params(request)
    client_id, redirect_uri = params.get("client_id", ""), params.get("redirect_uri", "")
    if not client_id or not redirect_uri:
        return ""
    app = get_application_model().objects.filter(client_id=client_id).first()
    if app is None or not app.redirect_uri_allowed(redirect_uri):
        return ""
    parts = urlsplit(redirect_uri)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else ""


def policy_for(request, policy: str) -> str:
    """``policy``, with the client's callback origin in form-action on the flow's pages."""
    if request.path not in (AUTHORIZE_PATH, settings.LOGIN_URL) or FORM_ACTION_SELF not in policy:
        return policy
    origin = registered_redirect_origin(request)
    if not origin:
        return policy
    return policy.replace(FORM_ACTION_SELF, f"{FORM_ACTION_SELF} {origin}")
