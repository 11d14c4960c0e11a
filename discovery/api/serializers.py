"""Shapes of the discovery answers (for the OpenAPI document; the views build the data)."""

from rest_framework import serializers

from discovery.recommendations import PERSONAL, TRENDING
from discovery.trending import WINDOWS
from movies.api.serializers import MovieSerializer


class TrendingRowSerializer(serializers.Serializer):
    """One trending movie and its score (README.md, "Discovery")."""

    movie = MovieSerializer()
    score = serializers.FloatField(help_text="Recent activity decayed by age, 6 decimals.")


class TrendingSerializer(serializers.Serializer):
    """The trending movies of a window, as of the start of the next hour."""

    window = serializers.ChoiceField(choices=list(WINDOWS))
    as_of = serializers.DateTimeField(help_text="The time the ages are counted to (UTC).")
    results = TrendingRowSerializer(many=True)


class RecommendationRowSerializer(serializers.Serializer):
    """One recommended movie."""

    movie = MovieSerializer()
    score = serializers.FloatField(help_text="Sum of the neighbour scores, 6 decimals.")
    because = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Ids of the caller's liked movies that led here, the largest share first "
        "(empty when the source is trending).",
    )


class RecommendationsSerializer(serializers.Serializer):
    """The caller's recommendations: personal, or trending for a caller with no likes."""

    source = serializers.ChoiceField(choices=[PERSONAL, TRENDING])
    results = RecommendationRowSerializer(many=True)
