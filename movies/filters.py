"""The catalog's list filters: one FilterSet per list, shared by REST and GraphQL.

Selectors apply these (`movies.selectors.movie_list(filters=...)`); the REST views and
the GraphQL resolvers only pass the caller's arguments through, under the names
below. An invalid value is reported by field name, never silently ignored.

Filters on genres, actors and crew use `id IN (subquery)` rather than joins, so a movie that
matches twice is still listed once and no DISTINCT is needed.
"""

import django_filters as filters
from django import forms
from django.db.models import F, Q
from django_filters.constants import EMPTY_VALUES

from core.ids import MAX_DB_ID, to_db_id
from movies import discover_filters as discover
from movies.models import (
    RATING_MAX,
    RATING_MIN,
    RUNTIME_MAX,
    Actor,
    Casting,
    CrewCredit,
    Genre,
    Movie,
    Review,
)

# Bounds of the columns the numeric filters compare with; a larger number is a 400
# naming the filter instead of an overflow inside the database driver.
MAX_TMDB_ID = 2_147_483_647


class IntegerFilter(filters.NumberFilter):
    """A NumberFilter that accepts whole numbers only."""

    field_class = forms.IntegerField


class TermsFilter(filters.CharFilter):
    """A filter taking `a,b` (all of them) or `a|b` (any of them): movies/discover_filters.py."""

    field_class = discover.TermsField


class StableOrderingFilter(filters.OrderingFilter):
    """OrderingFilter that always ends with an `id` tie-break, so pages never overlap.

    The tie-break follows the direction of the last requested key, e.g.
    `-average_rating` orders by (-average_rating, -id). Keys in `nulls_last` put NULLs
    last in both directions (an unrated movie is neither the best nor the worst).
    """

    def __init__(self, *args, nulls_last: frozenset[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.nulls_last = nulls_last

    def _order_key(self, key: str):
        column = key.lstrip("-")
        if column not in self.nulls_last:
            return key
        column = F(column)
        return column.desc(nulls_last=True) if key.startswith("-") else column.asc(nulls_last=True)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        ordering = [self.get_ordering_value(param) for param in value if param]
        if not ordering:
            return qs
        if not any(key.lstrip("-") == "id" for key in ordering):
            ordering.append("-id" if ordering[-1].startswith("-") else "id")
        return qs.order_by(*(self._order_key(key) for key in ordering))


def _id_or_name(value: str) -> tuple[int | None, str]:
    """A numeric value is an id (when it fits the column), anything else a name."""
    value = value.strip()
    return to_db_id(value), value


def _movies_in_genre(value: str):
    """Ids of the movies in a genre given by id or by name (exact, any case); None for
    an empty value."""
    genre_id, text = _id_or_name(value)
    if not text:
        return None
    links = Movie.genres.through.objects
    if genre_id is not None:
        return links.filter(genre_id=genre_id).values("movie_id")
    return links.filter(genre__name__iexact=text).values("movie_id")


# The job the `director` filter looks for (TMDB's Directing / Director).
DIRECTOR_JOB = "Director"


def _movies_with_crew(person_id: int):
    """Ids of the movies where the person holds any crew job."""
    return CrewCredit.objects.filter(person_id=person_id).values("movie_id")


def _movies_directed_by(value: str):
    """Ids of the movies directed by a person given by id, or by part of a name (any
    case); None for an empty value."""
    person_id, text = _id_or_name(value)
    if not text:
        return None
    directors = CrewCredit.objects.filter(job=DIRECTOR_JOB)
    if person_id is not None:
        return directors.filter(person_id=person_id).values("movie_id")
    return directors.filter(person__name__icontains=text).values("movie_id")


class MovieFilterSet(filters.FilterSet):
    """Filters of the movie list: search, relations, rating, year, ids, ordering."""

    search = filters.CharFilter(
        method="filter_search",
        max_length=200,
        label="Case-insensitive text search in title and plot.",
    )
    title = filters.CharFilter(
        field_name="title",
        lookup_expr="icontains",
        max_length=255,
        label="Case-insensitive substring of the title.",
    )
    genre = TermsFilter(
        method="filter_genre",
        max_length=1000,
        label="Genre ids or names (exact, case-insensitive): 1,2 = in all of them, "
        "1|2 = in any of them.",
    )
    actor = filters.CharFilter(
        method="filter_actor",
        max_length=200,
        label="Actor id, or part of an actor's name (case-insensitive).",
    )
    crew = IntegerFilter(
        method="filter_crew",
        min_value=1,
        max_value=MAX_DB_ID,
        label="Person id: movies where they hold any crew job.",
    )
    director = filters.CharFilter(
        method="filter_director",
        max_length=200,
        label="Director: person id, or part of the name (case-insensitive).",
    )
    # An unrated movie's average is NULL, which no comparison matches: both filters
    # leave unrated movies out (`max_rating=1` is not "every unrated movie").
    min_rating = filters.NumberFilter(
        field_name="average_rating",
        lookup_expr="gte",
        min_value=0,
        max_value=float(RATING_MAX),
        label=f"Average rating at least this (0-{RATING_MAX}); unrated movies never match.",
    )
    max_rating = filters.NumberFilter(
        field_name="average_rating",
        lookup_expr="lte",
        min_value=0,
        max_value=float(RATING_MAX),
        label=f"Average rating at most this (0-{RATING_MAX}); unrated movies never match.",
    )
    year = IntegerFilter(
        field_name="release_date",
        lookup_expr="year",
        min_value=1,
        max_value=9999,
        label="Release year.",
    )
    min_year = IntegerFilter(
        field_name="release_date",
        lookup_expr="year__gte",
        min_value=1,
        max_value=9999,
        label="Released in this year or later.",
    )
    max_year = IntegerFilter(
        field_name="release_date",
        lookup_expr="year__lte",
        min_value=1,
        max_value=9999,
        label="Released in this year or earlier.",
    )
    # The discover filters (TMDB's /discover/movie): movies/discover_filters.py.
    without_genre = TermsFilter(
        method="filter_without_genre",
        max_length=1000,
        label="Leave out movies in any of these genres (ids or names, , or | separated).",
    )
    keyword = TermsFilter(
        method="filter_keyword",
        max_length=2000,
        label="Keyword ids or names (exact, case-insensitive): 1,2 = all of them, "
        "1|2 = any of them.",
    )
    person = TermsFilter(
        method="filter_person",
        max_length=500,
        ids_only=True,
        label="Person ids, in the cast or the crew: 1,2 = all of them, 1|2 = any of them.",
    )
    min_rating_count = IntegerFilter(
        field_name="rating_count",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_TMDB_ID,
        label="At least this many ratings.",
    )
    runtime_min = IntegerFilter(
        field_name="runtime",
        lookup_expr="gte",
        min_value=1,
        max_value=RUNTIME_MAX,
        label="Runs at least this many minutes; movies of unknown runtime never match.",
    )
    runtime_max = IntegerFilter(
        field_name="runtime",
        lookup_expr="lte",
        min_value=1,
        max_value=RUNTIME_MAX,
        label="Runs at most this many minutes; movies of unknown runtime never match.",
    )
    imdb_id = filters.CharFilter(
        field_name="imdb_id", max_length=12, label="IMDb id, e.g. tt0133093."
    )
    tmdb_id = IntegerFilter(
        field_name="tmdb_id", min_value=1, max_value=MAX_TMDB_ID, label="TMDB id."
    )
    ordering = StableOrderingFilter(
        fields=(
            "title",
            "release_date",
            "average_rating",
            "review_count",
            "created_at",
        ),
        nulls_last=frozenset({"average_rating"}),
        label="Order by title, release_date, average_rating (unrated movies last either "
        "way), review_count or created_at; prefix with - for descending; "
        "comma-separate several keys.",
    )

    class Meta:
        model = Movie
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(plot__icontains=value))

    def filter_genre(self, queryset, name, value):
        return discover.filter_genres(queryset, value)

    def filter_without_genre(self, queryset, name, value):
        return discover.filter_without_genres(queryset, value)

    def filter_keyword(self, queryset, name, value):
        return discover.filter_keywords(queryset, value)

    def filter_person(self, queryset, name, value):
        return discover.filter_people(queryset, value)

    def filter_actor(self, queryset, name, value):
        actor_id, text = _id_or_name(value)
        if not text:
            return queryset
        if actor_id is not None:
            castings = Casting.objects.filter(actor_id=actor_id)
        else:
            castings = Casting.objects.filter(actor__name__icontains=text)
        return queryset.filter(id__in=castings.values("movie_id"))

    def filter_crew(self, queryset, name, value):
        return queryset.filter(id__in=_movies_with_crew(value))

    def filter_director(self, queryset, name, value):
        movie_ids = _movies_directed_by(value)
        return queryset if movie_ids is None else queryset.filter(id__in=movie_ids)


class GenreFilterSet(filters.FilterSet):
    """Filter of the genre list: `name` (case-insensitive substring)."""

    name = filters.CharFilter(
        field_name="name",
        lookup_expr="icontains",
        max_length=50,
        label="Case-insensitive substring of the name.",
    )

    class Meta:
        model = Genre
        fields = []


class ActorFilterSet(filters.FilterSet):
    """Filter of the actor list: `name` (case-insensitive substring)."""

    name = filters.CharFilter(
        field_name="name",
        lookup_expr="icontains",
        max_length=200,
        label="Case-insensitive substring of the name.",
    )

    class Meta:
        model = Actor
        fields = []


class ReviewFilterSet(filters.FilterSet):
    """Filters of the review lists: movie, user, rating range, genre, text, ordering."""

    movie = IntegerFilter(
        field_name="movie_id", min_value=1, max_value=MAX_DB_ID, label="Movie id."
    )
    user = IntegerFilter(
        field_name="user_id", min_value=1, max_value=MAX_DB_ID, label="Author's user id."
    )
    rating = filters.NumberFilter(
        field_name="rating",
        min_value=float(RATING_MIN),
        max_value=float(RATING_MAX),
        label=f"Exactly this rating ({RATING_MIN}-{RATING_MAX}, half steps).",
    )
    min_rating = filters.NumberFilter(
        field_name="rating",
        lookup_expr="gte",
        min_value=float(RATING_MIN),
        max_value=float(RATING_MAX),
        label=f"Rating at least this ({RATING_MIN}-{RATING_MAX}).",
    )
    max_rating = filters.NumberFilter(
        field_name="rating",
        lookup_expr="lte",
        min_value=float(RATING_MIN),
        max_value=float(RATING_MAX),
        label=f"Rating at most this ({RATING_MIN}-{RATING_MAX}).",
    )
    genre = filters.CharFilter(
        method="filter_genre",
        max_length=50,
        label="Reviews of movies in this genre: id, or name (exact, case-insensitive).",
    )
    text = filters.CharFilter(
        field_name="text",
        lookup_expr="icontains",
        max_length=200,
        label="Case-insensitive substring of the review text.",
    )
    # The id tie-break (added by StableOrderingFilter) keeps pages and cursors stable.
    ordering = StableOrderingFilter(
        fields=("created_at", "updated_at", "rating"),
        label="Order by created_at, updated_at or rating; prefix with - for descending; "
        "default -created_at. Ties are broken by id.",
    )

    class Meta:
        model = Review
        fields = []

    def filter_genre(self, queryset, name, value):
        movie_ids = _movies_in_genre(value)
        return queryset if movie_ids is None else queryset.filter(movie_id__in=movie_ids)
