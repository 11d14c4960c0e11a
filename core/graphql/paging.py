"""Relay-shaped pages: `first`/`after` over a selector's queryset.

`paginate()` slices by offset cursors, so a page is the same slice the REST
page-number paginator returns, and counts only when `totalCount` is selected.
"""

from types import SimpleNamespace

import graphene
from graphql_relay import cursor_to_offset, offset_to_cursor

from core import compiled
from core.caching import pages
from core.caching.counts import exact_count
from core.graphql.errors import BadUserInput

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
# Cursors past this offset are refused: offset + page size must stay below 2^63.
MAX_CURSOR_OFFSET = 2**62


def check_first(first, field: str = "first", default: int = DEFAULT_PAGE_SIZE) -> int:
    """`first` within 0..100 (default 20); anything else is BAD_USER_INPUT."""
    if first is None:
        return default
    if first < 0:
        raise BadUserInput(f"{field}: must not be negative.", field=field)
    if first > MAX_PAGE_SIZE:
        raise BadUserInput(
            f"{field}: at most {MAX_PAGE_SIZE} items per page (asked for {first}).",
            field=field,
        )
    return first


class Page:
    """One page of a connection; `total_count` runs its COUNT only when asked."""

    def __init__(self, queryset, rows, offset, has_next):
        self._queryset = queryset
        self._total = None
        self.rows = rows
        self.offset = offset
        self.edges = [
            SimpleNamespace(cursor=offset_to_cursor(offset + index), node=row)
            for index, row in enumerate(rows)
        ]
        self.page_info = SimpleNamespace(
            has_next_page=has_next,
            has_previous_page=offset > 0,
            start_cursor=self.edges[0].cursor if self.edges else None,
            end_cursor=self.edges[-1].cursor if self.edges else None,
        )

    @property
    def total_count(self) -> int:
        if self._total is None:
            self._total = exact_count(self._queryset)
        return self._total


def paginate(queryset, *, first=None, after=None) -> Page:
    """Slice `queryset` by Relay `first`/`after`; one query for the rows (+ prefetches)."""
    offset, size = page_bounds(first, after)
    # An unfiltered first page is read by a statement compiled once (compiled.py).
    rows = compiled.fetch(queryset[offset : offset + size + 1]) if size else []
    return Page(queryset, rows[:size], offset, has_next=len(rows) > size)


def paginate_shared(queryset, *, first=None, after=None, prepare=None, tag="") -> Page:
    """`paginate()`, the rows shared by every caller from the cache (core/caching/
    pages.py): for catalog rows only, never the caller's own state.

    `prepare(rows)` adds what the selection needs to the rows before they are stored
    (refs); `tag` names it in the key. `totalCount` stays the memoised COUNT.
    """
    offset, size = page_bounds(first, after)
    window = queryset[offset : offset + size + 1]

    def compute():
        rows = compiled.fetch(window)
        if prepare is not None:
            prepare(rows[:size])
        return rows[:size], len(rows) > size

    if not size:
        return Page(queryset, [], offset, has_next=False)
    rows, has_next = pages.shared_rows(pages.page_key(window, tag), compute)
    return Page(queryset, rows, offset, has_next=has_next)


def page_bounds(first, after) -> tuple[int, int]:
    """(offset, size) of the page `first`/`after` ask for; BAD_USER_INPUT when invalid."""
    size = check_first(first)
    offset = 0
    if after:
        position = cursor_to_offset(after)
        # The database takes offsets below 2^63 (a larger one is a DataError, or an
        # OverflowError on SQLite); no real page is anywhere near that far.
        if position is None or not 0 <= position < MAX_CURSOR_OFFSET:
            raise BadUserInput("after: not a cursor from this API.", field="after")
        offset = position + 1
    return offset, size


def connection_type(node_type, name: str, description: str):
    """A Relay-shaped connection type: totalCount, pageInfo, edges{cursor node}."""
    edge = type(
        f"{name}Edge",
        (graphene.ObjectType,),
        {
            "Meta": type("Meta", (), {"description": f"One {name} in a page."}),
            "cursor": graphene.String(
                required=True, description="Opaque cursor; pass it as `after` to continue."
            ),
            "node": graphene.Field(node_type, required=True, description=f"The {name}."),
        },
    )
    return type(
        f"{name}Connection",
        (graphene.ObjectType,),
        {
            "Meta": type("Meta", (), {"description": description}),
            "total_count": graphene.Int(
                required=True,
                description="How many items match, across all pages (counted only when asked).",
            ),
            "page_info": graphene.Field(
                graphene.relay.PageInfo, required=True, description="Where this page is."
            ),
            "edges": graphene.List(
                graphene.NonNull(edge), required=True, description="The items of this page."
            ),
        },
    )


def page_args() -> dict:
    """The `first`/`after` arguments of every connection field."""
    return {
        "first": graphene.Int(
            description=f"Page size, {DEFAULT_PAGE_SIZE} by default, at most {MAX_PAGE_SIZE}."
        ),
        "after": graphene.String(description="Cursor of the last item of the previous page."),
    }
