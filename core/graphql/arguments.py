"""Field arguments: generated from the FilterSets, and read from input objects.

A list field backed by a FilterSet (allMovies, allReviews, ...) takes one argument
per filter, generated here, with the filter's label as its description; so the
GraphQL arguments and the REST query parameters cannot drift apart. The resolver
turns the arguments it got back into the FilterSet's names with `filters()`.
"""

import graphene
from django import forms
from django_filters import OrderingFilter


def _graphene_type(name: str, flt):
    """The GraphQL scalar of a filter, from the form field that parses its value."""
    if isinstance(flt, OrderingFilter):
        return graphene.String
    field_class = flt.field_class
    # DecimalField and FloatField are IntegerField subclasses in Django: test them first.
    if issubclass(field_class, (forms.DecimalField, forms.FloatField)):
        return graphene.Float
    if issubclass(field_class, forms.IntegerField):
        return graphene.Int
    if issubclass(field_class, forms.CharField):
        return graphene.String
    raise TypeError(f"No GraphQL argument type for filter '{name}' ({type(flt).__name__}).")


class FilterArguments:
    """The GraphQL arguments of one FilterSet.

    `rename` maps a filter to its argument name (snake_case; graphene camelCases it),
    `types` overrides the scalar (e.g. graphene.ID for an id filter), `notes` adds a
    sentence to the label where GraphQL reads the value differently.
    """

    def __init__(self, filterset, *, rename=None, types=None, notes=None):
        self.filterset = filterset
        self.rename = rename or {}
        self.types = types or {}
        self.notes = notes or {}
        # argument name -> filter name
        self.names = {self.rename.get(name, name): name for name in filterset.base_filters}

    def arguments(self) -> dict:
        """Fresh graphene arguments, in the FilterSet's order."""
        arguments = {}
        for name, flt in self.filterset.base_filters.items():
            scalar = self.types.get(name) or _graphene_type(name, flt)
            description = " ".join(filter(None, [str(flt.label or ""), self.notes.get(name)]))
            arguments[self.rename.get(name, name)] = scalar(description=description or None)
        return arguments

    def filters(self, arguments: dict) -> dict:
        """The FilterSet's data from the arguments a resolver got (nulls left out)."""
        return {
            self.names[name]: value
            for name, value in arguments.items()
            if name in self.names and value is not None
        }


def provided(input_object) -> dict:
    """The fields a client actually sent in an input object (absent ≠ null)."""
    return dict(input_object.items()) if input_object is not None else {}
