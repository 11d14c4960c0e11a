"""REST shapes of the movie lists. Shape only: lists.services decides."""

from rest_framework import serializers

from core.fields import documented
from core.ids import MAX_DB_ID
from lists.export import export_sections
from lists.models import MovieListEntry
from lists.selectors import list_movie_ids
from movies.api.serializers import MovieSerializer
from users.api.serializers import ProfileSerializer


def _movie_id():
    # A database id: a larger number or one below 1 names nothing (core/ids.py).
    return documented(serializers.IntegerField(), minimum=1, maximum=MAX_DB_ID)


class ProfileWithListsSerializer(ProfileSerializer):
    """A profile with the ids on its three lists (added order); the lists are writable."""

    favorite_movie_ids = serializers.ListField(child=_movie_id(), required=False)
    watched_movie_ids = serializers.ListField(child=_movie_id(), required=False)
    watchlist_movie_ids = serializers.ListField(child=_movie_id(), required=False)

    replaced_by_put = (
        *ProfileSerializer.replaced_by_put,
        "favorite_movie_ids",
        "watched_movie_ids",
        "watchlist_movie_ids",
    )

    class Meta:
        # The API's one profile shape keeps its name in the OpenAPI document.
        ref_name = "Profile"

    def to_representation(self, user):
        data = super().to_representation(user)
        # From the prefetched entries (lists.selectors.profile_list_with_lists).
        data.update(list_movie_ids(user))
        return data


class MovieListEntrySerializer(serializers.Serializer):
    """`{movie: {...movie list shape, my_state...}, added_at}`."""

    movie = MovieSerializer(read_only=True)
    added_at = serializers.DateTimeField(read_only=True)


class MovieListAddSerializer(serializers.Serializer):
    """Body of POST /api/users/me/{favorites,watched,watchlist}/."""

    movie_id = _movie_id()


# --- The account export (lists/export.py builds it; these only document its shape) ---
# A test renders a real export and checks it against the document strictly, so these
# cannot drift from account_export().


class ExportMovieSerializer(serializers.Serializer):
    """A movie as the export names it."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    imdb_id = serializers.CharField(allow_null=True)
    tmdb_id = serializers.IntegerField(allow_null=True)


class ExportListEntrySerializer(serializers.Serializer):
    movie = ExportMovieSerializer()
    added_at = serializers.DateTimeField()


# One key per list kind, as account_export() writes them.
ExportListsSerializer = type(
    "ExportListsSerializer",
    (serializers.Serializer,),
    {kind: ExportListEntrySerializer(many=True) for kind in MovieListEntry.Kind.values},
)


class ExportProfileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField()
    phone_number = serializers.CharField(allow_null=True)
    phone_verified_at = serializers.DateTimeField(allow_null=True)
    bio = serializers.CharField(allow_blank=True)
    profile_picture = serializers.CharField(allow_null=True)
    date_joined = serializers.DateTimeField()
    last_login = serializers.DateTimeField(allow_null=True)
    is_staff = serializers.BooleanField()


class ExportReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    movie = ExportMovieSerializer()
    rating = serializers.FloatField(help_text="0.5 to 5 in half steps.")
    text = serializers.CharField(allow_blank=True)
    is_edited = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ExportUserListItemSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    movie = ExportMovieSerializer()
    note = serializers.CharField(allow_blank=True)
    added_at = serializers.DateTimeField()


class ExportUserListSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    is_public = serializers.BooleanField()
    is_ranked = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    items = ExportUserListItemSerializer(many=True)


class AccountExportSerializer(serializers.Serializer):
    """The account export document (docs/account-export.md)."""

    format = serializers.CharField()
    version = serializers.IntegerField()
    exported_at = serializers.DateTimeField()
    profile = ExportProfileSerializer()
    lists = ExportListsSerializer()
    user_lists = ExportUserListSerializer(many=True)
    reviews = ExportReviewSerializer(many=True)

    def get_fields(self):
        # The keys other apps add (lists/export.py register_export_section).
        fields = super().get_fields()
        for name, (_, document) in export_sections().items():
            if document is not None:
                fields[name] = document()
        return fields
