"""Shapes of tickets and movie-lookup results in the REST API; no decisions here."""

from rest_framework import serializers

from ..models import Ticket, TicketMessage, TicketStatusChange
from ..selectors import AGES

# Ids beyond a 32-bit integer cannot exist in the movie API's table nor fit our column.
MOVIE_ID_MAX = 2**31 - 1


class UserSummarySerializer(serializers.Serializer):
    """Who reported or changed something."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)


class TicketStatusChangeSerializer(serializers.ModelSerializer):
    """One entry of a ticket's history."""

    changed_by = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = TicketStatusChange
        fields = ["from_status", "to_status", "changed_by", "note", "created_at"]
        read_only_fields = fields


class TicketMessageSerializer(serializers.ModelSerializer):
    """One message of a ticket's conversation (internal notes reach agents only)."""

    author = UserSummarySerializer(read_only=True)

    class Meta:
        model = TicketMessage
        fields = ["id", "author", "body", "internal", "created_at"]
        read_only_fields = fields


class TicketMessageCreateSerializer(serializers.Serializer):
    """A reply, or (agents) an internal note."""

    body = serializers.CharField(max_length=10_000)
    internal = serializers.BooleanField(default=False)


class TicketSerializer(serializers.ModelSerializer):
    """A ticket as the API shows it, history included."""

    reporter = UserSummarySerializer(read_only=True)
    assignee = UserSummarySerializer(read_only=True, allow_null=True)
    history = TicketStatusChangeSerializer(source="status_changes", many=True, read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "subject",
            "description",
            "status",
            "priority",
            "reporter",
            "assignee",
            "first_response_due",
            "first_responded_at",
            "movie_id",
            "movie_title",
            "created_at",
            "updated_at",
            "history",
        ]
        read_only_fields = fields


class TicketCreateSerializer(serializers.Serializer):
    """What a customer sends to open a ticket."""

    subject = serializers.CharField(max_length=200)
    description = serializers.CharField()
    movie_id = serializers.IntegerField(
        min_value=1, max_value=MOVIE_ID_MAX, required=False, allow_null=True
    )


class TicketUpdateSerializer(TicketCreateSerializer):
    """What may change on a ticket; the service decides who may change the status."""

    status = serializers.ChoiceField(choices=Ticket.Status.choices, required=False)
    priority = serializers.ChoiceField(choices=Ticket.Priority.choices, required=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class TicketFilterSerializer(serializers.Serializer):
    """Query parameters of the ticket list, checked so a bad value is a 400, not a 500."""

    status = serializers.ChoiceField(choices=Ticket.Status.choices, required=False)
    priority = serializers.ChoiceField(choices=Ticket.Priority.choices, required=False)
    movie_id = serializers.IntegerField(min_value=1, max_value=MOVIE_ID_MAX, required=False)
    assignee = serializers.RegexField(r"^(me|none|[1-9][0-9]{0,9})$", required=False)
    age = serializers.ChoiceField(choices=sorted(AGES), required=False)
    search = serializers.CharField(required=False, allow_blank=True, max_length=200)
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)


class MovieSearchParamsSerializer(serializers.Serializer):
    """Query parameters of the movie search helper."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    genre = serializers.CharField(required=False, allow_blank=True, max_length=200)
    actor = serializers.CharField(required=False, allow_blank=True, max_length=200)
    first = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)
    after = serializers.CharField(required=False, allow_blank=True, max_length=200)


class NameSearchParamsSerializer(serializers.Serializer):
    """Query parameters of the genre and actor search helpers."""

    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    first = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)
    after = serializers.CharField(required=False, allow_blank=True, max_length=200)


class NamedSerializer(serializers.Serializer):
    """A genre or an actor from the movie API."""

    id = serializers.CharField()
    name = serializers.CharField()


class MovieSerializer(serializers.Serializer):
    """A movie from the movie API."""

    id = serializers.CharField()
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    genres = NamedSerializer(many=True)


def page_data(page, item_serializer) -> dict:
    """A movie-API connection page in our REST shape."""
    return {
        "count": page.total_count,
        "has_next_page": page.has_next_page,
        "end_cursor": page.end_cursor,
        "results": item_serializer(page.items, many=True).data,
    }
