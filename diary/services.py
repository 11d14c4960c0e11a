"""Writes to a user's diary: log a watch, change it, delete it.

Both doors (diary/api/, diary/graphql/) call these with the values the client sent;
every value is checked here, so a refusal reads the same on both (a ValidationError
naming the field). The rules of a watch (the README's "Diary"):

- `rewatch` left out is true when an earlier entry for the movie exists;
- the movie's first entry puts it on the `watched` list, dated by `watched_on`
  (an entry of the list already there stays as it was);
- an entry with a rating sets the caller's rating of the movie when it is the latest
  entry of that movie (a rating given to an older watch stays in the diary only);
- deleting an entry, the last one included, leaves `watched` and the rating as they
  are: the list and the rating are the caller's to change.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.errors import CommonErrorCode, NotFound, field_error
from core.ids import to_db_id
from diary.errors import DiaryErrorCode
from diary.models import TAG_MAX_LENGTH, DiaryEntry, DiaryTag
from lists.models import MovieListEntry
from lists.services import movie_list_add
from movies.models import Movie, Review
from movies.services.inputs import clean_date, clean_text
from movies.services.ratings import rating_clean, rating_set

# At most this many tags on one entry (Letterboxd's own diary allows about as many).
MAX_TAGS = 20
# The time zone furthest ahead of UTC (Kiribati, UTC+14): a date that is today there is
# not "in the future", whatever the server's TIME_ZONE, so nobody's today is refused.
_LATEST_OFFSET = datetime.timedelta(hours=14)
WATCHED_IN_FUTURE_MESSAGE = "A watch cannot be in the future."
UNSET: Any = object()


def today() -> datetime.date:
    """The date a watch logged without `watched_on` gets: today in TIME_ZONE (users have
    no time zone of their own; the README's "Diary" says why that is enough)."""
    return timezone.localdate()


def latest_today() -> datetime.date:
    """The latest date that is today somewhere on Earth."""
    return (timezone.now() + _LATEST_OFFSET).date()


def watched_on_clean(value: Any) -> datetime.date:
    """YYYY-MM-DD, not after today anywhere; empty or left out is today."""
    date = clean_date(value, field="watched_on")
    if date is None:
        return today()
    if date > latest_today():
        raise field_error("watched_on", WATCHED_IN_FUTURE_MESSAGE, DiaryErrorCode.WATCHED_IN_FUTURE)
    return date


def tags_clean(value: Any) -> list[str]:
    """Stripped, non-empty names of at most TAG_MAX_LENGTH characters; repeats dropped."""
    if value is None:
        return []
    if isinstance(value, str | bytes | dict) or not isinstance(value, list | tuple):
        raise field_error("tags", "Expected a list of tags.", CommonErrorCode.NOT_A_LIST)
    if len(value) > MAX_TAGS:
        raise field_error("tags", f"At most {MAX_TAGS} tags.", DiaryErrorCode.TOO_MANY_TAGS)
    names: list[str] = []
    for item in value:
        name = clean_text(item, field="tags", max_length=TAG_MAX_LENGTH, required=True)
        if name not in names:
            names.append(name)
    return names


def _flag(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise field_error(field, "Must be true or false.")
    return value


def _movie(value: Any) -> int:
    pk = to_db_id(value)
    if pk is None or not Movie.objects.filter(pk=pk).exists():
        raise field_error("movie_id", f"No movie with id {value}.", CommonErrorCode.DOES_NOT_EXIST)
    return pk


def _review(value: Any, *, user, movie_id: int) -> int | None:
    """The caller's own review of the entry's movie, or None (no link)."""
    if value is None:
        return None
    pk = to_db_id(value)
    if pk is None or not Review.objects.filter(pk=pk, user=user, movie_id=movie_id).exists():
        raise field_error(
            "review_id",
            "Not your review of this movie.",
            DiaryErrorCode.REVIEW_NOT_OF_MOVIE,
        )
    return pk


def _rating(value: Any) -> Decimal | None:
    return None if value is None else rating_clean(value, field="rating")


@dataclass(frozen=True)
class _Changes:
    """The checked values of a write; UNSET: not sent."""

    watched_on: Any = UNSET
    rewatch: Any = UNSET
    rating: Any = UNSET
    liked: Any = UNSET
    review_id: Any = UNSET
    tags: Any = UNSET


def _clean(*, user, movie_id: int, **sent) -> _Changes:
    """Every sent value checked before anything is written (one field error at a time,
    in the order of the fields)."""
    checkers = {
        "watched_on": watched_on_clean,
        "rewatch": lambda v: _flag(v, "rewatch"),
        "rating": _rating,
        "liked": lambda v: _flag(v, "liked"),
        "review_id": lambda v: _review(v, user=user, movie_id=movie_id),
        "tags": tags_clean,
    }
    return _Changes(
        **{name: check(sent[name]) for name, check in checkers.items() if sent[name] is not UNSET}
    )


def _is_latest(entry: DiaryEntry) -> bool:
    """No other entry of the movie comes after this one (watched_on, then id)."""
    later = DiaryEntry.objects.filter(user_id=entry.user_id, movie_id=entry.movie_id).filter(
        watched_on__gt=entry.watched_on
    ) | DiaryEntry.objects.filter(
        user_id=entry.user_id, movie_id=entry.movie_id, watched_on=entry.watched_on, id__gt=entry.pk
    )
    return not later.exists()


def _rating_follows(entry: DiaryEntry, user) -> None:
    """The latest entry's rating is the caller's rating of the movie."""
    if entry.rating is not None and _is_latest(entry):
        rating_set(user=user, movie_id=entry.movie_id, value=entry.rating)


def _tags_write(entry: DiaryEntry, names: list[str]) -> None:
    DiaryTag.objects.filter(entry=entry).exclude(name__in=names).delete()
    DiaryTag.objects.bulk_create(
        [DiaryTag(entry=entry, name=name) for name in names], ignore_conflicts=True
    )


def diary_entry_create(
    *,
    user,
    movie_id: Any,
    watched_on: Any = None,
    rewatch: Any = None,
    rating: Any = None,
    liked: Any = False,
    review_id: Any = None,
    tags: Any = None,
) -> DiaryEntry:
    """Log a watch of a movie (the rules of the module docstring)."""
    movie_pk = _movie(movie_id)
    values = _clean(
        user=user,
        movie_id=movie_pk,
        watched_on=watched_on,
        rewatch=UNSET if rewatch is None else rewatch,
        rating=rating,
        liked=liked,
        review_id=review_id,
        tags=tags,
    )
    with transaction.atomic():
        watches = DiaryEntry.objects.filter(user=user, movie_id=movie_pk)
        first = not watches.exists()
        if values.rewatch is UNSET:
            is_rewatch = watches.filter(watched_on__lte=values.watched_on).exists()
        else:
            is_rewatch = values.rewatch
        entry = DiaryEntry.objects.create(
            user=user,
            movie_id=movie_pk,
            watched_on=values.watched_on,
            rewatch=is_rewatch,
            rating=values.rating,
            liked=values.liked,
            review_id=values.review_id,
        )
        _tags_write(entry, values.tags)
        if first:
            movie_list_add(
                user=user,
                movie_id=movie_pk,
                kind=MovieListEntry.Kind.WATCHED,
                added_on=values.watched_on,
            )
        _rating_follows(entry, user)
    return entry


def diary_entry_get(*, user, entry_id: Any) -> DiaryEntry:
    """One of the caller's entries; another user's entry or a missing one is 404."""
    pk = to_db_id(entry_id)
    entry = DiaryEntry.objects.filter(pk=pk, user=user).first() if pk is not None else None
    if entry is None:
        raise NotFound.of("diary entry", entry_id)
    return entry


def diary_entry_update(
    *,
    user,
    entry_id: Any,
    watched_on: Any = UNSET,
    rewatch: Any = UNSET,
    rating: Any = UNSET,
    liked: Any = UNSET,
    review_id: Any = UNSET,
    tags: Any = UNSET,
) -> DiaryEntry:
    """Change the fields sent (null clears `rating` and `review_id`); the movie stays."""
    entry = diary_entry_get(user=user, entry_id=entry_id)
    if watched_on is None:
        watched_on = UNSET  # null is not "today" on a change: the date stays
    values = _clean(
        user=user,
        movie_id=entry.movie_id,
        watched_on=watched_on,
        rewatch=rewatch,
        rating=rating,
        liked=liked,
        review_id=review_id,
        tags=tags,
    )
    with transaction.atomic():
        changed = {
            name: value
            for name, value in vars(values).items()
            if value is not UNSET and name != "tags"
        }
        for name, value in changed.items():
            setattr(entry, name, value)
        if changed:
            entry.save(update_fields=list(changed))
        if values.tags is not UNSET:
            _tags_write(entry, values.tags)
        if {"rating", "watched_on"} & set(changed):
            _rating_follows(entry, user)
    return entry


def diary_entry_delete(*, user, entry_id: Any) -> None:
    """Delete one of the caller's entries; `watched` and the rating stay as they are."""
    entry = diary_entry_get(user=user, entry_id=entry_id)
    entry.delete()
