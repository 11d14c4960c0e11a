"""A user's movie lists (favorites, watched, watchlist): add, remove, replace.

REST (lists/api/) and GraphQL (lists/graphql/) both call these; field problems raise
django ValidationError naming the field, a missing entry raises NotFound.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from core.errors import CommonErrorCode, NotFound, field_error
from core.ids import MAX_DB_ID
from lists.models import MovieListEntry
from movies import activity
from movies.models import Movie
from users.services import profile_update as account_profile_update

MAX_LIST_LENGTH = 1000


def _check_kind(kind: str) -> str:
    if kind not in MovieListEntry.Kind.values:
        raise field_error("kind", f"Must be one of {', '.join(MovieListEntry.Kind.values)}.")
    return kind


def movie_ids_check(value, *, field: str) -> list[int]:
    """Validate a list of movie ids: integers of existing movies, duplicates dropped."""
    if not isinstance(value, list | tuple):
        raise field_error(field, "Expected a list of movie ids.", CommonErrorCode.NOT_A_LIST)
    if len(value) > MAX_LIST_LENGTH:
        raise field_error(
            field, f"At most {MAX_LIST_LENGTH} movies per list.", CommonErrorCode.MAX_LENGTH
        )
    ids = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int | str):
            raise field_error(field, "Movie ids must be integers.")
        try:
            number = int(item)
        except ValueError:
            raise field_error(field, "Movie ids must be integers.") from None
        if not 0 < number <= MAX_DB_ID:
            raise field_error(field, f"No movie with id {item}.", CommonErrorCode.DOES_NOT_EXIST)
        if number not in ids:
            ids.append(number)
    found = set(Movie.objects.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [i for i in ids if i not in found]
    if missing:
        raise field_error(
            field,
            f"No movie with id {', '.join(map(str, missing))}.",
            CommonErrorCode.DOES_NOT_EXIST,
        )
    return ids


def movie_list_add(
    *, user, movie_id, kind: str, added_on: datetime.date | None = None
) -> tuple[MovieListEntry, bool]:
    """Put a movie on one of the user's lists; adding it twice is harmless.

    Returns (entry, created). An unknown movie is a ValidationError on `movie_id`.
    `added_on` dates a new entry (the start of that day in TIME_ZONE) instead of now:
    the diary puts a movie on `watched` dated by its first watch.
    """
    _check_kind(kind)
    (movie_pk,) = movie_ids_check([movie_id], field="movie_id")
    try:
        with transaction.atomic():
            last = MovieListEntry.objects.of(user, kind).aggregate(last=Max("position"))["last"]
            entry, created = MovieListEntry.objects.get_or_create(
                user=user,
                kind=kind,
                movie_id=movie_pk,
                defaults={"position": 0 if last is None else last + 1},
            )
            if created and added_on is not None:
                # added_at is auto_now_add, which an insert cannot override.
                inserted_at = entry.added_at
                entry.added_at = timezone.make_aware(
                    datetime.datetime.combine(added_on, datetime.time.min)
                )
                MovieListEntry.objects.filter(pk=entry.pk).update(added_at=entry.added_at)
                # update() sends no signal: trending's event moves with the date.
                activity.moved(movie_pk, kind, inserted_at, entry.added_at)
            return entry, created
    except IntegrityError:
        # The movie was deleted between the check and the insert.
        raise field_error(
            "movie_id", f"No movie with id {movie_id}.", CommonErrorCode.DOES_NOT_EXIST
        ) from None


def movie_list_remove(*, user, movie_id, kind: str) -> None:
    """Take a movie off one of the user's lists; NotFound when it is not on it."""
    _check_kind(kind)
    try:
        movie_pk = int(movie_id)
    except (TypeError, ValueError):
        raise field_error("movie_id", "Must be an integer.") from None
    deleted = 0
    # Out of range: no such row, and SQLite cannot even bind the number (OverflowError).
    if 0 < movie_pk <= MAX_DB_ID:
        deleted, _ = MovieListEntry.objects.filter(user=user, kind=kind, movie_id=movie_pk).delete()
    if not deleted:
        raise NotFound(f"Movie {movie_id} is not on your {kind} list.")


def movie_list_set(*, user, kind: str, movie_ids, field: str | None = None) -> None:
    """Make the list exactly `movie_ids`, in that order; kept entries keep their added_at."""
    _check_kind(kind)
    ids = movie_ids_check(movie_ids, field=field or f"{kind}_movie_ids")
    with transaction.atomic():
        MovieListEntry.objects.of(user, kind).exclude(movie_id__in=ids).delete()
        kept = set(MovieListEntry.objects.of(user, kind).values_list("movie_id", flat=True))
        # One statement: new entries are inserted, kept ones only renumbered.
        written = MovieListEntry.objects.bulk_create(
            [
                MovieListEntry(user=user, kind=kind, movie_id=movie_id, position=place)
                for place, movie_id in enumerate(ids)
            ],
            update_conflicts=True,
            unique_fields=["user", "kind", "movie"],
            update_fields=["position"],
        )
        # The upsert sends no signal: trending counts the new entries, added now.
        activity.count(
            (entry.movie_id, kind, entry.added_at, 1)
            for entry in written
            if entry.movie_id not in kept
        )


def profile_update(
    *,
    user,
    favorite_movie_ids: list | None = None,
    watched_movie_ids: list | None = None,
    watchlist_movie_ids: list | None = None,
    **profile_fields,
):
    """users.services.profile_update, plus the three id lists (None leaves a list as it is).

    Every list is checked after the profile's own fields and before anything is
    written; the lists are replaced in the profile's transaction.
    """
    given = {
        MovieListEntry.Kind.FAVORITE: favorite_movie_ids,
        MovieListEntry.Kind.WATCHED: watched_movie_ids,
        MovieListEntry.Kind.WATCHLIST: watchlist_movie_ids,
    }

    def check_lists():
        checked = {
            kind: movie_ids_check(ids, field=f"{kind}_movie_ids")
            for kind, ids in given.items()
            if ids is not None
        }

        def write_lists():
            for kind, ids in checked.items():
                movie_list_set(user=user, kind=kind, movie_ids=ids)

        return write_lists

    return account_profile_update(user=user, extra=check_lists, **profile_fields)
