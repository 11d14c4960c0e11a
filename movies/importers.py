"""Import movies from a file: read rows (movies.import_formats), then upsert each through
the catalog services.

Two formats (data/README.md documents both):

- JSON Lines, one movie per line in TMDB's field names: `id` (the TMDB id), `imdb_id`,
  `title`, `overview` (the plot), `release_date` (YYYY-MM-DD), `runtime` (minutes; 0
  is TMDB's unknown), `genres` (a list of `{"id", "name"}` objects or of names),
  `credits.cast` (a list of `{"name", "character", "order"}`), `credits.crew` (a list
  of `{"name", "job", "department"}`, TMDB's names; jobs this catalog does not know are
  skipped) and `keywords` (as `genres`, or TMDB's nested `{"keywords": [...]}`; matched
  by name, created when new). A credit's `id` (the person's TMDB id) and
  `known_for_department` are the person's.
- CSV with a header row: `tmdb_id,imdb_id,title,overview,release_date,genres,cast` and
  optionally `runtime`;
  `genres` is `Drama|Crime`, `cast` is `Name:Character|Name:Character` in billing order.

The upsert key is the external id: `tmdb_id`, else `imdb_id`. Genres are found by name
(case-insensitive) or created; people by their TMDB id, else by name, or created (a
person found by name gets the TMDB id and department the credit gives). A key that is
missing (JSON) or an empty cell (CSV) leaves the stored value alone when updating. Every
row is written in its own transaction, so a rejected row leaves nothing behind; a
malformed row is reported with its line number and skipped.
"""

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from core.errors import Conflict
from movies.import_formats import (
    ABSENT,
    FORMATS,
    MovieRow,
    PersonInfo,
    RowError,
    parse_csv,
    parse_jsonl,
)
from movies.models import Actor, Genre, Movie
from movies.services.actors import actor_create, actor_update
from movies.services.catalog import SITE_OPERATOR, CastEntry, movie_create, movie_update
from movies.services.crew import CrewEntry
from movies.services.genres import genre_create


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"created {len(self.created)}, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)}, rejected {len(self.rejected)}"
        )


# --------------------------------------------------------------------------- writing


def _find_movie(row: MovieRow) -> Movie | None:
    if row.tmdb_id is not ABSENT:
        movie = Movie.objects.filter(tmdb_id=row.tmdb_id).first()
        if movie is not None:
            return movie
    if row.imdb_id is not ABSENT:
        movie = Movie.objects.filter(imdb_id=row.imdb_id).first()
        # A movie that already carries another TMDB id is a different record: no match,
        # so the create is refused on the IMDb id instead of re-keying that movie.
        if movie is not None and (row.tmdb_id is ABSENT or movie.tmdb_id is None):
            return movie
    return None


def _genre_for(name: str) -> Genre:
    return Genre.objects.filter(name__iexact=name).first() or genre_create(
        user=SITE_OPERATOR, name=name
    )


def _actor_for(name: str, info: PersonInfo | None = None) -> Actor:
    """The person of a credit: by TMDB id, else the oldest of that name, else created;
    what the credit says of them (TMDB id, department) is filled in when missing."""
    info = info or PersonInfo()
    found = None
    if info.tmdb_id is not None:
        found = Actor.objects.filter(tmdb_id=info.tmdb_id).first()
    if found is None:
        # Actor names are not unique; the oldest row of that name is "the" actor.
        found = Actor.objects.filter(name__iexact=name).order_by("id").first()
    if found is None:
        return actor_create(
            user=SITE_OPERATOR,
            name=name,
            tmdb_id=info.tmdb_id,
            known_for_department=info.known_for_department,
        )
    changes = {}
    if info.tmdb_id is not None and found.tmdb_id is None:
        changes["tmdb_id"] = info.tmdb_id
    if info.known_for_department and not found.known_for_department:
        changes["known_for_department"] = info.known_for_department
    return actor_update(user=SITE_OPERATOR, actor=found, **changes) if changes else found


def _current_state(movie: Movie) -> dict:
    return {
        "title": movie.title,
        "plot": movie.plot,
        "release_date": movie.release_date,
        "imdb_id": movie.imdb_id,
        "tmdb_id": movie.tmdb_id,
        "runtime": movie.runtime,
        "genres": sorted(g.lower() for g in movie.genres.values_list("name", flat=True)),
        "keywords": sorted(k.lower() for k in movie.keywords.values_list("name", flat=True)),
        "cast": [
            (name.lower(), character, order)
            for name, character, order in movie.castings.order_by("order", "id").values_list(
                "actor__name", "character", "order"
            )
        ],
        "crew": [
            (name.lower(), job, department)
            for name, job, department in movie.crew_credits.order_by("order", "id").values_list(
                "person__name", "job", "department"
            )
        ],
    }


def _is_unchanged(movie: Movie, row: MovieRow) -> bool:
    current = _current_state(movie)
    wanted = {
        "title": row.title,
        "plot": row.plot,
        "release_date": row.release_date,
        "imdb_id": row.imdb_id,
        "tmdb_id": row.tmdb_id,
        "runtime": row.runtime,
        "genres": ABSENT if row.genres is ABSENT else sorted(g.lower() for g in row.genres),
        "cast": ABSENT if row.cast is ABSENT else [(n.lower(), c, o) for n, c, o in row.cast],
        "crew": ABSENT if row.crew is ABSENT else [(n.lower(), j, d) for n, j, d in row.crew],
        "keywords": ABSENT if row.keywords is ABSENT else sorted(k.lower() for k in row.keywords),
    }
    return all(value is ABSENT or current[key] == value for key, value in wanted.items())


def _service_kwargs(row: MovieRow) -> dict:
    kwargs = {
        "title": row.title,
        "plot": row.plot,
        "release_date": row.release_date,
        "imdb_id": row.imdb_id,
        "tmdb_id": row.tmdb_id,
        "runtime": row.runtime,
    }
    if row.genres is not ABSENT:
        kwargs["genre_ids"] = [_genre_for(name).pk for name in row.genres]
    if row.keywords is not ABSENT:
        kwargs["keywords"] = row.keywords  # by name: movies/services/keywords.py
    if row.cast is not ABSENT:
        kwargs["cast"] = [
            CastEntry(
                actor_id=_actor_for(name, row.people.get(name.lower())).pk,
                character=character,
                order=order,
            )
            for name, character, order in row.cast
        ]
    if row.crew is not ABSENT:
        kwargs["crew"] = [
            CrewEntry(
                person_id=_actor_for(name, row.people.get(name.lower())).pk,
                job=job,
                department=department,
            )
            for name, job, department in row.crew
        ]
    return {key: value for key, value in kwargs.items() if value is not ABSENT}


def _reason(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)


def upsert_row(row: MovieRow) -> str:
    """Create or update one movie in its own transaction: 'created', 'updated' or 'unchanged'.

    Raises RowError with the reason when the services refuse the row; nothing of the
    row (not even a new genre or actor) is kept then.
    """
    try:
        with transaction.atomic():
            movie = _find_movie(row)
            if movie is not None and _is_unchanged(movie, row):
                return "unchanged"
            kwargs = _service_kwargs(row)
            if movie is None:
                movie_create(user=SITE_OPERATOR, **kwargs)
                return "created"
            movie_update(user=SITE_OPERATOR, movie=movie, **kwargs)
            return "updated"
    except ValidationError as exc:
        raise RowError(_reason(exc)) from exc
    except Conflict as exc:
        raise RowError(str(exc)) from exc


def import_rows(
    rows: Iterable[MovieRow | tuple[int, str]], *, dry_run: bool = False
) -> ImportReport:
    """Upsert every parsed row; with `dry_run` everything is rolled back at the end."""
    report = ImportReport()
    # A real run commits row by row (a crash keeps the rows done so far); a dry run
    # wraps everything in one transaction that is rolled back.
    with transaction.atomic() if dry_run else contextlib.nullcontext():
        for row in rows:
            if isinstance(row, tuple):
                report.rejected.append(row)
                continue
            try:
                outcome = upsert_row(row)
            except RowError as exc:
                report.rejected.append((row.line, str(exc)))
                continue
            getattr(report, outcome).append(row.line)
        if dry_run:
            # The same code path as a real run, so the report is exact; then undo it.
            transaction.set_rollback(True)
    return report


def guess_format(path) -> str:
    return "csv" if str(path).lower().endswith(".csv") else "jsonl"


def import_file(path, *, fmt: str | None = None, dry_run: bool = False) -> ImportReport:
    """Import a .jsonl or .csv file (format from `fmt`, else from the file's extension)."""
    fmt = fmt or guess_format(path)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    with open(path, "rb") as handle:
        return import_lines(_decoded_lines(handle), fmt=fmt, dry_run=dry_run)


def _decoded_lines(handle) -> Iterator[str]:
    # Line by line, so one undecodable line is rejected on its own (the parsers see
    # its bytes as lone surrogates) instead of failing the whole file.
    for number, raw in enumerate(handle, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        yield raw.decode("utf-8", errors="surrogateescape")


def import_lines(lines: Iterable[str], *, fmt: str, dry_run: bool = False) -> ImportReport:
    """Import from text lines (newlines kept) in `fmt` ("jsonl" or "csv")."""
    parser = parse_csv if fmt == "csv" else parse_jsonl
    return import_rows(parser(lines), dry_run=dry_run)
