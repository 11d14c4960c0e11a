"""Catalog mutations (staff only): each calls the same service as the REST view.

Validation errors raised by the services become BAD_USER_INPUT errors naming the field
(in `core.graphql.errors.format_error`); nothing is caught here.
"""

import graphene

from core.errors import NotFound
from core.graphql.arguments import provided
from core.graphql.auth import require_permission, require_user
from core.graphql.errors import renamed_fields
from core.ids import id_argument
from movies import selectors
from movies.graphql.inputs import ActorInput, ActorUpdateInput, CrewInput
from movies.graphql.types import RATING_DESCRIPTION, Actor, Genre, Movie, Review
from movies.services import actors, catalog, genres, reviews


def _require_catalog_editor(info):
    return require_permission(info, catalog.catalog_can_edit, catalog.CATALOG_EDIT_DENIED)


# --------------------------------------------------------------------------- inputs


class GenreInput(graphene.InputObjectType):
    """A genre's fields."""

    name = graphene.String(required=True, description="Name, unique regardless of case.")


class CastInput(graphene.InputObjectType):
    """One actor's part in a movie."""

    actor = graphene.ID(required=True, description="Database id of the actor.")
    character = graphene.String(description="Character's name.")
    order = graphene.Int(description="Billing position (defaults to the list position).")


class _MovieFields:
    """Fields shared by MovieInput and MovieUpdateInput."""

    plot = graphene.String(description="Plot summary.")
    release_date = graphene.String(description="Release date, YYYY-MM-DD.")
    genre_ids = graphene.List(graphene.NonNull(graphene.ID), description="Genre ids.")
    actor_ids = graphene.List(
        graphene.NonNull(graphene.ID), description="Actor ids in billing order."
    )
    cast = graphene.List(
        graphene.NonNull(CastInput),
        description="The cast with characters (instead of actorIds).",
    )
    crew = graphene.List(
        graphene.NonNull(CrewInput),
        description="The crew in the order shown (replaces the whole crew).",
    )
    imdb_id = graphene.String(description="IMDb id, e.g. tt0133093.")
    tmdb_id = graphene.Int(description="TMDB id.")
    runtime = graphene.Int(description="Running time in minutes (1-1000); null: unknown.")
    keywords = graphene.List(
        graphene.NonNull(graphene.String),
        description="Keyword names, matched in any case, created when new; replaces the list.",
    )


class MovieInput(_MovieFields, graphene.InputObjectType):
    """A new movie's fields."""

    title = graphene.String(required=True, description="Title.")


class MovieUpdateInput(_MovieFields, graphene.InputObjectType):
    """The movie fields to change; absent fields keep their value, lists are replaced."""

    title = graphene.String(description="Title.")


# Service error keys -> this API's argument names.
MOVIE_FIELD_NAMES = {"genres": "genreIds", "actors": "actorIds"}


def _movie_arguments(values: dict) -> dict:
    for key in ("cast", "crew"):
        if values.get(key) is not None:
            values[key] = [dict(entry) for entry in values[key]]
    return values


# What each mutation may fetch by id: the selector and its keyword.
_GETTERS = {
    "genre": (selectors.genre_get, "genre_id"),
    "actor": (selectors.actor_get, "actor_id"),
    "movie": (selectors.movie_get, "movie_id"),
    "review": (selectors.review_get, "review_id"),
}


def _get(label, value):
    pk = id_argument(value)
    getter, field_name = _GETTERS[label]
    instance = getter(**{field_name: pk})
    if instance is None:
        raise NotFound.of(label, value)
    return instance


def _get_for_editor(info, label, value):
    # The permission comes first: a non-editor learns nothing about which ids exist.
    # (The service checks it again, for callers that are not a door.)
    _require_catalog_editor(info)
    return _get(label, value)


# --------------------------------------------------------------------------- genres


class CreateGenre(graphene.Mutation):
    """Create a genre (staff)."""

    class Meta:
        name = "CreateGenrePayload"

    class Arguments:
        input = GenreInput(required=True, description="The genre.")

    genre = graphene.Field(Genre, required=True, description="The new genre.")

    @staticmethod
    def mutate(root, info, input):
        _require_catalog_editor(info)
        return CreateGenre(genre=genres.genre_create(user=info.context.user, **provided(input)))


class UpdateGenre(graphene.Mutation):
    """Rename a genre (staff)."""

    class Meta:
        name = "UpdateGenrePayload"

    class Arguments:
        id = graphene.ID(required=True, description="Database id of the genre.")
        input = GenreInput(required=True, description="The new values.")

    ok = graphene.Boolean(required=True, description="True when the genre was changed.")
    genre = graphene.Field(Genre, required=True, description="The genre after the change.")

    @staticmethod
    def mutate(root, info, id, input):
        genre = _get_for_editor(info, "genre", id)
        return UpdateGenre(
            ok=True,
            genre=genres.genre_update(user=info.context.user, genre=genre, **provided(input)),
        )


class DeleteGenre(graphene.Mutation):
    """Delete a genre (staff); movies simply lose it."""

    class Meta:
        name = "DeleteGenrePayload"

    class Arguments:
        id = graphene.ID(required=True, description="Database id of the genre.")

    ok = graphene.Boolean(required=True, description="True when the genre was deleted.")

    @staticmethod
    def mutate(root, info, id):
        genres.genre_delete(user=info.context.user, genre=_get_for_editor(info, "genre", id))
        return DeleteGenre(ok=True)


# --------------------------------------------------------------------------- actors


class CreateActor(graphene.Mutation):
    """Create an actor (staff)."""

    class Meta:
        name = "CreateActorPayload"

    class Arguments:
        input = ActorInput(required=True, description="The actor.")

    actor = graphene.Field(Actor, required=True, description="The new actor.")

    @staticmethod
    def mutate(root, info, input):
        _require_catalog_editor(info)
        return CreateActor(actor=actors.actor_create(user=info.context.user, **provided(input)))


class UpdateActor(graphene.Mutation):
    """Change an actor's fields (staff)."""

    class Meta:
        name = "UpdateActorPayload"

    class Arguments:
        id = graphene.ID(required=True, description="Database id of the actor.")
        input = ActorUpdateInput(required=True, description="The fields to change.")

    ok = graphene.Boolean(required=True, description="True when the actor was changed.")
    actor = graphene.Field(Actor, required=True, description="The actor after the change.")

    @staticmethod
    def mutate(root, info, id, input):
        actor = _get_for_editor(info, "actor", id)
        return UpdateActor(
            ok=True,
            actor=actors.actor_update(user=info.context.user, actor=actor, **provided(input)),
        )


class DeleteActor(graphene.Mutation):
    """Delete an actor and their parts in movies (staff)."""

    class Meta:
        name = "DeleteActorPayload"

    class Arguments:
        id = graphene.ID(required=True, description="Database id of the actor.")

    ok = graphene.Boolean(required=True, description="True when the actor was deleted.")

    @staticmethod
    def mutate(root, info, id):
        actors.actor_delete(user=info.context.user, actor=_get_for_editor(info, "actor", id))
        return DeleteActor(ok=True)


# --------------------------------------------------------------------------- movies


class CreateMovie(graphene.Mutation):
    """Create a movie with its genres and cast (staff)."""

    class Meta:
        name = "CreateMoviePayload"

    class Arguments:
        input = MovieInput(required=True, description="The movie.")

    movie = graphene.Field(Movie, required=True, description="The new movie.")

    @staticmethod
    def mutate(root, info, input):
        _require_catalog_editor(info)
        with renamed_fields(**MOVIE_FIELD_NAMES):
            movie = catalog.movie_create(
                user=info.context.user, **_movie_arguments(provided(input))
            )
        return CreateMovie(movie=selectors.movie_get(movie_id=movie.pk))


class UpdateMovie(graphene.Mutation):
    """Change a movie's fields (staff); genreIds/actorIds/cast replace the whole list."""

    class Meta:
        name = "UpdateMoviePayload"

    class Arguments:
        id = graphene.ID(required=True, description="Database id of the movie.")
        input = MovieUpdateInput(required=True, description="The fields to change.")

    ok = graphene.Boolean(required=True, description="True when the movie was changed.")
    movie = graphene.Field(Movie, required=True, description="The movie after the change.")

    @staticmethod
    def mutate(root, info, id, input):
        movie = _get_for_editor(info, "movie", id)
        with renamed_fields(**MOVIE_FIELD_NAMES):
            catalog.movie_update(
                user=info.context.user, movie=movie, **_movie_arguments(provided(input))
            )
        return UpdateMovie(ok=True, movie=selectors.movie_get(movie_id=movie.pk))


class DeleteMovie(graphene.Mutation):
    """Delete a movie with its cast, reviews and list entries (staff)."""

    class Meta:
        name = "DeleteMoviePayload"

    class Arguments:
        id = graphene.ID(required=True, description="Database id of the movie.")

    ok = graphene.Boolean(required=True, description="True when the movie was deleted.")

    @staticmethod
    def mutate(root, info, id):
        catalog.movie_delete(user=info.context.user, movie=_get_for_editor(info, "movie", id))
        return DeleteMovie(ok=True)


# --------------------------------------------------------------------------- reviews


class ReviewCreateInput(graphene.InputObjectType):
    """A new review."""

    movie_id = graphene.ID(required=True, description="Database id of the movie.")
    rating = graphene.Float(required=True, description=RATING_DESCRIPTION)
    text = graphene.String(description="Review text.")


class ReviewUpdateInput(graphene.InputObjectType):
    """The review fields to change; absent fields keep their value."""

    rating = graphene.Float(description=RATING_DESCRIPTION)
    text = graphene.String(description="Review text.")


class CreateReview(graphene.Mutation):
    """Review a movie (signed-in, active users; one review per movie)."""

    class Meta:
        name = "CreateReviewPayload"

    class Arguments:
        input = ReviewCreateInput(required=True, description="The review.")

    review = graphene.Field(Review, required=True, description="The new review.")

    @staticmethod
    def mutate(root, info, input):
        user = require_user(info)
        return CreateReview(review=reviews.review_create(user=user, **provided(input)))


class UpdateReview(graphene.Mutation):
    """Change your own review (marks it edited)."""

    class Meta:
        name = "UpdateReviewPayload"

    class Arguments:
        id = graphene.ID(required=True, description="Database id of the review.")
        input = ReviewUpdateInput(required=True, description="The fields to change.")

    ok = graphene.Boolean(required=True, description="True when the review was changed.")
    review = graphene.Field(Review, required=True, description="The review after the change.")

    @staticmethod
    def mutate(root, info, id, input):
        user = require_user(info)
        review = _get("review", id)
        review = reviews.review_update(review=review, user=user, **provided(input))
        return UpdateReview(ok=True, review=review)


class DeleteReview(graphene.Mutation):
    """Delete a review (its author, or staff)."""

    class Meta:
        name = "DeleteReviewPayload"

    class Arguments:
        id = graphene.ID(required=True, description="Database id of the review.")

    ok = graphene.Boolean(required=True, description="True when the review was deleted.")

    @staticmethod
    def mutate(root, info, id):
        user = require_user(info)
        review = _get("review", id)
        reviews.review_delete(review=review, user=user)
        return DeleteReview(ok=True)


class Mutation(graphene.ObjectType):
    """Catalog writes (staff only)."""

    create_genre = CreateGenre.Field(description="Create a genre (staff).")
    update_genre = UpdateGenre.Field(description="Rename a genre (staff).")
    delete_genre = DeleteGenre.Field(description="Delete a genre (staff).")
    create_actor = CreateActor.Field(description="Create an actor (staff).")
    update_actor = UpdateActor.Field(description="Change an actor (staff).")
    delete_actor = DeleteActor.Field(description="Delete an actor (staff).")
    create_movie = CreateMovie.Field(description="Create a movie (staff).")
    update_movie = UpdateMovie.Field(description="Change a movie (staff).")
    delete_movie = DeleteMovie.Field(description="Delete a movie (staff).")
    create_review = CreateReview.Field(description="Review a movie (signed in).")
    update_review = UpdateReview.Field(description="Change your own review.")
    delete_review = DeleteReview.Field(description="Delete your review (or any, as staff).")
