"""Pagination shared by every REST list: `count`, `next`, `previous`, `results`."""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

from core.caching.counts import exact_count


class CountMemoPaginator(Paginator):
    """Django's Paginator whose total of a queryset comes from `exact_count`: the COUNT
    runs once per (filters, catalog generation), not on every page (caching/counts.py)."""

    @cached_property
    def count(self):
        if isinstance(self.object_list, QuerySet):
            return exact_count(self.object_list)
        return super().count


class PageNumberPagination(pagination.PageNumberPagination):
    """`page` and `page_size` (capped at 100); a bad page is a 4xx naming `page`."""

    django_paginator_class = CountMemoPaginator
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param, 1)
        if raw in self.last_page_strings:
            return paginator.num_pages
        return self.checked_page_number(raw)

    def checked_page_number(self, raw) -> int:
        """`raw` as a page number, or a 400 naming `page`. Also for a paginator that then
        ignores it (cursor mode): a parameter the document bounds is refused out of bounds
        whatever else the query says."""
        try:
            number = int(raw)
        except (TypeError, ValueError):
            raise ValidationError({"page": ["A page number must be a whole number."]}) from None
        if number < 1:
            raise ValidationError({"page": ["A page number must be 1 or more."]})
        return number

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise ValidationError({"page_size": ["A page size must be a whole number."]}) from None
        if size < 1:
            raise ValidationError({"page_size": ["A page size must be 1 or more."]})
        # Larger sizes are capped, not refused, like most public APIs do.
        return min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise NotFound({"page": ["That page has no results."]}) from None
