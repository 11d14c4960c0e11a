"""Movie-list mutations: add a movie to one of the caller's lists, take it off; and the
profile edit, whose id lists this app owns (REST's PATCH /api/users/me/)."""

import graphene

from core.graphql.arguments import provided
from core.graphql.auth import require_user
from core.graphql.errors import renamed_fields
from core.security.client import client_ip
from lists import selectors, services
from lists.graphql.types import MovieListKind, UserProfile


def _list_write(service, *, user, movie_id, kind):
    # The services name their fields movie_id/kind; this API calls them movieId/list.
    with renamed_fields(movie_id="movieId", kind="list"):
        return service(user=user, movie_id=movie_id, kind=getattr(kind, "value", kind))


class AddMovieToList(graphene.Mutation):
    """Put a movie on one of the caller's lists; adding it twice is harmless."""

    class Meta:
        name = "AddMovieToListPayload"

    class Arguments:
        movie_id = graphene.ID(required=True, description="Database id of the movie.")
        list = MovieListKind(required=True, description="Which list.")

    ok = graphene.Boolean(required=True, description="True when the movie is on the list.")
    created = graphene.Boolean(required=True, description="False when it was already on the list.")

    @staticmethod
    def mutate(root, info, movie_id, list):
        user = require_user(info)
        _, created = _list_write(services.movie_list_add, user=user, movie_id=movie_id, kind=list)
        return AddMovieToList(ok=True, created=created)


class RemoveMovieFromList(graphene.Mutation):
    """Take a movie off one of the caller's lists."""

    class Meta:
        name = "RemoveMovieFromListPayload"

    class Arguments:
        movie_id = graphene.ID(required=True, description="Database id of the movie.")
        list = MovieListKind(required=True, description="Which list.")

    ok = graphene.Boolean(required=True, description="True when the movie is off the list.")
    removed = graphene.Boolean(
        required=True,
        description="True: it was on the list (a movie not on the list is NOT_FOUND).",
    )

    @staticmethod
    def mutate(root, info, movie_id, list):
        user = require_user(info)
        _list_write(services.movie_list_remove, user=user, movie_id=movie_id, kind=list)
        return RemoveMovieFromList(ok=True, removed=True)


class UpdateProfileInput(graphene.InputObjectType):
    """The profile fields to change; a field left out stays as it is."""

    bio = graphene.String(description="Short biography (at most 2000 characters).")
    favorite_movie_ids = graphene.List(
        graphene.NonNull(graphene.ID),
        description="The whole favorites list, in the order it should read.",
    )
    watched_movie_ids = graphene.List(
        graphene.NonNull(graphene.ID),
        description="The whole watched list, in the order it should read.",
    )
    watchlist_movie_ids = graphene.List(
        graphene.NonNull(graphene.ID),
        description="The whole watchlist, in the order it should read.",
    )


class UpdateProfile(graphene.Mutation):
    """Change the caller's bio and id lists: the service of REST's PATCH /api/users/me/.

    The email has its own mutation (changeEmail); the picture is REST-only
    (docs/guide/graphql.md says why).
    """

    class Meta:
        name = "UpdateProfilePayload"

    class Arguments:
        input = UpdateProfileInput(required=True, description="The fields to change.")

    profile = graphene.Field(UserProfile, required=True, description="The profile as stored.")

    @staticmethod
    def mutate(root, info, input):
        user = require_user(info)
        services.profile_update(user=user, client_ip=client_ip(info.context), **provided(input))
        return UpdateProfile(profile=selectors.profile_list_with_lists(viewer=user).get(pk=user.pk))


class Mutation(graphene.ObjectType):
    """Movie-list writes."""

    add_movie_to_list = AddMovieToList.Field(description="Add a movie to one of your lists.")
    remove_movie_from_list = RemoveMovieFromList.Field(
        description="Remove a movie from one of your lists."
    )
    update_profile = UpdateProfile.Field(
        description="Change your bio and replace your id lists (as PATCH /api/users/me/)."
    )
