"""Finding the catalog movie each imported row names: by IMDb or TMDB id, then by title
and year. A selector over the whole file: a few queries per thousand rows, never one per
row.

Titles compare case-insensitively (Python's casefold on both sides). The database is
asked for the titles as written and in lower case, since SQLite's LOWER() folds ASCII
only: "AMÉLIE" finds "Amélie" when the file writes it either way the catalog does, or in
ASCII case.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Q
from django.db.models.functions import Lower

from imports.formats import Row
from movies.models import Movie

# Rows per query: far below SQLite's 32,766 bound variables, and PostgreSQL plans an
# IN list of this size as one index scan per value.
BATCH = 1000
NOT_FOUND = "No movie in the catalog has this IMDb id, TMDB id, or title and year."


def _batches(values: Sequence, size: int = BATCH) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _key(title: str) -> str:
    return title.strip().casefold()


def match_movies(rows: Sequence[Row]) -> tuple[dict[int, int], dict[int, str]]:
    """({row line: movie id}, {row line: why it has none}) for `rows`."""
    by_imdb, by_tmdb = {}, {}
    imdb_ids = sorted({row.imdb_id for row in rows if row.imdb_id})
    tmdb_ids = sorted({row.tmdb_id for row in rows if row.tmdb_id})
    for batch in _batches(imdb_ids):
        by_imdb.update(Movie.objects.filter(imdb_id__in=batch).values_list("imdb_id", "pk"))
    for batch in _batches(tmdb_ids):
        by_tmdb.update(Movie.objects.filter(tmdb_id__in=batch).values_list("tmdb_id", "pk"))

    found: dict[int, int] = {}
    by_title: list[Row] = []
    for row in rows:
        pk = by_imdb.get(row.imdb_id) or by_tmdb.get(row.tmdb_id)
        if pk:
            found[row.line] = pk
        else:
            by_title.append(row)

    # title (casefolded) -> [(year, pk)]
    candidates: dict[str, list[tuple[int | None, int]]] = defaultdict(list)
    titles = sorted({row.title.strip() for row in by_title})
    seen: set[int] = set()
    for batch in _batches(titles, BATCH // 2):
        lowered = sorted({title.lower() for title in batch})
        movies = (
            Movie.objects.annotate(lower_title=Lower("title"))
            .filter(Q(title__in=batch) | Q(lower_title__in=lowered))
            .values_list("pk", "title", "release_date")
        )
        for pk, title, released in movies:
            if pk not in seen:
                seen.add(pk)
                candidates[_key(title)].append((released.year if released else None, pk))

    missing: dict[int, str] = {}
    for row in by_title:
        movies = candidates.get(_key(row.title), [])
        if row.year is not None:
            movies = [movie for movie in movies if movie[0] == row.year]
        if len(movies) == 1:
            found[row.line] = movies[0][1]
        elif movies:
            missing[row.line] = (
                f"{len(movies)} movies in the catalog have this title"
                + (" and year" if row.year is not None else "")
                + "; the row needs an IMDb or TMDB id."
            )
        else:
            missing[row.line] = NOT_FOUND
    return found, missing
