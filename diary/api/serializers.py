"""REST shapes of the diary. Shape only: diary.services checks every value (dates,
ratings, tags, the review), so both doors refuse with the same message."""

from rest_framework import serializers

from core.fields import StrictCharField, documented
from core.ids import MAX_DB_ID
from diary.models import TAG_MAX_LENGTH
from diary.services import MAX_TAGS
from lists.api.serializers import ExportMovieSerializer
from movies.api.serializers import MovieSerializer
from movies.models import RATING_MAX, RATING_MIN, RATING_STEP
from movies.services.ratings import RATING_MESSAGE


def _id(**kwargs):
    return documented(serializers.IntegerField(**kwargs), minimum=1, maximum=MAX_DB_ID)


class DiaryEntrySerializer(serializers.Serializer):
    """`{id, movie: {...movie list shape, my_state}, watched_on, rewatch, rating, liked,
    review_id, tags, created_at}`."""

    id = serializers.IntegerField(read_only=True)
    movie = MovieSerializer(read_only=True)
    watched_on = serializers.DateField(read_only=True)
    rewatch = serializers.BooleanField(read_only=True)
    rating = serializers.FloatField(read_only=True, allow_null=True, help_text=RATING_MESSAGE)
    liked = serializers.BooleanField(read_only=True)
    review_id = serializers.IntegerField(read_only=True, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(), source="tag_names", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class DiaryEntryWriteSerializer(serializers.Serializer):
    """Body of POST (movie_id required) and PATCH /api/users/me/diary/... (movie fixed)."""

    movie_id = _id(help_text="The movie watched (POST only; an entry keeps its movie).")
    watched_on = StrictCharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="YYYY-MM-DD, not in the future; left out on POST: today (server time zone).",
    )
    rewatch = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="Left out on POST: true when an earlier entry of the movie exists.",
    )
    rating = documented(
        serializers.FloatField(required=False, allow_null=True, help_text=RATING_MESSAGE),
        minimum=RATING_MIN,
        maximum=RATING_MAX,
        multiple_of=RATING_STEP,
    )
    liked = serializers.BooleanField(required=False)
    review_id = _id(required=False, allow_null=True, help_text="The caller's review of this movie.")
    tags = documented(
        serializers.ListField(
            child=StrictCharField(allow_blank=True, trim_whitespace=False),
            required=False,
            allow_null=True,
        ),
        max_items=MAX_TAGS,
    )

    def __init__(self, *args, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            self.fields.pop("movie_id")

    def service_kwargs(self) -> dict:
        return dict(self.validated_data)


class ExportDiaryEntrySerializer(serializers.Serializer):
    """An entry as the account export writes it (diary.selectors.diary_export)."""

    id = serializers.IntegerField()
    movie = ExportMovieSerializer()
    watched_on = serializers.DateField()
    rewatch = serializers.BooleanField()
    rating = serializers.FloatField(allow_null=True, help_text="0.5 to 5 in half steps.")
    liked = serializers.BooleanField()
    review_id = serializers.IntegerField(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=TAG_MAX_LENGTH))
    created_at = serializers.DateTimeField()


class _MonthSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    entries = serializers.IntegerField()


class _CountedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    movies = serializers.IntegerField(help_text="Distinct movies watched that year.")


class _RatingBinSerializer(serializers.Serializer):
    rating = serializers.FloatField()
    entries = serializers.IntegerField()


class _StatsMovieSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)


class _HighestRatedSerializer(serializers.Serializer):
    movie = _StatsMovieSerializer()
    rating = serializers.FloatField()
    watched_on = serializers.DateField()


class YearInReviewSerializer(serializers.Serializer):
    """The year in review (diary/stats.py says what each figure counts)."""

    year = serializers.IntegerField()
    entries = serializers.IntegerField()
    movies = serializers.IntegerField()
    rewatches = serializers.IntegerField()
    minutes_watched = serializers.IntegerField()
    entries_without_runtime = serializers.IntegerField()
    by_month = _MonthSerializer(many=True)
    top_genres = _CountedRefSerializer(many=True)
    top_people = _CountedRefSerializer(many=True)
    rating_histogram = _RatingBinSerializer(many=True)
    highest_rated = _HighestRatedSerializer(many=True)
