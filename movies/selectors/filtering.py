"""Running a list's FilterSet for a selector, the same way for both doors."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db.models import QuerySet


def apply_filterset(filterset_class, *, filters: Mapping | None, queryset: QuerySet) -> QuerySet:
    """Run `filterset_class` over `queryset`; an invalid value raises ValidationError.

    The error is keyed by the filter's name (e.g. `min_rating`, `ordering`), so each
    API can report which argument was wrong. Unknown keys (`page`, ...) are ignored.
    """
    if not filters or not any(name in filterset_class.base_filters for name in filters):
        # Nothing to filter: building and validating the FilterSet would only cost time.
        return queryset
    filterset = filterset_class(data=filters, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.form.errors.as_data())
    return filterset.qs
