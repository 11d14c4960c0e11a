"""Writes to genres (staff, as every catalog write): names are unique regardless of case
(errors on `name`)."""

from django.db import IntegrityError, transaction

from core.errors import CommonErrorCode, field_error
from movies.models import Genre
from movies.services.catalog import catalog_require_editor
from movies.services.inputs import UNSET, clean_text

DUPLICATE_NAME = "A genre with this name already exists."


def _genre_name(name, *, exclude_pk=None) -> str:
    name = clean_text(name, field="name", max_length=50, required=True)
    others = Genre.objects.exclude(pk=exclude_pk) if exclude_pk else Genre.objects.all()
    if others.filter(name__iexact=name).exists():
        raise field_error("name", DUPLICATE_NAME, CommonErrorCode.UNIQUE)
    return name


def _save_genre(genre: Genre) -> Genre:
    try:
        with transaction.atomic():
            genre.save()
    except IntegrityError as exc:
        # The case-insensitive unique constraint caught a concurrent insert.
        raise field_error("name", DUPLICATE_NAME, CommonErrorCode.UNIQUE) from exc
    return genre


def genre_create(*, user, name: str) -> Genre:
    """Create a genre; names are unique regardless of case (error on `name`)."""
    catalog_require_editor(user=user)
    return _save_genre(Genre(name=_genre_name(name)))


def genre_update(*, user, genre: Genre, name: str = UNSET) -> Genre:
    """Rename a genre (still unique regardless of case)."""
    catalog_require_editor(user=user)
    target = Genre.objects.get(pk=genre.pk)
    if name is not UNSET:
        target.name = _genre_name(name, exclude_pk=target.pk)
    return _save_genre(target)


@transaction.atomic
def genre_delete(*, user, genre: Genre) -> None:
    """Delete a genre; movies simply lose it."""
    catalog_require_editor(user=user)
    genre.delete()
