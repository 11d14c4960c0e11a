"""django-oauth-toolkit's views with the Movie API's additions (docs/oauth.md)."""

import json
import math
from urllib.parse import urlsplit

from django.conf import settings
from django.http import JsonResponse
from oauth2_provider import views as dot_views
from oauth2_provider.models import get_grant_model
from oauth2_provider.settings import oauth2_settings

from core.errors import Throttled
from core.security import ratelimit
from oauth.operations import OAUTH_TOKEN


class DiscoveryView(dot_views.ConnectDiscoveryInfoView):
    """OpenID Provider metadata, also naming the endpoints DOT's own document leaves out.

    Served at /.well-known/openid-configuration (the root, where most client libraries
    look) and at the issuer's /o/.well-known/openid-configuration, with one content.
    """

    # (metadata field, DOT url name): RFC 8414 names for revocation, introspection and
    # the device flow, so a client library finds every endpoint by discovery alone.
    EXTRA_ENDPOINTS = (
        ("revocation_endpoint", "revoke-token"),
        ("introspection_endpoint", "introspect"),
        ("device_authorization_endpoint", "device-authorization"),
    )

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        data = json.loads(response.content)
        for field, view_name in self.EXTRA_ENDPOINTS:
            data[field] = self._get_endpoint_url(request, view_name, required=True)
        data["grant_types_supported"] = list(oauth2_settings.OAUTH2_GRANT_TYPES_SUPPORTED)
        data["revocation_endpoint_auth_methods_supported"] = data[
            "token_endpoint_auth_methods_supported"
        ]
        data["introspection_endpoint_auth_methods_supported"] = ["client_secret_basic"]
        extended = JsonResponse(data)
        extended["Access-Control-Allow-Origin"] = "*"
        return extended


class DeviceAuthorizationView(dot_views.DeviceAuthorizationView):
    """RFC 8628 device authorization, with an absolute `verification_uri`.

    The setting names a path (/o/device/); the TV or CLI shows the user a full URL, so
    it is made absolute from this request (scheme and host as the proxy forwards them).
    """

    def create_device_authorization_response(self, request):
        headers, response, status = super().create_device_authorization_response(request)
        # oauthlib 4 echoes the granted `scope` in this answer, which django-oauth-toolkit
        # 3.4.1 cannot store (DeviceCodeResponse has no such field: a TypeError, a 500).
        # DOT records the scope from the request itself; RFC 8628 sends none back.
        if isinstance(response, dict):
            response.pop("scope", None)
        return headers, response, status

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        data = json.loads(response.content)
        for field in ("verification_uri", "verification_uri_complete"):
            if data.get(field, "").startswith("/"):
                data[field] = request.build_absolute_uri(data[field])
        return JsonResponse(data, status=response.status_code)


class TokenView(dot_views.TokenView):
    """The token endpoint, rate limited per client address by the project's limiter;
    an authorization code refused once is spent.

    Its limit is its operation's (oauth/operations.py). Like sign-in, it fails closed:
    with the limit store down the answer is 503.
    """

    operation = OAUTH_TOKEN

    def post(self, request, *args, **kwargs):
        limit = ratelimit.address_limit(request, self.operation.scope)
        decision = ratelimit.check_rate_once(request, [limit])
        if decision.unavailable:
            return _oauth_error(503, "temporarily_unavailable", ratelimit.STORE_UNAVAILABLE_MESSAGE)
        if decision.refused:
            response = _oauth_error(429, "too_many_requests", Throttled.default_message)
            if decision.wait is not None:
                response["Retry-After"] = str(max(1, math.ceil(decision.wait)))
            return response
        response = super().post(request, *args, **kwargs)
        if response.status_code == 400 and request.POST.get("grant_type") == "authorization_code":
            _spend_code(request.POST.get("code"), response)
        return response


def _spend_code(code: str | None, response) -> None:
    """A code refused at the token endpoint (wrong PKCE verifier, redirect URI or client)
    is deleted, so it gets one try: whoever intercepted it cannot keep guessing, and the
    client that owns it starts again. django-oauth-toolkit alone keeps it until used."""
    if code and json.loads(response.content).get("error") == "invalid_grant":
        get_grant_model().objects.filter(code=code).delete()


def _oauth_error(status: int, error: str, description: str) -> JsonResponse:
    """An error in the token endpoint's own shape (RFC 6749 section 5.2)."""
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    response["Cache-Control"] = "no-store"
    return response


class AuthorizationView(dot_views.AuthorizationView):
    """DOT's authorize view; the consent page may send its form on to the app.

    Approving posts the consent form to this server, which answers with a redirect to
    the app's redirect URI. Chromium applies the page's CSP `form-action` to that
    redirect too, so under the site-wide `form-action 'self'` the browser would refuse
    to return to any app on another origin. The consent page's policy therefore also
    allows the one redirect URI this request was validated for.
    """

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        redirect_uri = getattr(self, "oauth2_data", {}).get("redirect_uri")
        if response.status_code == 200 and redirect_uri:
            response["Content-Security-Policy"] = consent_policy(request, redirect_uri)
        return response


def consent_policy(request, redirect_uri: str) -> str:
    """The site's CSP with `form-action` widened to the origin of `redirect_uri`."""
    parts = urlsplit(redirect_uri)
    source = f"{parts.scheme}://{parts.netloc}" if parts.netloc else f"{parts.scheme}:"
    policy = settings.CONTENT_SECURITY_POLICY.replace("{nonce}", request.csp_nonce)
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    widened = [f"{d} {source}" if d.split()[0] == "form-action" else d for d in directives]
    if not any(d.split()[0] == "form-action" for d in directives):
        widened.append(f"form-action 'self' {source}")
    return "; ".join(widened)
