"""REST routes of the catalog, under /api/movies/.

Movies sit at the prefix itself (`/api/movies/`, `/api/movies/{id}/`) with numeric
ids only, so `genres/`, `actors/` (and `reviews/`) are never read as a movie id.
Register other routes BEFORE the movie routes.
"""

from rest_framework.routers import SimpleRouter

from movies.api.ratings import movie_rating_urlpatterns
from movies.api.reviews import ReviewViewSet, movie_review_urlpatterns
from movies.api.views import ActorViewSet, GenreViewSet, MovieViewSet

router = SimpleRouter()
router.register("genres", GenreViewSet, basename="genre")
router.register("actors", ActorViewSet, basename="actor")
router.register("reviews", ReviewViewSet, basename="review")
router.register("", MovieViewSet, basename="movie")

urlpatterns = [*movie_review_urlpatterns, *movie_rating_urlpatterns, *router.urls]
