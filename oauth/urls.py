"""The provider's endpoints under /o/ (mounted by movie_api/urls.py, docs/oauth.md).

Only the protocol endpoints of django-oauth-toolkit: its application-management pages
and dynamic client registration stay unmounted, since staff register clients in the
admin and users manage their authorized apps at /api/users/me/apps/.
"""

from django.urls import path
from oauth2_provider import views as dot_views

from oauth import views

app_name = "oauth2_provider"

urlpatterns = [
    path("authorize/", views.AuthorizationView.as_view(), name="authorize"),
    path("token/", views.TokenView.as_view(), name="token"),
    path("revoke_token/", dot_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", dot_views.IntrospectTokenView.as_view(), name="introspect"),
    path(
        "device-authorization/",
        views.DeviceAuthorizationView.as_view(),
        name="device-authorization",
    ),
    path("device/", dot_views.DeviceUserCodeView.as_view(), name="device"),
    path(
        "device-confirm/<slug:client_id>/<slug:user_code>",
        dot_views.DeviceConfirmView.as_view(),
        name="device-confirm",
    ),
    path(
        "device-grant-status/<slug:client_id>/<slug:user_code>",
        dot_views.DeviceGrantStatusView.as_view(),
        name="device-grant-status",
    ),
    path(
        ".well-known/openid-configuration",
        views.DiscoveryView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", dot_views.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", dot_views.UserInfoView.as_view(), name="user-info"),
    # RFC 8414 metadata. Mounted here, DOT derives from it the `iss` it adds to every
    # authorization response (RFC 9207), which must equal the OIDC issuer: origin + /o.
    path(
        ".well-known/oauth-authorization-server",
        dot_views.OAuthServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
]
