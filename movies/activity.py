"""Trending's events counted per (movie, hour, kind) (`MovieActivity`), kept exact with
every write of the events, so a ranking (discovery/trending.py) sums small rows instead
of grouping the window's raw events.

The events (`SOURCES`): a rating (when last changed), a review, a list entry (favorite,
watchlist, watched), a diary entry (when logged) and a movie on a user's own list. The
table lives here, below the apps that write them, so that each of them may call
`count()`; the rows are named by label, as the catalog imports none of those apps.

How each write reaches the table:
- a row created or deleted one at a time (`create()`, `save()`, `delete()`, and
  `QuerySet.delete()`, which deletes row by row while receivers listen): the
  `post_save` / `post_delete` receivers that `track()` connects (discovery/apps.py);
- a cascade: an account's deletion (or a user list's) subtracts the owner's events in
  one grouped query per source from its `pre_delete` receiver, and the rows' own
  receivers then do nothing (a statement per row would make deleting a busy account
  slow); a movie's deletion takes its counts with it (the foreign key cascades);
- writes that send no signal call `count()` themselves with what they wrote: the
  rating upserts (movies/services/ratings.py `rating_write`, imports/writes.py), the
  import's raw INSERT of list entries and bulk_create of diary entries, the list
  replacement's upsert and the re-dating of a `watched` entry (lists/services.py);
- a database filled some other way (the bench's raw inserts, a restore):
  `manage.py rebuild_activity` (`rebuild()`, which the migration that made the table
  ran once).

A rating's change moves its event: -1 in the hour of its old `updated_at`, +1 in the
new one's. Other fields of an event (a review's text, a diary entry's rating) are not
events and change no count.
"""

import datetime
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from django.apps import apps as global_apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncHour
from django.db.models.signals import post_delete, post_save, pre_delete

from core.caching.invalidation import changed
from movies.models import MovieActivity, MovieTrend
from movies.trends import WINDOWS, add_counts, in_one_order

SECONDS_PER_HOUR = 3600
# The counts kept by `prune()`: twice the widest window of trending (movies/trends.py),
# so that no ranking, and no move of its sums, reads an hour pruned.
KEPT_HOURS = 2 * max(hours for hours, _ in WINDOWS.values())


class Source(NamedTuple):
    label: str  # the model
    moment: str  # the field that dates the event
    kind: str | None  # the event's kind; None: the row's own `kind` field
    owners: tuple[tuple[str, str], ...]  # (model label, path to it) whose deletion cascades


_ACCOUNT = settings.AUTH_USER_MODEL.lower()
SOURCES = (
    Source("movies.rating", "updated_at", "rating", ((_ACCOUNT, "user"),)),
    Source("movies.review", "created_at", "review", ((_ACCOUNT, "user"),)),
    Source("lists.movielistentry", "added_at", None, ((_ACCOUNT, "user"),)),
    Source("diary.diaryentry", "created_at", "diary", ((_ACCOUNT, "user"),)),
    Source(
        "lists.userlistitem",
        "added_at",
        "list",
        ((_ACCOUNT, "list__owner"), ("lists.userlist", "list")),
    ),
)


def hour_of(moment: datetime.datetime) -> int:
    """Whole hours since 1970-01-01 UTC (the table's `hour`)."""
    return int(moment.timestamp()) // SECONDS_PER_HOUR


Delta = tuple[int, str, datetime.datetime | None, int]  # movie id, kind, moment, events


def count(deltas: Iterable[Delta], *, using: str | None = None, trends: bool = True) -> None:
    """Add each delta's events (negative: take away) to its (movie, hour, kind), and to
    trending's decayed sums (movies/trends.py) unless `trends` is False."""
    cells: Counter = Counter()
    for movie_id, kind, moment, events in deltas:
        if moment is not None and events:
            cells[(movie_id, hour_of(moment), kind)] += events
    _apply({cell: events for cell, events in cells.items() if events}, using, trends)


def moved(movie_id: int, kind: str, old, new, *, using: str | None = None) -> None:
    """One event moved from the moment `old` (None: a new event) to `new`."""
    count([(movie_id, kind, old, -1), (movie_id, kind, new, 1)], using=using)


def _apply(cells: dict, using: str | None, trends: bool) -> None:
    if not cells:
        return
    alias = using or router.db_for_write(MovieActivity)
    # The counts and the sums commit together; no savepoint (a failure fails the
    # writer's transaction anyway, and a savepoint would cost two statements a write).
    with transaction.atomic(using=alias, savepoint=False):
        _write_cells(cells, alias)
        if trends:
            add_counts(cells, alias)
    changed(MovieActivity, MovieTrend, using=alias)


def _write_cells(cells: dict, alias: str) -> None:
    connection = connections[alias]
    table = connection.ops.quote_name(MovieActivity._meta.db_table)
    hour = connection.ops.quote_name("hour")
    # In one order, adds and takes alike (trends.in_one_order says why).
    with connection.cursor() as cursor:
        for adding, run in in_one_order(cells.items(), lambda cell: cell[1] > 0):
            if adding:
                # The increment is atomic, so concurrent writers of the same cell both
                # count (ON CONFLICT ... DO UPDATE: SQLite and PostgreSQL).
                cursor.execute(
                    f"INSERT INTO {table} (movie_id, {hour}, kind, events) "  # noqa: S608
                    f"VALUES {', '.join(['(%s, %s, %s, %s)'] * len(run))} "
                    f"ON CONFLICT (movie_id, {hour}, kind) "
                    f"DO UPDATE SET events = {table}.events + excluded.events",
                    [value for (m, h, k), n in run for value in (m, h, k, n)],
                )
            else:
                # An event taken away was counted, so its row exists; an UPDATE that
                # finds none is a movie being deleted, whose counts its cascade removed.
                cursor.executemany(
                    f"UPDATE {table} SET events = events - %s "  # noqa: S608
                    f"WHERE movie_id = %s AND {hour} = %s AND kind = %s",
                    [(-n, m, h, k) for (m, h, k), n in run],
                )


def grouped(source: Source, rows: QuerySet) -> Iterable[Delta]:
    """The events of `rows` (a queryset of the source's model), one per (movie, hour,
    kind) with their number: one query."""
    kind_field = () if source.kind else ("kind",)
    counted = (
        rows.order_by()
        .annotate(event_hour=TruncHour(source.moment, tzinfo=datetime.UTC))
        .values_list("movie_id", "event_hour", *kind_field)
        .annotate(events=Count("pk"))
    )
    for movie_id, moment, *kind, events in counted:
        yield movie_id, kind[0] if kind else source.kind, moment, events


def rebuild(apps=global_apps, using: str = DEFAULT_DB_ALIAS) -> None:
    """Count every event again from the sources (one grouped query each). `apps` is a
    migration's historical registry when a migration runs it."""
    activity = apps.get_model("movies", "MovieActivity")
    activity.objects.using(using).all()._raw_delete(using)
    deltas = []
    for source in SOURCES:
        deltas.extend(grouped(source, apps.get_model(source.label).objects.using(using).all()))
    count(deltas, using=using, trends=False)
    try:
        windows = apps.get_model("movies", "TrendWindow")
    except LookupError:
        return  # a migration older than the sums' tables
    # No window holds sums any more: the next ranking of each sums it again.
    windows._base_manager.using(using).all()._raw_delete(using)


def prune(now: datetime.datetime, using: str = DEFAULT_DB_ALIAS) -> int:
    """Delete the counts older than `KEPT_HOURS` before `now`, and those at zero (their
    events deleted): no ranking reads them again (`manage.py prune_activity`, daily).
    A later write of such an hour makes its row anew; taking an event away from a row
    that is gone changes nothing, as for a deleted movie. Returns the rows deleted."""
    # The plain manager: no answer shows these rows, so no generation is bumped.
    rows = MovieActivity._base_manager.using(using).filter(
        Q(hour__lt=hour_of(now) - KEPT_HOURS) | Q(events=0)
    )
    return rows._raw_delete(using)


# ------------------------------------------------------------------------- receivers


def _label(origin) -> str | None:
    if origin is None:
        return None
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return model._meta.label_lower


def _receivers(source: Source):
    skipped = {"movies.movie", *(label for label, _ in source.owners)}

    def saved(sender, instance, created=False, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
        if created and not raw:
            kind = source.kind or instance.kind
            count([(instance.movie_id, kind, getattr(instance, source.moment), 1)], using=using)

    def deleted(sender, instance, origin=None, using=DEFAULT_DB_ALIAS, **kwargs):
        if _label(origin) in skipped:
            return  # a cascade: the owner's receiver subtracted it, or the movie's went
        kind = source.kind or instance.kind
        count([(instance.movie_id, kind, getattr(instance, source.moment), -1)], using=using)

    return saved, deleted


def _owner_deleted(sender, instance, origin=None, using=DEFAULT_DB_ALIAS, **kwargs):
    label = sender._meta.label_lower
    if _label(origin) != label:
        return  # deleted by a larger owner's cascade, which subtracted everything
    deltas = []
    for source in SOURCES:
        for owner, path in source.owners:
            if owner == label:
                rows = global_apps.get_model(source.label).objects.using(using)
                for movie_id, kind, moment, events in grouped(
                    source, rows.filter(**{path: instance})
                ):
                    deltas.append((movie_id, kind, moment, -events))
    count(deltas, using=using)


def track() -> None:
    """Connect the receivers of every source and owner (discovery/apps.py, once every
    app is loaded)."""
    for source in SOURCES:
        model = global_apps.get_model(source.label)
        saved, deleted = _receivers(source)
        uid = f"movie-activity:{source.label}"
        post_save.connect(saved, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(deleted, sender=model, dispatch_uid=uid, weak=False)
    for label in {owner for source in SOURCES for owner, _ in source.owners}:
        pre_delete.connect(
            _owner_deleted,
            sender=global_apps.get_model(label),
            dispatch_uid=f"movie-activity-owner:{label}",
            weak=False,
        )
