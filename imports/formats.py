"""Reading the history files of other services into rows: pure functions, no database.

The format is recognised from the content, never from the file name:

- `letterboxd-diary`: a CSV header with `Name`, `Year`, `Letterboxd URI` and
  `Watched Date`; each row is a diary entry.
- `letterboxd-ratings`: the same without `Watched Date`, with `Rating`; a rating.
- `letterboxd-watchlist`: `Date`, `Name`, `Year`, `Letterboxd URI` only; a watchlist entry.
- `imdb-ratings`: a CSV header with `Const` and `Your Rating`; a rating (1-10 halved).
- `trakt-history`: a JSON array of objects with `watched_at`; a diary entry.

Letterboxd's files also may carry `tmdbID` / `imdbID` columns (its import format names
them so; our own Letterboxd export writes them), which then match before the title.
A row that cannot be read becomes a `Problem` with its line (the CSV line the record
starts on, the header being line 1; for JSON, the entry's place in the array from 1)
and the reason; the other rows still import.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date
from decimal import Decimal
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date, parse_datetime

from core.errors import field_error
from diary.models import TAG_MAX_LENGTH
from diary.services import MAX_TAGS, WATCHED_IN_FUTURE_MESSAGE, latest_today
from imports.errors import ImportErrorCode
from movies.services.ratings import RATING_MESSAGE, rating_clean

IMDB_ID = re.compile(r"^tt\d{1,10}$")
MAX_TITLE = 255
UNKNOWN_FORMAT_MESSAGE = (
    "This file is not one the import reads: send Letterboxd's diary.csv, ratings.csv or "
    "watchlist.csv, IMDb's ratings.csv, or Trakt's history JSON."
)


class Format(StrEnum):
    LETTERBOXD_DIARY = "letterboxd-diary"
    LETTERBOXD_RATINGS = "letterboxd-ratings"
    LETTERBOXD_WATCHLIST = "letterboxd-watchlist"
    IMDB_RATINGS = "imdb-ratings"
    TRAKT_HISTORY = "trakt-history"


class Target(StrEnum):
    """What a format's rows become here."""

    DIARY = "diary"
    RATING = "rating"
    WATCHLIST = "watchlist"


TARGETS = {
    Format.LETTERBOXD_DIARY: Target.DIARY,
    Format.LETTERBOXD_RATINGS: Target.RATING,
    Format.LETTERBOXD_WATCHLIST: Target.WATCHLIST,
    Format.IMDB_RATINGS: Target.RATING,
    Format.TRAKT_HISTORY: Target.DIARY,
}


class RowError(Exception):
    """A row that cannot be imported; the message is the reason the report shows."""


@dataclass
class Row:
    """One readable row: how to find the movie, and what to record about it."""

    line: int
    title: str
    year: int | None = None
    imdb_id: str | None = None
    tmdb_id: int | None = None
    watched_on: date | None = None
    rating: Decimal | None = None
    rewatch: bool = False
    tags: list[str] = field(default_factory=list)


@dataclass
class Problem:
    """A row left out: its line, what it named, and why."""

    line: int
    title: str
    year: int | None
    reason: str

    def as_dict(self) -> dict:
        return {"line": self.line, "title": self.title, "year": self.year, "reason": self.reason}


@dataclass
class Parsed:
    format: Format
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def target(self) -> Target:
        return TARGETS[self.format]


class TooManyRows(Exception):
    """More rows than the import takes (the caller answers 413 with the figure)."""


# --------------------------------------------------------------------------- cells


def _year(value) -> int | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not text.isdigit() or not 1870 <= int(text) <= 2200:
        raise RowError(f"Year: {value!r} is not a year.")
    return int(text)


def _date(value, column: str) -> date:
    text = (value or "").strip()
    if not text:
        raise RowError(f"{column}: is empty.")
    try:
        parsed = parse_date(text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise RowError(f"{column}: {text!r} is not a date (YYYY-MM-DD).")
    return parsed


def _watched(day: date, column: str) -> date:
    """The diary's rule: a watch is not after today anywhere on Earth."""
    if day > latest_today():
        raise RowError(f"{column}: {day.isoformat()}. {WATCHED_IN_FUTURE_MESSAGE}")
    return day


def _rating(value, column: str) -> Decimal | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return rating_clean(text)
    except ValidationError:
        raise RowError(f"{column}: {text!r} is not a rating. {RATING_MESSAGE}") from None


def _imdb_id(value) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if not IMDB_ID.match(text):
        raise RowError(f"IMDb id: {text!r} is not an IMDb title id (tt0000000).")
    return text


def _tmdb_id(value) -> int | None:
    text = str(value).strip() if value is not None else ""
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) < 2**31:
        raise RowError(f"TMDB id: {text!r} is not a TMDB id.")
    return int(text)


def _title(value, column: str) -> str:
    if not isinstance(value, str | None):
        raise RowError(f"{column}: must be text.")
    text = (value or "").strip()
    if not text:
        raise RowError(f"{column}: is empty.")
    return text[:MAX_TITLE]


def _yes(value) -> bool:
    text = (value or "").strip().lower()
    if text in ("", "no", "false"):
        return False
    if text in ("yes", "true"):
        return True
    raise RowError(f"Rewatch: {value!r} is not Yes or empty.")


def _tags(value) -> list[str]:
    tags = []
    for tag in (value or "").split(","):
        tag = tag.strip()[:TAG_MAX_LENGTH]
        if tag and tag not in tags:
            tags.append(tag)
    return tags[:MAX_TAGS]


# --------------------------------------------------------------------------- formats


def _letterboxd(record: dict, line: int, fmt: Format) -> Row:
    row = Row(
        line=line,
        title=_title(record.get("Name"), "Name"),
        year=_year(record.get("Year")),
        imdb_id=_imdb_id(record.get("imdbID")),
        tmdb_id=_tmdb_id(record.get("tmdbID")),
    )
    if fmt is Format.LETTERBOXD_DIARY:
        # Letterboxd's `Date` is when the entry was logged; `Watched Date` the watch.
        watched = record.get("Watched Date") or record.get("Date")
        row.watched_on = _watched(_date(watched, "Watched Date"), "Watched Date")
        row.rating = _rating(record.get("Rating"), "Rating")
        row.rewatch = _yes(record.get("Rewatch"))
        row.tags = _tags(record.get("Tags"))
    elif fmt is Format.LETTERBOXD_RATINGS:
        row.rating = _rating(record.get("Rating"), "Rating")
        if row.rating is None:
            raise RowError("Rating: is empty.")
    return row


NOT_MOVIES = ("series", "episode", "podcast", "game")


def _imdb(record: dict, line: int) -> Row:
    row = Row(
        line=line,
        title=_title(record.get("Title"), "Title"),
        year=_year(record.get("Year")),
        imdb_id=_imdb_id(record.get("Const")),
    )
    kind = (record.get("Title Type") or "").strip()
    if any(word in kind.lower() for word in NOT_MOVIES):
        raise RowError(f"Title Type: {kind} is not a movie.")
    score = (record.get("Your Rating") or "").strip()
    if not score:
        raise RowError("Your Rating: is empty.")
    if not score.isdigit() or not 1 <= int(score) <= 10:
        raise RowError(f"Your Rating: {score!r} is not a whole number from 1 to 10.")
    # IMDb's 1-10 are half stars here: 7 -> 3.5, 10 -> 5.0.
    row.rating = Decimal(int(score)) / 2
    return row


def _trakt(item, line: int) -> Row:
    if not isinstance(item, dict):
        raise RowError("Entry: must be an object.")
    if item.get("type", "movie") != "movie" or not isinstance(item.get("movie"), dict):
        raise RowError(f"type: {item.get('type')!r} is not a movie.")
    movie = item["movie"]
    ids = movie.get("ids") if isinstance(movie.get("ids"), dict) else {}
    row = Row(line=line, title=_title(movie.get("title"), "movie.title"))
    row.year = _year(movie.get("year"))
    row.imdb_id = _imdb_id(ids.get("imdb") if isinstance(ids.get("imdb"), str) else None)
    row.tmdb_id = _tmdb_id(ids.get("tmdb"))
    text = item.get("watched_at")
    moment = parse_datetime(text) if isinstance(text, str) else None
    if moment is None:
        raise RowError(f"watched_at: {text!r} is not a date and time (ISO 8601).")
    # Trakt writes UTC; the day of the watch is the UTC day (docs: README, "Import").
    day = (moment.astimezone(UTC) if moment.tzinfo else moment).date()
    row.watched_on = _watched(day, "watched_at")
    return row


def _problem(line: int, record, error: RowError) -> Problem:
    """A Problem naming what the row names, as far as it can be read."""
    title, year = "", None
    if isinstance(record, dict):
        source = record.get("movie") if isinstance(record.get("movie"), dict) else record
        for key in ("Name", "Title", "title"):
            if isinstance(source.get(key), str):
                title = source[key].strip()[:MAX_TITLE]
                break
        try:
            year = _year(source.get("Year", source.get("year")))
        except RowError:
            year = None
    return Problem(line=line, title=title, year=year, reason=str(error))


# --------------------------------------------------------------------------- the file


def _csv_format(header: list[str]) -> Format | None:
    columns = {name.strip() for name in header}
    if {"Const", "Your Rating"} <= columns:
        return Format.IMDB_RATINGS
    if {"Name", "Year", "Letterboxd URI"} <= columns:
        if "Watched Date" in columns:
            return Format.LETTERBOXD_DIARY
        if "Rating" in columns:
            return Format.LETTERBOXD_RATINGS
        return Format.LETTERBOXD_WATCHLIST
    return None


def _unknown():
    return field_error("file", UNKNOWN_FORMAT_MESSAGE, ImportErrorCode.UNKNOWN_FORMAT)


def _parse_csv(text: str, max_rows: int) -> Parsed:
    # strict: an unclosed quote is an error, not a title that swallows the rest of the file
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error:
        raise _unknown() from None
    fmt = _csv_format(header or [])
    if fmt is None:
        raise _unknown()
    header = [name.strip() for name in header]
    parsed = Parsed(format=fmt)
    while True:
        line = reader.line_num + 1  # the line this record starts on
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            parsed.problems.append(Problem(line, "", None, f"The row is not valid CSV: {error}."))
            break  # the csv reader cannot resynchronise after a broken quote
        if not any(cell.strip() for cell in cells):
            continue  # a blank line (Letterboxd ends some files with one)
        if len(parsed.rows) + len(parsed.problems) >= max_rows:
            raise TooManyRows()
        record = dict(zip(header, cells, strict=False))
        try:
            if len(cells) != len(header):
                raise RowError(f"The row has {len(cells)} cells; the header has {len(header)}.")
            if fmt is Format.IMDB_RATINGS:
                parsed.rows.append(_imdb(record, line))
            else:
                parsed.rows.append(_letterboxd(record, line, fmt))
        except RowError as error:
            parsed.problems.append(_problem(line, record, error))
    return parsed


def _parse_json(text: str, max_rows: int) -> Parsed:
    try:
        items = json.loads(text)
    except (ValueError, RecursionError):
        raise _unknown() from None
    looks_like_trakt = isinstance(items, list) and all(
        isinstance(item, dict) and "watched_at" in item for item in items[:20]
    )
    if not looks_like_trakt:
        raise _unknown()
    if len(items) > max_rows:
        raise TooManyRows()
    parsed = Parsed(format=Format.TRAKT_HISTORY)
    for position, item in enumerate(items, start=1):
        try:
            parsed.rows.append(_trakt(item, position))
        except RowError as error:
            parsed.problems.append(_problem(position, item, error))
    return parsed


def parse(data: bytes, *, max_rows: int) -> Parsed:
    """Recognise the format of `data` and read its rows.

    Raises a ValidationError on `file` when the content is no format the import reads,
    and TooManyRows past `max_rows` data rows.
    """
    try:
        text = data.decode("utf-8-sig")  # -sig: Excel and some exports start with a BOM
        if "\x00" in text:
            # a binary file; PostgreSQL could not store the NUL in a title either
            raise UnicodeDecodeError("utf-8", data, 0, 1, "NUL")
    except UnicodeDecodeError:
        raise field_error("file", "The file is not UTF-8 text.", ImportErrorCode.NOT_TEXT) from None
    start = text.lstrip()[:1]
    if start in ("[", "{"):
        return _parse_json(text, max_rows)
    return _parse_csv(text, max_rows)
