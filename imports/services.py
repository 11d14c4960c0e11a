"""Importing a viewing history file, as many times as the user likes.

`history_import` reads the file (imports/formats.py), finds the movies
(imports/matching.py), compares each row with what the account already holds, and
writes the difference in one transaction (imports/writes.py), or in a dry run writes
nothing. The keys that make a rerun create nothing:

- a diary row: (movie, watched_on). A row matching an entry updates the fields its
  format carries (Letterboxd's rating, rewatch and tags; Trakt carries none of them);
- a rating row: the movie;
- a watchlist row: the movie.

A row that cannot be read, names no catalog movie, or repeats an earlier row's key is
reported in `unmatched` with its line and reason; the others still import.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import transaction

from core.errors import TooLarge
from diary.models import DiaryEntry, DiaryTag
from imports.errors import ImportErrorCode
from imports.formats import Format, Parsed, Problem, Row, Target, TooManyRows, parse
from imports.matching import match_movies
from imports.writes import diary_write, list_add, ratings_write
from lists.models import MovieListEntry
from movies.models import Rating
from users.models import User

# The fields each diary format carries: an existing entry is updated to these.
DIARY_FIELDS = {
    Format.LETTERBOXD_DIARY: ("rating", "rewatch", "tags"),
    Format.TRAKT_HISTORY: (),
}


def too_large_message() -> str:
    megabytes = settings.IMPORT_MAX_BYTES / (1024 * 1024)
    return (
        f"The file is larger than the import takes: at most {megabytes:g} MB "
        f"({settings.IMPORT_MAX_BYTES} bytes)."
    )


def too_many_rows_message() -> str:
    return (
        f"The file has more rows than the import takes: at most {settings.IMPORT_MAX_ROWS} "
        "per file; split it and import the parts."
    )


class Known(NamedTuple):
    """An entry the account had before the import."""

    pk: int
    movie_id: int
    watched_on: date
    rating: Decimal | None
    rewatch: bool


@dataclass
class ImportReport:
    """What an import did, or in a dry run would do."""

    format: Format
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unmatched: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "format": str(self.format),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "unmatched": [problem.as_dict() for problem in self.unmatched],
            "dry_run": self.dry_run,
        }


def import_read(upload) -> Parsed:
    """The rows of an uploaded file, refused whole (413) past the size or row limit."""
    size = getattr(upload, "size", None)
    if size is None or size > settings.IMPORT_MAX_BYTES:
        raise TooLarge(too_large_message(), code=ImportErrorCode.FILE_TOO_LARGE)
    upload.seek(0)
    data = upload.read(settings.IMPORT_MAX_BYTES + 1)
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise TooLarge(too_large_message(), code=ImportErrorCode.FILE_TOO_LARGE)
    try:
        return parse(data, max_rows=settings.IMPORT_MAX_ROWS)
    except TooManyRows:
        raise TooLarge(too_many_rows_message(), code=ImportErrorCode.TOO_MANY_ROWS) from None


def _matched(parsed: Parsed, report: ImportReport, key) -> list[tuple[Row, int]]:
    """(row, movie id) for the rows naming a catalog movie, each key once."""
    found, missing = match_movies(parsed.rows)
    first_line: dict = {}
    matched = []
    for row in parsed.rows:
        if row.line in missing:
            report.unmatched.append(Problem(row.line, row.title, row.year, missing[row.line]))
            continue
        movie_id = found[row.line]
        line = first_line.setdefault(key(row, movie_id), row.line)
        if line != row.line:
            reason = f"The same movie{' and date' if row.watched_on else ''} as line {line}."
            report.unmatched.append(Problem(row.line, row.title, row.year, reason))
            continue
        matched.append((row, movie_id))
    return matched


def _import_ratings(user, parsed: Parsed, report: ImportReport) -> None:
    matched = _matched(parsed, report, key=lambda row, movie_id: movie_id)
    current = dict(Rating.objects.filter(user=user).values_list("movie_id", "value").order_by())
    values = {}
    for row, movie_id in matched:
        if movie_id not in current:
            report.created += 1
        elif current[movie_id] != row.rating:
            report.updated += 1
        else:
            report.unchanged += 1
            continue
        values[movie_id] = row.rating
    if not report.dry_run:
        ratings_write(user=user, values=values)


def _import_watchlist(user, parsed: Parsed, report: ImportReport) -> None:
    matched = _matched(parsed, report, key=lambda row, movie_id: movie_id)
    kind = MovieListEntry.Kind.WATCHLIST
    on_list = set(MovieListEntry.objects.of(user, kind).values_list("movie_id", flat=True))
    new = [movie_id for _, movie_id in matched if movie_id not in on_list]
    report.created += len(new)
    report.unchanged += len(matched) - len(new)
    if not report.dry_run:
        list_add(user=user, kind=kind, movie_ids=new)


def _import_diary(user, parsed: Parsed, report: ImportReport) -> None:
    matched = _matched(parsed, report, key=lambda row, movie_id: (movie_id, row.watched_on))
    carried = DIARY_FIELDS[parsed.format]
    # Plain tuples, not model instances: 10,000 of those cost seconds (bench/README.md).
    existing = [
        Known(*values)
        for values in DiaryEntry.objects.of(user)
        .order_by("id")
        .values_list("pk", "movie_id", "watched_on", "rating", "rewatch")
    ]
    tags_of: dict[int, list[str]] = {}
    if "tags" in carried:
        for entry_id, name in DiaryTag.objects.filter(entry__user=user).values_list(
            "entry_id", "name"
        ):
            tags_of.setdefault(entry_id, []).append(name)
    by_key: dict[tuple[int, date], Known] = {}
    watches: dict[int, list[date]] = {}
    for entry in existing:
        by_key.setdefault((entry.movie_id, entry.watched_on), entry)
        watches.setdefault(entry.movie_id, []).append(entry.watched_on)
    creates, create_tags, updates, update_tags = [], [], [], []
    # Oldest first, so `rewatch` left unsaid sees the file's earlier watches too.
    for row, movie_id in sorted(matched, key=lambda pair: (pair[0].watched_on, pair[0].line)):
        entry = by_key.get((movie_id, row.watched_on))
        if entry is None:
            earlier = any(day <= row.watched_on for day in watches.get(movie_id, []))
            creates.append(
                DiaryEntry(
                    user=user,
                    movie_id=movie_id,
                    watched_on=row.watched_on,
                    rewatch=row.rewatch if "rewatch" in carried else earlier,
                    rating=row.rating if "rating" in carried else None,
                )
            )
            create_tags.append(row.tags if "tags" in carried else [])
            watches.setdefault(movie_id, []).append(row.watched_on)
            continue
        changed_tags = "tags" in carried and sorted(row.tags) != sorted(tags_of.get(entry.pk, []))
        # A copy with the file's values: `existing` keeps the values as they were.
        update = DiaryEntry(
            pk=entry.pk,
            user=user,
            movie_id=movie_id,
            watched_on=entry.watched_on,
            rating=row.rating if "rating" in carried else entry.rating,
            rewatch=row.rewatch if "rewatch" in carried else entry.rewatch,
        )
        if changed_tags or (update.rating, update.rewatch) != (entry.rating, entry.rewatch):
            updates.append(update)
            update_tags.append(row.tags if changed_tags else None)
        else:
            report.unchanged += 1
    report.created, report.updated = len(creates), len(updates)
    if not report.dry_run:
        diary_write(
            user=user,
            creates=creates,
            create_tags=create_tags,
            updates=updates,
            update_tags=update_tags,
            existing=existing,
        )


IMPORTERS = {
    Target.DIARY: _import_diary,
    Target.RATING: _import_ratings,
    Target.WATCHLIST: _import_watchlist,
}


def history_import(*, user, upload, dry_run: bool = False) -> ImportReport:
    """Import an uploaded history file into the user's diary, ratings or watchlist.

    All or nothing: one transaction. A rerun of the same file creates nothing.
    """
    parsed = import_read(upload)
    report = ImportReport(format=parsed.format, dry_run=dry_run, unmatched=parsed.problems)
    with transaction.atomic():
        if not dry_run:
            # Imports of one account run one at a time: two at once would both see an
            # entry missing and both create it (the diary has no unique key to stop it).
            list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk"))
        IMPORTERS[parsed.target](user, parsed, report)
    report.unmatched.sort(key=lambda problem: problem.line)
    return report
