"""The caller's rating of a movie, with or without a review: rateMovie, unrateMovie.

The same services as PUT/DELETE /api/movies/{id}/rating/ (movies.services.ratings).
"""

import graphene

from core.graphql.auth import require_user
from movies.graphql.types import RATING_DESCRIPTION, Movie
from movies.services import ratings


class MovieRating(graphene.ObjectType):
    """The caller's rating of a movie, and the movie's figures after it."""

    value = graphene.Float(required=True, description=RATING_DESCRIPTION)
    movie = graphene.Field(Movie, required=True, description="The rated movie.")
    created_at = graphene.DateTime(required=True, description="When it was first given.")
    updated_at = graphene.DateTime(required=True, description="When it last changed.")


class RateMovie(graphene.Mutation):
    """Set your rating of a movie (signed-in, active users); a review of it shows it too."""

    class Meta:
        name = "RateMoviePayload"

    class Arguments:
        movie_id = graphene.ID(required=True, description="Database id of the movie.")
        value = graphene.Float(required=True, description=RATING_DESCRIPTION)

    rating = graphene.Field(MovieRating, required=True, description="The rating as stored.")

    @staticmethod
    def mutate(root, info, movie_id, value):
        user = require_user(info)
        return RateMovie(rating=ratings.rating_set(user=user, movie_id=movie_id, value=value))


class UnrateMovie(graphene.Mutation):
    """Take back your rating of a movie; a reviewed movie keeps it (delete the review)."""

    class Meta:
        name = "UnrateMoviePayload"

    class Arguments:
        movie_id = graphene.ID(required=True, description="Database id of the movie.")

    ok = graphene.Boolean(required=True, description="True when the rating was removed.")

    @staticmethod
    def mutate(root, info, movie_id):
        user = require_user(info)
        ratings.rating_delete(user=user, movie_id=movie_id)
        return UnrateMovie(ok=True)


class Mutation(graphene.ObjectType):
    """Ratings without a review."""

    rate_movie = RateMovie.Field(description="Rate a movie, 0.5 to 5 in half steps (signed in).")
    unrate_movie = UnrateMovie.Field(description="Remove your rating of a movie (signed in).")
