"""REST front door of the catalog: thin ViewSets over movies.selectors and movies.services."""

from decimal import Decimal
from http import HTTPStatus

import orjson
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from drf_yasg.utils import swagger_auto_schema
from rest_framework import filters as drf_filters
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core.caching import shared
from core.exception_handlers import NamedNotFoundMixin
from movies import selectors, viewer_state
from movies.api import people, similar
from movies.api.movie_writes import MovieWriteSerializer
from movies.api.people import ActorSerializer
from movies.api.permissions import IsStaffOrReadOnly
from movies.api.serializers import (
    GenreSerializer,
    MovieDetailSerializer,
    MovieSerializer,
)
from movies.discover_filters import terms_pattern
from movies.filters import (
    ActorFilterSet,
    GenreFilterSet,
    IntegerFilter,
    MovieFilterSet,
    TermsFilter,
)
from movies.models import Actor, Genre, Movie
from movies.services import actors, catalog, genres


def _orjson_default(value):
    if isinstance(value, Decimal):
        return float(value)  # as DRF's encoder does
    if isinstance(value, Promise):
        return str(value)
    raise TypeError


class ORJSONRenderer(JSONRenderer):
    """DRF's JSONRenderer output (compact, UTF-8, U+2028/U+2029 escaped), encoded by orjson.

    Several times faster than `json.dumps` with DRF's encoder on a list page. Anything
    orjson cannot encode as DRF would (an indent request, a very large integer, an
    unknown type) falls back to DRF's renderer, so the bytes never differ.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(data, default=_orjson_default)
        except TypeError:
            return super().render(data, accepted_media_type, renderer_context)
        # U+2028 and U+2029 are the bytes 0xE2 0x80 0xA8 and 0xE2 0x80 0xA9. Looking for
        # the one byte 0xE2 is a memchr, hundreds of times faster than looking for both:
        # that search took more than half of this renderer's time on a page of 20.
        if 0xE2 in body:
            body = body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
        return body


class SelectorFilterBackend(drf_filters.BaseFilterBackend):
    """Describes a view's `filterset_class` in the OpenAPI schema.

    Filtering itself happens in the view's selector (the same FilterSet GraphQL uses),
    so this backend leaves the queryset alone.
    """

    def filter_queryset(self, request, queryset, view):
        return queryset

    def get_schema_operation_parameters(self, view):
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is None:
            return []
        parameters = []
        for name, filter_ in filterset_class.base_filters.items():
            schema = {"type": "string"}
            if isinstance(filter_, IntegerFilter):
                schema = {"type": "integer"}
            elif filter_.__class__.__name__ == "NumberFilter":
                schema = {"type": "number"}
            elif hasattr(filter_, "param_map"):  # ordering: list the accepted keys
                keys = list(filter_.param_map)
                schema = {"type": "string", "enum": keys + [f"-{key}" for key in keys]}
            # The bounds the filter enforces, so the schema allows only what is accepted.
            for bound, keyword in (("min_value", "minimum"), ("max_value", "maximum")):
                if filter_.extra.get(bound) is not None:
                    schema[keyword] = filter_.extra[bound]
            # A text filter's form field refuses a longer value (400 naming the filter).
            if getattr(filter_.field, "max_length", None) is not None:
                schema["max_length"] = filter_.field.max_length
            if isinstance(filter_, TermsFilter):  # `a,b` (all) or `a|b` (any)
                schema["pattern"] = terms_pattern(ids_only=filter_.extra.get("ids_only", False))
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "required": False,
                    "description": str(filter_.label or ""),
                    "schema": schema,
                }
            )
        return parameters


class CatalogViewSet(NamedNotFoundMixin, viewsets.ModelViewSet):
    """Shared wiring: staff-only writes, selector reads, service writes, read-shape replies."""

    permission_classes = [IsStaffOrReadOnly]
    filter_backends = [SelectorFilterBackend]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    renderer_classes = [
        ORJSONRenderer,
        *(r for r in api_settings.DEFAULT_RENDERER_CLASSES if r is not JSONRenderer),
    ]
    lookup_value_regex = r"\d+"
    read_serializer_class = None
    write_serializer_class = None
    # The selector behind the list action, e.g. staticmethod(selectors.genre_list).
    list_selector = None

    def get_queryset(self):
        # The filters apply to the list only; one row is looked up by id alone.
        if self.action == "list":
            return self.list_selector(filters=self.request.query_params)
        return super().get_queryset()

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return self.write_serializer_class
        return self.read_serializer_class

    def read_data(self, instance) -> dict:
        """The reply to a write: the object in its read shape."""
        return self.read_serializer_class(instance, context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(self.read_data(serializer.instance), status=HTTPStatus.CREATED)

    def update(self, request, *args, **kwargs):
        serializer = self.get_serializer(
            self.get_object(), data=request.data, partial=kwargs.pop("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return Response(self.read_data(serializer.instance))


class GenreViewSet(CatalogViewSet):
    """Genres: anyone reads, staff write. Filter: `name`."""

    queryset = Genre.objects.all()
    not_found_label = "genre"
    filterset_class = GenreFilterSet
    read_serializer_class = write_serializer_class = GenreSerializer
    list_selector = staticmethod(selectors.genre_list)

    def perform_create(self, serializer):
        serializer.instance = genres.genre_create(
            user=self.request.user, **serializer.service_kwargs()
        )

    def perform_update(self, serializer):
        serializer.instance = genres.genre_update(
            user=self.request.user, genre=serializer.instance, **serializer.service_kwargs()
        )

    def perform_destroy(self, instance):
        genres.genre_delete(user=self.request.user, genre=instance)


class ActorViewSet(CatalogViewSet):
    """Actors: anyone reads, staff write (photo as multipart). Filter: `name`."""

    queryset = Actor.objects.all()
    not_found_label = "actor"
    filterset_class = ActorFilterSet
    read_serializer_class = write_serializer_class = ActorSerializer
    list_selector = staticmethod(selectors.actor_list)

    def get_serializer_class(self):
        # The detail adds the person's credits (movies/api/people.py); the list and the
        # write replies do not.
        if self.action == "retrieve":
            return people.PersonDetailSerializer
        return super().get_serializer_class()

    def retrieve(self, request, *args, **kwargs):
        return Response(people.person_detail_data(self, request))

    def perform_create(self, serializer):
        serializer.instance = actors.actor_create(
            user=self.request.user, **serializer.service_kwargs()
        )

    def perform_update(self, serializer):
        serializer.instance = actors.actor_update(
            user=self.request.user, actor=serializer.instance, **serializer.service_kwargs()
        )

    def perform_destroy(self, instance):
        actors.actor_delete(user=self.request.user, actor=instance)


def _page_without_states(page: dict) -> dict:
    """The page every caller shares: the caller's `my_state` blanked in a copy."""
    return {**page, "results": [{**card, "my_state": None} for card in page["results"]]}


def _with_states(user, data: dict, cards: list) -> dict:
    """`data` with the caller's `my_state` filled into its `cards` (two queries in all)."""
    states = viewer_state.movie_states_for(user=user, movie_ids=[card["id"] for card in cards])
    for card in cards:
        # Assigned in place: the key keeps its position, so the body is the same bytes.
        card["my_state"] = states[card["id"]]
    return data


class MovieViewSet(CatalogViewSet):
    """Movies: anyone reads (with filters, search, ordering), staff write.

    List and detail bodies carry the caller's `my_state`, so they vary with the
    `Authorization` header (and the session cookie); ETags come from
    ConditionalGetMiddleware.
    """

    queryset = Movie.objects.all()
    not_found_label = "movie"
    filterset_class = MovieFilterSet
    read_serializer_class = MovieSerializer
    write_serializer_class = MovieWriteSerializer

    def get_queryset(self):
        # The read shapes show only id and name of genres, actors and crew (refs_only).
        if self.action == "list":
            return selectors.movie_list(filters=self.request.query_params, refs_only=True)
        detail = self.action == "retrieve"
        return selectors.movie_queryset(refs_only=detail, detail=detail)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return MovieDetailSerializer
        return super().get_serializer_class()

    def list(self, request, *args, **kwargs):
        if not self.shares_cards(request):
            return Response(self.list_data())
        return Response(
            shared.answer(
                request,
                "movies:list",
                compute=self.list_data,
                split=_page_without_states,
                merge=lambda page: _with_states(request.user, page, page["results"]),
            )
        )

    def list_data(self) -> dict:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = self.get_serializer_context()
        # my_state for the whole page in two queries, not two per movie.
        context["my_states"] = viewer_state.movie_states_for(
            user=self.request.user, movie_ids=[movie.id for movie in page]
        )
        cards = MovieSerializer(page, many=True, context=context).data
        return self.get_paginated_response(cards).data

    def retrieve(self, request, *args, **kwargs):
        if not self.shares_cards(request):
            return Response(self.detail_data(self.get_object()))
        return Response(
            shared.answer(
                request,
                "movies:detail",
                compute=lambda: self.detail_data(self.get_object()),
                split=lambda movie: {**movie, "my_state": None},
                merge=lambda movie: _with_states(request.user, movie, [movie]),
            )
        )

    @staticmethod
    def shares_cards(request) -> bool:
        """Signed-in JSON reads take the cards from the shared cache, my_state fresh.

        Anonymous reads are cached whole by the middleware. The browsable API renders
        pagination controls from the paginator, which a cached page skips, so it is
        computed every time (docs/caching.md, "Signed-in reads").
        """
        return request.user.is_authenticated and request.accepted_renderer.format == "json"

    def detail_data(self, movie) -> dict:
        return MovieDetailSerializer(movie, context=self.get_serializer_context()).data

    def read_data(self, instance) -> dict:
        # Re-read with its genres, cast, crew and keywords, in the detail shape.
        movie = selectors.movie_get(movie_id=instance.pk, refs_only=True, detail=True)
        return self.detail_data(movie)

    @swagger_auto_schema(responses={"201": MovieDetailSerializer})
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @swagger_auto_schema(responses={"200": MovieDetailSerializer})
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @swagger_auto_schema(responses={"200": MovieDetailSerializer})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    @swagger_auto_schema(
        manual_parameters=[similar.FIRST_PARAMETER],
        responses={"200": similar.SimilarPageSerializer},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def similar(self, request, pk=None):
        """Movies like this one: ranked by shared people, keywords and genres (README,
        "Discovery")."""
        return Response(similar.similar_data(self, request, pk))

    def perform_create(self, serializer):
        serializer.instance = catalog.movie_create(
            user=self.request.user, **serializer.service_kwargs()
        )

    def perform_update(self, serializer):
        serializer.instance = catalog.movie_update(
            user=self.request.user, movie=serializer.instance, **serializer.service_kwargs()
        )

    def perform_destroy(self, instance):
        catalog.movie_delete(user=self.request.user, movie=instance)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Authorization", "Cookie"))
        return response
