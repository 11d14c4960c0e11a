"""The sign-in page of a flow lets its redirects reach the client's callback.

Chromium applies a page's CSP ``form-action`` to the redirects that follow the form's
submission. The consent page widens it for the app's origin (``oauth.views``); but when the
person allowed the app before, there is no consent page: the sign-in form's redirects run
through /o/authorize/ straight on to the app's callback, and under the sign-in page's
``form-action 'self'`` the browser stopped there (the help desk's second sign-in hung).
So the sign-in page widens it the same way, for the redirect URI in its ``next`` when that
is an authorize request whose client registered it; no other origin is ever added.
"""

from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from oauth2_provider.models import get_application_model

from oauth.views import consent_policy

AUTHORIZE_PATH = "/o/authorize/"


def flow_redirect_uri(request) -> str:
    """The registered redirect URI of the authorize request in ``next``, else ""."""
    params = request.POST if request.method == "POST" else request.GET
    target = urlsplit(params.get("next", ""))
    if target.path != AUTHORIZE_PATH or target.netloc:
        return ""
    query = {key: values[0] for key, values in parse_qs(target.query).items()}
    client_id, redirect_uri = query.get("client_id", ""), query.get("redirect_uri", "")
    app = get_application_model().objects.filter(client_id=client_id).first() if client_id else None
    if app is None or not redirect_uri or not app.redirect_uri_allowed(redirect_uri):
        return ""
    return redirect_uri


def sign_in_page_policy(request) -> str | None:
    """The widened policy for the sign-in page of a flow, or None to keep the site's."""
    if request.path != settings.LOGIN_URL:
        return None
    redirect_uri = flow_redirect_uri(request)
    return consent_policy(request, redirect_uri) if redirect_uri else None
