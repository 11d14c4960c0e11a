"""Reads of genres and actors: the lists (with their FilterSets) and one by id."""

from collections.abc import Mapping

from django.db.models import QuerySet

from core.ids import to_db_id
from movies.filters import ActorFilterSet, GenreFilterSet
from movies.models import Actor, Genre
from movies.selectors.filtering import apply_filterset


def genre_list(*, filters: Mapping | None = None) -> QuerySet[Genre]:
    """Genres matching `filters` (GenreFilterSet: `name`), by name."""
    return apply_filterset(GenreFilterSet, filters=filters, queryset=Genre.objects.all())


def genre_get(*, genre_id) -> Genre | None:
    """One genre, or None (also for a malformed id)."""
    pk = to_db_id(genre_id)
    return None if pk is None else Genre.objects.filter(pk=pk).first()


def actor_list(*, filters: Mapping | None = None) -> QuerySet[Actor]:
    """Actors matching `filters` (ActorFilterSet: `name`), by name."""
    return apply_filterset(ActorFilterSet, filters=filters, queryset=Actor.objects.all())


def actor_get(*, actor_id) -> Actor | None:
    """One actor, or None (also for a malformed id)."""
    pk = to_db_id(actor_id)
    return None if pk is None else Actor.objects.filter(pk=pk).first()
