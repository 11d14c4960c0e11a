"""Root URLs: the help desk's pages, the admin (staff agents), the REST API, health and
metrics."""

import opskit
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("tickets.api.urls")),
    path("api-auth/", include("rest_framework.urls")),
    # Operations (docs/deploy.md at the repository root).
    path("healthz", opskit.liveness, name="healthz"),
    path("readyz", opskit.readiness, name="readyz"),
    path("metrics", opskit.metrics_view, name="metrics"),
    path("", include("accounts.urls")),
    path("", include("tickets.web.urls")),
]
