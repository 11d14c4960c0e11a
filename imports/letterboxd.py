"""The account's history as Letterboxd's own files: a zip of diary.csv, ratings.csv and
watchlist.csv (GET /api/users/me/export/?format=letterboxd).

The columns are those of Letterboxd's export (Date, Name, Year, Letterboxd URI, Rating,
Rewatch, Tags, Watched Date), so Letterboxd's importer and ours read the files back,
plus `tmdbID` and `imdbID`, the names Letterboxd's import format gives the ids, so
either importer matches a movie by id before its title. `Letterboxd URI` stays empty:
the catalog does not know Letterboxd's addresses. `Date` (when Letterboxd logged a
watch) is the entry's `created_at` day; for ratings and the watchlist, when the rating
changed or the movie was put on the list.

Four queries whatever the amount of data (the entries with their movies and tags, the
ratings, the watchlist).
"""

import csv
import io
import zipfile
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from diary.models import DiaryEntry, DiaryTag
from lists.models import MovieListEntry
from movies.models import Rating

BASE = ["Date", "Name", "Year", "Letterboxd URI"]
IDS = ["tmdbID", "imdbID"]
DIARY_COLUMNS = [*BASE, "Rating", "Rewatch", "Tags", "Watched Date", *IDS]
RATINGS_COLUMNS = [*BASE, "Rating", *IDS]
WATCHLIST_COLUMNS = [*BASE, *IDS]


def _day(moment) -> str:
    return timezone.localtime(moment).date().isoformat()


def _rating(value: Decimal | None) -> str:
    """Letterboxd writes 4 and 4.5, not 4.0."""
    if value is None:
        return ""
    return f"{value.normalize():f}"


def _movie(movie) -> dict:
    return {
        "Name": movie.title,
        "Year": movie.release_date.year if movie.release_date else "",
        "Letterboxd URI": "",
        "tmdbID": movie.tmdb_id or "",
        "imdbID": movie.imdb_id or "",
    }


def _csv(columns: list[str], records) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue().encode("utf-8")


def letterboxd_files(*, user) -> dict[str, bytes]:
    """{file name: CSV bytes} of the user's diary, ratings and watchlist, oldest first."""
    entries = (
        DiaryEntry.objects.of(user)
        .select_related("movie")
        .prefetch_related(Prefetch("tags", queryset=DiaryTag.objects.order_by("id")))
        .order_by("watched_on", "id")
    )
    diary = [
        {
            "Date": _day(entry.created_at),
            **_movie(entry.movie),
            "Rating": _rating(entry.rating),
            "Rewatch": "Yes" if entry.rewatch else "",
            "Tags": ", ".join(tag.name for tag in entry.tags.all()),
            "Watched Date": entry.watched_on.isoformat(),
        }
        for entry in entries
    ]
    ratings = [
        {"Date": _day(rating.updated_at), **_movie(rating.movie), "Rating": _rating(rating.value)}
        for rating in Rating.objects.filter(user=user)
        .select_related("movie")
        .order_by("updated_at", "id")
    ]
    watchlist = [
        {"Date": _day(entry.added_at), **_movie(entry.movie)}
        for entry in MovieListEntry.objects.of(user, MovieListEntry.Kind.WATCHLIST)
        .select_related("movie")
        .in_list_order()
    ]
    return {
        "diary.csv": _csv(DIARY_COLUMNS, diary),
        "ratings.csv": _csv(RATINGS_COLUMNS, ratings),
        "watchlist.csv": _csv(WATCHLIST_COLUMNS, watchlist),
    }


def letterboxd_zip(*, user) -> bytes:
    """The zip answered by GET /api/users/me/export/?format=letterboxd."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in letterboxd_files(user=user).items():
            archive.writestr(name, content)
    return buffer.getvalue()
