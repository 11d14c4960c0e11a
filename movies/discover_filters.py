"""The movie list's discover filters (TMDB's /discover/movie conventions).

`genre`, `keyword` and `person` take one value or several: `1,2` means all of them
and `1|2` any of them (TMDB's convention); `without_genre` leaves out movies in any of
the genres given. A genre or keyword is named by id or by name (exact, any case); a
person by id, and matches a movie they are in the cast or the crew of.

Every filter here is a subquery (`id IN (...)`), so a movie that matches twice is listed
once, no DISTINCT is needed, and any combination is still one statement: the list's
query count does not change (movies/tests/api/test_discover_filters.py pins it).
`movies.filters.MovieFilterSet` declares the filters; the functions here do the work.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django import forms
from django.db.models import Q

from core.errors import CommonErrorCode
from core.ids import to_db_id
from movies.models import Casting, CrewCredit, Movie

# The most values one filter takes (`genre=1,2,...`): more is a 400 naming the filter.
MAX_TERMS = 20
ALL, ANY = ",", "|"


def terms_pattern(*, ids_only: bool) -> str:
    """The form `TermsField` accepts, as a JSON Schema pattern for the API document:
    nothing (or only spaces), or up to MAX_TERMS terms joined by `,` or by `|` (not
    both), each an id or, without `ids_only`, a name that is not blank and holds no
    separator or NUL."""
    term = r"\s*[1-9][0-9]{0,17}\s*" if ids_only else r"[^,|\x00]*[^,|\s\x00][^,|\x00]*"
    more = MAX_TERMS - 1
    return rf"^(?:\s*|{term}(?:,{term}){{0,{more}}}|{term}(?:\|{term}){{0,{more}}})$"


@dataclass(frozen=True, slots=True)
class Terms:
    """The parsed value of a multi-value filter: its values and whether all or any must
    match."""

    values: tuple
    any: bool


class TermsField(forms.CharField):
    """A CharField whose value is `a,b` (all) or `a|b` (any), parsed into `Terms`.

    `ids_only`: every value must be a database id. An empty value filters nothing.
    """

    def __init__(self, *args, ids_only: bool = False, **kwargs):
        self.ids_only = ids_only
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text or not text.strip():
            return None
        if ALL in text and ANY in text:
            raise forms.ValidationError(
                "Use either , (all of them) or | (any of them), not both.",
                code=CommonErrorCode.INVALID,
            )
        parts = [part.strip() for part in text.split(ANY if ANY in text else ALL)]
        if any(not part for part in parts):
            raise forms.ValidationError(
                "A value between separators is empty.", code=CommonErrorCode.INVALID
            )
        if len(parts) > MAX_TERMS:
            raise forms.ValidationError(
                f"At most {MAX_TERMS} values.", code=CommonErrorCode.INVALID
            )
        if self.ids_only:
            ids = [to_db_id(part) for part in parts]
            if None in ids:
                raise forms.ValidationError(
                    "Give ids separated by , (all of them) or | (any of them).",
                    code=CommonErrorCode.INVALID,
                )
            parts = ids
        return Terms(tuple(dict.fromkeys(parts)), any=ANY in text)


def _by_id_or_name(value, *, id_field: str, name_field: str) -> Q:
    """A link row naming `value`: by id when it is a number, else by name (any case)."""
    ref_id = to_db_id(value)
    if ref_id is not None:
        return Q(**{id_field: ref_id})
    return Q(**{f"{name_field}__iexact": value})


def _matching(queryset, terms: Terms | None, movies_of):
    """`queryset` narrowed to movies matching all (or any) of `terms`.

    `movies_of(value)` is the Q of the movies one value names (a subquery each).
    """
    if terms is None:
        return queryset
    if terms.any:
        return queryset.filter(reduce(or_, (movies_of(value) for value in terms.values)))
    for value in terms.values:
        queryset = queryset.filter(movies_of(value))
    return queryset


def _in_genre(value) -> Q:
    links = Movie.genres.through.objects.filter(
        _by_id_or_name(value, id_field="genre_id", name_field="genre__name")
    )
    return Q(id__in=links.values("movie_id"))


def _with_keyword(value) -> Q:
    links = Movie.keywords.through.objects.filter(
        _by_id_or_name(value, id_field="keyword_id", name_field="keyword__name")
    )
    return Q(id__in=links.values("movie_id"))


def _with_person(person_id: int) -> Q:
    """Movies the person is in the cast or the crew of."""
    cast = Casting.objects.filter(actor_id=person_id).values("movie_id")
    crew = CrewCredit.objects.filter(person_id=person_id).values("movie_id")
    return Q(id__in=cast) | Q(id__in=crew)


def filter_genres(queryset, terms: Terms | None):
    """Movies in all (`1,2`) or any (`1|2`) of the genres, by id or name."""
    return _matching(queryset, terms, _in_genre)


def filter_keywords(queryset, terms: Terms | None):
    """Movies with all (`1,2`) or any (`1|2`) of the keywords, by id or name."""
    return _matching(queryset, terms, _with_keyword)


def filter_people(queryset, terms: Terms | None):
    """Movies with all (`1,2`) or any (`1|2`) of the people in their cast or crew."""
    return _matching(queryset, terms, _with_person)


def filter_without_genres(queryset, terms: Terms | None):
    """Movies in none of the genres (`,` and `|` read the same here)."""
    if terms is None:
        return queryset
    return queryset.exclude(reduce(or_, (_in_genre(value) for value in terms.values)))
