"""Root URLs: the help desk's pages, the admin (staff agents) and the REST API."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("tickets.api.urls")),
    path("api-auth/", include("rest_framework.urls")),
    path("", include("accounts.urls")),
    path("", include("tickets.web.urls")),
]
