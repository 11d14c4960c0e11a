"""REST front door of the caller's rating, with or without a review.

- `PUT /api/movies/{movie_id}/rating/` `{"value": 3.5}` sets it (200 with the rating and
  the movie's new figures);
- `DELETE /api/movies/{movie_id}/rating/` removes it (204; 404 without one; 409 while the
  caller's review of the movie holds it).

The rules live in movies.services.ratings, as for GraphQL `rateMovie` / `unrateMovie`.
"""

from http import HTTPStatus

from django.urls import path
from drf_yasg import openapi
from drf_yasg.utils import swagger_auto_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.fields import documented
from movies.models import RATING_MAX, RATING_MIN, RATING_STEP, Rating
from movies.services.ratings import rating_delete, rating_set


class RatedMovieSerializer(serializers.Serializer):
    """The rated movie with its figures after the change."""

    id = serializers.IntegerField(read_only=True)
    average_rating = serializers.DecimalField(
        max_digits=3, decimal_places=2, coerce_to_string=False, read_only=True, allow_null=True
    )
    rating_count = serializers.IntegerField(read_only=True)


class RatingSerializer(serializers.ModelSerializer):
    """The caller's rating of a movie as the API shows it."""

    movie = RatedMovieSerializer(read_only=True)
    value = serializers.DecimalField(
        max_digits=2, decimal_places=1, coerce_to_string=False, read_only=True
    )

    class Meta:
        model = Rating
        fields = ["movie", "value", "created_at", "updated_at"]
        read_only_fields = fields


class RatingInputSerializer(serializers.Serializer):
    """What a client sends: `value`. Shape only; the half steps are the service's rule."""

    value = documented(
        serializers.FloatField(
            help_text=f"From {RATING_MIN} to {RATING_MAX} in steps of {RATING_STEP} (4 or 3.5)."
        ),
        minimum=RATING_MIN,
        maximum=RATING_MAX,
        multiple_of=RATING_STEP,
    )


class MovieRatingView(APIView):
    """The caller's rating of one movie: set it, or take it back."""

    # Active accounts only: the service answers 403 for an inactive one.
    permission_classes = [permissions.IsAuthenticated]

    @swagger_auto_schema(
        operation_id="movies_rating_update",
        request_body=RatingInputSerializer,
        responses={200: RatingSerializer},
    )
    def put(self, request, movie_id):
        """Set the caller's rating of this movie (a review of it shows the same rating)."""
        serializer = RatingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rating = rating_set(user=request.user, movie_id=movie_id, **serializer.validated_data)
        return Response(RatingSerializer(rating).data)

    @swagger_auto_schema(
        operation_id="movies_rating_delete",
        responses={
            204: openapi.Response("Deleted"),
            HTTPStatus.CONFLICT: "Your review of the movie holds this rating",
        },
    )
    def delete(self, request, movie_id):
        """Remove the caller's rating; 409 while their review of the movie holds it."""
        rating_delete(user=request.user, movie_id=movie_id)
        return Response(status=HTTPStatus.NO_CONTENT)


movie_rating_urlpatterns = [
    path("<int:movie_id>/rating/", MovieRatingView.as_view(), name="movie-rating"),
]
