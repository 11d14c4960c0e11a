"""Input cleaning shared by the catalog's write services.

Every function raises `core.errors.Invalid` (via `field_error`) keyed by the
public field name, with the one message both doors show for that rule.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date

from core.errors import CommonErrorCode, field_error
from core.ids import to_db_id
from movies.errors import CatalogErrorCode


class _Unset:
    """Marker for "argument not given" in update services."""

    def __repr__(self):
        return "UNSET"

    def __bool__(self):
        return False


# Update services take only the fields to change: an argument left at UNSET keeps its value.
UNSET: Any = _Unset()


class FieldErrors:
    """The field problems of one write, gathered so the client hears of all at once.

    `check(clean, ...)` runs one cleaning function and returns its value; a field
    problem is kept (the value is then None) instead of stopping the write. `raise_any()`
    raises one ValidationError keyed by every field that failed, which both doors show
    as one `invalid` answer listing them all (as registration does).
    """

    def __init__(self):
        self.errors: dict[str, list[ValidationError]] = {}

    def check(self, clean, *args, **kwargs):
        try:
            return clean(*args, **kwargs)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            for field, errors in exc.error_dict.items():
                self.errors.setdefault(field, []).extend(errors)
            return None

    def raise_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


# Bound on list lengths in a write, so one request cannot ask for unbounded work.
MAX_LINKS = 100


def clean_text(value, *, field: str, max_length: int, required: bool = False) -> str:
    """A stripped string without NUL characters, at most `max_length` long."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise field_error(field, "Must be a string.")
    value = value.strip()
    if "\x00" in value:
        raise field_error(
            field, "Null characters are not allowed.", CatalogErrorCode.NULL_CHARACTERS
        )
    if required and not value:
        raise field_error(field, "This field may not be blank.", CommonErrorCode.BLANK)
    if len(value) > max_length:
        raise field_error(
            field,
            f"Ensure this field has no more than {max_length} characters.",
            CommonErrorCode.MAX_LENGTH,
        )
    return value


def clean_date(value, *, field: str) -> datetime.date | None:
    """A date from a date, a datetime or YYYY-MM-DD text; None for an empty value."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            parsed = parse_date(value.strip())
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed
    raise field_error(field, "Enter a valid date (YYYY-MM-DD).")


def check_links(values, *, field: str) -> list:
    """`values` as a list of at most MAX_LINKS items."""
    values = list(values)
    if len(values) > MAX_LINKS:
        raise field_error(field, f"At most {MAX_LINKS} items.", CommonErrorCode.MAX_LENGTH)
    return values


def clean_ids(values: Iterable | None, *, field: str) -> list[int]:
    """Ids (core.ids rule) as a de-duplicated list in the given order."""
    if values is None:
        return []
    if isinstance(values, (str, bytes, Mapping)):
        raise field_error(field, "Must be a list of ids.", CommonErrorCode.NOT_A_LIST)
    ids: list[int] = []
    for value in check_links(values, field=field):
        number = to_db_id(value)
        if number is None:
            raise field_error(field, f"{value!r} is not a valid id.")
        if number not in ids:
            ids.append(number)
    return ids


def require_existing(model, ids: list[int], *, field: str, label: str) -> None:
    """Raise naming the ids of `model` that do not exist (error code `does_not_exist`)."""
    existing = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [pk for pk in ids if pk not in existing]
    if missing:
        raise field_error(
            field,
            f"Unknown {label} id(s): {', '.join(map(str, missing))}.",
            CommonErrorCode.DOES_NOT_EXIST,
        )
