"""Import movies from a file: parse rows, then upsert each through the catalog services.

Two formats (data/README.md documents both):

- JSON Lines, one movie per line in TMDB's field names: `id` (the TMDB id), `imdb_id`,
  `title`, `overview` (the plot), `release_date` (YYYY-MM-DD), `genres` (a list of
  `{"id", "name"}` objects or of names) and `credits.cast` (a list of
  `{"name", "character", "order"}`).
- CSV with a header row: `tmdb_id,imdb_id,title,overview,release_date,genres,cast`;
  `genres` is `Drama|Crime`, `cast` is `Name:Character|Name:Character` in billing order.

The upsert key is the external id: `tmdb_id`, else `imdb_id`. Genres and actors are
found by name (case-insensitive) or created. A key that is missing (JSON) or an empty
cell (CSV) leaves the stored value alone when updating. Every row is written in its own
transaction, so a rejected row leaves nothing behind; a malformed row is reported with
its line number and skipped.
"""

import contextlib
import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_date

from movie_api.errors import Conflict
from movie_api.ids import is_id_text
from movies.filters import MAX_TMDB_ID
from movies.models import Actor, Genre, Movie
from movies.services.actors import actor_create
from movies.services.catalog import CastEntry, movie_create, movie_update
from movies.services.genres import genre_create
from movies.services.inputs import UNSET

FORMATS = ("jsonl", "csv")
CSV_COLUMNS = ["tmdb_id", "imdb_id", "title", "overview", "release_date", "genres", "cast"]
# Sentinel for "the row does not say": keep the stored value.
ABSENT: Any = UNSET


class RowError(Exception):
    """A row that cannot be imported; the message is the reason shown to the user."""


@dataclass
class MovieRow:
    """One parsed movie; fields left ABSENT were not in the row."""

    line: int
    title: str
    tmdb_id: Any = ABSENT
    imdb_id: Any = ABSENT
    plot: Any = ABSENT
    release_date: Any = ABSENT
    genres: Any = ABSENT  # list[str]
    cast: Any = ABSENT  # list[tuple[name, character, order]]


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


# --------------------------------------------------------------------------- parsing


def _text(value, name: str, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise RowError(f"{name}: must be a string")
    value = value.strip()
    if required and not value:
        raise RowError(f"{name}: is required")
    return value


def _tmdb_id(value):
    if value in (None, ""):
        return ABSENT
    if isinstance(value, str) and is_id_text(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_TMDB_ID:
        raise RowError(f"tmdb id: {value!r} is not a whole number from 1 to {MAX_TMDB_ID}")
    return value


def _imdb_id(value):
    if value in (None, ""):
        return ABSENT
    return _text(value, "imdb_id")


def _date(value):
    if value is None:
        return ABSENT
    text = _text(value, "release_date")
    if not text:
        return None
    try:
        parsed = parse_date(text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise RowError(f"release_date: {text!r} is not a date (YYYY-MM-DD)")
    return parsed


def _unique_names(names: Iterable[str]) -> list[str]:
    seen, out = set(), []
    for name in names:
        if name.lower() not in seen:
            seen.add(name.lower())
            out.append(name)
    return out


def _json_genres(value):
    if value is None:
        return ABSENT
    if not isinstance(value, list):
        raise RowError("genres: must be a list")
    names = []
    for index, item in enumerate(value):
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip():
            raise RowError(f"genres[{index}]: needs a name")
        names.append(name.strip())
    return _unique_names(names)


def _json_cast(credits):
    if credits is None:
        return ABSENT
    if not isinstance(credits, dict):
        raise RowError("credits: must be an object with `cast`")
    cast = credits.get("cast")
    if cast is None:
        return ABSENT
    if not isinstance(cast, list):
        raise RowError("credits.cast: must be a list")
    entries = []
    for index, item in enumerate(cast):
        if not isinstance(item, dict):
            raise RowError(f"credits.cast[{index}]: must be an object")
        name = _text(item.get("name"), f"credits.cast[{index}].name", required=True)
        character = _text(item.get("character"), f"credits.cast[{index}].character")
        order = item.get("order", index)
        if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 32767:
            raise RowError(f"credits.cast[{index}].order: must be a whole number 0-32767")
        entries.append((name, character, order))
    return _dedupe_cast(entries)


def _dedupe_cast(entries):
    # An actor appears once per movie (casting_unique): keep the top-billed part.
    entries = sorted(entries, key=lambda e: e[2])
    seen, out = set(), []
    for name, character, order in entries:
        if name.lower() not in seen:
            seen.add(name.lower())
            out.append((name, character, order))
    return out


def _check_decoded(text: str) -> None:
    if any("\udc80" <= char <= "\udcff" for char in text):
        raise RowError("not valid UTF-8")


def _require_key(row: MovieRow) -> MovieRow:
    if row.tmdb_id is ABSENT and row.imdb_id is ABSENT:
        raise RowError("no external id: give `id` (TMDB) or `imdb_id`")
    return row


def parse_jsonl(stream: Iterable[str]) -> Iterator[MovieRow | tuple[int, str]]:
    """Yield a MovieRow per good line, or (line number, reason) for a bad one."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            _check_decoded(line)
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RowError(f"invalid JSON: {exc.msg} at column {exc.colno}") from exc
            if not isinstance(data, dict):
                raise RowError("a line must hold one JSON object")
            yield _require_key(
                MovieRow(
                    line=number,
                    title=_text(data.get("title"), "title", required=True),
                    tmdb_id=_tmdb_id(data.get("id")),
                    imdb_id=_imdb_id(data.get("imdb_id")),
                    plot=ABSENT
                    if data.get("overview") is None
                    else _text(data["overview"], "overview"),
                    release_date=_date(data.get("release_date")),
                    genres=_json_genres(data.get("genres")),
                    cast=_json_cast(data.get("credits")),
                )
            )
        except RowError as exc:
            yield number, str(exc)


def _csv_cast(cell: str):
    entries = []
    for index, part in enumerate(p for p in cell.split("|") if p.strip()):
        name, _, character = part.partition(":")
        entries.append((_text(name, f"cast[{index}]", required=True), character.strip(), index))
    return _dedupe_cast(entries)


def parse_csv(stream: Iterable[str]) -> Iterator[MovieRow | tuple[int, str]]:
    """Yield a MovieRow per good CSV record, or (line number, reason) for a bad one."""
    reader = csv.reader(stream)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return
    except csv.Error as exc:
        yield 1, f"unreadable header: {exc}"
        return
    missing = [c for c in ("title",) if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown or not {"tmdb_id", "imdb_id"} & set(header):
        yield (
            1,
            (
                f"header must name columns from {','.join(CSV_COLUMNS)} "
                "including title and tmdb_id or imdb_id"
            ),
        )
        return
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, f"malformed CSV: {exc}"
            continue
        if not any(cell.strip() for cell in record):
            continue
        try:
            _check_decoded("".join(record))
            if len(record) != len(header):
                raise RowError(f"expected {len(header)} columns, got {len(record)}")
            cells = dict(zip(header, record, strict=True))
            genres = cells.get("genres", "")
            cast = cells.get("cast", "")
            yield _require_key(
                MovieRow(
                    line=start,
                    title=_text(cells["title"], "title", required=True),
                    tmdb_id=_tmdb_id(cells.get("tmdb_id")),
                    imdb_id=_imdb_id(cells.get("imdb_id")),
                    plot=_text(cells.get("overview"), "overview") or ABSENT,
                    release_date=_date(cells.get("release_date") or None),
                    genres=_unique_names(g.strip() for g in genres.split("|") if g.strip())
                    if genres.strip()
                    else ABSENT,
                    cast=_csv_cast(cast) if cast.strip() else ABSENT,
                )
            )
        except RowError as exc:
            yield start, str(exc)


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
    return Genre.objects.filter(name__iexact=name).first() or genre_create(name=name)


def _actor_for(name: str) -> Actor:
    # Actor names are not unique; the oldest row of that name is "the" actor.
    found = Actor.objects.filter(name__iexact=name).order_by("id").first()
    return found or actor_create(name=name)


def _current_state(movie: Movie) -> dict:
    return {
        "title": movie.title,
        "plot": movie.plot,
        "release_date": movie.release_date,
        "imdb_id": movie.imdb_id,
        "tmdb_id": movie.tmdb_id,
        "genres": sorted(g.lower() for g in movie.genres.values_list("name", flat=True)),
        "cast": [
            (name.lower(), character, order)
            for name, character, order in movie.castings.order_by("order", "id").values_list(
                "actor__name", "character", "order"
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
        "genres": ABSENT if row.genres is ABSENT else sorted(g.lower() for g in row.genres),
        "cast": ABSENT if row.cast is ABSENT else [(n.lower(), c, o) for n, c, o in row.cast],
    }
    return all(value is ABSENT or current[key] == value for key, value in wanted.items())


def _service_kwargs(row: MovieRow) -> dict:
    kwargs = {
        "title": row.title,
        "plot": row.plot,
        "release_date": row.release_date,
        "imdb_id": row.imdb_id,
        "tmdb_id": row.tmdb_id,
    }
    if row.genres is not ABSENT:
        kwargs["genre_ids"] = [_genre_for(name).pk for name in row.genres]
    if row.cast is not ABSENT:
        kwargs["cast"] = [
            CastEntry(actor_id=_actor_for(name).pk, character=character, order=order)
            for name, character, order in row.cast
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
                movie_create(**kwargs)
                return "created"
            movie_update(movie=movie, **kwargs)
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
