"""GraphQL types of a movie's rating summaries: `ratingStats` and the deprecated
`reviewStats` (both read the movie row's statistics columns, no query)."""

import graphene
from graphene.types.resolver import dict_resolver

from movies.models import RATING_MAX, RATING_MIN

RATING_DESCRIPTION = f"Rating from {RATING_MIN} to {RATING_MAX} in half steps."


class RatingCount(graphene.ObjectType):
    """How many ratings had one whole-star value (of the deprecated ReviewStats)."""

    rating = graphene.Int(required=True, description="The rating, 1 to 5.")
    count = graphene.Int(required=True, description="Number of ratings with this value.")


class RatingValueCount(graphene.ObjectType):
    """How many ratings had one value."""

    value = graphene.Float(required=True, description=RATING_DESCRIPTION)
    count = graphene.Int(required=True, description="Number of ratings with this value.")


class RatingStats(graphene.ObjectType):
    """Summary of every rating of a movie, with or without a review."""

    class Meta:
        # The selector hands over a dict, not a model.
        default_resolver = dict_resolver

    count = graphene.Int(required=True, description="Number of ratings.")
    average = graphene.Float(description="Average rating, two decimals; null without ratings.")
    counts = graphene.List(
        graphene.NonNull(RatingValueCount),
        required=True,
        description=f"Ratings per value, {RATING_MIN} to {RATING_MAX} in half steps, "
        "zeros included.",
    )

    @staticmethod
    def resolve_counts(root, info):
        return [
            RatingValueCount(value=float(value), count=count)
            for value, count in root["counts"].items()
        ]


class ReviewStats(graphene.ObjectType):
    """Deprecated summary of a movie's ratings, whole stars only (use RatingStats)."""

    class Meta:
        # The selector hands over a dict, not a model.
        default_resolver = dict_resolver

    total = graphene.Int(required=True, description="Number of ratings.")
    average = graphene.Float(
        required=True, description="Average rating, two decimals; 0 without ratings."
    )
    counts = graphene.List(
        graphene.NonNull(RatingCount),
        required=True,
        description="Ratings per whole star, 1 to 5, zeros included (no half steps).",
    )

    @staticmethod
    def resolve_counts(root, info):
        return [
            RatingCount(rating=int(rating), count=count) for rating, count in root["counts"].items()
        ]
