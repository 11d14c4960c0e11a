"""REST routes of the movie lists and of the profile that shows them, under /api/users/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from lists.api import views
from lists.models import MovieListEntry

router = SimpleRouter()
router.register("profiles", views.ProfileViewSet, basename="profile")

# URL segment -> list kind (the plural "favorites").
LISTS = {
    "favorites": MovieListEntry.Kind.FAVORITE,
    "watched": MovieListEntry.Kind.WATCHED,
    "watchlist": MovieListEntry.Kind.WATCHLIST,
}

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    # me/export/ is mounted by imports/api/urls.py (the JSON export plus the Letterboxd zip).
    *[
        route
        for segment, kind in LISTS.items()
        for route in (
            path(f"me/{segment}/", views.MovieListView.as_view(kind=kind), name=f"me-{segment}"),
            path(
                f"me/{segment}/<int:movie_id>/",
                views.MovieListItemView.as_view(kind=kind),
                name=f"me-{segment}-item",
            ),
        )
    ],
    *router.urls,
]
