"""The consent page's Content-Security-Policy lets Allow reach the client's callback.

The site's policy says ``form-action 'self'``, and browsers apply form-action to the
redirects that follow a form's submission too (Chromium does): Allow on /o/authorize/
posts to this server, which answers a redirect to the client's redirect URI on another
origin (the help desk's ``/sign-in/callback/``), and the browser stopped there. On the
authorize page only, form-action also names the origin of the redirect URI in the request,
when it is one the client registered, so no other origin is ever added.
"""

from urllib.parse import urlsplit

from oauth2_provider.models import get_application_model

AUTHORIZE_PATH = "/o/authorize/"
FORM_ACTION_SELF = "form-action 'self'"


def registered_redirect_origin(request) -> str:
    """The origin of the request's redirect_uri if its client registered it, else ""."""
    params = request.POST if request.method == "POST" else request.GET
    client_id, redirect_uri = params.get("client_id", ""), params.get("redirect_uri", "")
    if not client_id or not redirect_uri:
        return ""
    app = get_application_model().objects.filter(client_id=client_id).first()
    if app is None or not app.redirect_uri_allowed(redirect_uri):
        return ""
    parts = urlsplit(redirect_uri)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else ""


def policy_for(request, policy: str) -> str:
    """``policy``, with the client's callback origin in form-action on the authorize page."""
    if request.path != AUTHORIZE_PATH or FORM_ACTION_SELF not in policy:
        return policy
    origin = registered_redirect_origin(request)
    if not origin:
        return policy
    return policy.replace(FORM_ACTION_SELF, f"{FORM_ACTION_SELF} {origin}")
