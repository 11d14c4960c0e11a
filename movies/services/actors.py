"""Writes to actors, the catalog's people (staff, as every catalog write): name, dates,
birthplace, bio, external ids, department and photo (checked and re-encoded)."""

import datetime

from django.db import IntegrityError, transaction

from core.errors import CommonErrorCode, Conflict, field_error
from core.ids import is_id_text
from core.images import clean_image
from core.media import delete_on_commit, file_replaced
from movies.errors import CatalogErrorCode
from movies.models import PERSON_DEPARTMENTS, Actor
from movies.services.catalog import _clean_tmdb_id, catalog_require_editor
from movies.services.inputs import UNSET, FieldErrors, clean_date, clean_text


def _clean_past_date(value, *, field: str, what: str) -> datetime.date | None:
    day = clean_date(value, field=field)
    if day and day > datetime.date.today():
        raise field_error(field, f"A {what} cannot be in the future.", CatalogErrorCode.FUTURE)
    return day


def _clean_person_imdb_id(value) -> str | None:
    if value in (None, ""):
        return None
    value = clean_text(value, field="imdb_id", max_length=12)
    if not (value.startswith("nm") and is_id_text(value[2:]) and 7 <= len(value) - 2 <= 10):
        raise field_error("imdb_id", "IMDb person ids look like nm0000206.")
    return value


def _clean_department(value) -> str:
    value = clean_text(value, field="known_for_department", max_length=40)
    if value and value not in PERSON_DEPARTMENTS:
        raise field_error(
            "known_for_department",
            f"Unknown department {value!r}: one of {', '.join(PERSON_DEPARTMENTS)}.",
        )
    return value


# Each person field a write may give (besides the photo) and its rule.
_CLEANERS = {
    "name": lambda v: clean_text(v, field="name", max_length=200, required=True),
    "birth_date": lambda v: _clean_past_date(v, field="birth_date", what="birth date"),
    "death_date": lambda v: _clean_past_date(v, field="death_date", what="death date"),
    "place_of_birth": lambda v: clean_text(v, field="place_of_birth", max_length=200),
    "bio": lambda v: clean_text(v, field="bio", max_length=10_000),
    "imdb_id": _clean_person_imdb_id,
    "tmdb_id": _clean_tmdb_id,
    "known_for_department": _clean_department,
}


def _apply(person: Actor, values: dict) -> None:
    """Clean the given values onto `person`; every field that is wrong, in one error."""
    errors = FieldErrors()
    for name, value in values.items():
        if value is not UNSET:
            cleaned = errors.check(_CLEANERS[name], value)
            if name not in errors.errors:
                setattr(person, name, cleaned)
    if person.death_date and person.birth_date and person.death_date < person.birth_date:
        errors.check(_raise, "death_date", "A death date cannot be before the birth date.")
    others = Actor.objects.exclude(pk=person.pk) if person.pk else Actor.objects.all()
    for name, label in (("imdb_id", "IMDb id"), ("tmdb_id", "TMDB id")):
        value = getattr(person, name)
        if value and name not in errors.errors and others.filter(**{name: value}).exists():
            errors.check(
                _raise, name, f"A person with this {label} already exists.", CommonErrorCode.UNIQUE
            )
    errors.raise_any()


def _raise(field, message, code=CommonErrorCode.INVALID):
    raise field_error(field, message, code)


def _save(person: Actor, photo) -> Actor:
    """Save `person` with its photo (UNSET: unchanged, None: removed); a uniqueness race
    on an external id is a conflict."""
    try:
        with transaction.atomic():
            if photo is UNSET:
                person.save()
            else:
                with file_replaced(
                    person, "photo", clean_image(photo, field="photo") if photo else None
                ):
                    person.save()
    except IntegrityError as exc:
        raise Conflict(
            "The person could not be saved; an id was taken meanwhile, try again."
        ) from exc
    return person


def actor_create(
    *,
    user,
    name: str,
    birth_date: datetime.date | str | None = None,
    death_date: datetime.date | str | None = None,
    place_of_birth: str = "",
    bio: str = "",
    imdb_id: str | None = None,
    tmdb_id: int | None = None,
    known_for_department: str = "",
    photo=None,
) -> Actor:
    """Create a person; `photo` is checked and re-encoded like a poster (error on `photo`).

    Errors name every field that is wrong, in one error: dates not in the future and the
    death not before the birth, `imdb_id` as nm0000206, `tmdb_id` 1 to MAX_TMDB_ID, each
    id unused by another person, `known_for_department` one of PERSON_DEPARTMENTS.
    """
    catalog_require_editor(user=user)
    person = Actor()
    _apply(
        person,
        {
            "name": name,
            "birth_date": birth_date,
            "death_date": death_date,
            "place_of_birth": place_of_birth,
            "bio": bio,
            "imdb_id": imdb_id,
            "tmdb_id": tmdb_id,
            "known_for_department": known_for_department,
        },
    )
    return _save(person, photo or UNSET)


def actor_update(
    *,
    user,
    actor: Actor,
    name: str = UNSET,
    birth_date: datetime.date | str | None = UNSET,
    death_date: datetime.date | str | None = UNSET,
    place_of_birth: str = UNSET,
    bio: str = UNSET,
    imdb_id: str | None = UNSET,
    tmdb_id: int | None = UNSET,
    known_for_department: str = UNSET,
    photo=UNSET,
) -> Actor:
    """Change the given fields of a person (rules as actor_create); `photo=None` removes
    the photo."""
    catalog_require_editor(user=user)
    target = Actor.objects.get(pk=actor.pk)
    _apply(
        target,
        {
            "name": name,
            "birth_date": birth_date,
            "death_date": death_date,
            "place_of_birth": place_of_birth,
            "bio": bio,
            "imdb_id": imdb_id,
            "tmdb_id": tmdb_id,
            "known_for_department": known_for_department,
        },
    )
    return _save(target, photo)


@transaction.atomic
def actor_delete(*, user, actor: Actor) -> None:
    """Delete a person with their cast and crew credits; the photo file goes too."""
    catalog_require_editor(user=user)
    photo_name, storage = actor.photo.name, actor.photo.storage
    actor.delete()
    delete_on_commit(storage, photo_name)
