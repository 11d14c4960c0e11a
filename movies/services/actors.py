"""Writes to actors (staff, as every catalog write): name, birth date, bio and photo
(checked and re-encoded)."""

import datetime

from django.db import transaction

from core.errors import field_error
from core.images import clean_image
from core.media import delete_on_commit, file_replaced
from movies.errors import CatalogErrorCode
from movies.models import Actor
from movies.services.catalog import catalog_require_editor
from movies.services.inputs import UNSET, clean_date, clean_text


def _clean_birth_date(value) -> datetime.date | None:
    birth_date = clean_date(value, field="birth_date")
    if birth_date and birth_date > datetime.date.today():
        raise field_error(
            "birth_date", "A birth date cannot be in the future.", CatalogErrorCode.FUTURE
        )
    return birth_date


@transaction.atomic
def actor_create(
    *,
    user,
    name: str,
    birth_date: datetime.date | str | None = None,
    bio: str = "",
    photo=None,
) -> Actor:
    """Create an actor; `photo` is checked and re-encoded like a poster (error on `photo`)."""
    catalog_require_editor(user=user)
    actor = Actor(
        name=clean_text(name, field="name", max_length=200, required=True),
        birth_date=_clean_birth_date(birth_date),
        bio=clean_text(bio, field="bio", max_length=10_000),
    )
    if not photo:
        actor.save()
        return actor
    with file_replaced(actor, "photo", clean_image(photo, field="photo")):
        actor.save()
    return actor


@transaction.atomic
def actor_update(
    *,
    user,
    actor: Actor,
    name: str = UNSET,
    birth_date: datetime.date | str | None = UNSET,
    bio: str = UNSET,
    photo=UNSET,
) -> Actor:
    """Change the given fields of an actor; `photo=None` removes the photo."""
    catalog_require_editor(user=user)
    target = Actor.objects.get(pk=actor.pk)
    if name is not UNSET:
        target.name = clean_text(name, field="name", max_length=200, required=True)
    if birth_date is not UNSET:
        target.birth_date = _clean_birth_date(birth_date)
    if bio is not UNSET:
        target.bio = clean_text(bio, field="bio", max_length=10_000)
    if photo is UNSET:
        target.save()
        return target
    with file_replaced(target, "photo", clean_image(photo, field="photo") if photo else None):
        target.save()
    return target


@transaction.atomic
def actor_delete(*, user, actor: Actor) -> None:
    """Delete an actor and their castings; the photo file goes too."""
    catalog_require_editor(user=user)
    photo_name, storage = actor.photo.name, actor.photo.storage
    actor.delete()
    delete_on_commit(storage, photo_name)
