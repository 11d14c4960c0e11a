"""Trending's decayed sums: per window and movie, the window's events weighted and
decayed (`MovieTrend`), kept with every count of movies/activity.py, so that a ranking
(discovery/trending.py) reads its hundred best rows from an index instead of summing
every (movie, hour, kind) row of the window.

The formula is the ranking's (discovery/trending.py): as of `last`, the hour after the
current one, a movie scores `sum(events * weight * 0.5 ** ((last - hour) / half_life))`
over the hours from `low = last - hours` on. Measured from a fixed `reference` hour
instead, each event keeps one value, `events * weight * 2 ** ((hour - reference) /
half_life)`, whatever the time: the sum of those, times `2 ** ((reference - last) /
half_life)`, is the score, and the factor is the same for every movie, so the order of
the sums is the ranking's. What time changes is only which hours are in the window:

- a count (`add_counts`, inside the writer's transaction) adds each event of an hour
  from the window's `low` on to its movie's sum;
- a reader whose `low` differs from the one stored (`settle`: once an hour, or after a
  clock moved back in a test) first claims the window by bumping its `version`, then
  takes away the hours that left (or adds those that came back) in one grouped read of
  the counts; after a jump of a whole window, or once `reference` lies
  `REBASE_HALF_LIVES` half-lives behind (2 ** exponent must stay far from overflow),
  it sums the window again from the counts (`rebuild`).

Concurrency: a writer reads the windows' rows `FOR SHARE` on PostgreSQL and holds them
to its commit; a reader's claim is an UPDATE of that row, so it waits for the writers
in flight and they wait for it: a count is added either before the claim (and the
reader's read of the counts includes it) or after it against the new `low`. SQLite
runs one writer at a time. `events` is exact, so a movie whose events all left the
window is set to a score of exactly 0 and is not listed, whatever rounding the
additions and subtractions of its floats left.
"""

from collections import defaultdict
from itertools import groupby

from django.db import connections, transaction
from django.db.models import Case, F, FloatField, Sum, Value, When
from django.db.models.functions import Cast, Power

from movies.models import MovieActivity, MovieTrend, TrendWindow

# window -> (hours kept, half-life in hours)
WINDOWS = {"day": (24, 6.0), "week": (168, 48.0)}
# What an event of each kind weighs (a review or a favorite says more than a rating or a
# list add). The kinds are movies/activity.py's: "rating", "review", "diary", "list"
# (a movie put on a user's own list) and the list kinds of lists.MovieListEntry.
WEIGHTS = {
    "rating": 1.0,
    "review": 2.0,
    "favorite": 2.0,
    "watchlist": 1.0,
    "watched": 1.0,
    "diary": 1.0,
    "list": 1.0,
}
REBASE_HALF_LIVES = 200
# Rows per upsert (the statement's parameters stay far below SQLite's and PostgreSQL's
# limits).
BATCH = 500


def value(events: int, kind: str, hour: int, reference: int, window: str) -> float:
    """What `events` of `kind` in `hour` add to a sum measured from `reference`."""
    return events * WEIGHTS[kind] * 2.0 ** ((hour - reference) / WINDOWS[window][1])


def _grouped(window: str, reference: int, using: str, **hours):
    """The counts of some hours grouped per movie: `movie_id`, `total` (events) and
    `score` (their sum measured from `reference`), movies with events only."""

    def real(expression):
        # Double precision: PostgreSQL reads a literal such as 48.0 as numeric, whose
        # power() is a hundred times slower (bench/README.md, "Discovery").
        return Cast(expression, FloatField())

    weight = real(
        Case(*(When(kind=kind, then=Value(w)) for kind, w in WEIGHTS.items()), default=Value(0.0))
    )
    exponent = real(F("hour") - Value(reference)) / real(Value(WINDOWS[window][1]))
    return (
        MovieActivity.objects.using(using)
        .filter(**hours)
        .values("movie_id")
        .annotate(
            total=Sum("events"),
            score=Sum(
                real(F("events")) * weight * Power(real(Value(2.0)), exponent),
                output_field=FloatField(),
            ),
        )
        .filter(total__gt=0)
    )


def sums(window: str, low: int, reference: int, *, limit=None, using: str = "default"):
    """(movie id, events, sum) of the window's hours from `low` on, straight from the
    counts (one query), best first, ties by movie id. With `reference = last` the sums
    are the scores themselves: the ranking recomputed, as the tests' brute force."""
    rows = (
        _grouped(window, reference, using, hour__gte=low)
        .order_by("-score", "movie_id")
        .values_list("movie_id", "total", "score")
    )
    return list(rows if limit is None else rows[:limit])


def in_one_order(rows, adding):
    """(True, batch) per BATCH rows of each run of adds, (False, run) per run of takes,
    of `rows` sorted: the one order every writer of these tables (and of the counts,
    movies/activity.py) locks its rows in. An order that depends on the kind of change
    deadlocks: a writer moving an event from one hour to another, and one moving it
    back, would lock the same two rows in opposite orders on PostgreSQL."""
    for is_add, run in groupby(sorted(rows), key=adding):
        run = list(run)
        if not is_add:
            yield False, run
            continue
        for start in range(0, len(run), BATCH):
            yield True, run[start : start + BATCH]


def _added(table: str) -> str:
    """The SET of an upsert that adds `excluded`'s events and sum to a row."""
    return (
        f"score = CASE WHEN {table}.events + excluded.events = 0 THEN 0.0 "
        f"ELSE {table}.score + excluded.score END, events = {table}.events + excluded.events"
    )


# --------------------------------------------------------------------------- writers


def add_counts(cells: dict, using: str) -> None:
    """Add counted cells ({(movie, hour, kind): events}, negative: taken away) to the
    sums of every window that holds their hour. Inside the writer's transaction."""
    connection = connections[using]
    windows = _windows_held(connection)
    deltas: dict = defaultdict(lambda: [0, 0.0])
    for (movie_id, hour, kind), events in cells.items():
        for window, (low, reference) in windows.items():
            if low is not None and hour >= low:
                delta = deltas[(window, movie_id)]
                delta[0] += events
                delta[1] += value(events, kind, hour, reference, window)
    _apply(connection, deltas)


def _windows_held(connection) -> dict:
    """{window: (low, reference)}, each row held FOR SHARE to the end of the
    transaction (PostgreSQL); a missing row is made, with no sums yet."""
    table = connection.ops.quote_name(TrendWindow._meta.db_table)
    window = connection.ops.quote_name("window")
    share = " FOR SHARE" if connection.vendor == "postgresql" else ""
    select = f"SELECT {window}, low, reference FROM {table}{share}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(select)
        rows = {name: (low, reference) for name, low, reference in cursor.fetchall()}
        if set(rows) != set(WINDOWS):
            cursor.execute(
                f"INSERT INTO {table} ({window}, low, reference, version) "  # noqa: S608
                f"VALUES {', '.join(['(%s, NULL, 0, 0)'] * len(WINDOWS))} "
                f"ON CONFLICT ({window}) DO NOTHING",
                list(WINDOWS),
            )
            cursor.execute(select)
            rows = {name: (low, reference) for name, low, reference in cursor.fetchall()}
    return rows


def _apply(connection, deltas: dict) -> None:
    """Add {(window, movie): [events, sum]} to the rows, in one order (two writers that
    share rows lock them alike). A row may be missing only for added events; a movie
    left with no events in the window gets a score of exactly 0."""
    if not deltas:
        return
    table = connection.ops.quote_name(MovieTrend._meta.db_table)
    window = connection.ops.quote_name("window")
    changes = [
        ((w, m), (events, score)) for (w, m), (events, score) in deltas.items() if events or score
    ]
    with connection.cursor() as cursor:
        for adding, run in in_one_order(changes, lambda change: change[1][0] > 0):
            rows = [(w, m, events, score) for (w, m), (events, score) in run]
            if adding:
                cursor.execute(
                    f"INSERT INTO {table} ({window}, movie_id, events, score) "  # noqa: S608
                    f"VALUES {', '.join(['(%s, %s, %s, %s)'] * len(rows))} "
                    f"ON CONFLICT ({window}, movie_id) DO UPDATE SET {_added(table)}",
                    [field for row in rows for field in row],
                )
            else:
                # Events taken away, or moved within the window: the row exists, or its
                # movie is being deleted and the cascade took it.
                cursor.executemany(
                    f"UPDATE {table} SET score = CASE WHEN events + %s = 0 THEN 0.0 "  # noqa: S608
                    f"ELSE score + %s END, events = events + %s "
                    f"WHERE {window} = %s AND movie_id = %s",
                    [(events, score, events, w, m) for w, m, events, score in rows],
                )


# --------------------------------------------------------------------------- readers


def settle(window: str, low: int, using: str = "default") -> int:
    """Make the window's sums hold the hours from `low` on; returns their reference."""
    hours, half_life = WINDOWS[window]
    for _attempt in range(5):
        state = _state(window, using)
        if state is None:
            TrendWindow._base_manager.using(using).bulk_create(
                [TrendWindow(window=window)], ignore_conflicts=True
            )
            continue
        if state.low == low:
            return state.reference
        whole = (
            state.low is None
            or abs(low - state.low) >= hours
            or abs(low - state.reference) > REBASE_HALF_LIVES * half_life
        )
        reference = low if whole else state.reference
        with transaction.atomic(using=using):
            # The plain manager: moving the sums changes no answer (a ranking's cache
            # key holds its hour), so it bumps no generation.
            claimed = (
                TrendWindow._base_manager.using(using)
                .filter(window=window, version=state.version)
                .update(low=low, reference=reference, version=state.version + 1)
            )
            if claimed:
                if whole:
                    rebuild(window, low, using)
                else:
                    _shift(window, state.low, low, reference, using)
                return reference
    raise RuntimeError(f"trending's {window} window kept moving under this reader")


def rebuild(window: str, low: int, using: str) -> None:
    """Sum the window again from the counts, measured from `low` (its new reference)."""
    MovieTrend._base_manager.using(using).filter(window=window)._raw_delete(using)
    MovieTrend._base_manager.using(using).bulk_create(
        (
            MovieTrend(window=window, movie_id=movie_id, events=events, score=score)
            for movie_id, events, score in sums(window, low, low, using=using)
        ),
        batch_size=2000,
    )
    connection = connections[using]
    if connection.vendor == "postgresql":
        # New statistics, or the planner may keep sorting the whole window instead of
        # reading the ranking's index (measured: 1.5 ms against 0.2 ms at 10,000 rows).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(MovieTrend._meta.db_table)}")


def _shift(window: str, old: int, new: int, reference: int, using: str) -> None:
    """Take away the hours [old, new) (the window moved on) or add back [new, old): one
    statement, the hours' counts grouped per movie in a subquery. The reader holds the
    window (its claim), so no writer touches these rows meanwhile."""
    connection = connections[using]
    table = connection.ops.quote_name(MovieTrend._meta.db_table)
    name = connection.ops.quote_name("window")
    start, stop = sorted((old, new))
    grouped = _grouped(window, reference, using, hour__gte=start, hour__lt=stop).order_by()
    sql, params = grouped.query.sql_with_params()
    with connection.cursor() as cursor:
        if new > old:
            cursor.execute(
                f"UPDATE {table} SET score = CASE WHEN {table}.events = d.total THEN 0.0 "  # noqa: S608
                f"ELSE {table}.score - d.score END, events = {table}.events - d.total "
                f"FROM ({sql}) AS d WHERE {table}.{name} = %s AND {table}.movie_id = d.movie_id",
                (*params, window),
            )
        else:
            # WHERE true: SQLite reads an INSERT ... SELECT ... ON CONFLICT only with one.
            cursor.execute(
                f"INSERT INTO {table} ({name}, movie_id, events, score) "  # noqa: S608
                f"SELECT %s, d.movie_id, d.total, d.score FROM ({sql}) AS d WHERE true "
                f"ON CONFLICT ({name}, movie_id) DO UPDATE SET {_added(table)}",
                (window, *params),
            )


def _state(window: str, using: str) -> TrendWindow | None:
    """The window's row. Both reads of a ranking are plain SQL: building them through
    the ORM cost as much as running them (bench/README.md, "Discovery")."""
    connection = connections[using]
    table = connection.ops.quote_name(TrendWindow._meta.db_table)
    name = connection.ops.quote_name("window")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT low, reference, version FROM {table} WHERE {name} = %s",  # noqa: S608
            [window],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return TrendWindow(window=window, low=row[0], reference=row[1], version=row[2])


def ranked(window: str, reference: int, last: int, limit: int, using: str = "default"):
    """The best `limit` (movie id, score) as of `last`, from the sums (one query, read
    from the index on (window, -score, movie))."""
    factor = 2.0 ** ((reference - last) / WINDOWS[window][1])
    connection = connections[using]
    table = connection.ops.quote_name(MovieTrend._meta.db_table)
    name = connection.ops.quote_name("window")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT movie_id, score FROM {table} WHERE {name} = %s AND events > 0 "  # noqa: S608
            "ORDER BY score DESC, movie_id LIMIT %s",
            [window, limit],
        )
        return [(movie_id, score * factor) for movie_id, score in cursor.fetchall()]
