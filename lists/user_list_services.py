"""Writes to the lists users make: create, change, delete a list; add, move, re-note and
remove its movies. Both doors (lists/api/, lists/graphql/) call these, so every rule
below is decided here once, with one message:

- a private list is "no such list" (404) to everyone but its owner;
- only the owner writes: anyone else gets 403 on a public list (and 404 on a private);
- positions stay 1..n with no gap after any add, move or remove, under concurrency:
  every item write takes the list's row lock first (SELECT ... FOR UPDATE) and shifts
  its neighbours in the same transaction;
- MAX_LISTS_PER_USER and MAX_ITEMS_PER_LIST (lists/models.py) are refused past, with
  a 409 naming the figure.
"""

from typing import Any

from django.db import transaction
from django.db.models import F

from core.errors import Conflict, Forbidden, NotFound, field_error
from core.ids import to_db_id
from lists.errors import ListErrorCode
from lists.models import (
    ITEM_NOTE_MAX_LENGTH,
    LIST_DESCRIPTION_MAX_LENGTH,
    LIST_NAME_MAX_LENGTH,
    MAX_ITEMS_PER_LIST,
    MAX_LISTS_PER_USER,
    UserList,
    UserListItem,
)
from lists.services import movie_ids_check
from movies.selectors.rows import row_by_pk
from movies.services.inputs import clean_text

UNSET: Any = object()
NOT_OWNER_MESSAGE = "Only the owner of a list can change it."
TOO_MANY_LISTS_MESSAGE = f"You already keep {MAX_LISTS_PER_USER} lists, the most one account may."
LIST_FULL_MESSAGE = f"A list holds at most {MAX_ITEMS_PER_LIST} movies."


def _flag(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise field_error(field, "Must be true or false.")
    return value


def _name(value: Any) -> str:
    return clean_text(value, field="name", max_length=LIST_NAME_MAX_LENGTH, required=True)


def _description(value: Any) -> str:
    return clean_text(value, field="description", max_length=LIST_DESCRIPTION_MAX_LENGTH)


def _note(value: Any) -> str:
    return clean_text(value, field="note", max_length=ITEM_NOTE_MAX_LENGTH)


def _position(value: Any, *, last: int) -> int:
    """A position from 1 to `last` (a whole number)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise field_error("position", f"Must be a whole number from 1 to {last}.")
    try:
        number = int(value)
    except ValueError:
        raise field_error("position", f"Must be a whole number from 1 to {last}.") from None
    if not 1 <= number <= last:
        raise field_error("position", f"Must be a whole number from 1 to {last}.")
    return number


def user_list_visible(*, user, list_id: Any, lock: bool = False, owner: bool = True) -> UserList:
    """The list, when the caller may see it: public, or their own. Anything else (a
    missing id, another's private list) is the same 404. `owner=False`: its owner is
    not loaded with it (a page of its items shows no owner; the row is then read by a
    statement compiled once, movies/selectors/rows.py)."""
    pk = to_db_id(list_id)
    found = None
    if pk is not None and not owner and not lock:
        found = row_by_pk(UserList, pk)
    elif pk is not None:
        rows = UserList.objects.select_related("owner").filter(pk=pk)
        if lock:
            rows = rows.select_for_update(of=("self",))
        found = rows.first()
    if found is None or not (found.is_public or _is_owner(user, found)):
        raise NotFound.of("list", list_id)
    return found


def _is_owner(user, user_list: UserList) -> bool:
    return user is not None and user.is_authenticated and user_list.owner_id == user.pk


def user_list_owned(*, user, list_id: Any, lock: bool = False) -> UserList:
    """The caller's own list: 404 when they may not see it, 403 when they only may."""
    found = user_list_visible(user=user, list_id=list_id, lock=lock)
    if not _is_owner(user, found):
        raise Forbidden(NOT_OWNER_MESSAGE)
    return found


def user_list_create(
    *, user, name: Any, description: Any = "", is_public: Any = True, is_ranked: Any = False
) -> UserList:
    """A new list of the caller's, empty; past MAX_LISTS_PER_USER, 409 naming it."""
    values = {
        "name": _name(name),
        "description": _description(description),
        "is_public": _flag(is_public, "is_public"),
        "is_ranked": _flag(is_ranked, "is_ranked"),
    }
    with transaction.atomic():
        # The owner's row lock serialises their creates, so two at once cannot both
        # pass the count at MAX - 1.
        type(user).objects.select_for_update().filter(pk=user.pk).first()
        if UserList.objects.filter(owner=user).count() >= MAX_LISTS_PER_USER:
            raise Conflict(TOO_MANY_LISTS_MESSAGE, code=ListErrorCode.TOO_MANY_LISTS)
        return UserList.objects.create(owner=user, **values)


def user_list_update(
    *,
    user,
    list_id: Any,
    name: Any = UNSET,
    description: Any = UNSET,
    is_public: Any = UNSET,
    is_ranked: Any = UNSET,
) -> UserList:
    """Change the fields sent of the caller's own list."""
    checks = {
        "name": _name,
        "description": _description,
        "is_public": lambda v: _flag(v, "is_public"),
        "is_ranked": lambda v: _flag(v, "is_ranked"),
    }
    sent = {
        "name": name,
        "description": description,
        "is_public": is_public,
        "is_ranked": is_ranked,
    }
    with transaction.atomic():
        user_list = user_list_owned(user=user, list_id=list_id, lock=True)
        changed = {key: checks[key](value) for key, value in sent.items() if value is not UNSET}
        for key, value in changed.items():
            setattr(user_list, key, value)
        user_list.save(update_fields=[*changed, "updated_at"])
    return user_list


def user_list_delete(*, user, list_id: Any) -> None:
    """Delete the caller's own list and its items."""
    with transaction.atomic():
        user_list_owned(user=user, list_id=list_id, lock=True).delete()


def _touch(user_list: UserList, count_change: int = 0) -> None:
    fields = ["updated_at"]
    if count_change:
        user_list.item_count += count_change
        fields.append("item_count")
    user_list.save(update_fields=fields)


def _items(user_list: UserList):
    return UserListItem.objects.filter(list=user_list)


def list_item_add(
    *, user, list_id: Any, movie_id: Any, note: Any = "", position: Any = None
) -> UserListItem:
    """Put a movie on the caller's list at `position` (1..n+1; left out: last); the
    movies from there on move down one. A movie already on it is 409 (move it instead)."""
    with transaction.atomic():
        user_list = user_list_owned(user=user, list_id=list_id, lock=True)
        (movie_pk,) = movie_ids_check([movie_id], field="movie_id")
        text = _note(note)
        if user_list.item_count >= MAX_ITEMS_PER_LIST:
            raise Conflict(LIST_FULL_MESSAGE, code=ListErrorCode.LIST_FULL)
        last = user_list.item_count + 1
        place = last if position is None else _position(position, last=last)
        if _items(user_list).filter(movie_id=movie_pk).exists():
            raise Conflict(
                f"Movie {movie_pk} is on this list already: move it instead.",
                code=ListErrorCode.ALREADY_ON_LIST,
            )
        _items(user_list).filter(position__gte=place).update(position=F("position") + 1)
        item = UserListItem.objects.create(
            list=user_list, movie_id=movie_pk, note=text, position=place
        )
        _touch(user_list, +1)
    return item


def _item(user_list: UserList, movie_id: Any) -> UserListItem:
    pk = to_db_id(movie_id)
    item = _items(user_list).filter(movie_id=pk).first() if pk is not None else None
    if item is None:
        raise NotFound(f"Movie {movie_id} is not on this list.")
    return item


def list_item_update(
    *, user, list_id: Any, movie_id: Any, position: Any = UNSET, note: Any = UNSET
) -> UserListItem:
    """Move a movie of the caller's list to `position` (1..n; the movies between shift
    by one) and/or change its note."""
    with transaction.atomic():
        user_list = user_list_owned(user=user, list_id=list_id, lock=True)
        item = _item(user_list, movie_id)
        fields = []
        if note is not UNSET:
            item.note = _note(note)
            fields.append("note")
        if position is not UNSET:
            target = _position(position, last=user_list.item_count)
            items, here = _items(user_list), item.position
            if target < here:
                items.filter(position__gte=target, position__lt=here).update(
                    position=F("position") + 1
                )
            elif target > here:
                items.filter(position__gt=here, position__lte=target).update(
                    position=F("position") - 1
                )
            item.position = target
            fields.append("position")
        if fields:
            item.save(update_fields=fields)
            _touch(user_list)
    return item


def list_item_remove(*, user, list_id: Any, movie_id: Any) -> None:
    """Take a movie off the caller's list; the movies after it move up one."""
    with transaction.atomic():
        user_list = user_list_owned(user=user, list_id=list_id, lock=True)
        item = _item(user_list, movie_id)
        item.delete()
        _items(user_list).filter(position__gt=item.position).update(position=F("position") - 1)
        _touch(user_list, -1)


def list_renumber(*, list_id: int) -> None:
    """Number the list's movies 1..n again, in their order, and recount them: after a
    catalog movie is deleted, its items go by cascade and leave a gap (lists/apps.py)."""
    with transaction.atomic():
        user_list = UserList.objects.select_for_update().filter(pk=list_id).first()
        if user_list is None:
            return
        items = list(_items(user_list).order_by("position", "id").only("id", "position"))
        moved = []
        for place, item in enumerate(items, start=1):
            if item.position != place:
                item.position = place
                moved.append(item)
        UserListItem.objects.bulk_update(moved, ["position"], batch_size=1000)
        user_list.item_count = len(items)
        user_list.save(update_fields=["item_count"])
