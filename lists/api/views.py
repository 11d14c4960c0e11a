"""REST door of the movie lists: thin views over lists.services and lists.selectors.

Also the profile (`me/`, `profiles/`) and the account export, whose bodies include the
lists: the views of users/api with the lists added.
"""

from drf_yasg.utils import swagger_auto_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from lists import selectors, services
from lists.api import serializers as s
from lists.export import account_export
from lists.models import MovieListEntry
from movies.viewer_state import movie_states_for
from users.api import views as account_views
from users.api.lifecycle import AccountExportBaseView
from users.models import User


class ProfileWithListsMixin:
    """Profile reads carry the id lists; a profile update may replace them."""

    serializer_class = s.ProfileWithListsSerializer
    update_service = staticmethod(services.profile_update)

    def profiles(self):
        return selectors.profile_list_with_lists(viewer=self.request.user)


class ProfileViewSet(ProfileWithListsMixin, account_views.ProfileViewSet):
    """Profiles: staff see all; everyone else only their own (another id is 404)."""

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        return self.profiles()


class MeView(ProfileWithListsMixin, account_views.MeView):
    """The caller's own profile: read and change bio, email, picture and the id lists."""

    def get_object(self):
        return self.profiles().get(pk=self.request.user.pk)


class AccountExportView(AccountExportBaseView):
    """The caller's data as one JSON document (format: docs/account-export.md)."""

    def export(self, user) -> dict:
        return account_export(user=user)

    @swagger_auto_schema(responses={200: s.AccountExportSerializer})
    def get(self, request):
        return super().get(request)


class MovieListView(GenericAPIView):
    """One of the caller's lists (newest first) and adding a movie to it."""

    serializer_class = s.MovieListEntrySerializer
    permission_classes = [IsAuthenticated]
    kind = MovieListEntry.Kind.FAVORITE

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MovieListEntry.objects.none()
        return selectors.movie_list_entries(user=self.request.user, kind=self.kind)

    def _render(self, entries):
        states = movie_states_for(user=self.request.user, movie_ids=[e.movie_id for e in entries])
        context = {**self.get_serializer_context(), "my_states": states}
        return s.MovieListEntrySerializer(entries, many=True, context=context).data

    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self._render(page))

    @swagger_auto_schema(
        request_body=s.MovieListAddSerializer,
        # 200 when the movie was already on the list (adding twice is harmless).
        responses={201: s.MovieListEntrySerializer, 200: s.MovieListEntrySerializer},
    )
    def post(self, request):
        serializer = s.MovieListAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry, created = services.movie_list_add(
            user=request.user, movie_id=serializer.validated_data["movie_id"], kind=self.kind
        )
        entry = self.get_queryset().get(pk=entry.pk)
        return Response(
            self._render([entry])[0],
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MovieListItemView(APIView):
    """Remove a movie from one of the caller's lists (404 if it is not on it)."""

    permission_classes = [IsAuthenticated]
    kind = MovieListEntry.Kind.FAVORITE

    def delete(self, request, movie_id):
        services.movie_list_remove(user=request.user, movie_id=movie_id, kind=self.kind)
        return Response(status=status.HTTP_204_NO_CONTENT)
