"""Serializer fields shared by the REST serializers of every app."""

from decimal import Decimal

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


def documented(field: serializers.Field, **constraints) -> serializers.Field:
    """`field`, with the bounds a service enforces written into the OpenAPI document.

    Serializers check shape only and services answer the rules, with one message on
    both doors; a DRF `min_value` or `max_length` would answer them first, in DRF's
    words. So a rule's bound is read from where the rule lives (a model field, a
    service constant) and only shown here, as drf-yasg Schema keywords (`minimum`,
    `maximum`, `max_length`, `pattern`, `enum`, `format`); core/openapi.py's
    DocumentedConstraintsInspector writes them. The API scan then sends values outside
    them and expects the service's 400.
    """
    # A bound kept exactly (a Decimal rating) is a plain number in the JSON document.
    constraints = {
        key: float(value) if isinstance(value, Decimal) else value
        for key, value in constraints.items()
    }
    # In `style` (DRF's rendering hints), which a field's copy keeps: every serializer
    # instance deep-copies its fields from their constructor arguments.
    field.style = {**field.style, OPENAPI_STYLE: constraints}
    field._kwargs["style"] = field.style
    return field


OPENAPI_STYLE = "openapi"
