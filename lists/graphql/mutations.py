"""Movie-list mutations: add a movie to one of the caller's lists, take it off."""

import graphene

from lists import services
from lists.graphql.types import MovieListKind
from movie_api.graphql.auth import require_user
from movie_api.graphql.errors import renamed_fields


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


class Mutation(graphene.ObjectType):
    """Movie-list writes."""

    add_movie_to_list = AddMovieToList.Field(description="Add a movie to one of your lists.")
    remove_movie_from_list = RemoveMovieFromList.Field(
        description="Remove a movie from one of your lists."
    )
