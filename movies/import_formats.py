"""Reading movie import files: JSON Lines and CSV rows into `MovieRow`s (with TMDB's
credits: cast, crew and what they say of their people).

The two formats are described in `movies.importers` (and data/README.md). A row that
cannot be read becomes `(line number, reason)`; nothing here touches the database.
"""

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.dateparse import parse_date

from core.ids import is_id_text
from movies.filters import MAX_TMDB_ID
from movies.models import DEPARTMENTS, PERSON_DEPARTMENTS, RUNTIME_MAX
from movies.services.inputs import MAX_LINKS, UNSET

FORMATS = ("jsonl", "csv")
CSV_COLUMNS = [
    "tmdb_id", "imdb_id", "title", "overview", "release_date", "genres", "cast", "runtime",
]  # fmt: skip
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
    runtime: Any = ABSENT  # minutes; None: unknown
    keywords: Any = ABSENT  # list[str]
    crew: Any = ABSENT  # list[tuple[name, job, department]], the order kept
    # What the credits say of their people, by lower-case name (JSON Lines only).
    people: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PersonInfo:
    """A credit's person as TMDB's credits describe them: its id and department."""

    tmdb_id: int | None = None
    known_for_department: str = ""


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


def _runtime(value):
    """TMDB's `runtime` (minutes). TMDB writes 0 when it does not know, so 0, null and an
    empty cell leave the movie's runtime as it is (as other empty fields do)."""
    if value is None:
        return ABSENT
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return ABSENT
        if not value.isdigit():
            raise RowError(f"runtime: {value!r} is not a whole number of minutes")
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= RUNTIME_MAX:
        raise RowError(f"runtime: {value!r} is not a whole number of minutes 0-{RUNTIME_MAX}")
    return value or ABSENT


def _first_per_name(items: Iterable, name=lambda item: item) -> list:
    # Names compare regardless of case: "drama" and "Drama" are one genre, one actor.
    seen, out = set(), []
    for item in items:
        if name(item).lower() not in seen:
            seen.add(name(item).lower())
            out.append(item)
    return out


def _unique_names(names: Iterable[str]) -> list[str]:
    return _first_per_name(names)


def _json_genres(value, label: str = "genres"):
    if value is None:
        return ABSENT
    if not isinstance(value, list):
        raise RowError(f"{label}: must be a list")
    names = []
    for index, item in enumerate(value):
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip():
            raise RowError(f"{label}[{index}]: needs a name")
        names.append(name.strip())
    return _unique_names(names)


def _json_keywords(value):
    """TMDB's `keywords`: `[{id, name}]`, or `{"keywords": [...]}` as its
    append_to_response=keywords nests them; names only (ids are TMDB's, not ours)."""
    if isinstance(value, dict):
        value = value.get("keywords")
    return _json_genres(value, "keywords")


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


def _person_info(item: dict, where: str) -> PersonInfo | None:
    """The TMDB id and known_for_department of a credit's person, if it gives them."""
    tmdb_id = _tmdb_id(item.get("id"))
    department = _text(item.get("known_for_department"), f"{where}.known_for_department")
    if department and department not in PERSON_DEPARTMENTS:
        department = ""  # a department this catalog does not know: not recorded
    if tmdb_id is ABSENT and not department:
        return None
    return PersonInfo(None if tmdb_id is ABSENT else tmdb_id, department)


def _json_people(credits) -> dict:
    """{lower-case name: PersonInfo} of every credit (cast and crew) that says more."""
    people = {}
    for key in ("cast", "crew"):
        items = credits.get(key) if isinstance(credits, dict) else None
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                info = _person_info(item, f"credits.{key}[{index}]")
                if info is not None:
                    people.setdefault(item["name"].strip().lower(), info)
    return people


def _json_crew(credits):
    """TMDB's `credits.crew` ({name, job, department}) as (name, job, department), in
    order, each person once per job: only the jobs of movies.models.DEPARTMENTS (TMDB
    lists hundreds), at most MAX_LINKS of them."""
    if not isinstance(credits, dict) or credits.get("crew") is None:
        return ABSENT
    crew = credits["crew"]
    if not isinstance(crew, list):
        raise RowError("credits.crew: must be a list")
    entries, seen = [], set()
    for index, item in enumerate(crew):
        if not isinstance(item, dict):
            raise RowError(f"credits.crew[{index}]: must be an object")
        name = _text(item.get("name"), f"credits.crew[{index}].name", required=True)
        job = _text(item.get("job"), f"credits.crew[{index}].job")
        department = _text(item.get("department"), f"credits.crew[{index}].department")
        if job in DEPARTMENTS.get(department, ()) and (name.lower(), job) not in seen:
            seen.add((name.lower(), job))
            entries.append((name, job, department))
    return entries[:MAX_LINKS]


def _dedupe_cast(entries):
    # An actor appears once per movie (casting_unique): keep the top-billed part.
    return _first_per_name(sorted(entries, key=lambda e: e[2]), name=lambda e: e[0])


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
                    runtime=_runtime(data.get("runtime")),
                    crew=_json_crew(data.get("credits")),
                    people=_json_people(data.get("credits")),
                    keywords=_json_keywords(data.get("keywords")),
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
                    runtime=_runtime(cells["runtime"]) if "runtime" in cells else ABSENT,
                )
            )
        except RowError as exc:
            yield start, str(exc)
