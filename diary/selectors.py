"""Reads of the diary: a user's entries (filtered, newest first), each movie's watch
count and last watch for `my_state`. The year in review is in diary/stats.py."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, QuerySet

from core.errors import field_error
from core.ids import to_db_id
from diary.models import TAG_MAX_LENGTH, DiaryEntry, DiaryTag
from movies.selectors import actors_in_billing_order
from movies.services.inputs import clean_text

# Years a filter or the year in review accepts (the first films are from the 1880s).
YEAR_MIN, YEAR_MAX = 1870, 9999
YEAR_MESSAGE = f"A year from {YEAR_MIN} to {YEAR_MAX}."
# The filters of the diary list, in the order REST documents them (diary/api/docs.py).
FILTERS = {
    "year": "Entries watched in this year (YYYY).",
    "month": "Entries watched in this month, 1-12 (with `year`: of that year).",
    "movie": "Entries of this movie (its id).",
    "rewatch": "true: only rewatches; false: only first watches.",
    "liked": "true: only liked entries; false: only the others.",
    "tag": "Entries with this tag (exact name).",
}
_TRUE, _FALSE = ("true", "1"), ("false", "0")


def _whole(value: Any, field: str, low: int, high: int, message: str) -> int:
    if isinstance(value, bool):
        raise field_error(field, message)
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise field_error(field, message) from None
    if not low <= number <= high:
        raise field_error(field, message)
    return number


def year_clean(value: Any, *, field: str = "year") -> int:
    return _whole(value, field, YEAR_MIN, YEAR_MAX, YEAR_MESSAGE)


def _boolean(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise field_error(field, "Must be true or false.")


def diary_filters_clean(raw: Mapping[str, Any]) -> dict:
    """The filters a client sent (REST query text or GraphQL values), checked; an
    invalid one is a field error naming it, never ignored."""
    clean: dict[str, Any] = {}
    for name in FILTERS:
        value = raw.get(name)
        if value is None or value == "":
            continue
        if name == "year":
            clean[name] = year_clean(value)
        elif name == "month":
            clean[name] = _whole(value, "month", 1, 12, "A month from 1 to 12.")
        elif name == "movie":
            movie = to_db_id(value)
            if movie is None:
                raise field_error("movie", f"{value!r} is not a valid id.")
            clean[name] = movie
        elif name == "tag":
            tag = str(value).strip()
            if len(tag) > TAG_MAX_LENGTH:
                raise field_error("tag", f"At most {TAG_MAX_LENGTH} characters.")
            # NUL as the tags of a write refuse it (PostgreSQL cannot compare it).
            clean[name] = clean_text(tag, field="tag", max_length=TAG_MAX_LENGTH)
        else:
            clean[name] = _boolean(value, name)
    return clean


def _tags() -> Prefetch:
    return Prefetch("tags", queryset=DiaryTag.objects.order_by("name"))


def diary_entries(*, user, filters: Mapping[str, Any] | None = None) -> QuerySet[DiaryEntry]:
    """The user's diary, newest watch first, with each movie's genres, actors and the
    tags loaded: a page of 100 costs what a page of 1 costs.

    A year (and month) is a range of `watched_on`, so the (user, -watched_on, -id)
    index serves it; a tag is an EXISTS on the tag index, so no entry repeats.
    """
    clean = diary_filters_clean(filters or {})
    entries = DiaryEntry.objects.of(user)
    if "year" in clean:
        start = datetime.date(clean["year"], clean.get("month", 1), 1)
        end = (
            _next_month(start)
            if "month" in clean
            else datetime.date(clean["year"] + 1, 1, 1)
            if clean["year"] < YEAR_MAX
            else datetime.date.max
        )
        entries = entries.filter(watched_on__gte=start, watched_on__lt=end)
    elif "month" in clean:
        entries = entries.filter(watched_on__month=clean["month"])
    if "movie" in clean:
        entries = entries.filter(movie_id=clean["movie"])
    if "rewatch" in clean:
        entries = entries.filter(rewatch=clean["rewatch"])
    if "liked" in clean:
        entries = entries.filter(liked=clean["liked"])
    if "tag" in clean:
        entries = entries.filter(
            Exists(DiaryTag.objects.filter(entry=OuterRef("pk"), name=clean["tag"]))
        )
    actors = actors_in_billing_order()
    return (
        entries.newest_first()
        .select_related("movie")
        .prefetch_related(
            _tags(),
            "movie__genres",
            Prefetch(f"movie__{actors.prefetch_through}", queryset=actors.queryset),
        )
    )


def _next_month(day: datetime.date) -> datetime.date:
    if day.month == 12:
        return datetime.date.max if day.year == YEAR_MAX else datetime.date(day.year + 1, 1, 1)
    return datetime.date(day.year, day.month + 1, 1)


def diary_entry_detail(*, user, entry_id: int) -> DiaryEntry:
    """One entry as the list shows it (for the answers of the writes)."""
    return diary_entries(user=user).get(pk=entry_id)


def watch_states_for(*, user, movie_ids: Iterable[int]) -> dict[int, dict]:
    """Each movie's `watch_count` and `last_watched_on` for the caller (one query):
    the diary's part of `my_state` (movies/viewer_state.py)."""
    rows = (
        DiaryEntry.objects.filter(user=user, movie_id__in=list(movie_ids))
        .values("movie_id")
        .annotate(count=Count("id"), last=Max("watched_on"))
        .order_by()
    )
    return {
        row["movie_id"]: {"watch_count": row["count"], "last_watched_on": row["last"]}
        for row in rows
    }


def diary_export(*, user) -> list[dict]:
    """The diary as the account export writes it (docs/account-export.md): oldest watch
    first, as a diary is read back; two queries."""
    entries = DiaryEntry.objects.of(user).order_by("watched_on", "id").select_related("movie")
    # Read on their own (not prefetched), so the export costs two queries even when empty.
    tags: dict[int, list[str]] = {}
    for entry_id, name in (
        DiaryTag.objects.filter(entry__user=user).order_by("name").values_list("entry_id", "name")
    ):
        tags.setdefault(entry_id, []).append(name)
    return [
        {
            "id": entry.pk,
            "movie": {
                "id": entry.movie.pk,
                "title": entry.movie.title,
                "year": entry.movie.release_date.year if entry.movie.release_date else None,
                "imdb_id": entry.movie.imdb_id or None,
                "tmdb_id": entry.movie.tmdb_id,
            },
            "watched_on": entry.watched_on.isoformat(),
            "rewatch": entry.rewatch,
            "rating": None if entry.rating is None else float(entry.rating),
            "liked": entry.liked,
            "review_id": entry.review_id,
            "tags": tags.get(entry.pk, []),
            "created_at": entry.created_at.isoformat().replace("+00:00", "Z"),
        }
        for entry in entries
    ]
