"""Reads of a person's filmography: their cast and crew credits, newest movie first.

Both doors read the same two querysets (filter, join, order): the REST person detail
lists them whole as plain rows (`person_credits`), GraphQL pages them as model instances
(`actor(id) { castCredits crewCredits }`). Each is one query whatever the number of
credits: the movie comes joined, with only the columns a credit shows
(`shapes.CREDIT_MOVIE`: id, title, year, poster) unless GraphQL's selection reads more.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import F, QuerySet

from movies.models import Casting, CrewCredit, Movie
from movies.shapes import CREDIT_MOVIE

# Newest first: by release date (unknown dates last), then the movie added last, then
# a movie's own order of credits (a person may hold several crew jobs on one movie).
NEWEST_FIRST = (
    F("movie__release_date").desc(nulls_last=True),
    F("movie_id").desc(),
    "order",
    "id",
)
# The movie columns a credit shows (id, title, release date for the year, poster).
CREDIT_MOVIE_COLUMNS = CREDIT_MOVIE.columns()


def person_cast_credits(
    *, person_id: int, movie_columns: Iterable[str] | None = CREDIT_MOVIE_COLUMNS
) -> QuerySet[Casting]:
    """The person's parts (character, billing order), each with its movie, newest first.

    `movie_columns`: the Movie columns to load (None: all of them; GraphQL passes what
    its selection reads)."""
    queryset = Casting.objects.filter(actor_id=person_id)
    return _with_movie(queryset, ("character", "order"), movie_columns)


def person_crew_credits(
    *, person_id: int, movie_columns: Iterable[str] | None = CREDIT_MOVIE_COLUMNS
) -> QuerySet[CrewCredit]:
    """The person's crew jobs (department, job), each with its movie, newest first."""
    queryset = CrewCredit.objects.filter(person_id=person_id)
    return _with_movie(queryset, ("department", "job", "order"), movie_columns)


def _with_movie(queryset, own: tuple[str, ...], movie_columns) -> QuerySet:
    queryset = queryset.select_related("movie").order_by(*NEWEST_FIRST)
    if movie_columns is None:
        return queryset
    movie = tuple(f"movie__{column}" for column in movie_columns if column != "id")
    return queryset.only(*own, "movie", *movie)


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A stored file's name, read as a FieldFile reads it (`name`, `url`)."""

    name: str

    @property
    def url(self) -> str:
        return _POSTER_STORAGE.url(self.name)


@dataclass(frozen=True, slots=True)
class CreditMovie:
    """The movie of a credit: the columns `shapes.CREDIT_MOVIE` reads."""

    id: int
    title: str
    release_date: date | None
    poster: StoredFile | None


@dataclass(frozen=True, slots=True)
class CastRow:
    """A part the person played (the Casting's values)."""

    movie: CreditMovie
    character: str
    order: int


@dataclass(frozen=True, slots=True)
class CrewRow:
    """A crew job the person held (the CrewCredit's values)."""

    movie: CreditMovie
    job: str
    department: str


@dataclass(frozen=True, slots=True)
class Credits:
    """A person's whole filmography, as the REST person detail shows it."""

    cast: list[CastRow]
    crew: list[CrewRow]


_POSTER_STORAGE = Movie._meta.get_field("poster").storage
_MOVIE_VALUES = ("movie_id", "movie__title", "movie__release_date", "movie__poster")


def person_credits(*, person_id: int) -> Credits:
    """Every cast and crew credit of the person, from the querysets above as plain rows:
    two queries however many credits. Model instances cost about 20 µs a credit (a
    Casting and a Movie each), most of a 500-credit page (bench/README.md)."""
    cast = person_cast_credits(person_id=person_id).values_list(
        *_MOVIE_VALUES, "character", "order"
    )
    crew = person_crew_credits(person_id=person_id).values_list(*_MOVIE_VALUES, "job", "department")
    return Credits(
        cast=[CastRow(_movie(row), row[4], row[5]) for row in cast],
        crew=[CrewRow(_movie(row), row[4], row[5]) for row in crew],
    )


def _movie(row: tuple) -> CreditMovie:
    movie_id, title, released, poster = row[:4]
    return CreditMovie(movie_id, title, released, StoredFile(poster) if poster else None)
