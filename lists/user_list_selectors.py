"""Reads of the lists users make: the lists a caller may see, and a list's movies.

`GET /api/lists/` and GraphQL `lists` show the public lists plus the caller's own
(private ones too): "my lists" are `?owner=<my id>`. A list's items read by position;
as positions are 1..n with no gap (lists/user_list_services.py), page k is the
position range ((k-1)*size, k*size]: an index range, so the 250th page of a list of
5,000 costs what the first does, and the total is the list's own `item_count` (no
COUNT).
"""

from collections.abc import Mapping

from django.db.models import QuerySet
from django.db.models.query import ModelIterable

from core.errors import field_error
from core.ids import to_db_id
from lists.models import UserList, UserListItem
from movies.selectors.catalog import attach_refs

# The filters of the list of lists, with their words for the docs (both doors).
FILTERS = {
    "owner": "Only the lists of this user (id).",
    "movie": "Only the lists that hold this movie (id).",
}


def _id_filter(filters: Mapping, name: str) -> int | None:
    value = filters.get(name)
    if value in (None, ""):
        return None
    pk = to_db_id(value)
    if pk is None:
        raise field_error(name, f"Must be a {'user' if name == 'owner' else 'movie'} id.")
    return pk


def user_lists(*, viewer, filters: Mapping | None = None) -> QuerySet[UserList]:
    """The lists `viewer` may see (public ones and their own), most recently changed
    first, with their owners; `owner` and `movie` (FILTERS) narrow them."""
    filters = filters or {}
    lists = UserList.objects.visible_to(viewer).select_related("owner").newest_first()
    owner = _id_filter(filters, "owner")
    if owner is not None:
        lists = lists.filter(owner_id=owner)
    movie = _id_filter(filters, "movie")
    if movie is not None:
        lists = lists.filter(items__movie_id=movie)  # (list, movie) is unique: no repeats
    return lists


class ListItemQuerySet(QuerySet):
    """A list's items with their movies, whose genres and cast come as refs
    (movies.selectors.catalog.attach_refs): one more query for a whole page."""

    def _fetch_all(self):
        loading = self._result_cache is None
        super()._fetch_all()
        if loading and issubclass(self._iterable_class, ModelIterable):
            attach_refs([item.movie for item in self._result_cache])


def list_items(*, user_list: UserList) -> QuerySet[UserListItem]:
    """The list's movies by position (1 first)."""
    return (
        ListItemQuerySet(model=UserListItem)
        .filter(list=user_list)
        .select_related("movie")
        .order_by("position")
    )


def list_items_page(*, user_list: UserList, offset: int, size: int) -> list[UserListItem]:
    """The items at positions offset+1 .. offset+size (positions are dense: see above)."""
    if size <= 0:
        return []
    return list(
        list_items(user_list=user_list).filter(position__gt=offset, position__lte=offset + size)
    )
