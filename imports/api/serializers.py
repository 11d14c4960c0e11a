"""Shapes of the import routes: the upload's fields and the report (checked, not decided)."""

from rest_framework import serializers


class HistoryImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="Letterboxd's diary.csv, ratings.csv or watchlist.csv, IMDb's ratings.csv "
        "or Trakt's history JSON; the format is recognised from the content."
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="true: report what the import would do, write nothing."
    )


class UnmatchedRowSerializer(serializers.Serializer):
    line = serializers.IntegerField(
        help_text="The line the row starts on (the header is line 1); for JSON, the "
        "entry's place in the array from 1."
    )
    title = serializers.CharField(help_text="The title the row names ('' when unreadable).")
    year = serializers.IntegerField(allow_null=True, help_text="The year the row names.")
    reason = serializers.CharField(help_text="Why the row was left out.")


class ImportReportSerializer(serializers.Serializer):
    format = serializers.ChoiceField(
        choices=[
            "letterboxd-diary",
            "letterboxd-ratings",
            "letterboxd-watchlist",
            "imdb-ratings",
            "trakt-history",
        ],
        help_text="The format recognised.",
    )
    created = serializers.IntegerField(
        help_text="Rows that added a diary entry, rating or watchlist entry."
    )
    updated = serializers.IntegerField(help_text="Rows that changed one.")
    unchanged = serializers.IntegerField(help_text="Rows already imported as they are.")
    unmatched = UnmatchedRowSerializer(many=True)
    dry_run = serializers.BooleanField()
