"""REST shapes of the movie lists. Shape only: lists.services decides."""

from rest_framework import serializers

from lists.selectors import list_movie_ids
from movies.api.serializers import MovieSerializer
from users.api.serializers import ProfileSerializer


class ProfileWithListsSerializer(ProfileSerializer):
    """A profile with the ids on its three lists (added order); the lists are writable."""

    favorite_movie_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    watched_movie_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    watchlist_movie_ids = serializers.ListField(child=serializers.IntegerField(), required=False)

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

    movie_id = serializers.IntegerField()
