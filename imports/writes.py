"""The import's set-based writes: thousands of rows in a few statements each.

The rules are those of the one-at-a-time services, applied to a whole file at once:

- a diary entry (diary/services.py): the movie's first entry puts it on `watched`, dated
  by that watch (the start of the day in TIME_ZONE, as lists.services.movie_list_add
  dates it); an entry with a rating sets the caller's rating of the movie when it is the
  movie's latest entry (watched_on, then id); `rewatch`, when the file does not say, is
  whether an earlier entry of the movie exists;
- a rating (movies/services/ratings.py, `rating_set`): the movies are locked in id order,
  the rating rows upserted, a review of the movie takes the same value, and the movies'
  figures are recomputed in one UPDATE;
- a watchlist entry (lists/services.py): after the last one, adding twice is harmless.

Callers run these inside one transaction (imports/services.py).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from diary.models import DiaryEntry, DiaryTag
from lists.models import MovieListEntry
from movies import activity
from movies.models import Movie, Rating, Review
from movies.services.ratings import movie_stats_update, movies_lock

BATCH = 1000


def _batches(values: Sequence, size: int = BATCH) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def ratings_write(*, user, values: dict[int, Decimal]) -> None:
    """Set the user's rating of each movie in `values` ({movie id: half stars})."""
    if not values:
        return
    movie_ids = sorted(values)
    movies_lock(movie_ids)
    # The upsert sends no signal: trending's counts move each rating's event from its
    # old `updated_at` (read first) to now (movies/activity.py).
    before = dict(Rating.objects.filter(user=user).values_list("movie_id", "updated_at"))
    written = Rating.objects.bulk_create(
        [Rating(user=user, movie_id=pk, value=values[pk]) for pk in movie_ids],
        update_conflicts=True,
        unique_fields=["user", "movie"],
        update_fields=["value", "updated_at"],
        batch_size=BATCH,
    )
    activity.count(
        delta
        for rating in written
        for delta in (
            (rating.movie_id, "rating", before.get(rating.movie_id), -1),
            (rating.movie_id, "rating", rating.updated_at, 1),
        )
    )
    # A review's rating is a copy of the rating row: one UPDATE per value (ten at most).
    by_value: dict[Decimal, list[int]] = defaultdict(list)
    for pk in movie_ids:
        by_value[values[pk]].append(pk)
    reviewed = set(Review.objects.filter(user=user).values_list("movie_id", flat=True).order_by())
    for value, pks in by_value.items():
        pks = [pk for pk in pks if pk in reviewed]
        for batch in _batches(pks):
            Review.objects.filter(user=user, movie_id__in=batch).exclude(rating=value).update(
                rating=value
            )
    for batch in _batches(movie_ids):
        movie_stats_update(Movie.objects.filter(pk__in=batch))


def _insert_list_entries(rows: list[tuple]) -> None:
    """INSERT (user, kind, movie, position, added_at) rows, skipping those on the list.

    Raw SQL for one reason: `added_at` is auto_now_add, so bulk_create would date every
    row now, and dating them after with bulk_update costs seconds per 10,000 rows
    (bench/import_timing.py). ON CONFLICT DO NOTHING is SQLite's and PostgreSQL's.
    """
    table = MovieListEntry._meta.db_table
    adapt = connection.ops.adapt_datetimefield_value
    inserted = []
    # One statement per BATCH rows: executemany is a round trip per row on PostgreSQL.
    with connection.cursor() as cursor:
        for batch in _batches(rows):
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} (user_id, kind, movie_id, position, added_at) "  # noqa: S608
                f"VALUES {values} ON CONFLICT DO NOTHING RETURNING movie_id, kind",
                [value for row in batch for value in (*row[:4], adapt(row[4]))],
            )
            inserted.extend(cursor.fetchall())
    # No signal either: trending counts the rows the INSERT says it wrote (RETURNING:
    # SQLite 3.35+, PostgreSQL), dated as written (movies/activity.py).
    added = {(row[2], row[1]): row[4] for row in rows}
    activity.count((pk, kind, added[(pk, kind)], 1) for pk, kind in inserted)


def list_add(*, user, kind: str, movie_ids: Sequence[int], added_on: dict | None = None) -> None:
    """Put movies on one of the user's lists after its last entry (those on it stay).

    `added_on` ({movie id: date}) dates the new entries, as the diary dates `watched`.
    """
    if not movie_ids:
        return
    on_list = set(MovieListEntry.objects.of(user, kind).values_list("movie_id", flat=True))
    new = [pk for pk in dict.fromkeys(movie_ids) if pk not in on_list]
    last = MovieListEntry.objects.of(user, kind).aggregate(last=Max("position"))["last"]
    start = 0 if last is None else last + 1
    now = timezone.now()
    _insert_list_entries(
        [
            (
                user.pk,
                kind,
                pk,
                start + place,
                _start_of(added_on[pk]) if added_on else now,
            )
            for place, pk in enumerate(new)
        ]
    )


def diary_write(
    *,
    user,
    creates: list[DiaryEntry],
    create_tags: list[list[str]],
    updates: list[DiaryEntry],
    update_tags: list[list[str] | None],
    existing: Sequence,
) -> None:
    """Insert `creates` (with their tags), save `updates` (rating and rewatch; tags when
    not None), then apply the diary's rules to `watched` and the ratings.

    `existing` is every entry the user had before (pk, movie_id, watched_on, rating),
    with its rating as it was.
    """
    watched_before = {entry.movie_id for entry in existing}
    DiaryEntry.objects.bulk_create(creates, batch_size=BATCH)
    # bulk_create sends no signal: trending counts the new entries (movies/activity.py).
    activity.count((entry.movie_id, "diary", entry.created_at, 1) for entry in creates)
    DiaryEntry.objects.bulk_update(updates, ["rating", "rewatch"], batch_size=BATCH)
    retagged = [
        entry.pk for entry, tags in zip(updates, update_tags, strict=True) if tags is not None
    ]
    for batch in _batches(retagged):
        DiaryTag.objects.filter(entry_id__in=batch).delete()
    tags = [
        DiaryTag(entry_id=entry.pk, name=name)
        for entry, names in [
            *zip(creates, create_tags, strict=True),
            *((e, t) for e, t in zip(updates, update_tags, strict=True) if t is not None),
        ]
        for name in names
    ]
    DiaryTag.objects.bulk_create(tags, batch_size=BATCH)

    first_watch: dict[int, datetime.date] = {}
    for entry in creates:
        if entry.movie_id not in watched_before:
            known = first_watch.get(entry.movie_id)
            first_watch[entry.movie_id] = (
                min(known, entry.watched_on) if known else entry.watched_on
            )
    list_add(
        user=user,
        kind=MovieListEntry.Kind.WATCHED,
        movie_ids=sorted(first_watch),
        added_on=first_watch,
    )

    # The latest entry of each movie (watched_on, then id), among the old and the new.
    latest: dict = {}
    for entry in [*existing, *creates, *updates]:
        known = latest.get(entry.movie_id)
        if known is None or (entry.watched_on, entry.pk) >= (known.watched_on, known.pk):
            latest[entry.movie_id] = entry
    written = {entry.pk for entry in [*creates, *updates]}
    ratings_write(
        user=user,
        values={
            movie_id: entry.rating
            for movie_id, entry in latest.items()
            if entry.pk in written and entry.rating is not None
        },
    )
