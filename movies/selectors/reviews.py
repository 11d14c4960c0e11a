"""Reads of reviews: the filtered lists and one review by id."""

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from core.ids import to_db_id
from movies.filters import ReviewFilterSet
from movies.models import Review
from movies.selectors.filtering import apply_filterset


def review_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[Review]:
    """Reviews matching `filters` (ReviewFilterSet names), authors and movies joined.

    One query per page whatever its size (user and movie come in the same SELECT).
    Without `ordering` the order is newest first with an id tie-break. An invalid
    filter value raises ValidationError keyed by the filter's name.
    """
    queryset = apply_filterset(
        ReviewFilterSet, filters=filters, queryset=Review.objects.with_relations()
    )
    if not queryset.query.order_by:
        queryset = queryset.order_by("-created_at", "-id")
    return queryset


def review_get(*, review_id: Any) -> Review | None:
    """One review with its author and movie, or None (also for a malformed id)."""
    review_id = to_db_id(review_id)
    if review_id is None:
        return None
    return Review.objects.with_relations().filter(pk=review_id).first()
