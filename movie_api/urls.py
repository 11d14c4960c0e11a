"""Root URLs: the index at /, the REST API under /api/, GraphQL at /graphql/, docs, health,
metrics."""

import opskit
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_yasg import openapi
from drf_yasg.views import get_schema_view
from rest_framework import permissions

from core.graphql.view import graphql_view
from core.openapi3 import OpenAPI3JSONRenderer
from core.views import SERVICE_DESCRIPTION, healthz, service_index
from discovery.api.urls import movie_urlpatterns, user_urlpatterns
from oauth.views import DiscoveryView

schema_view = get_schema_view(
    openapi.Info(
        title="Movie API",
        default_version="v1",
        description=SERVICE_DESCRIPTION,
    ),
    public=True,
    permission_classes=[permissions.AllowAny],
)

urlpatterns = [
    # What this server offers, as JSON links (instead of a 404 page).
    path("", service_index, name="index"),
    path("admin/", admin.site.urls),
    # Sign in with Movie API (docs/oauth.md): the OAuth 2 / OIDC provider, and its
    # discovery document at the root too, where client libraries look first.
    path("o/", include("oauth.urls", namespace="oauth2_provider")),
    path(
        ".well-known/openid-configuration",
        DiscoveryView.as_view(),
        name="openid-configuration",
    ),
    # Before the catalog's routes (its movie ids are numeric, `trending` is not one).
    path("api/movies/", include(movie_urlpatterns)),
    path("api/movies/", include("movies.api.urls")),
    path("api/lists/", include("lists.api.list_urls")),
    path("api/users/", include("users.api.urls")),
    path("api/users/", include("lists.api.urls")),
    path("api/users/", include("diary.api.urls")),
    path("api/users/", include("imports.api.urls")),
    path("api/users/", include(user_urlpatterns)),
    path("api/users/", include("oauth.api.urls")),
    path("graphql/", graphql_view, name="graphql"),
    # The API's own sign-in pages (a session for the OAuth 2 / OpenID Connect pages only).
    path("account/", include("users.pages.urls")),
    path(
        "swagger.json",
        schema_view.without_ui(cache_timeout=0),
        {"format": "json"},
        name="schema-json",
    ),
    # The same document as OpenAPI 3.1, converted (core/openapi3.py), for generators
    # that refuse Swagger 2.0; same view, generator and cache policy as swagger.json.
    path(
        "openapi.json",
        schema_view.as_cached_view(cache_timeout=0, renderer_classes=[OpenAPI3JSONRenderer]),
        {"format": "json"},
        name="schema-openapi",
    ),
    path("swagger/", schema_view.with_ui("swagger", cache_timeout=0), name="schema-swagger-ui"),
    path("redoc/", schema_view.with_ui("redoc", cache_timeout=0), name="schema-redoc"),
    path("healthz", healthz, name="healthz"),
    # Operations (docs/deploy.md): readiness for the load balancer, metrics for Prometheus.
    path("readyz", opskit.readiness, name="readyz"),
    path("metrics", opskit.metrics_view, name="metrics"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "core.views.bad_request"
handler404 = "core.views.not_found"
handler500 = "core.views.server_failure"
