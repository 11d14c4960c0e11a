"""REST routes of the customer support API."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import ActorSearchView, GenreSearchView, MovieDetailView, MovieSearchView, TicketViewSet

router = DefaultRouter()
router.register("tickets", TicketViewSet, basename="ticket")

urlpatterns = [
    path("movies/search/", MovieSearchView.as_view(), name="movie-search"),
    path("movies/genres/", GenreSearchView.as_view(), name="genre-search"),
    path("movies/actors/", ActorSearchView.as_view(), name="actor-search"),
    path("movies/<int:movie_id>/", MovieDetailView.as_view(), name="movie-detail"),
    *router.urls,
]
