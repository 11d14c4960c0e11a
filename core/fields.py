"""Serializer fields shared by the REST serializers of every app."""

from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A CharField that takes only JSON strings: `{"name": 0}` is refused, not stored as "0".

    The OpenAPI schema documents these fields as strings; DRF's CharField would coerce
    numbers and booleans silently.
    """

    default_error_messages = {"invalid": "Must be a string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
