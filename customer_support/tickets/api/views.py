"""REST front door of tickets and of the movie-lookup helpers: wiring only."""

from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..movie_api_client.client import get_movie_api_client
from ..selectors import message_list, ticket_list
from ..services import ticket_create, ticket_reply, ticket_update
from .serializers import (
    MovieSearchParamsSerializer,
    MovieSerializer,
    NamedSerializer,
    NameSearchParamsSerializer,
    TicketCreateSerializer,
    TicketFilterSerializer,
    TicketMessageCreateSerializer,
    TicketMessageSerializer,
    TicketSerializer,
    TicketUpdateSerializer,
    page_data,
)


class TicketViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Customers open and read their own tickets; staff read and manage all of them."""

    serializer_class = TicketSerializer

    def get_queryset(self):
        if self.action == "list":
            params = TicketFilterSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            return ticket_list(user=self.request.user, **params.validated_data)
        return ticket_list(user=self.request.user)

    def create(self, request: Request, *args, **kwargs) -> Response:
        incoming = TicketCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        ticket = ticket_create(reporter=request.user, **incoming.validated_data)
        return Response(self._read(ticket.pk), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        ticket = self.get_object()
        incoming = TicketUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        incoming.is_valid(raise_exception=True)
        ticket_update(ticket=ticket, actor=request.user, **incoming.validated_data)
        return Response(self._read(ticket.pk))

    @action(detail=True, methods=["get", "post"])
    def messages(self, request: Request, pk=None) -> Response:
        """The conversation the caller may read; POST replies (agents: ``internal`` notes)."""
        ticket = self.get_object()
        if request.method == "POST":
            incoming = TicketMessageCreateSerializer(data=request.data)
            incoming.is_valid(raise_exception=True)
            message = ticket_reply(ticket=ticket, author=request.user, **incoming.validated_data)
            return Response(TicketMessageSerializer(message).data, status=status.HTTP_201_CREATED)
        conversation = message_list(ticket=ticket, user=request.user)
        return Response(TicketMessageSerializer(conversation, many=True).data)

    def _read(self, pk: int) -> dict:
        return TicketSerializer(ticket_list(user=self.request.user).get(pk=pk)).data


class MovieSearchView(APIView):
    """Search the movie API's movies by text, title, genre or actor (``allMovies``)."""

    def get(self, request: Request) -> Response:
        params = MovieSearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        page = get_movie_api_client().all_movies(
            search=p.get("q") or None,
            title=p.get("title") or None,
            genre=p.get("genre") or None,
            actor=p.get("actor") or None,
            first=p["first"],
            after=p.get("after") or None,
        )
        return Response(page_data(page, MovieSerializer))


class MovieDetailView(APIView):
    """One movie of the movie API (``movie(id)``); 404 when it has none with that id."""

    def get(self, request: Request, movie_id: int) -> Response:
        return Response(MovieSerializer(get_movie_api_client().movie(movie_id)).data)


class NameSearchView(APIView):
    """Search one of the movie API's name lists; `search` names the client method."""

    search: str

    def get(self, request: Request) -> Response:
        params = NameSearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        page = getattr(get_movie_api_client(), self.search)(
            name=p.get("name") or None, first=p["first"], after=p.get("after") or None
        )
        return Response(page_data(page, NamedSerializer))


class GenreSearchView(NameSearchView):
    """Search the movie API's genres by name (``allGenres``)."""

    search = "all_genres"


class ActorSearchView(NameSearchView):
    """Search the movie API's actors by name (``allActors``)."""

    search = "all_actors"
