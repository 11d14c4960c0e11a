"""REST routes of discovery: trending under /api/movies/ and the caller's
recommendations under /api/users/ (both mounted in movie_api/urls.py)."""

from django.urls import path

from discovery.api import views

movie_urlpatterns = [
    path("trending/", views.TrendingView.as_view(), name="movie-trending"),
]

user_urlpatterns = [
    path("me/recommendations/", views.RecommendationsView.as_view(), name="me-recommendations"),
]
