"""REST shapes of the lists users make. Shape only: lists.user_list_services checks every
value (names, notes, positions, limits), so both doors refuse with the same message."""

from django.utils import timezone
from django.utils.functional import cached_property
from rest_framework import serializers

from core.fields import StrictCharField, documented
from core.ids import MAX_DB_ID
from core.openapi import NOT_BLANK_PATTERN
from lists.models import (
    ITEM_NOTE_MAX_LENGTH,
    LIST_DESCRIPTION_MAX_LENGTH,
    LIST_NAME_MAX_LENGTH,
    MAX_ITEMS_PER_LIST,
)
from movies.api.serializers import MovieSerializer, iso_datetime


def _text(max_length: int, help_text: str, pattern: str | None = None, **kwargs):
    return documented(
        StrictCharField(allow_blank=True, trim_whitespace=False, help_text=help_text, **kwargs),
        max_length=max_length,
        **({"pattern": pattern} if pattern else {}),
    )


class ListOwnerSerializer(serializers.Serializer):
    """The public face of a list's owner: no email, no phone."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)


class UserListSerializer(serializers.Serializer):
    """`{id, name, description, is_public, is_ranked, owner, item_count, created_at,
    updated_at}`."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True, allow_blank=True)
    is_public = serializers.BooleanField(read_only=True)
    is_ranked = serializers.BooleanField(
        read_only=True, help_text="The positions are a ranking (1 the best), not only an order."
    )
    owner = ListOwnerSerializer(read_only=True)
    item_count = serializers.IntegerField(read_only=True, help_text="How many movies it holds.")
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="When it or its items last changed."
    )


class UserListWriteSerializer(serializers.Serializer):
    """Body of POST /api/lists/ (name required) and PATCH /api/lists/{id}/."""

    name = _text(LIST_NAME_MAX_LENGTH, "The list's name (not blank).", NOT_BLANK_PATTERN)
    description = _text(LIST_DESCRIPTION_MAX_LENGTH, "What the list is about.", required=False)
    is_public = serializers.BooleanField(
        required=False, help_text="Public (the default): anyone may read it. Private: only you."
    )
    is_ranked = serializers.BooleanField(
        required=False, help_text="The positions are a ranking (default false)."
    )

    def __init__(self, *args, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            self.fields["name"].required = False

    def service_kwargs(self) -> dict:
        return dict(self.validated_data)


class ListItemSerializer(serializers.Serializer):
    """`{position, movie: {...movie list shape, my_state}, note, added_at}`."""

    position = serializers.IntegerField(read_only=True, help_text="1 to the list's item_count.")
    movie = MovieSerializer(read_only=True)
    note = serializers.CharField(read_only=True, allow_blank=True)
    added_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, item):
        # What the generic field loop gives (a test compares them), without its cost: per
        # item it was a third of a page of 100, the gap between this page and the movie
        # list's (bench/README.md, "Lists of 5,000"). The movie is the catalog's card,
        # rendered by its own fast renderer with this serializer's context (my_state).
        fields = self.fields
        return {
            "position": item.position,
            "movie": fields["movie"].to_representation(item.movie),
            "note": item.note,
            "added_at": iso_datetime(item.added_at, self.zone, fields["added_at"]),
        }

    @cached_property
    def zone(self):
        # Looked up once per page, not per item: the lookup costs what formatting does.
        return timezone.get_current_timezone()


class ListItemAddSerializer(serializers.Serializer):
    """Body of POST /api/lists/{id}/items/."""

    movie_id = documented(serializers.IntegerField(), minimum=1, maximum=MAX_DB_ID)
    note = _text(ITEM_NOTE_MAX_LENGTH, "Why it is on the list.", required=False)
    position = documented(
        serializers.IntegerField(
            required=False,
            allow_null=True,
            help_text="Where to put it, 1 to item_count + 1; left out: last.",
        ),
        minimum=1,
        maximum=MAX_ITEMS_PER_LIST,
    )

    def service_kwargs(self) -> dict:
        return dict(self.validated_data)


class ListItemUpdateSerializer(serializers.Serializer):
    """Body of PATCH /api/lists/{id}/items/{movie_id}/: a move and/or a new note."""

    position = documented(
        serializers.IntegerField(
            required=False, help_text="The new position, 1 to item_count; the others shift."
        ),
        minimum=1,
        maximum=MAX_ITEMS_PER_LIST,
    )
    note = _text(ITEM_NOTE_MAX_LENGTH, "Why it is on the list.", required=False)

    def service_kwargs(self) -> dict:
        return dict(self.validated_data)
