"""REST front door for reviews: serializers, permissions and viewsets (the pagination is
movies/api/review_pages.py).

Routes (movies/api/urls.py registers them before the movie routes, so `reviews` is
never read as a movie id):

- `/api/movies/{movie_id}/reviews/`  GET a movie's reviews, POST `{"rating", "text"}`;
- `/api/movies/reviews/`             GET all reviews (ReviewFilterSet filters);
- `/api/movies/reviews/{id}/`        GET, PUT/PATCH (the author), DELETE (author or staff).

The rules (who may write, one review per user per movie, the rating math) live in
movies.services.reviews; reads come from movies.selectors.reviews.review_list.
"""

from http import HTTPStatus

from django.urls import path
from drf_yasg import openapi
from drf_yasg.utils import swagger_auto_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.response import Response

from core.errors import NotFound
from core.exception_handlers import NamedNotFoundMixin
from core.fields import StrictCharField, documented
from movies.api.review_pages import COUNTED_REVIEWS_LIMIT, ReviewPagination
from movies.api.views import SelectorFilterBackend
from movies.filters import ReviewFilterSet
from movies.models import RATING_MAX, RATING_MIN, RATING_STEP, Movie, Review
from movies.selectors.reviews import review_list
from movies.services.reviews import (
    REVIEW_TEXT_MAX_LENGTH,
    review_create,
    review_delete,
    review_update,
)
from movies.services.reviews import review_require_change as require_change

# ---------------------------------------------------------------------------- serializers


class ReviewMovieSerializer(serializers.Serializer):
    """The reviewed movie, as `{id, title}`."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)


class ReviewAuthorSerializer(serializers.Serializer):
    """The review's author, as `{id, username}`."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)


class ReviewSerializer(serializers.ModelSerializer):
    """A review as the API shows it; every field is read-only."""

    movie = ReviewMovieSerializer(read_only=True)
    user = ReviewAuthorSerializer(read_only=True)
    # Declared so the schema says it may be blank (read_only_fields drops allow_blank).
    text = serializers.CharField(read_only=True, allow_blank=True)
    rating = serializers.FloatField(read_only=True, help_text="0.5 to 5 in half steps.")

    class Meta:
        model = Review
        fields = ["id", "movie", "user", "rating", "text", "is_edited", "created_at", "updated_at"]
        read_only_fields = fields


class ReviewInputSerializer(serializers.Serializer):
    """What a client may send: `rating` and `text`. Any other key (user, movie,
    is_edited, average_rating, ...) is ignored; the author is always the caller.

    Shape only (types, required): the rating range and the text length are
    movies.services.reviews rules, so both doors answer them with the same message."""

    rating = documented(
        serializers.FloatField(  # is it a half step? the service's rule
            help_text=f"From {RATING_MIN} to {RATING_MAX} in steps of {RATING_STEP} (4 or 3.5)."
        ),
        minimum=RATING_MIN,
        maximum=RATING_MAX,
        multiple_of=RATING_STEP,
    )
    text = documented(
        StrictCharField(required=False, allow_blank=True, trim_whitespace=False),
        max_length=REVIEW_TEXT_MAX_LENGTH,
    )


# ---------------------------------------------------------------------------- viewsets


class _ReviewListMixin:
    """Shared list plumbing: selector filtering, both paginations, documented filters."""

    serializer_class = ReviewSerializer
    pagination_class = ReviewPagination
    # Only documents the filters: list() applies ReviewFilterSet through review_list.
    filter_backends = [SelectorFilterBackend]
    filterset_class = ReviewFilterSet

    def _list(self, filters):
        page = self.paginate_queryset(review_list(filters=filters))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class _MovieReviewFilterSet(ReviewFilterSet):
    """For the docs of a movie's review list, where `movie` comes from the URL."""

    movie = None


class MovieReviewViewSet(_ReviewListMixin, viewsets.GenericViewSet):
    """One movie's reviews: anyone lists them, an active signed-in user adds one."""

    filterset_class = _MovieReviewFilterSet

    def get_queryset(self):
        return Review.objects.none()  # for the schema only; list() uses review_list

    # Filters that change which reviews are listed (not just their order).
    _NARROWING_FILTERS = frozenset(ReviewFilterSet.base_filters) - {"movie", "ordering"}

    @swagger_auto_schema(operation_id="movies_movie_reviews_list")
    def list(self, request, movie_id):
        """Reviews of this movie, newest first (filters and `ordering` as on /reviews/)."""
        # The existence check also reads the denormalised total (same one query).
        review_count = (
            Movie.objects.filter(pk=movie_id).values_list("review_count", flat=True).first()
        )
        if review_count is None:
            raise NotFound.of("movie", movie_id)
        filters = request.query_params.copy()
        if review_count >= COUNTED_REVIEWS_LIMIT and not self._NARROWING_FILTERS.intersection(
            filters
        ):
            # review_count is kept by the review services in the same transaction as the
            # review rows. Below the limit an exact COUNT is cheap and stays exact even
            # for rows written around the services (fixtures, raw SQL).
            self.known_count = review_count
        filters["movie"] = str(movie_id)
        return self._list(filters)

    @swagger_auto_schema(
        operation_id="movies_movie_reviews_create",
        request_body=ReviewInputSerializer,
        responses={HTTPStatus.CREATED: ReviewSerializer, HTTPStatus.CONFLICT: "Already reviewed"},
    )
    def create(self, request, movie_id):
        """Review this movie as the caller (one review per user per movie; else 409)."""
        serializer = ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The service checks the movie under its row lock (404) and the one review per
        # movie (409); the exception handler translates both.
        review = review_create(user=request.user, movie_id=movie_id, **serializer.validated_data)
        return Response(ReviewSerializer(review).data, status=HTTPStatus.CREATED)


class ReviewViewSet(
    NamedNotFoundMixin,
    _ReviewListMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """All reviews: anyone reads; the author edits; the author or staff deletes."""

    # Who may change or delete a review is decided by the service (403 from it).
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    lookup_value_regex = r"\d+"
    not_found_label = "review"

    def get_queryset(self):
        return Review.objects.with_relations()

    def list(self, request):
        """All reviews, newest first; filter by movie, user, rating, genre, text."""
        return self._list(request.query_params)

    def _update(self, request, *, partial: bool):
        review = self.get_object()  # 404
        # 403 before any check of the body: a non-author learns nothing from it.
        require_change(review=review, user=request.user)
        serializer = ReviewInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        review = review_update(
            review=review,
            user=request.user,
            rating=data.get("rating"),
            # PUT replaces the review: a missing text means an empty one.
            text=data.get("text") if partial else data.get("text", ""),
        )
        return Response(ReviewSerializer(review).data)

    @swagger_auto_schema(request_body=ReviewInputSerializer, responses={200: ReviewSerializer})
    def update(self, request, pk=None):
        """Replace the caller's own review (rating required); marks it edited."""
        return self._update(request, partial=False)

    @swagger_auto_schema(request_body=ReviewInputSerializer, responses={200: ReviewSerializer})
    def partial_update(self, request, pk=None):
        """Change the rating and/or text of the caller's own review; marks it edited."""
        return self._update(request, partial=True)

    @swagger_auto_schema(responses={204: openapi.Response("Deleted")})
    def destroy(self, request, pk=None):
        """Delete a review: its author, or staff."""
        review_delete(review=self.get_object(), user=request.user)
        return Response(status=HTTPStatus.NO_CONTENT)


# movies/api/urls.py puts these first and registers ReviewViewSet as `reviews` on its
# router before the movie routes.
movie_review_urlpatterns = [
    path(
        "<int:movie_id>/reviews/",
        MovieReviewViewSet.as_view({"get": "list", "post": "create"}),
        name="movie-reviews",
    ),
]
