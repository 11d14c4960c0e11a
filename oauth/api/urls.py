"""REST routes of the caller's authorized apps, under /api/users/."""

from django.urls import path

from oauth.api import views

urlpatterns = [
    path("me/apps/", views.MyAppsView.as_view(), name="me-apps"),
    path("me/apps/<int:app_id>/", views.MyAppView.as_view(), name="me-app"),
]
