"""django-oauth-toolkit's views with the Movie API's additions (docs/oauth.md)."""

import json

from django.http import JsonResponse
from oauth2_provider import views as dot_views
from oauth2_provider.settings import oauth2_settings


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

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        data = json.loads(response.content)
        for field in ("verification_uri", "verification_uri_complete"):
            if data.get(field, "").startswith("/"):
                data[field] = request.build_absolute_uri(data[field])
        return JsonResponse(data, status=response.status_code)
