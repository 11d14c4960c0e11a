"""Pagination of the review lists: page numbers with an exact or estimated total, and
keyset cursors (`cursor=`) for deep scrolling (docs/guide/paging.md).

The REST door of reviews (movies/api/reviews.py) pages with `ReviewPagination`.
"""

import base64
import binascii
import functools
import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import Q
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.pagination import PageNumberPagination
from movies.models import Review

# From this many reviews on, a movie's review list takes its page-number total from the
# denormalised Movie.review_count instead of a COUNT (an "estimated count").
COUNTED_REVIEWS_LIMIT = 1000


class _CountedPaginator(DjangoPaginator):
    """Django's Paginator told the total up front, so it runs no COUNT query."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.count = count  # shadows the cached_property


class ReviewPagination(PageNumberPagination):
    """Page numbers by default; a `cursor` parameter switches to keyset pagination.

    Page numbers (`page`, `page_size` ≤ 100): `count` is the total and `next` /
    `previous` are page links, as on every other list.

    Cursor mode, for deep scrolling: send `cursor=` (empty) for the first page, then
    follow `next` / `previous`. A cursor is an opaque token that carries the sort key
    of the row it points at and the ordering it belongs to. The next page is a seek,
    `WHERE (key) < (last key seen)` in the list's order, so page 2,000 costs what page
    1 costs, nothing is skipped or repeated when reviews are added meanwhile, and no
    COUNT runs (`count` is null). The list ordering always ends with `id`, so keys are
    unique and the order is stable. `ordering` and the filters must stay the same
    while following a cursor; a cursor from another ordering or a tampered one is a
    400 naming `cursor`.
    """

    cursor_query_param = "cursor"
    # True: keyset pages only, the first page without a `cursor` (the diary's list).
    cursor_only = False

    def paginate_queryset(self, queryset, request, view=None):
        self.cursor_mode = self.cursor_only or self.cursor_query_param in request.query_params
        if not self.cursor_mode:
            known = getattr(view, "known_count", None)
            if known is not None:
                # The view knows the total (a movie's denormalised review_count): no COUNT
                # over the 10k+ reviews of a hot movie.
                self.django_paginator_class = functools.partial(_CountedPaginator, count=known)
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        page = request.query_params.get(self.page_query_param)
        if page is not None and page not in self.last_page_strings:
            self.checked_page_number(page)  # refused out of bounds, then ignored
        size = self.get_page_size(request)
        ordering = _ordering_keys(queryset)
        token = request.query_params.get(self.cursor_query_param, "")
        position, backwards = (
            _decode_cursor(token, ordering, queryset.model) if token else (None, False)
        )

        if backwards:
            queryset = queryset.reverse()
        if position is not None:
            queryset = queryset.filter(_seek(ordering, position, flip=backwards))
        rows = list(queryset[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if backwards:
            rows.reverse()
        self._ordering = ordering
        self._rows = rows
        # Coming from a cursor means there is something on the side we came from.
        self._has_next = (position is not None) if backwards else more
        self._has_previous = more if backwards else (position is not None)
        return rows

    def _cursor_link(self, row, backwards: bool) -> str:
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        token = _encode_cursor(self._ordering, row, backwards)
        return replace_query_param(url, self.cursor_query_param, token)

    def get_next_link(self):
        if not self.cursor_mode:
            return super().get_next_link()
        if not (self._has_next and self._rows):
            return None
        return self._cursor_link(self._rows[-1], backwards=False)

    def get_previous_link(self):
        if not self.cursor_mode:
            return super().get_previous_link()
        if not (self._has_previous and self._rows):
            return None
        return self._cursor_link(self._rows[0], backwards=True)

    def get_paginated_response(self, data):
        if not self.cursor_mode:
            return super().get_paginated_response(data)
        return Response(
            {
                "count": None,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Keyset pagination: empty for the first page, then the "
                "`next`/`previous` links. `count` is null in this mode.",
                "schema": {"type": "string", "pattern": CURSOR_PATTERN},
            },
        ]


def _ordering_keys(queryset) -> list[tuple[str, bool]]:
    """[(column attname, descending), ...] of the queryset's ordering, ending with id."""
    keys = []
    for item in queryset.query.order_by or queryset.model._meta.ordering:
        if not isinstance(item, str):
            raise TypeError("cursor pagination supports plain field orderings only")
        name = item.lstrip("-")
        field = queryset.model._meta.pk if name == "pk" else queryset.model._meta.get_field(name)
        keys.append((field.attname, item.startswith("-")))
    if not any(name == "id" for name, _ in keys):
        keys.append(("id", keys[-1][1] if keys else False))
    return keys


def _ordering_label(ordering) -> list[str]:
    return [("-" if desc else "") + name for name, desc in ordering]


# What _encode_cursor writes: unpadded URL-safe base64 (empty: the first page).
CURSOR_PATTERN = r"^[A-Za-z0-9_-]*$"


def _encode_cursor(ordering, row, backwards: bool) -> str:
    values = []
    for name, _ in ordering:
        value = getattr(row, name)
        values.append(value.isoformat() if hasattr(value, "isoformat") else value)
    payload = {"o": _ordering_label(ordering), "v": values, "b": int(backwards)}
    raw = json.dumps(payload, separators=(",", ":"), default=str).encode()  # Decimal: "3.5"
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bad_cursor(message: str = "This cursor is not valid; start again with cursor=."):
    return ValidationError({"cursor": [message]})


def _decode_cursor(token: str, ordering, model=Review) -> tuple[list, bool]:
    """The typed key values and direction of a cursor made by _encode_cursor."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw)
        labels, values, backwards = payload["o"], payload["v"], payload["b"]
    except (binascii.Error, ValueError, TypeError, KeyError):
        raise _bad_cursor() from None
    if labels != _ordering_label(ordering):
        raise _bad_cursor("This cursor belongs to another ordering; start again with cursor=.")
    if not isinstance(values, list) or len(values) != len(ordering) or backwards not in (0, 1):
        raise _bad_cursor()
    fields = {field.attname: field for field in model._meta.concrete_fields}
    typed = []
    for (name, _), value in zip(ordering, values, strict=True):
        if value is None or isinstance(value, (dict, list, bool)):
            raise _bad_cursor()
        try:
            typed.append(fields[name].to_python(value))
        except (DjangoValidationError, KeyError, TypeError, ValueError):
            raise _bad_cursor() from None
    return typed, bool(backwards)


def _seek(ordering, position, *, flip: bool) -> Q:
    """Rows strictly after `position` in `ordering` (before it when `flip`)."""
    condition = Q()
    equal_so_far = Q()
    for (name, descending), value in zip(ordering, position, strict=True):
        after = "lt" if descending != flip else "gt"
        condition |= equal_so_far & Q(**{f"{name}__{after}": value})
        equal_so_far &= Q(**{name: value})
    # The same rows, plus a redundant bound on the first key: PostgreSQL turns it into an
    # index range, where the OR alone is a filter over every row before the cursor
    # (40,000 rows deep into a hot movie's reviews: 13 ms -> 0.2 ms).
    first_name, first_descending = ordering[0]
    bound = "lte" if first_descending != flip else "gte"
    return Q(**{f"{first_name}__{bound}": position[0]}) & condition
